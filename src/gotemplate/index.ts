/**
 * Go `text/template` for TypeScript: the engine that renders Istio injection templates
 * (Sprig functions + Istio's helpers). Values are plain JS data (objects = Go maps/structs,
 * arrays = slices, null/undefined = nil).
 */
export { TemplateError } from './errors.js';
export { GoFloat, asStringMap } from './values.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FuncMap = Record<string, (...args: any[]) => unknown>;

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
}

/** Parses (and caches by name+text) a template; `define`d templates become available to `template`/`block`. */
export function parseTemplate(name: string, text: string, options?: ParseOptions): Template {
  void name;
  void text;
  void options;
  throw new Error('gotemplate: not implemented yet');
}

/** Sprig functions as Istio's injector registers them (Sprig's TxtFuncMap). */
export const sprigFuncs: FuncMap = {};
/** Istio's injection helpers; where a name clashes with Sprig, Istio's version wins. */
export const istioFuncs: FuncMap = {};
