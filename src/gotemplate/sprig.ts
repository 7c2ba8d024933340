/**
 * The Sprig (v3) functions injection templates use, with Sprig's semantics: lenient
 * conversions (cast.ToInt64 etc.), nil-tolerant string helpers, deep-merging dicts.
 */
import { createHash } from 'node:crypto';
import { defn, int, list, map, str, strval, toFloat64, toInt64 } from './args.js';
import { marshalJSON } from './encode.js';
import type { Fn } from './state.js';
import { quoteGo } from './format.js';
import { getOwn, setOwn } from '../core/json.js';
import { findAllString, findString, matchString, replaceAllString, split } from './regex.js';
import { GoFloat, goTypeName, isMapLike, isStruct, isTrue, mapGet, mapHas, sortedKeys } from './values.js';

/** Sprig's `empty`: nil, false, 0, "" and empty collections. */
export function empty(v: unknown): boolean {
  return !isTrue(v);
}

function strslice(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((e) => e !== null && e !== undefined).map(strval);
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isMapLike(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(out, k, deepCopy(v[k]));
    return out;
  }
  return v;
}

/** mergo.Merge (overwrite=false) and mergo.Merge(WithOverride) on maps. */
function mergeInto(dst: Record<string, unknown>, src: Record<string, unknown>, overwrite: boolean): void {
  // Go map keys are data: own entries only, so `__proto__` cannot reach Object.prototype
  for (const k of Object.keys(src)) {
    const s = src[k];
    const d = getOwn(dst, k);
    if (isMapLike(d) && isMapLike(s)) {
      mergeInto(d, s, overwrite);
    } else if (!mapHas(dst, k) || empty(d)) {
      setOwn(dst, k, s);
    } else if (overwrite && !empty(s)) {
      setOwn(dst, k, s);
    }
  }
}

function until(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  if (step === 0) return out;
  if (start < stop ? step < 0 : step > 0) return out;
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

const title = (s: string): string => s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase());

function intDiv(a: unknown, b: unknown): number {
  const d = toInt64(b);
  if (d === 0) throw new Error('runtime error: integer divide by zero');
  return Math.trunc(toInt64(a) / d);
}

export const sprigFuncs: Record<string, Fn> = {
  // defaults and flow
  default: defn(1, Infinity, (d: unknown, ...given: unknown[]) => (given.length === 0 || empty(given[0]) ? d : given[0])),
  empty: defn(1, 1, empty),
  coalesce: defn(0, Infinity, (...vs: unknown[]) => vs.find((v) => !empty(v)) ?? null),
  all: defn(0, Infinity, (...vs: unknown[]) => vs.every((v) => !empty(v))),
  any: defn(0, Infinity, (...vs: unknown[]) => vs.some((v) => !empty(v))),
  ternary: defn(3, 3, (vt: unknown, vf: unknown, cond: unknown) => (cond === true ? vt : vf)),
  fail: defn(1, 1, (msg: unknown) => {
    throw new Error(str(msg));
  }),
  // JSON
  toJson: defn(1, 1, (v: unknown) => {
    try {
      return marshalJSON(v);
    } catch {
      return '';
    }
  }),
  toPrettyJson: defn(1, 1, (v: unknown) => {
    try {
      return marshalJSON(v, '  ');
    } catch {
      return '';
    }
  }),
  toRawJson: defn(1, 1, (v: unknown) => marshalJSON(v).replace(/\\u003c/g, '<').replace(/\\u003e/g, '>').replace(/\\u0026/g, '&')),
  mustToJson: defn(1, 1, (v: unknown) => marshalJSON(v)),
  fromJson: defn(1, 1, (s: unknown) => {
    try {
      return JSON.parse(str(s));
    } catch {
      return null;
    }
  }),
  mustFromJson: defn(1, 1, (s: unknown) => JSON.parse(str(s))),
  // strings
  quote: defn(0, Infinity, (...vs: unknown[]) =>
    // one argument is the common case (`{{ .x | quote }}`): skip the filter/map/join arrays
    vs.length === 1 && vs[0] !== null && vs[0] !== undefined ? quoteGo(strval(vs[0])) : vs.filter((v) => v !== null && v !== undefined).map((v) => quoteGo(strval(v))).join(' '),
  ),
  squote: defn(0, Infinity, (...vs: unknown[]) => vs.filter((v) => v !== null && v !== undefined).map((v) => `'${strval(v)}'`).join(' ')),
  cat: defn(0, Infinity, (...vs: unknown[]) => vs.filter((v) => v !== null && v !== undefined).map(strval).join(' ')),
  indent: defn(2, 2, (n: unknown, s: unknown) => {
    const pad = ' '.repeat(int(n));
    return pad + str(s).replace(/\n/g, '\n' + pad);
  }),
  nindent: defn(2, 2, (n: unknown, s: unknown) => {
    const pad = ' '.repeat(int(n));
    return '\n' + pad + str(s).replace(/\n/g, '\n' + pad);
  }),
  contains: defn(2, 2, (sub: unknown, s: unknown) => str(s).includes(str(sub))),
  hasPrefix: defn(2, 2, (p: unknown, s: unknown) => str(s).startsWith(str(p))),
  hasSuffix: defn(2, 2, (p: unknown, s: unknown) => str(s).endsWith(str(p))),
  trimPrefix: defn(2, 2, (p: unknown, s: unknown) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s))),
  trimSuffix: defn(2, 2, (p: unknown, s: unknown) => (str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s))),
  trim: defn(1, 1, (s: unknown) => str(s).replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/gu, '')),
  trimAll: defn(2, 2, (cut: unknown, s: unknown) => {
    const set = new Set([...str(cut)]);
    const chars = [...str(s)];
    let a = 0;
    let b = chars.length;
    while (a < b && set.has(chars[a])) a++;
    while (b > a && set.has(chars[b - 1])) b--;
    return chars.slice(a, b).join('');
  }),
  lower: defn(1, 1, (s: unknown) => str(s).toLowerCase()),
  toLower: defn(1, 1, (s: unknown) => str(s).toLowerCase()),
  upper: defn(1, 1, (s: unknown) => str(s).toUpperCase()),
  toUpper: defn(1, 1, (s: unknown) => str(s).toUpperCase()),
  title: defn(1, 1, (s: unknown) => title(str(s))),
  untitle: defn(1, 1, (s: unknown) => str(s).replace(/(^|\s)(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toLowerCase())),
  replace: defn(3, 3, (o: unknown, n: unknown, s: unknown) => (str(o) === '' ? str(s) : str(s).split(str(o)).join(str(n)))),
  repeat: defn(2, 2, (n: unknown, s: unknown) => str(s).repeat(Math.max(0, int(n)))),
  substr: defn(3, 3, (start: unknown, end: unknown, s: unknown) => {
    const t = str(s);
    let a = int(start);
    let b = int(end);
    if (a < 0) return t.slice(0, b < 0 ? undefined : b);
    if (b < 0 || b > t.length) b = t.length;
    if (a > b) a = b;
    return t.slice(a, b);
  }),
  trunc: defn(2, 2, (n: unknown, s: unknown) => {
    const c = int(n);
    const t = str(s);
    if (c < 0 && t.length + c > 0) return t.slice(t.length + c);
    if (c >= 0 && t.length > c) return t.slice(0, c);
    return t;
  }),
  nospace: defn(1, 1, (s: unknown) => str(s).replace(/\s+/g, '')),
  plural: defn(3, 3, (one: unknown, many: unknown, n: unknown) => (int(n) === 1 ? str(one) : str(many))),
  toString: defn(1, 1, strval),
  toStrings: defn(1, 1, (v: unknown) => (Array.isArray(v) ? v.map(strval) : [strval(v)])),
  split: defn(2, 2, (sep: unknown, s: unknown) => {
    const out: Record<string, string> = {};
    str(s).split(str(sep)).forEach((p, i) => (out[`_${i}`] = p));
    return out;
  }),
  splitList: defn(2, 2, (sep: unknown, s: unknown) => (str(sep) === '' ? [...str(s)] : str(s).split(str(sep)))),
  splitn: defn(3, 3, (sep: unknown, n: unknown, s: unknown) => {
    const parts = str(s).split(str(sep));
    const c = int(n);
    const kept = c > 0 && parts.length > c ? [...parts.slice(0, c - 1), parts.slice(c - 1).join(str(sep))] : parts;
    const out: Record<string, string> = {};
    kept.forEach((p, i) => (out[`_${i}`] = p));
    return out;
  }),
  join: defn(2, 2, (sep: unknown, v: unknown) => strslice(v).join(str(sep))),
  sortAlpha: defn(1, 1, (v: unknown) => strslice(v).sort()),
  b64enc: defn(1, 1, (s: unknown) => Buffer.from(str(s), 'utf8').toString('base64')),
  b64dec: defn(1, 1, (s: unknown) => {
    const t = str(s);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) return 'illegal base64 data at input byte 0';
    return Buffer.from(t, 'base64').toString('utf8');
  }),
  sha256sum: defn(1, 1, (s: unknown) => hash('sha256', str(s))),
  sha1sum: defn(1, 1, (s: unknown) => hash('sha1', str(s))),
  // regular expressions
  // regular expressions: Go's regexp (RE2 syntax, linear time) through ./regex.ts
  regexMatch: defn(2, 2, (re: unknown, s: unknown) => {
    try {
      return matchString(str(re), str(s));
    } catch {
      return false; // Sprig ignores the compile error here
    }
  }),
  mustRegexMatch: defn(2, 2, (re: unknown, s: unknown) => matchString(str(re), str(s))),
  regexFind: defn(2, 2, (re: unknown, s: unknown) => findString(str(re), str(s))),
  regexFindAll: defn(3, 3, (re: unknown, s: unknown, n: unknown) => findAllString(str(re), str(s), int(n))),
  regexReplaceAll: defn(3, 3, (re: unknown, s: unknown, repl: unknown) => replaceAllString(str(re), str(s), str(repl))),
  regexReplaceAllLiteral: defn(3, 3, (re: unknown, s: unknown, repl: unknown) => replaceAllString(str(re), str(s), str(repl), true)),
  regexSplit: defn(3, 3, (re: unknown, s: unknown, n: unknown) => split(str(re), str(s), int(n))),
  regexQuoteMeta: defn(1, 1, (s: unknown) => str(s).replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')),
  // lists
  list: defn(0, Infinity, (...vs: unknown[]) => vs),
  first: defn(1, 1, (l: unknown) => list(l, 'first').at(0) ?? null),
  last: defn(1, 1, (l: unknown) => list(l, 'last').at(-1) ?? null),
  rest: defn(1, 1, (l: unknown) => list(l, 'rest').slice(1)),
  initial: defn(1, 1, (l: unknown) => list(l, 'initial').slice(0, -1)),
  append: defn(2, 2, (l: unknown, v: unknown) => [...list(l, 'append'), v]),
  push: defn(2, 2, (l: unknown, v: unknown) => [...list(l, 'push'), v]),
  prepend: defn(2, 2, (l: unknown, v: unknown) => [v, ...list(l, 'prepend')]),
  concat: defn(0, Infinity, (...ls: unknown[]) => ls.flatMap((l) => list(l, 'concat'))),
  reverse: defn(1, 1, (l: unknown) => [...list(l, 'reverse')].reverse()),
  uniq: defn(1, 1, (l: unknown) => {
    const out: unknown[] = [];
    for (const v of list(l, 'uniq')) if (!out.some((o) => deepEqual(o, v))) out.push(v);
    return out;
  }),
  compact: defn(1, 1, (l: unknown) => list(l, 'compact').filter((v) => !empty(v))),
  without: defn(1, Infinity, (l: unknown, ...omit: unknown[]) => list(l, 'without').filter((v) => !omit.some((o) => deepEqual(o, v)))),
  has: defn(2, 2, (needle: unknown, l: unknown) => list(l, 'has').some((v) => deepEqual(v, needle))),
  until: defn(1, 1, (n: unknown) => until(0, int(n), int(n) < 0 ? -1 : 1)),
  untilStep: defn(3, 3, (a: unknown, b: unknown, s: unknown) => until(int(a), int(b), int(s))),
  // dicts
  dict: defn(0, Infinity, (...kv: unknown[]) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < kv.length; i += 2) setOwn(out, strval(kv[i]), i + 1 < kv.length ? kv[i + 1] : '');
    return out;
  }),
  get: defn(2, 2, (d: unknown, k: unknown) => (mapHas(map(d), str(k)) ? mapGet(map(d), str(k)) : '')),
  set: defn(3, 3, (d: unknown, k: unknown, v: unknown) => {
    const m = map(d);
    setOwn(m, str(k), v);
    return m;
  }),
  unset: defn(2, 2, (d: unknown, k: unknown) => {
    const m = map(d);
    delete m[str(k)];
    return m;
  }),
  hasKey: defn(2, 2, (d: unknown, k: unknown) => mapHas(map(d), str(k))),
  keys: defn(0, Infinity, (...ds: unknown[]) => ds.flatMap((d) => sortedKeys(map(d)))),
  values: defn(1, 1, (d: unknown) => sortedKeys(map(d)).map((k) => mapGet(map(d), k))),
  pluck: defn(1, Infinity, (k: unknown, ...ds: unknown[]) => ds.map((d) => map(d)).filter((d) => mapHas(d, str(k))).map((d) => d[str(k)])),
  pick: defn(1, Infinity, (d: unknown, ...ks: unknown[]) => {
    const m = map(d);
    const out: Record<string, unknown> = {};
    for (const k of ks.map(strval)) if (mapHas(m, k)) setOwn(out, k, m[k]);
    return out;
  }),
  omit: defn(1, Infinity, (d: unknown, ...ks: unknown[]) => {
    const skip = new Set(ks.map(strval));
    const m = map(d);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(m)) if (!skip.has(k)) setOwn(out, k, m[k]);
    return out;
  }),
  merge: defn(1, Infinity, (dst: unknown, ...srcs: unknown[]) => {
    const d = map(dst);
    for (const s of srcs) mergeInto(d, map(s), false);
    return d;
  }),
  mergeOverwrite: defn(1, Infinity, (dst: unknown, ...srcs: unknown[]) => {
    const d = map(dst);
    for (const s of srcs) mergeInto(d, map(s), true);
    return d;
  }),
  deepCopy: defn(1, 1, deepCopy),
  dig: defn(3, Infinity, (...args: unknown[]) => {
    const d = map(args[args.length - 1]);
    const def = args[args.length - 2];
    let cur: unknown = d;
    for (const k of args.slice(0, -2).map(strval)) {
      if (!isMapLike(cur) || !mapHas(cur, k)) return def;
      cur = mapGet(cur, k);
    }
    return cur;
  }),
  // math (Sprig converts with cast.ToInt64 / ToFloat64)
  add: defn(0, Infinity, (...vs: unknown[]) => vs.reduce<number>((a, v) => a + toInt64(v), 0)),
  add1: defn(1, 1, (v: unknown) => toInt64(v) + 1),
  sub: defn(2, 2, (a: unknown, b: unknown) => toInt64(a) - toInt64(b)),
  mul: defn(1, Infinity, (a: unknown, ...vs: unknown[]) => vs.reduce<number>((p, v) => p * toInt64(v), toInt64(a))),
  div: defn(2, 2, intDiv),
  mod: defn(2, 2, (a: unknown, b: unknown) => {
    const d = toInt64(b);
    if (d === 0) throw new Error('runtime error: integer divide by zero');
    return toInt64(a) % d;
  }),
  max: defn(1, Infinity, (a: unknown, ...vs: unknown[]) => Math.max(toInt64(a), ...vs.map(toInt64))),
  min: defn(1, Infinity, (a: unknown, ...vs: unknown[]) => Math.min(toInt64(a), ...vs.map(toInt64))),
  addf: defn(0, Infinity, (...vs: unknown[]) => new GoFloat(vs.reduce<number>((a, v) => a + toFloat64(v), 0))),
  subf: defn(1, Infinity, (a: unknown, ...vs: unknown[]) => new GoFloat(vs.reduce<number>((p, v) => p - toFloat64(v), toFloat64(a)))),
  mulf: defn(1, Infinity, (a: unknown, ...vs: unknown[]) => new GoFloat(vs.reduce<number>((p, v) => p * toFloat64(v), toFloat64(a)))),
  divf: defn(1, Infinity, (a: unknown, ...vs: unknown[]) => new GoFloat(vs.reduce<number>((p, v) => p / toFloat64(v), toFloat64(a)))),
  floor: defn(1, 1, (v: unknown) => new GoFloat(Math.floor(toFloat64(v)))),
  ceil: defn(1, 1, (v: unknown) => new GoFloat(Math.ceil(toFloat64(v)))),
  // conversions and types
  int: defn(1, 1, toInt64),
  int64: defn(1, 1, toInt64),
  float64: defn(1, 1, (v: unknown) => new GoFloat(toFloat64(v))),
  atoi: defn(1, 1, (s: unknown) => (/^[+-]?\d+$/.test(str(s).trim()) ? Number(str(s)) : 0)),
  toDecimal: defn(1, 1, (v: unknown) => {
    const n = parseInt(strval(v), 8);
    return Number.isNaN(n) ? 0 : n;
  }),
  typeOf: defn(1, 1, goTypeName),
  kindOf: defn(1, 1, kindName),
  kindIs: defn(2, 2, (k: unknown, v: unknown) => kindName(v) === str(k)),
  typeIs: defn(2, 2, (t: unknown, v: unknown) => goTypeName(v) === str(t)),
  deepEqual: defn(2, 2, (a: unknown, b: unknown) => deepEqual(a, b)),
};

function kindName(v: unknown): string {
  if (v === null || v === undefined) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (v instanceof GoFloat) return 'float64';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'function') return 'func';
  return isStruct(v) ? 'struct' : 'map';
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a instanceof GoFloat) a = a.value;
  if (b instanceof GoFloat) b = b.value;
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return a == b;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isMapLike(a) && isMapLike(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => mapHas(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function hash(alg: string, s: string): string {
  return createHash(alg).update(s).digest('hex');
}
