/**
 * Go `text/template` for TypeScript: the engine that renders Istio injection templates
 * (Sprig functions + Istio's helpers). Data is plain JS: objects are Go maps (a capitalised
 * field such as `.Spec` also finds a JSON-style `spec` key), arrays are slices, null is nil
 * and undefined is a missing value. See values.ts for int/float and map[string]string typing.
 */
import { builtinFuncs } from './builtins.js';
import { TemplateError } from './errors.js';
import { executeCompiled } from './compile.js';
import { type Fn, type TemplateSet } from './state.js';
import { istioFuncs } from './istio.js';
import { ParseError, parse } from './parser.js';
import { sprigFuncs } from './sprig.js';

export { TemplateError } from './errors.js';
export { GoFloat, asStringMap, asStruct } from './values.js';
export { sprigFuncs } from './sprig.js';
export { istioFuncs } from './istio.js';
export { formatValue, sprintf } from './format.js';
export { markStable } from './memo.js';

export type FuncMap = Record<string, (...args: unknown[]) => unknown>;

export type MissingKey = 'default' | 'zero' | 'error';

export interface ParseOptions {
  /** Extra functions; they override the built-in, Sprig and Istio functions of the same name. */
  funcs?: FuncMap;
  /** Go's `missingkey` option. */
  missingKey?: MissingKey;
}

export interface Template {
  name: string;
  /** Runs the template; throws TemplateError on execution errors. */
  execute(data: unknown): string;
  /** Runs one of the templates `define`d in the same text. */
  executeTemplate(name: string, data: unknown): string;
}

/** Go's built-ins, then Sprig, then Istio (Istio wins on clashes, as in the injector). */
const defaultFuncs = new Map<string, Fn>(Object.entries({ ...builtinFuncs, ...sprigFuncs, ...istioFuncs }));

const CACHE_LIMIT = 256;
const defaultCache = new Map<string, Template>();
const cacheByFuncs = new WeakMap<FuncMap, Map<string, Template>>();

/** Parses (and caches by name+text) a template; `define`d templates become available to `template`/`block`. */
export function parseTemplate(name: string, text: string, options: ParseOptions = {}): Template {
  const missingKey = options.missingKey ?? 'default';
  const key = `${missingKey}\0${name}\0${text}`;
  let cache = defaultCache;
  if (options.funcs) {
    cache = cacheByFuncs.get(options.funcs) ?? new Map();
    cacheByFuncs.set(options.funcs, cache);
  }
  const hit = cache.get(key);
  if (hit) return hit;
  const tmpl = compile(name, text, missingKey, options.funcs);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, tmpl);
  return tmpl;
}

function compile(name: string, text: string, missingKey: MissingKey, extra?: FuncMap): Template {
  const funcs = extra ? new Map([...defaultFuncs, ...Object.entries(extra)]) : defaultFuncs;
  let trees;
  try {
    trees = parse(name, text, (f) => funcs.has(f));
  } catch (e) {
    if (e instanceof ParseError) throw parseError(name, text, e);
    throw e;
  }
  const set: TemplateSet = { parseName: name, trees, funcs, missingKey, and: builtinFuncs.and, or: builtinFuncs.or };
  const run = (tname: string, data: unknown): string => {
    const tree = trees.get(tname);
    if (!tree) throw new TemplateError(`template: no template "${tname}" associated with template "${name}"`, name, 0, 0);
    return executeCompiled(set, tree, data);
  };
  return { name, execute: (data) => run(name, data), executeTemplate: run };
}

function parseError(name: string, text: string, e: ParseError): TemplateError {
  const before = text.slice(0, e.pos);
  const line = 1 + (before.match(/\n/g)?.length ?? 0);
  const col = Buffer.byteLength(before.slice(before.lastIndexOf('\n') + 1));
  const msg = e.message.startsWith('template: ') ? e.message.slice('template: '.length) : e.message;
  return new TemplateError(`template: ${name}:${line}:${col}: ${msg}`, name, line, col);
}
