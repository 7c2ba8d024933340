/** Chart-value helpers for the builders: dotted reads, Go-template truthiness, Helm's `str`. */
import { isObject, overlay as mergeLayers } from '../core/json.js';
import type { JsonMap } from './types.js';

// core/json's guard and merge (null deletes, undefined skipped), typed for the builders'
// JsonMap objects (values themselves are typed by operator/generated/values.d.ts).
export const isMap = isObject as (v: unknown) => v is JsonMap;
export const overlay = mergeLayers as (...layers: unknown[]) => JsonMap;

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
