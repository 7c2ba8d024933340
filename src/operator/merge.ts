/** Deep merge as istioctl does it: maps merge key by key, lists and scalars replace. */
import type { JsonObject, JsonValue } from './types.js';

export function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Returns a new object: `overlay` on top of `base`. A `null` in the overlay removes the key
 * (`spec: null` in a file contributes nothing). Null map entries are never copied.
 * Inputs are not modified; the result shares no containers with them.
 */
export function deepMerge(base: JsonObject, overlay: JsonObject): JsonObject {
  const out = clone(base) as JsonObject;
  mergeInto(out, overlay);
  return out;
}

/** Merges `overlay` into `target` in place. */
export function mergeInto(target: JsonObject, overlay: JsonObject): void {
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) {
      delete target[key];
    } else if (isPlainObject(value) && isPlainObject(target[key])) {
      mergeInto(target[key] as JsonObject, value);
    } else {
      target[key] = clone(value);
    }
  }
}

export function clone<T extends JsonValue | undefined>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => clone(v)) as T;
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    // A null map entry means "unset" (as in protobuf JSON): leave it out.
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = clone(v);
    return out as T;
  }
  return value;
}
