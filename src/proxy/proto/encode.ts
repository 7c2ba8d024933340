/**
 * Typed values back to JSON text, the two ways istioctl does it:
 *  - `jsonpb`: github.com/golang/protobuf's legacy Marshaler (cluster/listener/route/endpoint
 *    -o json, compact and then re-indented by encoding/json; bootstrap and secret -o json with
 *    its own Indent, including its odd Struct indentation);
 *  - `protojson`: google.golang.org/protobuf's Multiline form (ecds -o json).
 * Both print set fields in declaration order, omit proto3 defaults, quote 64-bit integers
 * and sort map keys.
 */
import { goFloat, goQuote } from '../go-json.js';
import { goSortSlice } from '../../core/go-sort.js';
import { enumText, isMessage, type FieldValue, type JsonValue, type MessageValue, type Scalar, type SingleValue, type WellKnown } from './decode.js';
import type { FieldDesc } from './schema.js';

/** Is the field set, in proto3's sense (what Go's Message.Has answers)? */
function isSet(fd: FieldDesc, v: FieldValue): boolean {
  if (fd.label === 'repeated' || fd.label === 'map') return (v as unknown[]).length > 0;
  if (fd.oneof >= 0 || fd.label === 'optional' || fd.kind === 'm' || fd.kind === 'raw') return true;
  if (fd.kind === 'e') return Number(v) !== 0;
  return !(v === '' || v === 0 || v === false || v === '0');
}

function scalarText(type: string, v: Scalar, escapeHTML: boolean): string {
  switch (type) {
    case 'string':
      return goQuote(String(v), escapeHTML);
    case 'bytes':
      return goQuote(String(v), escapeHTML);
    case 'bool':
      return v ? 'true' : 'false';
    case 'double':
    case 'float':
      if (typeof v === 'string') return `"${v}"`;
      return goFloat(v as number, type === 'float' ? 32 : 64);
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return `"${v}"`;
    default:
      return String(v);
  }
}

function sortedMapEntries(fd: FieldDesc, entries: [string, SingleValue][]): [string, SingleValue][] {
  const numeric = fd.keyType !== 'string' && fd.keyType !== 'bool';
  const copy = entries.slice();
  if (numeric) return goSortSlice(copy, (a, b) => BigInt(a[0]) < BigInt(b[0]));
  if (fd.keyType === 'bool') return goSortSlice(copy, (a, b) => a[0] === 'false' && b[0] === 'true');
  return goSortSlice(copy, (a, b) => a[0] < b[0]);
}

/** Struct field keys, in Go's sort order (byte order). */
function sortedKeys(o: { [k: string]: JsonValue }): string[] {
  return goSortSlice(Object.keys(o), (a, b) => a < b);
}

// ---------------------------------------------------------------------------------------------
// Legacy jsonpb, a port of github.com/golang/protobuf/jsonpb's jsonWriter.

class JsonpbWriter {
  out = '';
  constructor(private readonly ind: string) {}

  private w(s: string): void {
    this.out += s;
  }

  private comma(): void {
    this.w(this.ind ? ',\n' : ',');
  }

  /** `{`, then the `@type` entry when there is one; true when no entry has been written yet. */
  private openObject(indent: string, typeUrl: string): boolean {
    this.w('{');
    if (this.ind) this.w('\n');
    if (!typeUrl) return true;
    this.typeUrl(indent, typeUrl);
    return false;
  }

  message(m: MessageValue, indent: string, typeUrl: string): void {
    if (!isMessage(m)) return this.wellKnown(m, indent, typeUrl);
    let first = this.openObject(indent, typeUrl);
    for (const fd of m.desc.fields) {
      const v = m.values.get(fd);
      if (v === undefined || !isSet(fd, v)) continue;
      if (!first) this.comma();
      this.field(fd.json, indent, () => this.value(fd, v, indent));
      first = false;
    }
    if (this.ind) this.w('\n' + indent);
    this.w('}');
  }

  private field(key: string, indent: string, value: () => void): void {
    if (this.ind) this.w(indent + this.ind);
    this.w(`"${key}":`);
    if (this.ind) this.w(' ');
    value();
  }

  private typeUrl(indent: string, url: string): void {
    if (this.ind) this.w(indent + this.ind);
    this.w('"@type":');
    if (this.ind) this.w(' ');
    this.w(goQuote(url));
  }

  private value(fd: FieldDesc, v: FieldValue, indent: string): void {
    if (fd.label === 'repeated') {
      return this.list(v as SingleValue[], indent, (item, ind) => this.singular(fd, item, ind));
    }
    if (fd.label === 'map') {
      const entries = sortedMapEntries(fd, v as [string, SingleValue][]);
      return this.map(entries, indent, (item, ind) => this.singular(fd, item, ind));
    }
    this.singular(fd, v as SingleValue, indent);
  }

  private list<T>(items: T[], indent: string, each: (item: T, indent: string) => void): void {
    this.w('[');
    let comma = '';
    for (const item of items) {
      this.w(comma);
      if (this.ind) this.w('\n' + indent + this.ind + this.ind);
      each(item, indent + this.ind);
      comma = ',';
    }
    if (this.ind) this.w('\n' + indent + this.ind);
    this.w(']');
  }

  private map<T>(entries: [string, T][], indent: string, each: (item: T, indent: string) => void): void {
    this.w('{');
    let comma = '';
    for (const [k, item] of entries) {
      this.w(comma);
      if (this.ind) this.w('\n' + indent + this.ind + this.ind);
      this.w(goQuote(k) + ':');
      if (this.ind) this.w(' ');
      each(item, indent + this.ind);
      comma = ',';
    }
    if (this.ind) this.w('\n' + indent + this.ind);
    this.w('}');
  }

  private singular(fd: FieldDesc, v: SingleValue, indent: string): void {
    if (fd.kind === 'm' || fd.kind === 'raw') return this.message(v as MessageValue, indent + this.ind, '');
    if (fd.kind === 'e') {
      if (fd.type === 'google.protobuf.NullValue') return this.w('null');
      const t = enumText(fd.type, v as Scalar);
      return this.w(typeof t === 'number' ? String(t) : `"${t}"`);
    }
    this.w(scalarText(fd.type, v as Scalar, true));
  }

  private wellKnown(m: WellKnown, indent: string, typeUrl: string): void {
    switch (m.wkt) {
      case 'Any':
        return this.any(m, indent);
      case 'Wrapper':
        return this.w(scalarText(m.scalar, m.value, true));
      case 'Duration':
      case 'Timestamp':
        return this.w(`"${m.text}"`);
      case 'Value':
        return this.jsonValue(m.json, indent);
      case 'Struct':
        return this.struct(m.json, indent);
      case 'ListValue':
        return this.listValue(m.json, indent);
      case 'FieldMask':
        // Not one of the legacy Marshaler's special types: a plain message with `paths`.
        this.w('{');
        if (this.ind) this.w('\n');
        if (m.paths.length > 0) this.field('paths', indent, () => this.list(m.paths, indent, (p) => this.w(goQuote(p))));
        if (this.ind) this.w('\n' + indent);
        return this.w('}');
      case 'Raw':
        return this.raw(m.json, indent, typeUrl);
    }
  }

  /** Struct: its `fields` map printed one level deeper than a message's fields (jsonpb's quirk). */
  private struct(o: { [k: string]: JsonValue }, indent: string): void {
    const entries = sortedKeys(o).map((k) => [k, o[k]!] as [string, JsonValue]);
    this.map(entries, indent, (item, ind) => this.jsonValue(item, ind + this.ind));
  }

  private listValue(a: JsonValue[], indent: string): void {
    this.list(a, indent, (item, ind) => this.jsonValue(item, ind + this.ind));
  }

  /** google.protobuf.Value at `indent` (its message indent). */
  private jsonValue(v: JsonValue, indent: string): void {
    if (v === null) return this.w('null');
    if (typeof v === 'boolean') return this.w(v ? 'true' : 'false');
    if (typeof v === 'number') return this.w(goFloat(v));
    if (typeof v === 'string') return this.w(goQuote(v));
    if (Array.isArray(v)) return this.listValue(v, indent + this.ind);
    return this.struct(v, indent + this.ind);
  }

  private any(m: Extract<WellKnown, { wkt: 'Any' }>, indent: string): void {
    if (m.typeUrl === '') return this.w('{}');
    if (m.raw) return this.raw(m.raw, indent, m.typeUrl);
    const inner = m.value!;
    if (isMessage(inner) || inner.wkt === 'Raw') return this.message(inner, indent, m.typeUrl);
    this.w('{');
    if (this.ind) this.w('\n');
    this.typeUrl(indent, m.typeUrl);
    this.comma();
    if (this.ind) this.w(indent + this.ind + '"value": ');
    else this.w('"value":');
    this.message(inner, indent + this.ind, '');
    if (this.ind) this.w('\n' + indent);
    this.w('}');
  }

  /** JSON of a type the layouts do not know, printed as Envoy sent it (keys in its order). */
  private raw(v: JsonValue, indent: string, typeUrl: string): void {
    if (v === null || typeof v !== 'object') return this.jsonValue(v, indent);
    if (Array.isArray(v)) return this.list(v, indent, (item, ind) => this.raw(item, ind + this.ind, ''));
    let first = this.openObject(indent, typeUrl);
    for (const [k, item] of Object.entries(v)) {
      if (!first) this.comma();
      this.field(k, indent, () => this.raw(item, indent + this.ind, ''));
      first = false;
    }
    if (this.ind) this.w('\n' + indent);
    this.w('}');
  }
}

/** jsonpb.Marshaler{Indent: indent}.Marshal(m). */
export function jsonpb(m: MessageValue, indent = ''): string {
  const w = new JsonpbWriter(indent);
  w.message(m, '', '');
  return w.out;
}

// ---------------------------------------------------------------------------------------------
// protojson (compact here; callers indent it with goIndent-like rules but no HTML escaping).

export function protojson(m: MessageValue): string {
  return pjMessage(m, '');
}

function pjMessage(m: MessageValue, typeUrl: string): string {
  if (!isMessage(m)) return pjWellKnown(m, typeUrl);
  const parts: string[] = [];
  if (typeUrl) parts.push(`"@type":${goQuote(typeUrl, false)}`);
  for (const fd of m.desc.fields) {
    const v = m.values.get(fd);
    if (v === undefined || !isSet(fd, v)) continue;
    parts.push(`${goQuote(fd.json, false)}:${pjValue(fd, v)}`);
  }
  return `{${parts.join(',')}}`;
}

function pjValue(fd: FieldDesc, v: FieldValue): string {
  if (fd.label === 'repeated') return `[${(v as SingleValue[]).map((item) => pjSingular(fd, item)).join(',')}]`;
  if (fd.label === 'map') {
    return `{${sortedMapEntries(fd, v as [string, SingleValue][]).map(([k, item]) => `${goQuote(k, false)}:${pjSingular(fd, item)}`).join(',')}}`;
  }
  return pjSingular(fd, v as SingleValue);
}

function pjSingular(fd: FieldDesc, v: SingleValue): string {
  if (fd.kind === 'm' || fd.kind === 'raw') return pjMessage(v as MessageValue, '');
  if (fd.kind === 'e') {
    if (fd.type === 'google.protobuf.NullValue') return 'null';
    const t = enumText(fd.type, v as Scalar);
    return typeof t === 'number' ? String(t) : `"${t}"`;
  }
  return scalarText(fd.type, v as Scalar, false);
}

function pjJson(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'string') return goQuote(v, false);
  if (Array.isArray(v)) return `[${v.map(pjJson).join(',')}]`;
  return `{${sortedKeys(v).map((k) => `${goQuote(k, false)}:${pjJson(v[k]!)}`).join(',')}}`;
}

function pjRaw(v: JsonValue, typeUrl: string): string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return pjJson(v);
  const parts = typeUrl ? [`"@type":${goQuote(typeUrl, false)}`] : [];
  for (const [k, item] of Object.entries(v)) parts.push(`${goQuote(k, false)}:${pjRaw(item, '')}`);
  return `{${parts.join(',')}}`;
}

function pjWellKnown(m: WellKnown, typeUrl: string): string {
  switch (m.wkt) {
    case 'Any': {
      if (m.typeUrl === '') return '{}';
      if (m.raw) return pjRaw(m.raw, m.typeUrl);
      const inner = m.value!;
      if (isMessage(inner) || inner.wkt === 'Raw') return pjMessage(inner, m.typeUrl);
      return `{"@type":${goQuote(m.typeUrl, false)},"value":${pjWellKnown(inner, '')}}`;
    }
    case 'Wrapper':
      return scalarText(m.scalar, m.value, false);
    case 'Duration':
    case 'Timestamp':
      return `"${m.text}"`;
    case 'Value':
    case 'Struct':
    case 'ListValue':
      return pjJson(m.json);
    case 'FieldMask':
      return goQuote(m.paths.join(','), false);
    case 'Raw':
      return pjRaw(m.json, typeUrl);
  }
}

