/**
 * istioctl's `--set path=value` syntax (istioctl.md §3.2), parsed and applied to an
 * IstioOperator object. Paths are relative to `spec` (a leading `spec.` is accepted too);
 * `\.` is a literal dot inside a key, `[i]` indexes a list (past the end appends),
 * `[key:value]` selects the list element whose `key` equals `value`.
 */
import { UsageError } from '../core/errors.js';
import { getOwn, isObject, setOwn, UNSAFE_KEYS, type Json, type JsonObject } from '../core/json.js';

export type PathSegment =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'select'; key: string; value: string };

export interface SetFlag {
  /** The flag value exactly as given, for error messages. */
  raw: string;
  /** Path from the IstioOperator root, always starting with the `spec` key. */
  path: PathSegment[];
  value: Json;
}

/** Top-level `spec` keys a --set may address (anything else is not part of the IstioOperator). */
export const SPEC_KEYS = [
  'profile',
  'installPackagePath',
  'hub',
  'tag',
  'namespace',
  'revision',
  'compatibilityVersion',
  'meshConfig',
  'components',
  'values',
  'unvalidatedValues',
] as const;

export function parseSetFlag(raw: string): SetFlag {
  const eq = raw.indexOf('=');
  const pathText = (eq < 0 ? raw : raw.slice(0, eq)).trim();
  const valueText = eq < 0 ? '' : raw.slice(eq + 1).trim();
  if (eq < 0) throw badSet(raw, 'no "=" between the path and the value', `Write it as path=value, e.g. --set ${pathText || 'profile'}=demo.`);
  const path = parsePath(pathText, raw);
  const value = typeValue(valueText, path);
  if (typeof value === 'number' && !Number.isFinite(value)) throw badSet(raw, `the number ${valueText} is out of range`);
  return { raw, path, value };
}

/** Parses a dotted path (without value) into segments, rooted at `spec`. */
export function parsePath(pathText: string, raw: string = pathText): PathSegment[] {
  const cleaned = trimDots(cleanSlashes(pathText));
  if (cleaned === '') throw badSet(raw, 'the path before "=" is empty', 'Write it as path=value, e.g. --set values.global.hub=docker.io/istio.');
  const segments: PathSegment[] = [];
  for (const part of splitUnescapedDots(cleaned)) {
    parsePart(part, raw, segments);
  }
  for (const seg of segments) {
    // merging through such a key could reach Object.prototype (prototype pollution)
    if (seg.kind !== 'index' && UNSAFE_KEYS.has(seg.key)) throw badSet(raw, `"${seg.key}" is not allowed in a path`, 'No IstioOperator field has this name.');
  }
  const first = segments[0]!;
  if (first.kind === 'key' && first.key === 'spec' && segments.length > 1) segments.shift();
  const top = segments[0]!;
  if (top.kind !== 'key') throw badSet(raw, 'the path must start with a field name, not a list index');
  if (!(SPEC_KEYS as readonly string[]).includes(top.key)) {
    throw badSet(raw, `unknown IstioOperator field "${top.key}"`, `Paths start with one of: ${SPEC_KEYS.join(', ')}.`);
  }
  return [{ kind: 'key', key: 'spec' }, ...segments];
}

/** Renders a path back into --set syntax (`spec.values.global.hub`, `a[0]`, `a[name:x]`, `a\.b`). */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (seg.kind === 'key') out += (out === '' ? '' : '.') + seg.key.replaceAll('.', '\\.');
    else if (seg.kind === 'index') out += `[${seg.index}]`;
    else out += `[${seg.key}:${seg.value}]`;
  }
  return out;
}

/** Sets the flag's value in `root` (an IstioOperator-shaped object), creating what is missing. */
export function applySet(root: JsonObject, flag: SetFlag): void {
  let container: JsonObject | Json[] = root;
  const { path } = flag;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    const next = path[i + 1];
    const fresh = (): Json => (last ? flag.value : next!.kind === 'key' ? {} : []);
    const where = formatPath(path.slice(0, i));
    if (seg.kind === 'key') {
      if (Array.isArray(container)) throw badSet(flag.raw, `${where} is a list; address its elements with [index] or [key:value]`);
      const current = getOwn(container, seg.key);
      if (last || current === undefined || current === null) setOwn(container, seg.key, fresh());
      else if (typeof current !== 'object') throw badSet(flag.raw, `${formatPath(path.slice(0, i + 1))} is a ${typeof current}, not a map or list`);
      container = getOwn(container, seg.key) as JsonObject | Json[];
      continue;
    }
    if (!Array.isArray(container)) throw badSet(flag.raw, `${where} is a map, not a list; ${seg.kind === 'index' ? `[${seg.index}]` : `[${seg.key}:${seg.value}]`} needs a list`);
    let at: number;
    if (seg.kind === 'index') {
      at = seg.index < 0 || seg.index >= container.length ? container.length : seg.index;
      if (at === container.length) container.push(fresh());
      else if (last) container[at] = flag.value;
    } else {
      at = container.findIndex((el) => isObject(el) && el[seg.key] !== undefined && scalarText(el[seg.key]!) === seg.value);
      if (at < 0) throw badSet(flag.raw, `element [${seg.key}:${seg.value}] not found in ${where}`, 'A [key:value] selector only matches elements of a list the profile or your -f files define.');
      if (last) container[at] = flag.value;
    }
    if (last) return;
    const el: Json = container[at]!;
    if (el === null || typeof el !== 'object') {
      if (el === null) container[at] = fresh();
      else throw badSet(flag.raw, `${formatPath(path.slice(0, i + 1))} is a ${typeof el}, not a map or list`);
    }
    container = container[at] as JsonObject | Json[];
  }
}

/** --set value typing: int, then float, then bool, then string (istioctl.md §3.2). */
export function typeValue(text: string, path: readonly PathSegment[]): Json {
  if (staysString(path)) return unescapeCommas(text);
  if (/^[+-]?\d+$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
    // istioctl would fall back to a float and write 1e+26; a changed number is worse than an error
    throw new UsageError(`invalid --set value ${text}: the integer is beyond ±2^53 and would not be written as given`, 'Use a value within range; Kubernetes counts and ports are 32-bit integers.');
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^(true|TRUE|True|t|T)$/.test(text)) return true;
  if (/^(false|FALSE|False|f|F)$/.test(text)) return false;
  return unescapeCommas(text);
}

/**
 * Image tags, compatibility versions and proxyMetadata values must not become numbers
 * (tag 1.30 is not 1.3). istioctl lists spec.tag, values.global.tag and the proxyMetadata
 * subtrees; we keep every `tag` key a string, which includes per-component tags.
 */
function staysString(path: readonly PathSegment[]): boolean {
  const keys = path.filter((s): s is { kind: 'key'; key: string } => s.kind === 'key').map((s) => s.key);
  const lastSeg = path[path.length - 1];
  const lastKey = lastSeg?.kind === 'key' ? lastSeg.key : undefined;
  if (lastKey === 'tag' || lastKey === 'compatibilityVersion') return true;
  const joined = keys.join('.');
  return joined.startsWith('spec.meshConfig.defaultConfig.proxyMetadata.') ||
    joined.startsWith('spec.values.meshConfig.defaultConfig.proxyMetadata.');
}

function unescapeCommas(text: string): string {
  return text.replaceAll('\\,', ',');
}

function parsePart(part: string, raw: string, out: PathSegment[]): void {
  // name[expr][expr]... ; `\.` has already been turned into a literal dot by the splitter.
  const open = part.indexOf('[');
  const name = open < 0 ? part : part.slice(0, open);
  if (open < 0 || name !== '') {
    if (name === '') throw badSet(raw, 'the path has an empty field name (two dots in a row?)');
    out.push({ kind: 'key', key: name });
  }
  if (open < 0) return;
  let rest = part.slice(open);
  while (rest !== '') {
    const m = /^\[([^\]]*)\]/.exec(rest);
    if (!m) throw badSet(raw, `"${part}" has an unbalanced or misplaced "["`, 'Indexes look like ingressGateways[0] or ingressGateways[name:istio-ingressgateway].');
    const expr = m[1]!;
    const colon = expr.indexOf(':');
    if (colon >= 0) {
      const key = expr.slice(0, colon).trim();
      if (key === '') throw badSet(raw, `selector [${expr}] needs a field name before ":"`);
      out.push({ kind: 'select', key, value: expr.slice(colon + 1).trim() });
    } else if (/^\s*-?\d+\s*$/.test(expr)) {
      out.push({ kind: 'index', index: Number(expr) });
    } else {
      throw badSet(raw, `[${expr}] is neither a list index nor a key:value selector`);
    }
    rest = rest.slice(m[0].length);
  }
}

/** Splits on dots that are not escaped (`\.`), turning `\.` into `.`. */
function splitUnescapedDots(text: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '.') {
      cur += '.';
      i++;
    } else if (c === '.' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else {
      // Dots inside [key:value] (e.g. [name:a.b]) belong to the selector value.
      if (c === '[') depth++;
      else if (c === ']' && depth > 0) depth--;
      cur += c;
    }
  }
  parts.push(cur);
  // `a.[0]` (overlay style) is the same as `a[0]`.
  const merged: string[] = [];
  for (const p of parts) {
    if (p.startsWith('[') && merged.length > 0) merged[merged.length - 1] += p;
    else merged.push(p);
  }
  return merged;
}

/** Go's filepath.Clean on the path: collapses `//`, drops `/./` and a trailing `/`. */
function cleanSlashes(text: string): string {
  if (!text.includes('/')) return text;
  const abs = text.startsWith('/');
  const out: string[] = [];
  for (const seg of text.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg === '..' && abs) continue;
    else out.push(seg);
  }
  return (abs ? '/' : '') + out.join('/');
}

function trimDots(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === '.') start++;
  while (end > start && text[end - 1] === '.' && text[end - 2] !== '\\') end--;
  return text.slice(start, end);
}

function scalarText(v: Json): string {
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function badSet(raw: string, what: string, hint?: string): UsageError {
  return new UsageError(`invalid --set ${raw}: ${what}`, hint);
}
