/**
 * Envoy's JSON (snake_case or lowerCamel, as protojson accepts both) read into typed values
 * against the message layouts: what istioctl holds after protojson.Unmarshal with
 * DiscardUnknown. Unknown fields are dropped, defaults stay unset, 64-bit integers keep
 * every digit (as decimal strings), well-known types keep their canonical forms.
 */
import { enumNumber, enumValues, messageDesc, typeFromUrl, WELL_KNOWN, WRAPPER_SCALAR, type FieldDesc, type MessageDesc } from './schema.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A scalar: 64-bit integers and bytes (base64) as strings, 32-bit integers and floats as numbers. */
export type Scalar = string | number | boolean;

export type WellKnown =
  | { wkt: 'Any'; typeUrl: string; value?: MessageValue; raw?: JsonObject }
  | { wkt: 'Struct'; json: JsonObject }
  | { wkt: 'Value'; json: JsonValue }
  | { wkt: 'ListValue'; json: JsonValue[] }
  | { wkt: 'Duration' | 'Timestamp'; text: string }
  | { wkt: 'FieldMask'; paths: string[] }
  | { wkt: 'Wrapper'; scalar: string; value: Scalar }
  /** A field of a type the layouts do not know: kept as the JSON Envoy sent. */
  | { wkt: 'Raw'; json: JsonValue };

export interface Message {
  desc: MessageDesc;
  /** Set fields in declaration order is the encoder's job; this is just what was set. */
  values: Map<FieldDesc, FieldValue>;
}

export type MessageValue = Message | WellKnown;
export type SingleValue = Scalar | MessageValue;
export type FieldValue = SingleValue | SingleValue[] | [string, SingleValue][];

export class DecodeError extends Error {}

export function isMessage(v: unknown): v is Message {
  return typeof v === 'object' && v !== null && 'desc' in v;
}

/** Reads `json` as message `type`; undefined when the layouts do not know the type. */
export function decodeMessage(type: string, json: JsonValue, path = ''): MessageValue {
  if (WELL_KNOWN.has(type)) return decodeWellKnown(type, json, path);
  const desc = messageDesc(type);
  if (!desc) return { wkt: 'Raw', json };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new DecodeError(`${path || type}: expected an object`);
  const values = new Map<FieldDesc, FieldValue>();
  for (const [key, v] of Object.entries(json)) {
    const fd = desc.byName.get(key);
    if (!fd || v === null) continue; // DiscardUnknown; null means unset
    const where = path ? `${path}.${key}` : key;
    if (fd.oneof >= 0) {
      // protojson keeps one member of a oneof; a later one replaces an earlier one here.
      for (const other of values.keys()) if (other.oneof === fd.oneof && other !== fd) values.delete(other);
    }
    if (fd.label === 'repeated') {
      if (!Array.isArray(v)) throw new DecodeError(`${where}: expected a list`);
      values.set(fd, v.map((item, i) => decodeSingle(fd, item, `${where}[${i}]`)));
    } else if (fd.label === 'map') {
      if (typeof v !== 'object' || Array.isArray(v)) throw new DecodeError(`${where}: expected an object`);
      values.set(fd, Object.entries(v).map(([k, item]) => [mapKey(fd.keyType!, k), decodeSingle(fd, item, `${where}.${k}`)] as [string, SingleValue]));
    } else {
      values.set(fd, decodeSingle(fd, v, where));
    }
  }
  return { desc, values };
}

function mapKey(keyType: string, key: string): string {
  if (keyType === 'string') return key;
  if (keyType === 'bool') return key === 'true' ? 'true' : 'false';
  return BigInt(key).toString();
}

function decodeSingle(fd: FieldDesc, v: JsonValue, path: string): SingleValue {
  if (fd.kind === 'm') return decodeMessage(fd.type, v, path);
  if (fd.kind === 'raw') return { wkt: 'Raw', json: v };
  if (fd.kind === 'e') {
    if (fd.type === 'google.protobuf.NullValue') return 0;
    if (typeof v === 'number') return v;
    if (typeof v === 'string') return enumNumber(fd.type, v) ?? v;
    throw new DecodeError(`${path}: expected an enum name`);
  }
  return decodeScalar(fd.type, v, path);
}

export function decodeScalar(type: string, v: JsonValue, path: string): Scalar {
  switch (type) {
    case 'string':
      if (typeof v !== 'string') throw new DecodeError(`${path}: expected a string`);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw new DecodeError(`${path}: expected true or false`);
      return v;
    case 'bytes':
      if (typeof v !== 'string') throw new DecodeError(`${path}: expected base64 text`);
      return Buffer.from(v, 'base64').toString('base64');
    case 'double':
    case 'float':
      if (typeof v === 'number') return v;
      if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return v;
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
      throw new DecodeError(`${path}: expected a number`);
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      if ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v))) return BigInt(v).toString();
      throw new DecodeError(`${path}: expected an integer`);
    default:
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
      throw new DecodeError(`${path}: expected an integer`);
  }
}

function decodeWellKnown(type: string, json: JsonValue, path: string): WellKnown {
  const name = type.slice('google.protobuf.'.length);
  if (type in WRAPPER_SCALAR) return { wkt: 'Wrapper', scalar: WRAPPER_SCALAR[type]!, value: decodeScalar(WRAPPER_SCALAR[type]!, json, path) };
  switch (name) {
    case 'Any': {
      if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new DecodeError(`${path}: expected an object`);
      const typeUrl = typeof json['@type'] === 'string' ? json['@type'] : '';
      if (typeUrl === '') return { wkt: 'Any', typeUrl };
      const inner = typeFromUrl(typeUrl);
      const rest: JsonObject = {};
      for (const [k, v] of Object.entries(json)) if (k !== '@type') rest[k] = v;
      if (WELL_KNOWN.has(inner)) return { wkt: 'Any', typeUrl, value: decodeWellKnown(inner, rest.value ?? null, path) };
      if (!messageDesc(inner)) return { wkt: 'Any', typeUrl, raw: rest };
      return { wkt: 'Any', typeUrl, value: decodeMessage(inner, rest, path) };
    }
    case 'Struct':
      if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new DecodeError(`${path}: expected an object`);
      return { wkt: 'Struct', json };
    case 'ListValue':
      if (!Array.isArray(json)) throw new DecodeError(`${path}: expected a list`);
      return { wkt: 'ListValue', json };
    case 'Value':
      return { wkt: 'Value', json };
    case 'Duration':
      return { wkt: 'Duration', text: normalizeDuration(json, path) };
    case 'Timestamp':
      return { wkt: 'Timestamp', text: normalizeTimestamp(json, path) };
    case 'FieldMask':
      if (typeof json !== 'string') throw new DecodeError(`${path}: expected a field mask`);
      return { wkt: 'FieldMask', paths: json === '' ? [] : json.split(',') };
    default:
      // Empty, or anything else without a special form.
      return { wkt: 'Raw', json: name === 'Empty' ? {} : json };
  }
}

/** Go's rule: 0, 3, 6 or 9 fractional digits. */
function fraction(nanos: string): string {
  let x = nanos.padEnd(9, '0');
  if (x.endsWith('000')) x = x.slice(0, 6);
  if (x.endsWith('000')) x = x.slice(0, 3);
  return x === '000' ? '' : `.${x}`;
}

function normalizeDuration(json: JsonValue, path: string): string {
  const m = typeof json === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(json) : null;
  if (!m) throw new DecodeError(`${path}: expected a duration such as "1.5s"`);
  const secs = BigInt(m[2]!).toString();
  const frac = fraction(m[3] ?? '');
  const zero = secs === '0' && frac === '';
  return `${m[1] && !zero ? '-' : ''}${secs}${frac}s`;
}

function normalizeTimestamp(json: JsonValue, path: string): string {
  const m = typeof json === 'string' ? /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(json) : null;
  if (!m) throw new DecodeError(`${path}: expected an RFC 3339 timestamp`);
  let base = m[1]!;
  if (m[3]!.toUpperCase() !== 'Z') {
    const ms = Date.parse(`${m[1]}${m[3]}`);
    base = new Date(ms).toISOString().slice(0, 19);
  }
  return `${base}${fraction(m[2] ?? '')}Z`;
}

/** Enum text for output: the value's name, or its number when the enum has no such value. */
export function enumText(type: string, v: Scalar): string | number {
  if (typeof v === 'string') return v;
  return enumValues(type).get(Number(v)) ?? Number(v);
}
