/**
 * Just enough of Kubernetes' protobuf request encoding for the typed clients kubectl uses without a
 * JSON fallback: `kubectl auth can-i` (SelfSubjectAccessReview, SelfSubjectRulesReview with --list),
 * `kubectl create namespace` and `kubectl create token` (TokenRequest). A body is the `k8s\0` magic,
 * then a runtime.Unknown message whose `raw` field holds the object in the field numbers of k8s.io/api's generated.proto. Other kinds are
 * answered 415 by the caller (protobuf bodies are otherwise out of scope).
 */
import { badRequest, type Obj } from './errors.js';

type FieldKind = 'string' | 'bytes' | 'bool' | 'int' | 'stringMap' | Schema;
interface Schema {
  [field: number]: [name: string, kind: FieldKind];
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const typeMeta: Schema = { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] };
const unknown: Schema = { 1: ['typeMeta', typeMeta], 2: ['raw', 'bytes'], 3: ['contentEncoding', 'string'], 4: ['contentType', 'string'] };
const objectMeta: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  11: ['labels', 'stringMap'],
  12: ['annotations', 'stringMap'],
};
const resourceAttributes: Schema = {
  1: ['namespace', 'string'],
  2: ['verb', 'string'],
  3: ['group', 'string'],
  4: ['version', 'string'],
  5: ['resource', 'string'],
  6: ['subresource', 'string'],
  7: ['name', 'string'],
};
const nonResourceAttributes: Schema = { 1: ['path', 'string'], 2: ['verb', 'string'] };

/** Schemas by "apiVersion/Kind" for the kinds decoded here. */
const kinds: Record<string, Schema> = {
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: ['metadata', objectMeta],
    2: ['spec', { 1: ['resourceAttributes', resourceAttributes], 2: ['nonResourceAttributes', nonResourceAttributes] }],
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': { 1: ['metadata', objectMeta], 2: ['spec', { 1: ['namespace', 'string'] }] },
  'v1/Namespace': { 1: ['metadata', objectMeta], 2: ['spec', { 1: ['finalizers', 'string'] }] },
  // kubectl create token
  'authentication.k8s.io/v1/TokenRequest': {
    1: ['metadata', objectMeta],
    2: ['spec', { 1: ['audiences', 'string'], 3: ['boundObjectRef', { 1: ['kind', 'string'], 2: ['apiVersion', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'] }], 4: ['expirationSeconds', 'int'] }],
  },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw badRequest('protobuf body ends inside a varint');
      const byte = this.buf[this.pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  }
  bytes(): Buffer {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw badRequest('protobuf body ends inside a field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw badRequest(`unsupported protobuf wire type ${wireType}`);
  }
}

const REPEATED = new Set(['finalizers', 'audiences']);

function decodeMessage(buf: Buffer, schema: Schema): Obj {
  const out: Obj = {};
  const r = new Reader(buf);
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    const spec = schema[field];
    if (!spec) {
      r.skip(wireType);
      continue;
    }
    const [name, kind] = spec;
    let value: unknown;
    if (kind === 'bool' || kind === 'int') {
      const n = r.varint();
      value = kind === 'bool' ? n !== 0 : n;
    } else {
      const raw = r.bytes();
      if (kind === 'string') value = raw.toString('utf8');
      else if (kind === 'bytes') value = raw;
      else if (kind === 'stringMap') {
        const entry = decodeMessage(raw, { 1: ['key', 'string'], 2: ['value', 'string'] });
        out[name] = { ...(out[name] ?? {}), [entry.key ?? '']: entry.value ?? '' };
        continue;
      } else value = decodeMessage(raw, kind);
    }
    if (REPEATED.has(name)) out[name] = [...(out[name] ?? []), value];
    else out[name] = value;
  }
  return out;
}

/** Decodes a protobuf request body into the JSON form, or returns undefined for kinds it does not know. */
export function decodeProtobufBody(body: Buffer): Obj | undefined {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf body does not start with the k8s\\0 magic');
  const envelope = decodeMessage(body.subarray(4), unknown);
  const apiVersion: string = envelope.typeMeta?.apiVersion ?? '';
  const kind: string = envelope.typeMeta?.kind ?? '';
  const schema = kinds[`${apiVersion}/${kind}`];
  if (!schema) return undefined;
  return { apiVersion, kind, ...decodeMessage(envelope.raw ?? Buffer.alloc(0), schema) };
}
