/**
 * The Envoy message layouts (generated from the Envoy API protos) as lookup tables, plus the
 * google.protobuf well-known types, which have their own JSON forms and are handled by name.
 * Loaded only for -o json|yaml: the tables are ~280 KB of JSON.
 */
import raw from '../generated/envoy-descriptors.mjs';

export type Label = 'single' | 'repeated' | 'map' | 'optional';
/** s: scalar, m: message, e: enum, raw: a type the generator could not resolve (kept as JSON). */
export type Kind = 's' | 'm' | 'e' | 'raw';

export interface FieldDesc {
  name: string;
  json: string;
  number: number;
  label: Label;
  kind: Kind;
  /** Scalar type ("string", "uint32", ...) or the message/enum full name. */
  type: string;
  /** Map key scalar type. */
  keyType?: string;
  /** Index of the oneof the field belongs to, or -1. */
  oneof: number;
}

export interface MessageDesc {
  name: string;
  fields: FieldDesc[];
  /** By proto name and by JSON name, as protojson accepts both. */
  byName: Map<string, FieldDesc>;
}

export const WELL_KNOWN = new Set([
  'google.protobuf.Any',
  'google.protobuf.Struct',
  'google.protobuf.Value',
  'google.protobuf.ListValue',
  'google.protobuf.Duration',
  'google.protobuf.Timestamp',
  'google.protobuf.Empty',
  'google.protobuf.FieldMask',
  'google.protobuf.DoubleValue',
  'google.protobuf.FloatValue',
  'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value',
  'google.protobuf.Int32Value',
  'google.protobuf.UInt32Value',
  'google.protobuf.BoolValue',
  'google.protobuf.StringValue',
  'google.protobuf.BytesValue',
]);

/** The scalar each wrapper type carries. */
export const WRAPPER_SCALAR: Record<string, string> = {
  'google.protobuf.DoubleValue': 'double',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
};

type FieldTuple = [string, number, number, string, number, string?];

interface Tables {
  m: Record<string, FieldTuple[]>;
  e: Record<string, Record<string, number>>;
}

let tables: Tables | undefined;
const messages = new Map<string, MessageDesc | null>();
const enumNames = new Map<string, Map<number, string>>();

function load(): Tables {
  tables ??= JSON.parse(raw) as Tables;
  return tables;
}

/** protoc's default JSON name: underscores removed, the letter after each capitalised. */
export function jsonName(protoName: string): string {
  let out = '';
  let upper = false;
  for (const c of protoName) {
    if (c === '_') upper = true;
    else if (upper) {
      out += c.toUpperCase();
      upper = false;
    } else out += c;
  }
  return out;
}

const LABELS: Label[] = ['single', 'repeated', 'map', 'optional'];

export function messageDesc(name: string): MessageDesc | undefined {
  const cached = messages.get(name);
  if (cached !== undefined) return cached ?? undefined;
  const tuples = load().m[name];
  if (!tuples) {
    messages.set(name, null);
    return undefined;
  }
  const fields = tuples.map(([fname, number, label, type, oneof, custom]): FieldDesc => {
    const lab = LABELS[label]!;
    let keyType: string | undefined;
    let t = type;
    if (lab === 'map') [keyType, t] = type.split('|') as [string, string];
    const kind: Kind = t === 'raw' ? 'raw' : t.startsWith('m:') ? 'm' : t.startsWith('e:') ? 'e' : 's';
    return { name: fname, json: custom ?? jsonName(fname), number, label: lab, kind, type: kind === 'm' || kind === 'e' ? t.slice(2) : t, keyType, oneof };
  });
  const byName = new Map<string, FieldDesc>();
  for (const f of fields) {
    byName.set(f.json, f);
    byName.set(f.name, f);
  }
  const desc = { name, fields, byName };
  messages.set(name, desc);
  return desc;
}

/** Enum value names by number (the first name wins for aliases). */
export function enumValues(name: string): Map<number, string> {
  let m = enumNames.get(name);
  if (!m) {
    m = new Map();
    if (name === 'google.protobuf.NullValue') m.set(0, 'NULL_VALUE');
    for (const [vname, num] of Object.entries(load().e[name] ?? {})) if (!m.has(num)) m.set(num, vname);
    enumNames.set(name, m);
  }
  return m;
}

export function enumNumber(name: string, value: string): number | undefined {
  return load().e[name]?.[value];
}

/** The message type a type URL names (`type.googleapis.com/envoy.config.cluster.v3.Cluster`). */
export function typeFromUrl(url: string): string {
  const slash = url.lastIndexOf('/');
  return slash >= 0 ? url.slice(slash + 1) : url;
}
