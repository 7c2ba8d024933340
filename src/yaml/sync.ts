/**
 * Writes new plain values into a parsed yaml Document while keeping what the user wrote:
 * unchanged nodes (and their comments) stay, map keys keep their order (new keys are appended),
 * list items are matched by name/mountPath/containerPort so reordered containers keep comments.
 * orderLike gives the same order on plain values, for writers that skip the Document model.
 */
import { isMap, isScalar, isSeq, visit, type Document, type Node, type Pair, type Scalar } from 'yaml';
import { isObject, type Json, type JsonObject } from '../core/json.js';
import type { FlowMarks } from './fast-parse.js';

const IDENTITY_KEYS = ['name', 'mountPath', 'containerPort', 'ip', 'devicePath'];

/** syncNode keeps a flow collection's node, so it stays flow: the fast reader's mark moves along. */
function keepFlow<T extends Json>(original: Json, out: T, flows: FlowMarks | undefined): T {
  const style = flows?.get(original as object);
  if (style !== undefined) flows!.set(out as object, style);
  return out;
}

/**
 * New parts are written out in full: a value met twice (values may share parts, as template
 * output read with parseSharedYaml does) is not turned into an anchor and an alias.
 */
const NO_ALIASES = { aliasDuplicateObjects: false } as const;

/** Writes `value` at `path` (whose parent exists), keeping what is already there as syncNode does. */
export function writeAt(doc: Document, path: readonly (string | number)[], value: JsonObject): void {
  const existing = doc.getIn(path, true);
  if (existing === undefined) doc.setIn(path, doc.createNode(value, NO_ALIASES));
  else {
    const node = syncNode(doc, existing, value);
    if (node !== existing) doc.setIn(path, node);
  }
}

/** Returns the node to use for `value`: `node` updated in place, or a new node. */
export function syncNode(doc: Document, node: unknown, value: Json): Node {
  if (isObject(value) && isMap(node)) {
    const wanted = new Set(Object.keys(value));
    node.items = (node.items as Pair[]).filter((pair) => wanted.has(keyText(pair.key)));
    const present = new Map((node.items as Pair[]).map((pair) => [keyText(pair.key), pair]));
    for (const [key, child] of Object.entries(value)) {
      const pair = present.get(key);
      if (pair) pair.value = syncNode(doc, pair.value, child);
      else node.items.push(doc.createPair(key, child, NO_ALIASES) as Pair);
    }
    return node;
  }
  if (Array.isArray(value) && isSeq(node)) {
    const old = node.items as unknown[];
    const byIdentity = new Map<string, unknown>();
    for (const item of old) {
      const id = identityOfNode(item);
      if (id !== undefined && !byIdentity.has(id)) byIdentity.set(id, item);
    }
    node.items = value.map((child, i) => {
      const id = identityOf(child);
      const match = id !== undefined ? byIdentity.get(id) : old.length === value.length ? old[i] : undefined;
      return match !== undefined ? syncNode(doc, match, child) : doc.createNode(child, NO_ALIASES);
    });
    return node;
  }
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    if (node.value !== value) {
      node.value = value;
      // a string that now looks like a number/bool must be quoted; let the library choose
      if (typeof value === 'string') node.type = undefined;
    }
    return node;
  }
  return doc.createNode(value, NO_ALIASES) as Node;
}

/**
 * The key order syncNode leaves behind, on plain values: the original's keys that remain, in
 * their order, then new keys; list items matched the same way. Used by the fast path so both
 * paths write the same document.
 */
export function orderLike(original: Json | undefined, value: Json, flows?: FlowMarks): Json {
  if (isObject(value) && isObject(original)) {
    const out: Record<string, Json> = {};
    for (const key of Object.keys(original)) if (key in value) out[key] = orderLike(original[key], value[key]!, flows);
    for (const key of Object.keys(value)) if (!(key in original)) out[key] = value[key]!;
    return keepFlow(original, out, flows);
  }
  if (Array.isArray(value) && Array.isArray(original)) {
    const byIdentity = new Map<string, Json>();
    for (const item of original) {
      const id = identityOfOriginal(item);
      if (id !== undefined && !byIdentity.has(id)) byIdentity.set(id, item);
    }
    const out = value.map((child, i) => {
      const id = identityOf(child);
      const match = id !== undefined ? byIdentity.get(id) : original.length === value.length ? original[i] : undefined;
      return match !== undefined ? orderLike(match, child, flows) : child;
    });
    return keepFlow(original, out, flows);
  }
  return value;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function identityOf(value: Json): string | undefined {
  if (!isObject(value)) return undefined;
  for (const key of IDENTITY_KEYS) if (value[key] !== undefined) return `${key}=${String(value[key])}`;
  return undefined;
}

/** identityOfNode on a plain value. */
function identityOfOriginal(value: Json): string | undefined {
  if (!isObject(value)) return undefined;
  for (const key of IDENTITY_KEYS) {
    const v = value[key];
    if (v !== undefined && v !== null && typeof v !== 'object') return `${key}=${String(v)}`;
  }
  return undefined;
}

function identityOfNode(node: unknown): string | undefined {
  if (!isMap(node)) return undefined;
  for (const key of IDENTITY_KEYS) {
    const v = node.get(key);
    if (v !== undefined && v !== null && typeof v !== 'object') return `${key}=${String(v)}`;
  }
  return undefined;
}

const KEEP_TEXT = 'KEEP_SOURCE_TEXT';

/**
 * Numbers are written as the user wrote them while their value is unchanged: JavaScript numbers
 * would turn 9223372036854775807 into 9223372036854776000 and a 32-digit integer into 1e+31.
 * Marks the document's numeric scalars and adds a tag that writes their source text (numbers
 * given a new value are written as the library would).
 */
export function keepNumberText(doc: Document): void {
  let marked = false;
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'number' && typeof node.source === 'string') {
        node.format = KEEP_TEXT;
        marked = true;
      }
    },
  });
  if (!marked) return;
  const tags = doc.schema.tags;
  const keep = {
    identify: (value: unknown) => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: KEEP_TEXT,
    test: /^$/,
    resolve: (text: string) => text,
    stringify(node: Scalar, ctx: unknown, onComment?: () => void, onChompKeep?: () => void): string {
      const source = (node as Scalar & { source?: string }).source;
      if (typeof source === 'string' && Number(source) === node.value) return source;
      const fallback = tags.find((t) => t !== keep && !t.format && t.identify?.(node.value) && t.test !== undefined);
      const plain = Object.assign(Object.create(Object.getPrototypeOf(node) as object) as Scalar, node, { format: undefined });
      return (fallback?.stringify as (n: Scalar, c: unknown, a?: () => void, b?: () => void) => string)(plain, ctx, onComment, onChompKeep);
    },
  };
  tags.unshift(keep as unknown as (typeof tags)[number]);
}
