/**
 * The fast block-style YAML writer for plain JSON values. The `yaml` library's own writer goes
 * through its Document model, which was the largest cost of kube-inject and ~250 ms per
 * `manifest generate` (the CRDs). Structure (maps, lists, indentation) is written here; scalars
 * in one of two styles:
 * - emitYaml: exactly what `stringify(value, { lineWidth: 0, indentSeq, sortMapEntries })` writes,
 *   or undefined (the caller then uses the library). Every scalar is rendered once by the
 *   library itself and memoised, so quoting and block-scalar choices are the library's.
 *   kube-inject relies on this to write what its Document path writes.
 * - emitManifestYaml: manifests as istioctl prints them (keys sorted, lists level with their
 *   key). A string that a YAML 1.1 reader (kubectl's sigs.k8s.io/yaml) or a 1.2 reader could
 *   take for something else (bool, null, number, timestamp, indicator) is double-quoted, so
 *   `"on"` stays quoted where the library (1.2 only) would write `on`. Never declines.
 * Tests: test/yaml/fast-stringify.test.ts (both styles against the library).
 */
import type { Json } from '../core/json.js';
import { Document, isSeq, stringify } from 'yaml';
import { isShared, ownString, type FlowMarks } from './fast-parse.js';

export interface EmitOptions {
  /** Map keys in sorted order (the library's `sortMapEntries`); default: insertion order. */
  sortKeys?: boolean;
  /** List items indented under their key (the library's default) instead of level with it. */
  indentSeq?: boolean;
  /** Collections written flow, as the library writes back those it read as flow (parseFastYaml's marks). */
  flows?: FlowMarks;
  /**
   * Flow collections are written with the padding their source had (`{a: b}` or `{ a: b }`)
   * instead of the library's `{ a: b }`: for checking that a document is written exactly as
   * the library would write it back.
   */
  flowAsRead?: boolean;
}

class Unsupported extends Error {}

/** A rendered scalar: its first line (after `key: ` or `- `), then continuation lines relative to the owner's column ('' for a blank line). */
type Rendered = string[];

interface Style {
  sortKeys: boolean;
  indentSeq: boolean;
  key(key: string): string;
  scalar(value: unknown): Rendered;
}

/** The document text (ending in a newline), or undefined when the library must write it. */
export function emitYaml(value: Json, options: EmitOptions = {}): string | undefined {
  const style = options.sortKeys ? (options.indentSeq === false ? LIBRARY_SORTED : LIBRARY_SORTED_INDENTED) : options.indentSeq === false ? LIBRARY : LIBRARY_INDENTED;
  // Without marks no collection is looked up (block documents, most callers).
  const flows = options.flows !== undefined && options.flows.size > 0 ? options.flows : undefined;
  // The library writes `{}`, `[]` and top-level scalars in ways not mirrored here.
  if (!(isMap(value) ? hasEntries(value) : Array.isArray(value) && value.length > 0)) return undefined;
  try {
    return write(value as { [k: string]: Json } | Json[], style, flows, options.flowAsRead === true);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

/** YAML text of a rendered object (a document body ending in a newline), as `manifest generate` prints it. */
export function emitManifestYaml(value: unknown): string {
  if (isMap(value)) return hasEntries(value) ? write(value, MANIFEST) : '{}\n';
  if (Array.isArray(value)) return value.length > 0 ? write(value, MANIFEST) : '[]\n';
  const lines = MANIFEST.scalar(value);
  return lines[0]! + '\n' + continuation(lines, 0);
}

// ---- Library style: every scalar rendered by the library, memoised. ----

/** Enough for a template's distinct values; more only holds one-off values (and heap) longer. */
const MEMO_LIMIT = 4_000;
const valueMemo = new Map<string, Rendered>();
const keyMemo = new Map<string, string>();
/** Starts with a letter, then only letters, digits and `_ . / - :` (a colon never last). */
const SIMPLE_PLAIN = /^[A-Za-z][A-Za-z0-9_./:-]*[A-Za-z0-9_./-]$|^[A-Za-z]$/;
/** Digits only: the library writes these double-quoted, as they would read as numbers. */
const DIGITS = /^[0-9]+$/;
/** Words the YAML 1.2 core schema reads as booleans or null. */
const CORE_WORDS = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

function libraryScalar(value: unknown): Rendered {
  if (value === null) return ['null'];
  if (typeof value === 'boolean') return [value ? 'true' : 'false'];
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Unsupported();
    return [String(value)];
  }
  if (typeof value !== 'string') throw new Unsupported();
  const hit = valueMemo.get(value);
  if (hit) return hit;
  // Names, paths, images: the library writes these plain (the tests check a sample).
  const own = ownString(value);
  if (SIMPLE_PLAIN.test(own) && !CORE_WORDS.test(own)) return remember(valueMemo, own, [own]);
  if (DIGITS.test(own)) return remember(valueMemo, own, [`"${own}"`]);
  const text = stringify({ k: own }, { lineWidth: 0 });
  // "k: <first>\n  <more>\n": continuation lines carry the 2 columns of indentation under `k`.
  const lines = text.slice(3, -1).split('\n').map(ownString);
  if (lines.slice(1).some((l) => l === '' || !l.startsWith('  '))) throw new Unsupported();
  return remember(valueMemo, own, lines);
}

function libraryKey(key: string): string {
  const hit = keyMemo.get(key);
  if (hit !== undefined) return hit;
  const text = stringify({ [key]: 1 }, { lineWidth: 0 });
  if (!text.endsWith(': 1\n') || text.startsWith('?') || text.slice(0, -4).includes('\n')) throw new Unsupported();
  return remember(keyMemo, ownString(key), ownString(text.slice(0, -4)));
}

const LIBRARY: Style = { sortKeys: false, indentSeq: false, key: libraryKey, scalar: libraryScalar };
const LIBRARY_INDENTED: Style = { ...LIBRARY, indentSeq: true };
const LIBRARY_SORTED: Style = { ...LIBRARY, sortKeys: true };
const LIBRARY_SORTED_INDENTED: Style = { ...LIBRARY, sortKeys: true, indentSeq: true };

// ---- Manifest style: quoting safe for YAML 1.1 and 1.2 readers alike. ----

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~|<<|=|-|\.inf|-\.inf|\+\.inf|\.nan)$/i;
const NUMBER_LIKE = [
  /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/, // int, float, 1e3
  /^[-+]?0(?:x[0-9a-fA-F_]+|o[0-7_]+|b[01_]+)$/, // hex, octal, binary
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/, // YAML 1.1 sexagesimal
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/, // timestamps
];
const FIRST_INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`\s]/;
/** Identifiers, paths and the like: plain unless a reserved word (all of which are short). */
const SIMPLE = /^[A-Za-z/][A-Za-z0-9_./-]*$/;

function plainIsSafe(s: string): boolean {
  if (SIMPLE.test(s)) return s.length > 5 || !RESERVED.test(s);
  if (s === '' || RESERVED.test(s) || NUMBER_LIKE.some((re) => re.test(s))) return false;
  // `-foo` and `--domain` are plain scalars; `- `, `? ` and `: ` would start structure.
  if (FIRST_INDICATOR.test(s) && !(s[0] === '-' && s.length > 1 && s[1] !== ' ')) return false;
  if (/[\s]$/.test(s) || s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  // Control characters, tabs, line breaks and non-ASCII: quote, JSON escapes are valid YAML.
  return /^[\x20-\x7e]*$/.test(s);
}

/** One line: plain when safe, else double-quoted with JSON escapes (valid YAML). */
function manifestKey(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return plainIsSafe(v) ? v : JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? '.inf' : v < 0 ? '-.inf' : '.nan';
  return String(v);
}

/** Multi-line text as a `|` block when it can be one, else the one-line form. */
function manifestScalar(v: unknown): Rendered {
  if (typeof v === 'string' && v.includes('\n')) {
    const block = literalBlock(v);
    if (block) return block;
  }
  return [manifestKey(v)];
}

function literalBlock(s: string): Rendered | undefined {
  if (!/^[\x20-\x7e\n\t\u00a0-\uffff]*$/.test(s) || /[\u2028\u2029\ufeff]/.test(s) || /^[ \n]/.test(s)) return undefined;
  const body = s.replace(/\n+$/, '');
  const trailing = s.length - body.length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const lines = (chomp === '+' ? s.slice(0, -1) : body).split('\n');
  return [`|${chomp}`, ...lines.map((l) => (l === '' ? '' : '  ' + l))];
}

const MANIFEST: Style = { sortKeys: true, indentSeq: false, key: manifestKey, scalar: manifestScalar };

// ---- Structure, shared by both styles. ----

const isMap = (v: unknown): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether the map has a key that gets written (undefined values are left out). */
function hasEntries(map: { [k: string]: Json }): boolean {
  for (const key in map) if (map[key] !== undefined) return true;
  return false;
}

const PADS: string[] = [];
/** `col` spaces. */
function pad(col: number): string {
  return (PADS[col] ??= ' '.repeat(col));
}

/** The text written so far (string appends beat collecting pieces for join here). */
interface Out {
  text: string;
  style: Style;
  flows: FlowMarks | undefined;
  flowAsRead: boolean;
}

function write(value: { [k: string]: Json } | Json[], style: Style, flows?: FlowMarks, flowAsRead = false): string {
  const out: Out = { text: '', style, flows, flowAsRead };
  if (Array.isArray(value)) writeSeq(out, value, 0, false);
  else writeMap(out, value, 0, false);
  return out.text;
}

/** Writes a non-empty map whose first key starts at `col` (when `firstPrefixed`, the caller wrote the `- ` before it). */
function writeMap(out: Out, map: { [k: string]: Json }, col: number, firstPrefixed: boolean): void {
  const indent = pad(col);
  const { style } = out;
  let first = true;
  if (style.sortKeys) {
    const keys: string[] = [];
    for (const key in map) if (map[key] !== undefined) keys.push(key);
    keys.sort();
    for (const key of keys) {
      out.text += (first && firstPrefixed ? '' : indent) + style.key(key) + ':';
      first = false;
      writeValue(out, map[key]!, col);
    }
    return;
  }
  for (const key in map) {
    const child = map[key];
    if (child === undefined) continue;
    out.text += (first && firstPrefixed ? '' : indent) + style.key(key) + ':';
    first = false;
    writeValue(out, child, col);
  }
}

function writeSeq(out: Out, seq: Json[], col: number, firstPrefixed: boolean): void {
  const indent = pad(col);
  let first = true;
  for (const item of seq) {
    out.text += (first && firstPrefixed ? '' : indent) + '-';
    first = false;
    if (isFlow(out, item)) {
      out.text += ' ' + flowText(item, out) + '\n';
    } else if (isMap(item) && hasEntries(item)) {
      out.text += ' ';
      writeOnce(out, item, col + 2, true);
    } else if (Array.isArray(item) && item.length > 0) {
      out.text += ' ';
      writeOnce(out, item, col + 2, true);
    } else {
      writeScalarish(out, item, col);
    }
  }
}

/** Whether `value` is a collection the document holds in flow style. */
function isFlow(out: Out, value: Json): value is Json[] | { [k: string]: Json } {
  return out.flows !== undefined && value !== null && typeof value === 'object' && out.flows.has(value);
}

/** The value after `key:` written at column `col`. */
function writeValue(out: Out, child: Json, col: number): void {
  if (isFlow(out, child)) {
    out.text += ' ' + flowText(child, out) + '\n';
  } else if (isMap(child) && hasEntries(child)) {
    out.text += '\n';
    if (out.style === MANIFEST) writeSharedMap(out, child, col + 2);
    else writeOnce(out, child, col + 2, false);
  } else if (Array.isArray(child) && child.length > 0) {
    out.text += '\n';
    writeOnce(out, child, out.style.indentSeq ? col + 2 : col, false);
  } else {
    writeScalarish(out, child, col);
  }
}

/** The library styles whose text of a shared value is kept (writeOnce), numbered for the memo's key. */
const MEMO_STYLES = new Map<Style, number>([
  [LIBRARY, 0],
  [LIBRARY_INDENTED, 1],
  [LIBRARY_SORTED, 2],
  [LIBRARY_SORTED_INDENTED, 3],
]);
/** Texts of shared values, by style, column and whether a `- ` came before. */
const emitted = new WeakMap<object, Map<number, string>>();

/**
 * A non-empty map or list. A shared one (template output read with parseSharedYaml, which
 * never changes and holds no flow marks) is written once per style and column, then its text
 * is copied.
 */
function writeOnce(out: Out, value: { [k: string]: Json } | Json[], col: number, firstPrefixed: boolean): void {
  const styleId = isShared(value) ? MEMO_STYLES.get(out.style) : undefined;
  if (styleId === undefined) {
    if (Array.isArray(value)) writeSeq(out, value, col, firstPrefixed);
    else writeMap(out, value, col, firstPrefixed);
    return;
  }
  const key = (col * 2 + (firstPrefixed ? 1 : 0)) * MEMO_STYLES.size + styleId;
  let texts = emitted.get(value);
  let text = texts?.get(key);
  if (text === undefined) {
    // Written apart: slicing it out of out.text would flatten the whole output so far.
    const own: Out = { ...out, text: '' };
    if (Array.isArray(value)) writeSeq(own, value, col, firstPrefixed);
    else writeMap(own, value, col, firstPrefixed);
    text = own.text;
    if (!texts) emitted.set(value, (texts = new Map()));
    texts.set(key, text);
  }
  out.text += text;
}

/**
 * A map under a key in a manifest. A map met again at the same column in one document (a shared
 * subtree, such as the schema every version of a CRD carries) is written as before: its text is
 * copied. (Parsed documents share nothing, so the library style skips these lookups.)
 */
function writeSharedMap(out: Out, map: { [k: string]: Json }, col: number): void {
  const pre = preEmitted.get(map);
  if (pre && pre.col === col) {
    out.text += pre.text;
    return;
  }
  const seen = written.get(map);
  if (seen && seen.out === out && seen.col === col) {
    out.text += out.text.slice(seen.start, seen.end);
    return;
  }
  const start = out.text.length;
  writeMap(out, map, col, false);
  if (out.text.length - start > SHARED_MIN) written.set(map, { out, col, start, end: out.text.length });
}

/** Maps whose text is at least this long are remembered for copying (smaller ones are cheaper to write again). */
const SHARED_MIN = 2048;
const written = new WeakMap<object, { out: Out; col: number; start: number; end: number }>();
const preEmitted = new WeakMap<object, { col: number; text: string }>();

/**
 * Records `text` as the manifest-style text of `map` printed as a map value at `indent` (the
 * lines under its key). For large constant subtrees whose text was emitted ahead of time; the
 * caller must not modify `map` afterwards (copies made with JSON do not carry the text).
 */
export function useEmittedText(map: object, indent: string, text: string): void {
  preEmitted.set(map, { col: indent.length, text });
}

/** A scalar or an empty collection, after `key:` or `-` owned by column `col`. */
function writeScalarish(out: Out, v: Json, col: number): void {
  if (isMap(v)) out.text += ' {}\n';
  else if (Array.isArray(v)) out.text += ' []\n';
  else {
    const lines = out.style.scalar(v);
    out.text += ' ' + lines[0]! + '\n';
    if (lines.length > 1) out.text += continuation(lines, col);
  }
}

/** The lines after a scalar's first, under the column `col` that owns it. */
function continuation(lines: Rendered, col: number): string {
  let text = '';
  for (let i = 1; i < lines.length; i++) text += lines[i] === '' ? '\n' : pad(col) + lines[i]! + '\n';
  return text;
}

// ---- Flow collections (`{ a: b }`, `[ 1, 2 ]`), as the library writes those it read as flow ----

/**
 * A marked flow collection on one line: items joined by `, `, maps as `key: value`, everything
 * inside written flow, scalars quoted as the library quotes them inside flow collections.
 */
function flowText(value: Json[] | { [k: string]: Json }, out: Out): string {
  let inner = '';
  let sep = '';
  if (Array.isArray(value)) {
    for (const item of value) {
      inner += sep + flowItem(item, out);
      sep = ', ';
    }
  } else if (out.style.sortKeys) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined);
    keys.sort();
    for (const key of keys) {
      inner += sep + flowKey(key) + ': ' + flowItem(value[key]!, out);
      sep = ', ';
    }
  } else {
    for (const key in value) {
      const v = value[key];
      if (v === undefined) continue;
      inner += sep + flowKey(key) + ': ' + flowItem(v, out);
      sep = ', ';
    }
  }
  const isSeq = Array.isArray(value);
  if (sep === '') return isSeq ? '[]' : '{}';
  let pad = ' ';
  if (out.flowAsRead) {
    // Everything inside a flow collection is flow; each nested one was marked as it was read.
    const read = out.flows?.get(value);
    if (read !== 'padded' && read !== 'tight') throw new Unsupported();
    if (read === 'tight') pad = '';
  }
  return isSeq ? '[' + pad + inner + pad + ']' : '{' + pad + inner + pad + '}';
}

function flowItem(item: Json, out: Out): string {
  if (item !== null && typeof item === 'object') return flowText(item, out);
  if (item === null) return 'null';
  if (typeof item === 'boolean') return item ? 'true' : 'false';
  if (typeof item === 'number') {
    if (!Number.isSafeInteger(item)) throw new Unsupported();
    return String(item);
  }
  return flowString(item, false);
}

function flowKey(key: string): string {
  return flowString(key, true);
}

const flowMemo = new Map<string, string>();
const flowKeyMemo = new Map<string, string>();

/** A string inside a flow collection, rendered once by the library (as a flow item or key). */
function flowString(value: string, key: boolean): string {
  const memo = key ? flowKeyMemo : flowMemo;
  const hit = memo.get(value);
  if (hit !== undefined) return hit;
  const own = ownString(value);
  if (SIMPLE_PLAIN.test(own) && !CORE_WORDS.test(own)) return remember(memo, own, own);
  if (DIGITS.test(own)) return remember(memo, own, `"${own}"`);
  const doc = new Document(key ? { [own]: 1 } : [own]);
  if (!isSeq(doc.contents) && !key) throw new Unsupported();
  (doc.contents as { flow?: boolean }).flow = true;
  const text = doc.toString({ lineWidth: 0 });
  // `[ item ]\n` or `{ key: 1 }\n`
  const inner = key ? text.slice(2, -6) : text.slice(2, -3);
  if (inner.includes('\n') || !text.endsWith(key ? ': 1 }\n' : ' ]\n')) throw new Unsupported();
  return remember(memo, own, ownString(inner));
}
