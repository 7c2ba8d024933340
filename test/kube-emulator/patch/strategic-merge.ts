/**
 * Strategic merge patch for built-in kinds: maps merge, lists merge by their patch merge key where the
 * Go type says `patchStrategy:"merge"`, other lists are replaced. Supports the directives kubectl sends:
 * `null` deletes, `$patch: replace|delete|merge`, `$setElementOrder/<field>`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>`.
 */
import type { Obj } from '../errors.js';
import { clone, deepEqual, isPlainObject } from './json-patches.js';
import type { SchemaNode } from './schema-tree.js';

const ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/** Drops directives from a value that replaces, rather than merges into, the original. */
function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => !(isPlainObject(v) && v.$patch === 'delete')).map(stripDirectives);
  if (!isPlainObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(ORDER) || k.startsWith(DELETE_PRIMITIVE)) continue;
    if (v === null) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}

function merges(node: SchemaNode | undefined): boolean {
  return !!node?.patchStrategy?.split(',').includes('merge');
}

function keyOf(item: unknown, key: string | undefined): unknown {
  return key && isPlainObject(item) ? item[key] : item;
}

function mergeList(original: unknown, patch: unknown[], node: SchemaNode | undefined, order: unknown[] | undefined): unknown[] {
  if (patch.some((p) => isPlainObject(p) && p.$patch === 'replace')) {
    return stripDirectives(patch.filter((p) => !(isPlainObject(p) && p.$patch === 'replace'))) as unknown[];
  }
  if (!merges(node) || !Array.isArray(original)) return stripDirectives(patch) as unknown[];
  const key = node?.patchKey;
  const result = original.map((x) => x);
  for (const item of patch) {
    if (key && isPlainObject(item)) {
      const idx = result.findIndex((r) => isPlainObject(r) && deepEqual(r[key], item[key]));
      if (item.$patch === 'delete') {
        if (idx >= 0) result.splice(idx, 1);
      } else if (idx >= 0) {
        result[idx] = strategicMerge(result[idx], item, node?.items);
      } else {
        result.push(stripDirectives(item));
      }
    } else if (!result.some((r) => deepEqual(r, item))) {
      result.push(clone(item));
    }
  }
  const patchOrder = (order ?? patch.filter((p) => !(isPlainObject(p) && p.$patch === 'delete'))).map((o) => keyOf(o, key));
  return normalizeOrder(result, patchOrder, original.map((o) => keyOf(o, key)), key);
}

/**
 * The element order kube-apiserver produces: items named by the patch (or its $setElementOrder) in
 * that order, the server's other items in their old order, interleaved where both orders agree
 * (apimachinery's normalizeElementOrder/mergeSortedSlice). New items thus come before unnamed old ones.
 */
function normalizeOrder(merged: unknown[], patchOrder: unknown[], serverOrder: unknown[], key: string | undefined): unknown[] {
  const indexIn = (list: unknown[], item: unknown) => list.findIndex((k) => deepEqual(k, keyOf(item, key)));
  const inPatch = merged.filter((m) => indexIn(patchOrder, m) >= 0).sort((a, b) => indexIn(patchOrder, a) - indexIn(patchOrder, b));
  const serverOnly = merged.filter((m) => indexIn(patchOrder, m) < 0).sort((a, b) => indexIn(serverOrder, a) - indexIn(serverOrder, b));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < inPatch.length) {
    if (j >= inPatch.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(inPatch[j++]);
    else {
      const li = indexIn(serverOrder, serverOnly[i]);
      const ri = indexIn(serverOrder, inPatch[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(inPatch[j++]);
    }
  }
  return out;
}

export function strategicMerge(original: unknown, patch: unknown, node: SchemaNode | undefined): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const result: Obj = isPlainObject(original) ? { ...original } : {};
  const orders = new Map<string, unknown[]>();
  for (const [key, value] of Object.entries(patch)) if (key.startsWith(ORDER) && Array.isArray(value)) orders.set(key.slice(ORDER.length), value);
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith(ORDER)) continue;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      if (Array.isArray(result[field]) && Array.isArray(value)) {
        result[field] = (result[field] as unknown[]).filter((v) => !value.some((d) => deepEqual(d, v)));
      }
      continue;
    }
    const child = node?.fields?.[key] ?? node?.values;
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(result[key], value, child, orders.get(key));
    else if (isPlainObject(value)) {
      const merged = strategicMerge(result[key], value, child);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else result[key] = value;
  }
  for (const [field, order] of orders) {
    // An order without a patch for the list only reorders it.
    if (!(field in patch) && Array.isArray(result[field]) && merges(node?.fields?.[field])) {
      const k = node?.fields?.[field]?.patchKey;
      result[field] = normalizeOrder(result[field], order.map((o) => keyOf(o, k)), (result[field] as unknown[]).map((o) => keyOf(o, k)), k);
    }
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.map(String));
    for (const k of Object.keys(result)) if (!keep.has(k)) delete result[k];
  }
  return result;
}
