/**
 * How Go values are represented in JavaScript, and the Go type facts the engine needs:
 * objects are Go maps (or structs, see asStruct), arrays are slices, null is a nil interface,
 * undefined is Go's "no value" (a missing map key).
 *
 * JavaScript has one number type; Go templates distinguish int from float64 when printing.
 * JS numbers that are integers behave as Go ints, other numbers as float64. Wrap a number in
 * GoFloat when it is a float64 in Go but happens to be integral (a float literal such as `1e6`,
 * which Go prints as `1e+06`).
 */
export class GoFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

const stringMaps = new WeakSet<object>();
const structs = new WeakSet<object>();

/**
 * Marks a plain object as a Go `map[string]string` (labels, annotations): `index` of a
 * missing key then yields `""` as in Go, instead of nil for `map[string]any`. Returns the object.
 */
export function asStringMap<T extends object>(map: T): T {
  stringMaps.add(map);
  return map;
}

/**
 * Marks a plain object as a Go struct: JSON output keeps its key order (Go field order) instead
 * of sorting keys, and `%v` prints `{v1 v2}`. Returns the object.
 */
export function asStruct<T extends object>(obj: T): T {
  structs.add(obj);
  return obj;
}

export function isStringMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && stringMaps.has(value);
}

export function isStruct(value: unknown): boolean {
  return typeof value === 'object' && value !== null && structs.has(value);
}

export type GoMap = Record<string, unknown>;

/** A plain object (Go map or struct), not an array, GoFloat or Map. */
export function isMapLike(v: unknown): v is GoMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoFloat);
}

/** Go's `%T` for a JS value. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (v instanceof GoFloat) return 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'function') return 'func(...interface {}) interface {}';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Map) return 'map[string]interface {}';
  if (isStringMap(v)) return 'map[string]string';
  if (isStruct(v)) return 'struct';
  return 'map[string]interface {}';
}

/** Thrown by function argument conversion; reported like Go's reflection type errors, at the argument. */
export class ArgTypeError extends Error {
  constructor(
    message: string,
    readonly value?: unknown,
  ) {
    super(message);
  }
}

/** Go truthiness: false, 0, "", nil and empty collections are false. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'string':
      return v.length > 0;
    case 'object':
      if (Array.isArray(v)) return v.length > 0;
      if (v instanceof GoFloat) return v.value !== 0;
      if (v instanceof Map) return v.size > 0;
      if (isStruct(v)) return true;
      for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) return true;
      return false;
    default:
      return true;
  }
}

/** Sorted keys of a Go map (fmt and range sort map keys). */
export function sortedKeys(m: object): string[] {
  return (m instanceof Map ? [...m.keys()].map(String) : Object.keys(m)).sort();
}

export function mapGet(m: object, k: string): unknown {
  if (m instanceof Map) return m.get(k);
  return Object.prototype.hasOwnProperty.call(m, k) ? (m as GoMap)[k] : undefined;
}

export function mapHas(m: object, k: string): boolean {
  return m instanceof Map ? m.has(k) : Object.prototype.hasOwnProperty.call(m, k);
}

/**
 * The JSON name Kubernetes/Istio use for a Go struct field: `Containers` → `containers`,
 * `APIVersion` → `apiVersion`, `HostIP` → `hostIP`, `UID` → `uid`.
 */
export function goFieldToJsonName(field: string): string {
  const lead = /^[A-Z]+/.exec(field)?.[0] ?? '';
  if (lead.length === 0) return field;
  if (lead.length === field.length) return field.toLowerCase();
  if (lead.length > 1) return lead.slice(0, -1).toLowerCase() + field.slice(lead.length - 1);
  return field[0].toLowerCase() + field.slice(1);
}
