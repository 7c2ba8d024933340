/**
 * JSON trees (parsed YAML or JSON, rendered objects): the one type, guard, copy and merges.
 * Each operation below writes keys in exactly one loop (clone: copyInto; overlay: overlayInto;
 * withDefaults; setPath; stableJson: sortedKeys), and every one reads with getOwn and writes with
 * setOwn: a key such as `__proto__`, `constructor` or `prototype` is plain data here and can
 * never reach Object.prototype (prototype pollution). Inputs refuse such keys earlier, with a
 * location (yaml/limits.ts for `__proto__` everywhere, operator/ for IstioOperator paths).
 */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** Keys that name JavaScript object machinery; refused in IstioOperator paths and keys. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** `obj[key]` if it is the object's own entry (never an inherited `constructor`/`__proto__`). */
export function getOwn<T>(obj: { [key: string]: T } | T[], key: string | number): T | undefined {
  return Object.hasOwn(obj, key) ? (obj as Record<string | number, T>)[key] : undefined;
}

/** `obj[key] = value` as a plain data entry, also for `__proto__` (which assignment would treat as the prototype). */
export function setOwn<T>(obj: { [key: string]: T } | T[], key: string | number, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else (obj as Record<string | number, T>)[key] = value;
}

/** A map (not null, not a list). */
export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A deep copy, several times faster than structuredClone on pod-sized values and like it in
 * what matters here: an object reached twice (a YAML alias) is copied once and stays shared,
 * and a `__proto__` key stays a plain data key.
 */
export function clone<T extends Json | undefined>(value: T): T {
  return copy(value, new Map());
}

function copy<T extends Json | undefined>(value: T, seen: Map<object, Json>): T {
  if (value === null || typeof value !== 'object') return value;
  const done = seen.get(value);
  if (done !== undefined) return done as T;
  if (Array.isArray(value)) {
    const out: Json[] = [];
    seen.set(value, out);
    for (const item of value) out.push(copy(item, seen));
    return out as T;
  }
  const out: JsonObject = {};
  seen.set(value, out);
  copyInto(out, value as JsonObject, seen);
  return out as T;
}

function copyInto(out: JsonObject, from: JsonObject, seen: Map<object, Json>): void {
  for (const key of Object.keys(from)) setOwn(out, key, copy(from[key], seen));
}

/**
 * Layers merged left to right as istioctl (and Helm) merge values: maps merge key by key,
 * lists and scalars replace, a `null` removes the key, `undefined` (a JS caller's "not
 * given") is skipped, and layers that are not maps contribute nothing. The result is new and
 * shares no containers with the layers; null map entries are never copied into it.
 */
export function overlay(...layers: readonly unknown[]): JsonObject {
  const out: JsonObject = {};
  for (const layer of layers) if (isObject(layer)) overlayInto(out, layer);
  return out;
}

/** overlay's merge of one layer, in place (`target` is changed, `layer` is not). */
export function overlayInto(target: JsonObject, layer: JsonObject): void {
  for (const key of Object.keys(layer)) {
    const value = layer[key];
    if (value === undefined) continue;
    const current = getOwn(target, key);
    if (value === null) delete target[key];
    else if (isObject(value) && isObject(current)) overlayInto(current, value);
    else setOwn(target, key, fresh(value));
  }
}

/** A copy for overlay: new containers, null map entries left out. */
function fresh(value: Json): Json {
  if (Array.isArray(value)) return value.map(fresh);
  if (isObject(value)) {
    const out: JsonObject = {};
    overlayInto(out, value);
    return out;
  }
  return value;
}

/**
 * `over` on top of `defaults`, field by field like a proto merge: maps merge, anything else in
 * `over` replaces, and a null or undefined in `over` keeps the default. Only the merged maps are
 * new; other values are shared with the inputs.
 */
export function withDefaults(defaults: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...defaults };
  for (const key of Object.keys(over)) {
    const value = over[key];
    if (value === null || value === undefined) continue;
    const current = getOwn(out, key);
    setOwn(out, key, isObject(value) && isObject(current) ? withDefaults(current, value) : value);
  }
  return out;
}

/** The value at `path` (map keys, list indexes), or undefined where a step is missing. */
export function getPath(root: unknown, path: readonly (string | number)[]): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = getOwn(cur as Record<string | number, unknown>, key);
  }
  return cur;
}

/** Replaces the value at `path`, whose parent must exist (as found by getPath). */
export function setPath(root: JsonObject, path: readonly (string | number)[], value: Json): void {
  let cur: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) cur = getOwn(cur, key) as Record<string | number, unknown>;
  setOwn(cur, path[path.length - 1]!, value as unknown);
}

/** A map's entries as strings (labels, annotations); null and missing values become ''. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(value)) for (const [k, v] of Object.entries(value)) setOwn(out, k, v === null || v === undefined ? '' : String(v));
  return out;
}

/** Pretty JSON with map keys sorted at every level, so texts such as the values ConfigMaps are byte-stable. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value), null, 2);
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) setOwn(out, key, sortedKeys(value[key]));
  return out;
}
