/**
 * Kubernetes strategic merge patch, restricted to what injection needs: merging a rendered
 * partial Pod onto a pod (injection.md §2.11). Lists with a Pod-schema merge key merge item
 * by item (patch items first, in patch order, then the original's remaining items); other
 * lists and scalars are replaced; maps merge recursively.
 */
import { getOwn, isObject, setOwn, type Json, type JsonObject } from '../core/json.js';

/** Merge keys of list fields, by the field's name and the name of the object holding it. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  hostAliases: 'ip',
  resourceClaims: 'name',
};

export function strategicMerge(original: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...original };
  for (const [key, value] of Object.entries(patch)) {
    // own entries only: a `__proto__`/`constructor` key stays data (prototype pollution)
    const current = getOwn(out, key);
    const mergeKey = getOwn(MERGE_KEYS, key);
    if (value === null) {
      delete out[key];
    } else if (isObject(value) && isObject(current)) {
      setOwn(out, key, strategicMerge(current, value));
    } else if (Array.isArray(value) && Array.isArray(current) && mergeKey && allKeyed(value, mergeKey) && allKeyed(current, mergeKey)) {
      out[key] = mergeList(current as JsonObject[], value as JsonObject[], mergeKey);
    } else {
      setOwn(out, key, value);
    }
  }
  return out;
}

function allKeyed(list: Json[], key: string): boolean {
  return list.every((item) => isObject(item) && item[key] !== undefined);
}

function mergeList(original: JsonObject[], patch: JsonObject[], key: string): JsonObject[] {
  const byKey = new Map(original.map((item) => [String(item[key]), item]));
  const used = new Set<string>();
  const out: JsonObject[] = [];
  for (const item of patch) {
    const id = String(item[key]);
    const existing = byKey.get(id);
    out.push(existing ? strategicMerge(existing, item) : item);
    used.add(id);
  }
  for (const item of original) if (!used.has(String(item[key]))) out.push(item);
  return out;
}

/**
 * What decoding YAML into Go structs and re-encoding does to a rendered template: nulls and
 * empty lists vanish (`emptyDir:` becomes a bare volume name), empty maps stay.
 */
export function dropEmpty(value: Json): Json | undefined {
  if (value === null) return undefined;
  if (Array.isArray(value)) {
    const items: Json[] = [];
    for (const item of value) {
      const kept = dropEmpty(item);
      if (kept !== undefined) items.push(kept);
    }
    return items.length === 0 ? undefined : items;
  }
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const k of Object.keys(value)) {
      const kept = dropEmpty(value[k]!);
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  return value;
}
