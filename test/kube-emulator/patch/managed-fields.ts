/**
 * Field ownership for server-side apply: field sets in the FieldsV1 path vocabulary (`f:name`,
 * `k:{"name":"web"}`, `v:"x"`), conversion to and from `metadata.managedFields`, conflict detection,
 * and the apply merge itself. A path is its elements joined by SEP; a set holds every member path
 * (list-map items are members too, shown as "." in FieldsV1).
 */
import { ApiError, type Obj } from '../errors.js';
import { clone, deepEqual, isPlainObject } from './json-patches.js';
import type { SchemaNode } from './schema-tree.js';

const SEP = '\u0001';
export type FieldSet = Set<string>;

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Obj;
  subresource?: string;
}

/** Metadata fields a manager can own; everything else in metadata belongs to the server. */
const OWNABLE_METADATA = ['labels', 'annotations', 'ownerReferences', 'finalizers'];

function sortedKeyObject(item: Obj, keys: string[], defaults: Record<string, unknown> | undefined): Obj {
  const out: Obj = {};
  for (const k of [...keys].sort()) {
    const v = item[k] ?? defaults?.[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function addFields(value: unknown, node: SchemaNode | undefined, prefix: string, out: FieldSet): void {
  if (isPlainObject(value)) {
    if (node?.atomic || Object.keys(value).length === 0) {
      if (prefix) out.add(prefix);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (child === null || child === undefined) continue;
      addFields(child, node?.fields?.[key] ?? node?.values, join(prefix, `f:${key}`), out);
    }
    return;
  }
  if (Array.isArray(value) && node?.list === 'map' && node.mapKeys?.length) {
    for (const item of value) {
      if (!isPlainObject(item)) continue;
      const itemPath = join(prefix, `k:${JSON.stringify(sortedKeyObject(item, node.mapKeys, node.keyDefaults))}`);
      out.add(itemPath);
      addFields(item, node.items, itemPath, out);
    }
    return;
  }
  if (Array.isArray(value) && node?.list === 'set') {
    for (const item of value) out.add(join(prefix, `v:${JSON.stringify(item)}`));
    return;
  }
  if (prefix) out.add(prefix);
}

function join(prefix: string, element: string): string {
  return prefix ? `${prefix}${SEP}${element}` : element;
}

/** The fields an object sets. `part` picks the main resource (no status) or only status. */
export function fieldsOf(obj: Obj, tree: SchemaNode, part: 'all' | 'main' | 'status'): FieldSet {
  const out: FieldSet = new Set();
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'apiVersion' || key === 'kind' || value === null || value === undefined) continue;
    if (part === 'main' && key === 'status') continue;
    if (part === 'status' && key !== 'status') continue;
    if (key === 'metadata') {
      for (const mk of OWNABLE_METADATA) {
        if (isPlainObject(value) && value[mk] !== undefined && value[mk] !== null) {
          addFields(value[mk], tree.fields?.metadata?.fields?.[mk], `f:metadata${SEP}f:${mk}`, out);
        }
      }
      continue;
    }
    addFields(value, tree.fields?.[key], `f:${key}`, out);
  }
  return out;
}

function findItem(list: unknown[], element: string, node: SchemaNode | undefined): number {
  if (element.startsWith('k:')) {
    const want = JSON.parse(element.slice(2)) as Obj;
    return list.findIndex(
      (item) => isPlainObject(item) && Object.entries(want).every(([k, v]) => deepEqual(item[k] ?? node?.keyDefaults?.[k], v)),
    );
  }
  if (element.startsWith('v:')) {
    const want = JSON.parse(element.slice(2));
    return list.findIndex((item) => deepEqual(item, want));
  }
  if (element.startsWith('i:')) return Number(element.slice(2));
  return -1;
}

interface Located {
  found: boolean;
  value?: unknown;
  parent?: unknown;
  index?: number | string;
}

function locate(obj: unknown, path: string, tree: SchemaNode): Located {
  let cur: unknown = obj;
  let node: SchemaNode | undefined = tree;
  let parent: unknown;
  let index: number | string | undefined;
  for (const element of path.split(SEP)) {
    parent = cur;
    if (element.startsWith('f:')) {
      const key = element.slice(2);
      if (!isPlainObject(cur) || !(key in cur)) return { found: false };
      index = key;
      cur = cur[key];
      node = node?.fields?.[key] ?? node?.values;
    } else {
      if (!Array.isArray(cur)) return { found: false };
      const i = findItem(cur, element, node);
      if (i < 0 || i >= cur.length) return { found: false };
      index = i;
      cur = cur[i];
      node = node?.items;
    }
  }
  return { found: true, value: cur, parent, index };
}

export function toFieldsV1(set: FieldSet): Obj {
  const rootNode: Obj = {};
  const paths = [...set].sort();
  for (const path of paths) {
    let cur = rootNode;
    for (const element of path.split(SEP)) {
      cur[element] ??= {};
      cur = cur[element];
    }
  }
  // Members that also have children carry a "." marker.
  for (const path of paths) {
    let cur = rootNode;
    for (const element of path.split(SEP)) cur = cur[element];
    if (Object.keys(cur).some((k) => k !== '.')) cur['.'] = {};
  }
  return rootNode;
}

export function fromFieldsV1(fields: Obj | undefined): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: Obj, prefix: string) => {
    for (const [key, child] of Object.entries(node)) {
      if (key === '.') {
        if (prefix) out.add(prefix);
        continue;
      }
      const path = join(prefix, key);
      if (!isPlainObject(child) || Object.keys(child).length === 0) out.add(path);
      else walk(child, path);
    }
  };
  if (fields) walk(fields, '');
  return out;
}

/** `.spec.replicas`, `.spec.containers[name="web"].image`: the notation of conflict messages. */
export function describePath(path: string): string {
  return path
    .split(SEP)
    .map((element) => {
      if (element.startsWith('f:')) return `.${element.slice(2)}`;
      if (element.startsWith('k:')) {
        const keys = JSON.parse(element.slice(2)) as Obj;
        return `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      }
      if (element.startsWith('v:')) return `[=${element.slice(2)}]`;
      return `[${element.slice(2)}]`;
    })
    .join('');
}

/** Every path of the set that has a member below it (computed once per set: O(total path length)). */
function parentsIn(set: FieldSet): Set<string> {
  const parents = new Set<string>();
  for (const path of set) {
    for (let i = path.lastIndexOf(SEP); i > 0; i = path.lastIndexOf(SEP, i - 1)) {
      const parent = path.slice(0, i);
      if (parents.has(parent)) break;
      parents.add(parent);
    }
  }
  return parents;
}

export function readManagedFields(obj: Obj): ManagedFieldsEntry[] {
  return Array.isArray(obj.metadata?.managedFields) ? obj.metadata.managedFields : [];
}

function sameEntry(e: ManagedFieldsEntry, manager: string, operation: string, subresource: string | undefined): boolean {
  return e.manager === manager && e.operation === operation && (e.subresource ?? '') === (subresource ?? '');
}

export interface OwnershipChange {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  apiVersion: string;
  time: string;
  /** Fields the writer now owns (Apply: its whole applied set; Update: the fields it changed). */
  owned: FieldSet;
  /** Apply replaces the manager's set; Update adds to it. */
  replace: boolean;
  /** Fields a forced apply took from other managers. */
  taken?: FieldSet;
}

/**
 * Recomputes managedFields after a write: the writer takes `owned`, others lose those fields
 * (an Update or a forced Apply takes ownership), and every path no longer present disappears.
 */
export function updateManagedFields(previous: ManagedFieldsEntry[], next: Obj, tree: SchemaNode, change: OwnershipChange): ManagedFieldsEntry[] {
  const entries = previous.map((e) => ({ entry: e, set: fromFieldsV1(e.fieldsV1) }));
  let mine = entries.find((e) => sameEntry(e.entry, change.manager, change.operation, change.subresource));
  if (!mine) {
    mine = {
      entry: {
        manager: change.manager,
        operation: change.operation,
        apiVersion: change.apiVersion,
        time: change.time,
        fieldsType: 'FieldsV1',
        fieldsV1: {},
        ...(change.subresource ? { subresource: change.subresource } : {}),
      },
      set: new Set(),
    };
    entries.push(mine);
  }
  const changedMine = change.replace || [...change.owned].some((p) => !mine.set.has(p));
  if (change.replace) mine.set = new Set(change.owned);
  else for (const p of change.owned) mine.set.add(p);
  if (changedMine || change.replace) {
    mine.entry = { ...mine.entry, time: change.time, apiVersion: change.apiVersion };
  }
  const out: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    const size = e.set.size;
    if (e !== mine && change.operation === 'Update') for (const p of change.owned) e.set.delete(p);
    if (e !== mine && change.taken) for (const p of change.taken) e.set.delete(p);
    for (const p of [...e.set]) if (!locate(next, p, tree).found) e.set.delete(p);
    if (e.set.size === 0) continue;
    const unchanged = e !== mine && e.set.size === size;
    out.push(unchanged ? e.entry : { ...e.entry, fieldsV1: toFieldsV1(e.set) });
  }
  return out;
}

/** The leaf fields whose value differs between two objects (for Update ownership). */
export function changedFields(before: Obj | undefined, after: Obj, tree: SchemaNode, part: 'all' | 'main' | 'status'): FieldSet {
  const out: FieldSet = new Set();
  const afterSet = fieldsOf(after, tree, part);
  const parents = parentsIn(afterSet);
  for (const path of afterSet) {
    if (parents.has(path)) continue;
    const was = before ? locate(before, path, tree) : { found: false };
    if (!was.found || !deepEqual(was.value, locate(after, path, tree).value)) out.add(path);
  }
  return out;
}

function mergeApplied(live: unknown, applied: unknown, node: SchemaNode | undefined): unknown {
  if (isPlainObject(applied)) {
    if (node?.atomic || !isPlainObject(live)) return clone(stripNulls(applied));
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) continue;
      out[k] = mergeApplied(live[k], v, node?.fields?.[k] ?? node?.values);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live) && node?.list === 'map' && node.mapKeys?.length) {
    const out = [...live];
    for (const item of applied) {
      if (!isPlainObject(item)) continue;
      const element = `k:${JSON.stringify(sortedKeyObject(item, node.mapKeys, node.keyDefaults))}`;
      const idx = findItem(out, element, node);
      if (idx >= 0) out[idx] = mergeApplied(out[idx], item, node.items);
      else out.push(clone(stripNulls(item)));
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live) && node?.list === 'set') {
    const out = [...live];
    for (const item of applied) if (!out.some((x) => deepEqual(x, item))) out.push(item);
    return out;
  }
  return clone(stripNulls(applied));
}

function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
  return out;
}

function removePath(obj: Obj, path: string, tree: SchemaNode): void {
  const at = locate(obj, path, tree);
  if (!at.found) return;
  if (Array.isArray(at.parent) && typeof at.index === 'number') at.parent.splice(at.index, 1);
  else if (isPlainObject(at.parent) && typeof at.index === 'string') delete at.parent[at.index];
}

/**
 * Removes what this manager applied before and applies no more, unless another manager owns it.
 * Parents go before their children (a list-map item disappears whole, instead of losing its key
 * fields one by one and staying behind as an empty shell); an item in which another manager still
 * owns something stays, losing only this manager's fields but never its key fields.
 */
function removeDisowned(merged: Obj, previous: FieldSet, applied: FieldSet, others: FieldSet[], tree: SchemaNode): void {
  const ownedElsewhere = new Set<string>();
  const heldElsewhere = new Set<string>(); // paths that are, or contain, a field another manager owns
  for (const set of others) {
    for (const path of set) {
      ownedElsewhere.add(path);
      let end = path.length;
      while (end > 0) {
        heldElsewhere.add(path.slice(0, end));
        end = path.lastIndexOf(SEP, end - 1);
      }
    }
  }
  const disowned = [...previous].filter((p) => !applied.has(p) && !ownedElsewhere.has(p));
  disowned.sort((a, b) => depth(a) - depth(b));
  for (const path of disowned) {
    if (heldElsewhere.has(path) || isListMapKey(path, tree)) continue;
    removePath(merged, path, tree);
  }
}

function depth(path: string): number {
  let n = 0;
  for (let i = path.indexOf(SEP); i >= 0; i = path.indexOf(SEP, i + 1)) n++;
  return n;
}

/** Is this path a key field of a list-map item (`...k:{"port":80}` then `f:port`)? */
function isListMapKey(path: string, tree: SchemaNode): boolean {
  const elements = path.split(SEP);
  const last = elements[elements.length - 1];
  if (elements.length < 2 || !last.startsWith('f:') || !elements[elements.length - 2].startsWith('k:')) return false;
  let node: SchemaNode | undefined = tree;
  for (const element of elements.slice(0, -2)) node = element.startsWith('f:') ? node?.fields?.[element.slice(2)] ?? node?.values : node?.items;
  return !!node?.mapKeys?.includes(last.slice(2));
}

export interface ApplyInput {
  live: Obj | undefined;
  applied: Obj;
  tree: SchemaNode;
  manager: string;
  force: boolean;
  apiVersion: string;
  group: string;
  plural: string;
  name: string;
  /** Main resource or status subresource. */
  part: 'all' | 'main';
}

/** Server-side apply: returns the merged object (managedFields not yet updated) and the manager's new set. */
export function serverSideApply(input: ApplyInput): { merged: Obj; appliedSet: FieldSet; taken: FieldSet } {
  const { live, applied, tree, manager } = input;
  const appliedSet = fieldsOf(applied, tree, input.part);
  const entries = live ? readManagedFields(live) : [];
  const mineEntry = entries.find((e) => sameEntry(e, manager, 'Apply', undefined));
  const previous = mineEntry ? fromFieldsV1(mineEntry.fieldsV1) : new Set<string>();
  const others = entries.filter((e) => e !== mineEntry && e.subresource !== 'status').map((e) => ({ entry: e, set: fromFieldsV1(e.fieldsV1) }));

  const taken: FieldSet = new Set();
  if (live) {
    const conflicts: Conflict[] = [];
    const parents = parentsIn(appliedSet);
    for (const path of appliedSet) {
      if (parents.has(path)) continue;
      const mineValue = locate(applied, path, tree).value;
      const liveAt = locate(live, path, tree);
      if (liveAt.found && deepEqual(liveAt.value, mineValue)) continue;
      for (const o of others) if (o.set.has(path)) conflicts.push({ path, manager: printManager(o.entry) });
    }
    if (conflicts.length > 0 && !input.force) throw conflictError(conflicts);
    for (const c of conflicts) taken.add(c.path);
  }

  const merged: Obj = live ? clone(live) : {};
  removeDisowned(merged, previous, appliedSet, others.map((o) => o.set), tree);
  const result = mergeApplied(merged, applied, tree) as Obj;
  return { merged: result, appliedSet, taken };
}

interface Conflict {
  path: string;
  /** The manager as kube-apiserver prints it: `"kubectl"` for appliers, `"x" using apps/v1` for updaters. */
  manager: string;
}

function printManager(e: ManagedFieldsEntry): string {
  let out = JSON.stringify(e.manager);
  if (e.subresource) out += ` with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === 'Update' ? `${out} using ${e.apiVersion}` : out;
}

/** 409 with kube-apiserver's wording: one conflict inline, several grouped by manager (sorted). */
function conflictError(conflicts: Conflict[]): ApiError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: describePath(c.path) }));
  if (conflicts.length === 1) return new ApiError(409, 'Conflict', `Apply failed with 1 conflict: conflict with ${conflicts[0].manager}: ${causes[0].field}`, { causes });
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), describePath(c.path)]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${manager}:`);
    for (const path of byManager.get(manager)!) lines.push(`- ${path}`);
  }
  return new ApiError(409, 'Conflict', `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`, { causes });
}
