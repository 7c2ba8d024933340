/** Small helpers over JSON trees: deep merge (lists replace), safe reads, cloning. */
import type { JsonMap } from './types.js';

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merges maps left to right; lists and scalars from later layers replace earlier ones. */
export function deepMerge(...layers: unknown[]): JsonMap {
  const out: JsonMap = {};
  for (const layer of layers) {
    if (!isMap(layer)) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      out[key] = isMap(value) && isMap(out[key]) ? deepMerge(out[key], value) : clone(value);
    }
  }
  return out;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** Reads a dotted path; undefined when any step is missing. */
export function get(root: unknown, path: string): unknown {
  let cur = root;
  for (const key of path.split('.')) {
    if (!isMap(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Go-template truthiness as the charts use it: empty string, 0, false, null, {} and [] are false. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** Drops keys whose value is undefined so builders can write optional fields inline. */
export function compact<T extends JsonMap>(m: T): T {
  for (const k of Object.keys(m)) if (m[k] === undefined) delete m[k];
  return m;
}

/** Helm's `quote`/`toString` on a scalar value from values. */
export function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : isMap(v) || Array.isArray(v) ? JSON.stringify(v) : String(v);
}
