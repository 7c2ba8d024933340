/**
 * Kubernetes strategic merge patch against the Pod schema, as istiod applies each rendered
 * template (and each user override) to a pod (injection.md §2.11). Maps merge recursively; a
 * null in the patch deletes the key (nulls inside newly added parts are dropped); lists with
 * a Pod-schema merge key merge item by item; other lists and scalars are replaced.
 * Merged lists follow apimachinery's element order: patch items in patch order, the
 * original's other items in their order, interleaved by their original positions where both
 * sides know them (so re-merging a container keeps it where it was, and new items go first).
 */
import { getOwn, isObject, setOwn, type Json, type JsonObject } from '../core/json.js';
import { isShared, share } from '../yaml/fast-parse.js';

/** Merge keys of list fields, by the field's name. */
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
  schedulingGates: 'name',
  topologySpreadConstraints: 'topologyKey',
};

export function strategicMerge(original: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...original };
  for (const key of Object.keys(patch)) {
    const value = patch[key]!;
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
      setOwn(out, key, withoutNulls(value));
    }
  }
  return out;
}

function allKeyed(list: Json[], key: string): boolean {
  for (const item of list) if (!isObject(item) || item[key] === undefined || item[key] === null) return false;
  return true;
}

function mergeList(original: JsonObject[], patch: JsonObject[], key: string): JsonObject[] {
  const merged = original.slice();
  const serverIndex = new Map<Json, number>();
  original.forEach((item, i) => {
    if (!serverIndex.has(item[key]!)) serverIndex.set(item[key]!, i);
  });
  const patchIndex = new Map<Json, number>();
  for (let i = 0; i < patch.length; i++) {
    const item = patch[i]!;
    if (!patchIndex.has(item[key]!)) patchIndex.set(item[key]!, i);
    const at = merged.findIndex((o) => o[key] === item[key]);
    if (at >= 0) merged[at] = strategicMerge(merged[at]!, item);
    else merged.push(withoutNulls(item) as JsonObject);
  }
  const fromPatch = merged.filter((m) => patchIndex.has(m[key]!));
  const serverOnly = merged.filter((m) => !patchIndex.has(m[key]!));
  fromPatch.sort((a, b) => patchIndex.get(a[key]!)! - patchIndex.get(b[key]!)!);
  // Server-only items are already in original order. Interleave: a server-only item goes
  // before a patch item only when both were in the original and it came first there.
  const out: JsonObject[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < fromPatch.length) {
    if (i >= serverOnly.length) out.push(fromPatch[j++]!);
    else if (j >= fromPatch.length) out.push(serverOnly[i++]!);
    else {
      const li = serverIndex.get(serverOnly[i]![key]!);
      const ri = serverIndex.get(fromPatch[j]![key]!);
      if (li !== undefined && ri !== undefined && li < ri) out.push(serverOnly[i++]!);
      else out.push(fromPatch[j++]!);
    }
  }
  return out;
}

/** Patch parts asPatch found nulls in (a null, or a part holding one). */
const holdsNull = new WeakSet<object>();

/** A patch part added as a whole: its nulls are deletions of nothing. */
function withoutNulls(value: Json): Json {
  if (value === null || typeof value !== 'object' || !holdsNull.has(value)) return value;
  if (Array.isArray(value)) return value.map((item) => (item !== null && typeof item === 'object' ? withoutNulls(item) : item));
  const out: JsonObject = {};
  for (const k of Object.keys(value)) {
    const v = value[k]!;
    if (v !== null) setOwn(out, k, typeof v === 'object' ? withoutNulls(v) : v);
  }
  return out;
}

/** Map-typed Pod fields: their entries keep empty strings (struct fields lose them). */
const STRING_MAPS = new Set(['labels', 'annotations', 'nodeSelector', 'volumeAttributes', 'limits', 'requests']);

/**
 * What decoding rendered template YAML into Kubernetes types does to it before it patches the
 * pod: empty lists and empty-string fields vanish (`value: ""` on an env entry, an empty
 * `imagePullPolicy`); nulls stay, as deletions. Empty maps stay.
 */
export function asPatch(value: Json, parentKey = ''): Json | undefined {
  if (value === null || typeof value !== 'object') return value;
  // Shared template output (parseSharedYaml) never changes: its patch form is worked out once, and shared too.
  if (!isShared(value)) return patchOf(value, parentKey);
  const keepEmpty = STRING_MAPS.has(parentKey);
  const memo = keepEmpty ? sharedKeepingEmpty : sharedPatches;
  if (memo.has(value)) return memo.get(value);
  const out = patchOf(value, parentKey);
  memo.set(value, out === undefined ? out : share(out));
  return out;
}

/** asPatch of shared values, by whether their parent keeps empty strings. */
const sharedPatches = new WeakMap<object, Json | undefined>();
const sharedKeepingEmpty = new WeakMap<object, Json | undefined>();

function patchOf(value: JsonObject | Json[], parentKey: string): Json | undefined {
  if (Array.isArray(value)) {
    let items: Json[] | undefined;
    let nulls = false;
    for (let i = 0; i < value.length; i++) {
      const item = value[i]!;
      const kept = item !== null && typeof item === 'object' ? asPatch(item, '') : item;
      if (kept !== item && !items) items = value.slice(0, i);
      if (kept === undefined) continue;
      if (kept === null || (typeof kept === 'object' && holdsNull.has(kept))) nulls = true;
      items?.push(kept);
    }
    const out = items ?? value;
    if (out.length === 0) return undefined;
    if (nulls) holdsNull.add(out);
    return out;
  }
  const keepEmpty = STRING_MAPS.has(parentKey);
  let out: JsonObject | undefined;
  let nulls = false;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = value[k]!;
    const kept = v === '' && !keepEmpty ? undefined : v !== null && typeof v === 'object' ? asPatch(v, k) : v;
    if (kept !== v && !out) {
      out = {};
      for (let j = 0; j < i; j++) setOwn(out, keys[j]!, value[keys[j]!]!);
    }
    if (kept === undefined) continue;
    if (kept === null || (typeof kept === 'object' && holdsNull.has(kept))) nulls = true;
    if (out) setOwn(out, k, kept);
  }
  const result = out ?? value;
  if (nulls) holdsNull.add(result);
  return result;
}
