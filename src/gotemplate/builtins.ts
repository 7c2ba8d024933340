/** Go text/template's predefined functions. */
import { defn, int, str } from './args.js';
import type { Fn } from './state.js';
import { formatValue, sprint, sprintf, sprintln } from './format.js';
import { GoFloat, goTypeName, isStringMap, isTrue, mapGet, mapHas } from './values.js';

type Kind = 'bool' | 'int' | 'float' | 'string' | 'nil' | 'other';

function kindOf(v: unknown): Kind {
  if (v === undefined || v === null) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
  }
  return v instanceof GoFloat ? 'float' : 'other';
}

const numeric = (k: Kind): boolean => k === 'int' || k === 'float';
const num = (v: unknown): number => (v instanceof GoFloat ? v.value : Number(v));

// JSON numbers are float64 in Go while literals are ints; JS cannot tell them apart, so any two
// numbers compare by value.
function eq(a: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const ka = kindOf(a);
  for (const b of rest) {
    const kb = kindOf(b);
    if (numeric(ka) && numeric(kb)) {
      if (num(a) === num(b)) return true;
      continue;
    }
    if (ka !== kb) {
      if (ka !== 'nil' && kb !== 'nil') throw new Error('incompatible types for comparison');
      continue;
    }
    if (ka === 'other') {
      if (Array.isArray(a) || Array.isArray(b) || typeof a === 'object' || typeof b === 'object') {
        throw new Error(`non-comparable types ${formatValue(a)}: ${goTypeName(a)}, ${goTypeName(b)}: ${formatValue(b)}`);
      }
    }
    if (ka === 'nil' || a === b) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === 'nil' || ka === 'other' || ka === 'bool' || kb === 'nil' || kb === 'other' || kb === 'bool') {
    throw new Error('invalid type for comparison');
  }
  if (numeric(ka) && numeric(kb)) return num(a) < num(b);
  if (ka !== kb) throw new Error('incompatible types for comparison');
  return (a as string) < (b as string);
}

function goLen(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (v !== null && typeof v === 'object' && !(v instanceof GoFloat)) return Object.keys(v).length;
  if (v === null || v === undefined) throw new Error('len of nil pointer');
  throw new Error(`len of type ${goTypeName(v)}`);
}

function indexArg(i: unknown, len: number, cap = len): number {
  const n = i instanceof GoFloat ? i.value : i;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    if (i === null || i === undefined) throw new Error('cannot index slice/array with nil');
    throw new Error(`cannot index slice/array with type ${goTypeName(i)}`);
  }
  if (n < 0 || n > cap) throw new Error(`index out of range: ${n}`);
  void len;
  return n;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  let v = item;
  if (v === undefined || v === null) throw new Error('index of untyped nil');
  for (const ix of indexes) {
    if (v === undefined || v === null) throw new Error('index of nil pointer');
    if (Array.isArray(v)) {
      const i = indexArg(ix, v.length);
      if (i >= v.length) throw new Error(`index out of range: ${i}`);
      v = v[i];
    } else if (typeof v === 'string') {
      const bytes = Buffer.from(v);
      const i = indexArg(ix, bytes.length);
      if (i >= bytes.length) throw new Error(`index out of range: ${i}`);
      v = bytes[i];
    } else if (typeof v === 'object' && !(v instanceof GoFloat)) {
      if (typeof ix !== 'string') {
        if (ix === null || ix === undefined) throw new Error('value is nil; should be of type string');
        throw new Error(`value has type ${goTypeName(ix)}; should be string`);
      }
      if (mapHas(v, ix)) v = mapGet(v, ix);
      else v = isStringMap(v) ? '' : null;
    } else {
      throw new Error(`can't index item of type ${goTypeName(v)}`);
    }
  }
  return v;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  let bytes: Buffer | null = null;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    bytes = Buffer.from(item);
    len = bytes.length;
  } else if (Array.isArray(item)) {
    len = item.length;
  } else {
    throw new Error(`can't slice item of type ${goTypeName(item)}`);
  }
  const idx = [0, len];
  for (let i = 0; i < Math.min(indexes.length, 2); i++) idx[i] = indexArg(indexes[i], len);
  if (idx[0] > idx[1]) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  return bytes ? bytes.subarray(idx[0], idx[1]).toString() : (item as unknown[]).slice(idx[0], idx[1]);
}

/** Go's evalArgs for html/js/urlquery: a single string as is, otherwise fmt.Sprint. */
const joinArgs = (args: unknown[]): string => (args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args));

function htmlEscape(s: string): string {
  return s.replace(/[<>&'"\0]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' })[c]!);
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case '<':
        out += '\\u003C';
        break;
      case '>':
        out += '\\u003E';
        break;
      case '&':
        out += '\\u0026';
        break;
      case '=':
        out += '\\u003D';
        break;
      default:
        if (cp < 0x20 || (cp >= 0x7f && !/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch))) {
          out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
        } else out += ch;
    }
  }
  return out;
}

/** url.QueryEscape. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export const builtinFuncs: Record<string, Fn> = {
  and: defn(1, Infinity, (...args: unknown[]) => args.find((a) => !isTrue(a)) ?? args[args.length - 1]),
  or: defn(1, Infinity, (...args: unknown[]) => args.find((a) => isTrue(a)) ?? args[args.length - 1]),
  not: defn(1, 1, (v: unknown) => !isTrue(v)),
  eq: defn(1, Infinity, eq),
  ne: defn(2, 2, (a: unknown, b: unknown) => !eq(a, b)),
  lt: defn(2, 2, lt),
  le: defn(2, 2, (a: unknown, b: unknown) => lt(a, b) || eq(a, b)),
  gt: defn(2, 2, (a: unknown, b: unknown) => !lt(a, b) && !eq(a, b)),
  ge: defn(2, 2, (a: unknown, b: unknown) => !lt(a, b)),
  len: defn(1, 1, goLen),
  index: defn(1, Infinity, index),
  slice: defn(1, Infinity, slice),
  print: defn(0, Infinity, (...args: unknown[]) => sprint(args)),
  printf: defn(1, Infinity, (format: unknown, ...args: unknown[]) => sprintf(str(format), args)),
  println: defn(0, Infinity, (...args: unknown[]) => sprintln(args)),
  html: defn(0, Infinity, (...args: unknown[]) => htmlEscape(joinArgs(args))),
  js: defn(0, Infinity, (...args: unknown[]) => jsEscape(joinArgs(args))),
  urlquery: defn(0, Infinity, (...args: unknown[]) => queryEscape(joinArgs(args))),
  call: defn(1, Infinity, (fn: unknown, ...args: unknown[]) => {
    if (typeof fn !== 'function') {
      if (fn === null || fn === undefined) throw new Error('call of nil');
      throw new Error(`non-function of type ${goTypeName(fn)}`);
    }
    return (fn as Fn)(...args);
  }),
};

export { int as intArg };
