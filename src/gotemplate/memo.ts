/**
 * `{{template "name" X}}` runs the named template with X as its only data (Go gives it no
 * other variables), so its output is a function of X, as long as no template of the set can
 * change data (`set`, `unset`, `merge`, `mergeOverwrite`) or call a function value (`call`).
 * compile.ts remembers such calls' output by X's content: the injection templates call the
 * same blocks pod after pod with the same values (the init container, the proxy's fixed parts).
 * Objects the caller declares stable (markStable: configuration that never changes while
 * templates run) count by identity; anything else by content, within a budget (larger data,
 * such as a whole pod, is not worth describing: the call just runs).
 */
import type { ArgNode, Node, PipeNode, Tree } from './ast.js';
import { GoFloat, isStringMap, isStruct } from './values.js';

/** Functions that change their arguments or run arbitrary code: a set using one is never memoised. */
const UNSAFE = new Set(['set', 'unset', 'merge', 'mergeOverwrite', 'call']);
/** Values and nested parts described at most. */
const BUDGET = 200;

const stable = new WeakSet<object>();
const ids = new WeakMap<object, number>();
let nextId = 0;

/** Declares `value` and all it holds unchanged for as long as templates may read it. */
export function markStable(value: object): void {
  stable.add(value);
}

const safeSets = new WeakMap<Map<string, Tree>, boolean>();

/** Whether no template of the set uses a function that changes data or calls function values. */
export function memoSafe(trees: Map<string, Tree>): boolean {
  let safe = safeSets.get(trees);
  if (safe === undefined) {
    safe = [...trees.values()].every((tree) => tree.root.every(nodeSafe));
    safeSets.set(trees, safe);
  }
  return safe;
}

function nodeSafe(node: Node): boolean {
  switch (node.k) {
    case 'text':
    case 'break':
    case 'continue':
      return true;
    case 'template':
      return node.pipe === null || pipeSafe(node.pipe);
    case 'action':
      return pipeSafe(node.pipe);
    default:
      return pipeSafe(node.pipe) && node.list.every(nodeSafe) && (node.elseList ?? []).every(nodeSafe);
  }
}

function pipeSafe(pipe: PipeNode): boolean {
  return pipe.cmds.every((cmd) => cmd.args.every(argSafe));
}

function argSafe(arg: ArgNode): boolean {
  if (arg.k === 'ident') return !UNSAFE.has(arg.name);
  if (arg.k === 'pipe') return pipeSafe(arg.pipe);
  if (arg.k === 'chain') return argSafe(arg.node);
  return true;
}

const TOO_BIG = new Error('too big to describe');

/**
 * A text naming `value` exactly (types, map kinds and key order included), or undefined when it
 * holds something that cannot be named or is larger than the budget.
 */
export function fingerprint(value: unknown): string | undefined {
  // An object passed to several calls (one dict for the proxy's parts) is described once; in a
  // memoSafe set nothing changes it meanwhile.
  const owner = value !== null && typeof value === 'object' ? value : undefined;
  if (owner && described.has(owner)) return described.get(owner);
  const budget = { left: BUDGET };
  let text: string | undefined;
  try {
    text = describe(value, budget);
  } catch (err) {
    if (err !== TOO_BIG) throw err;
  }
  if (owner) described.set(owner, text);
  return text;
}

const described = new WeakMap<object, string | undefined>();

function describe(value: unknown, budget: { left: number }): string {
  if (--budget.left < 0) throw TOO_BIG;
  switch (typeof value) {
    case 'undefined':
      return 'u';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? 'i-0' : `i${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'object':
      break;
    default:
      throw TOO_BIG;
  }
  if (value === null) return 'n';
  if (stable.has(value)) {
    let id = ids.get(value);
    if (id === undefined) ids.set(value, (id = nextId++));
    return `#${id}`;
  }
  if (value instanceof GoFloat) return `g${value.value}`;
  if (Array.isArray(value)) return `[${value.map((item) => describe(item, budget)).join(',')}]`;
  if (value instanceof Map) return `M{${[...value].map(([k, v]) => `${describe(k, budget)}:${describe(v, budget)}`).join(',')}}`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw TOO_BIG;
  const kind = isStringMap(value) ? 'S' : isStruct(value) ? 'T' : '';
  const entries = Object.keys(value).map((k) => `${JSON.stringify(k)}:${describe((value as Record<string, unknown>)[k], budget)}`);
  return `${kind}{${entries.join(',')}}`;
}
