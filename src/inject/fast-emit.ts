/**
 * A fast block-style YAML writer for plain JSON values that writes exactly what the `yaml`
 * library's `stringify(value, { lineWidth: 0, indentSeq })` writes. Structure (maps, lists,
 * indentation) is ours; every scalar is rendered once by the library itself and memoised, so
 * quoting and block-scalar choices are the library's. Anything it cannot mirror returns
 * undefined and the caller uses the library. Serialising injected documents through the yaml
 * Document model was the largest cost of kube-inject.
 */
import { stringify } from 'yaml';
import type { Json } from '../core/json.js';

class Unsupported extends Error {}

/** Rendered scalar: first line (after `key: ` or `- `) and continuation lines indented from column 0 of their owner. */
type Rendered = string[];

const valueMemo = new Map<string, Rendered>();
/** Starts with a letter, then only letters, digits and `_ . / - :` (a colon never last). */
const SIMPLE_PLAIN = /^[A-Za-z][A-Za-z0-9_./:-]*[A-Za-z0-9_./-]$|^[A-Za-z]$/;
/** Digits only: the library writes these double-quoted, as they would read as numbers. */
const DIGITS = /^[0-9]+$/;
/** Words the YAML 1.2 core schema reads as booleans or null. */
const CORE_WORDS = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;
const keyMemo = new Map<string, string>();
const MEMO_LIMIT = 50_000;

function remember<K, V>(memo: Map<K, V>, key: K, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

function renderScalar(value: string | number | boolean | null): Rendered {
  if (value === null) return ['null'];
  if (typeof value === 'boolean') return [value ? 'true' : 'false'];
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Unsupported();
    return [String(value)];
  }
  const hit = valueMemo.get(value);
  if (hit) return hit;
  // Names, paths, images: the library writes these plain (fast-path.test.ts checks a sample).
  if (SIMPLE_PLAIN.test(value) && !CORE_WORDS.test(value)) return remember(valueMemo, value, [value]);
  if (DIGITS.test(value)) return remember(valueMemo, value, [`"${value}"`]);
  const text = stringify({ k: value }, { lineWidth: 0 });
  // "k: <first>\n  <more>\n": continuation lines carry the 2 columns of indentation under `k`.
  const lines = text.slice(3, -1).split('\n');
  if (lines.slice(1).some((l) => l === '' || !l.startsWith('  '))) throw new Unsupported();
  return remember(valueMemo, value, lines);
}

function renderKey(key: string): string {
  const hit = keyMemo.get(key);
  if (hit !== undefined) return hit;
  const text = stringify({ [key]: 1 }, { lineWidth: 0 });
  if (!text.endsWith(': 1\n') || text.startsWith('?') || text.slice(0, -4).includes('\n')) throw new Unsupported();
  return remember(keyMemo, key, text.slice(0, -4));
}

const PADS: string[] = [];
/** `col` spaces. */
function pad(col: number): string {
  return (PADS[col] ??= ' '.repeat(col));
}

/** The text written so far (string appends beat collecting pieces for join here). */
interface Out {
  text: string;
}

const isMap = (v: Json | undefined): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The document text (ending in a newline), or undefined when the library must write it. */
export function emitYaml(value: Json, indentSeq: boolean): string | undefined {
  const out: Out = { text: '' };
  try {
    if (isMap(value) && hasEntries(value)) writeMap(out, value, 0, indentSeq);
    else if (Array.isArray(value) && value.length > 0) writeSeq(out, value, 0, indentSeq);
    else return undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  return out.text;
}

/** Whether the map has a key the library would write (undefined values are left out). */
function hasEntries(map: { [k: string]: Json }): boolean {
  for (const key in map) if (map[key] !== undefined) return true;
  return false;
}

/** Writes a non-empty map whose first key starts at `col` (the caller wrote any prefix). */
function writeMap(out: Out, map: { [k: string]: Json }, col: number, indentSeq: boolean, firstPrefixed = false): void {
  const indent = pad(col);
  let first = true;
  for (const key in map) {
    const child = map[key];
    if (child === undefined) continue;
    out.text += (first && firstPrefixed ? '' : indent) + renderKey(key) + ':';
    first = false;
    writeValue(out, child, col, indentSeq, ' ');
  }
}

function writeSeq(out: Out, seq: Json[], col: number, indentSeq: boolean, firstPrefixed = false): void {
  const indent = pad(col);
  let first = true;
  for (const item of seq) {
    if (item === undefined) throw new Unsupported();
    out.text += (first && firstPrefixed ? '' : indent) + '-';
    first = false;
    if (isMap(item) && hasEntries(item)) {
      out.text += ' ';
      writeMap(out, item, col + 2, indentSeq, true);
    } else if (Array.isArray(item) && item.length > 0) {
      out.text += ' ';
      writeSeq(out, item, col + 2, indentSeq, true);
    } else {
      writeScalarish(out, item, col, ' ');
    }
  }
}

/** After `key:` at column `col`. */
function writeValue(out: Out, child: Json, col: number, indentSeq: boolean, sep: string): void {
  if (isMap(child) && hasEntries(child)) {
    out.text += '\n';
    writeMap(out, child, col + 2, indentSeq);
  } else if (Array.isArray(child) && child.length > 0) {
    out.text += '\n';
    writeSeq(out, child, indentSeq ? col + 2 : col, indentSeq);
  } else {
    writeScalarish(out, child, col, sep);
  }
}

/** A scalar or an empty collection, after `key:` or `-` owned by column `col`. */
function writeScalarish(out: Out, v: Json, col: number, sep: string): void {
  if (isMap(v)) {
    out.text += sep + '{}\n';
    return;
  }
  if (Array.isArray(v)) {
    out.text += sep + '[]\n';
    return;
  }
  const lines = renderScalar(v);
  out.text += sep + lines[0]! + '\n';
  if (lines.length > 1) {
    const indent = pad(col);
    for (let i = 1; i < lines.length; i++) out.text += indent + lines[i]! + '\n';
  }
}
