/**
 * A fast reader for block-style YAML as templates and most manifests are written (nested maps
 * and lists, quoted or plain scalars, `{}`/`[]`). Reading every rendered template with the
 * `yaml` library was half of kube-inject's time (1k pods: 5.6 s → 2.7 s with this reader).
 * Anything outside the subset returns undefined and the caller uses the library, so results
 * never differ (test/inject/fast-yaml.test.ts checks that against the library).
 * Rendered templates repeat the same lines pod after pod, so each distinct line is measured,
 * split into key and value, and its scalar resolved once (bounded memos; a full one starts over).
 */
import type { Json, JsonObject } from '../core/json.js';

/** A line without its indentation; shared by every text holding it, so never changed. */
interface Line {
  indent: number;
  text: string;
  /** Filled on first use: the map entry it holds (null: none), the item after its `- `. */
  entry?: Entry | null;
  item?: Line;
  /** The line read as a scalar (list items), filled on first use. */
  value?: Resolved;
}

class Unsupported extends Error {}

type Scalar = string | number | boolean | null;
const DECLINED = Symbol('declined');
type Resolved = Scalar | typeof DECLINED;
const MEMO_LIMIT = 50_000;
/** A `key: rest` line split once; null when the line is not a map entry. */
interface Entry {
  key: string;
  rest: string;
  /** `rest` read as a scalar, filled on first use. */
  value?: Resolved;
}
const lineMemo = new Map<string, Line | null>();

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

export function parseSimpleYaml(text: string): Json | undefined {
  // Tabs and CRs are outside the subset (indentation is spaces only).
  if (text.includes('\t') || text.includes('\r')) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    let line = lineMemo.get(raw);
    if (line === undefined) line = remember(lineMemo, raw, measure(raw));
    if (line !== null) lines.push(line);
  }
  if (lines.length === 0) return null;
  try {
    const state = { i: 0 };
    const value = parseNode(lines, state, lines[0]!.indent);
    return state.i === lines.length ? value : undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

/** The line's indentation and text, or null for a blank or comment line. */
function measure(raw: string): Line | null {
  let start = 0;
  let end = raw.length;
  while (start < end && raw.charCodeAt(start) === 32) start++;
  if (start === end || raw.charCodeAt(start) === 35 /* # */) return null;
  while (raw.charCodeAt(end - 1) === 32) end--;
  return { indent: start, text: raw.slice(start, end) };
}

function parseNode(lines: Line[], state: { i: number }, indent: number): Json {
  const first = lines[state.i]!;
  if (first.text === '-' || first.text.startsWith('- ')) return parseSeq(lines, state, indent);
  return parseMap(lines, state, indent);
}

function parseSeq(lines: Line[], state: { i: number }, indent: number): Json[] {
  const out: Json[] = [];
  while (state.i < lines.length) {
    const line = lines[state.i]!;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new Unsupported();
    // a list may sit at its parent key's indentation; a key there ends it
    if (!(line.text === '-' || line.text.startsWith('- '))) break;
    if (line.text === '-') {
      state.i++;
      out.push(state.i < lines.length && lines[state.i]!.indent > indent ? parseNode(lines, state, lines[state.i]!.indent) : null);
    } else {
      // `- key: value` opens a map whose keys sit where `key` starts.
      const item = itemOf(line);
      lines[state.i] = item;
      out.push(entryOf(item) !== null || item.text.startsWith('- ') ? parseNode(lines, state, item.indent) : (state.i++, scalar(item, item.text)));
    }
  }
  return out;
}

function parseMap(lines: Line[], state: { i: number }, indent: number): JsonObject {
  const out: JsonObject = {};
  while (state.i < lines.length) {
    const line = lines[state.i]!;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new Unsupported();
    const entry = entryOf(line);
    if (entry === null) throw new Unsupported();
    const { key, rest } = entry;
    state.i++;
    if (key in out) throw new Unsupported();
    if (rest !== '') {
      out[key] = scalar(entry, rest);
      continue;
    }
    const next = lines[state.i];
    if (next && (next.indent > indent || (next.indent === indent && (next.text === '-' || next.text.startsWith('- '))))) {
      out[key] = parseNode(lines, state, next.indent);
    } else {
      out[key] = null;
    }
  }
  return out;
}

function entryOf(line: Line): Entry | null {
  if (line.entry === undefined) {
    const colon = keyEnd(line.text);
    line.entry = colon < 0 ? null : { key: line.text.slice(0, colon), rest: afterSpaces(line.text, colon + 1) };
  }
  return line.entry;
}

/** What follows a line's `- `, as a line of its own. */
function itemOf(line: Line): Line {
  if (line.item === undefined) {
    const rest = afterSpaces(line.text, 1);
    line.item = { indent: line.indent + (line.text.length - rest.length), text: rest };
  }
  return line.item;
}

/** text from `from` on, leading spaces skipped (lines carry no trailing spaces; other whitespace is content). */
function afterSpaces(text: string, from: number): string {
  while (text.charCodeAt(from) === 32) from++;
  return text.slice(from);
}

/** Index of the `:` ending a plain key, or -1. */
function keyEnd(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 58 /* : */ && (i + 1 === text.length || text.charCodeAt(i + 1) === 32)) return plainString(text.slice(0, i)) ? i : -1;
    if (c === 35 /* # */ && i > 0 && text.charCodeAt(i - 1) === 32) return -1;
  }
  return -1;
}


/** A plain scalar the library reads as this very string (so also a safe mapping key). */
function plainString(text: string): boolean {
  if (!isPlain(text) || text === '<<') return false;
  return resolvePlain(text) === text;
}

// Characters that cannot start a plain scalar (`-`, `?`, `:` only when followed by a space).
const PLAIN_START = /^(?:[,[\]{}#&*!|>'"%@`]|[-?:](?: |$))/;

/** Printable ASCII, no structure inside (`: `, ` #`), no trailing `:`. */
function isPlain(text: string): boolean {
  return text !== '' && /^[\x20-\x7e]*$/.test(text) && !PLAIN_START.test(text) && !text.includes(': ') && !text.includes(' #') && !text.endsWith(':') && !text.endsWith(' ');
}

const INT = /^[-+]?(?:0|[1-9]\d*)$/;
const FLOAT = /^[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?$/;

/** `text` as a scalar, resolved once and kept on its (memoised) line or entry; `{}`/`[]` are fresh each time. */
function scalar(holder: { value?: Resolved }, text: string): Json {
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (holder.value === undefined) {
    try {
      holder.value = readScalar(text);
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      holder.value = DECLINED;
    }
  }
  if (holder.value === DECLINED) throw new Unsupported();
  return holder.value;
}

function readScalar(text: string): Scalar {
  if (text.startsWith('"')) {
    // JSON string syntax is a subset of YAML double-quoted syntax; anything else declines.
    if (text.length < 2 || !text.endsWith('"') || !/^[\x20-\x7e]*$/.test(text) || /\\[^"\\/bfnrtu]/.test(text)) throw new Unsupported();
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new Unsupported();
    }
  }
  if (text.startsWith("'")) {
    if (text.length < 2 || !text.endsWith("'") || !/^[\x20-\x7e]*$/.test(text)) throw new Unsupported();
    const body = text.slice(1, -1);
    if (body.replace(/''/g, '').includes("'")) throw new Unsupported();
    return body.replace(/''/g, "'");
  }
  if (!isPlain(text)) throw new Unsupported();
  return resolvePlain(text);
}

/** The YAML 1.2 core schema for the forms we accept; numbers other than plain safe integers decline. */
function resolvePlain(text: string): Scalar {
  if (text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  if (/^[-+]?[0-9]/.test(text) || /^[-+]?\./.test(text)) {
    if (INT.test(text) && !/^[-+]0$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
    if (FLOAT.test(text) || /^[-+]?[0-9]+$/.test(text) || /^0[xo]/.test(text) || /^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/.test(text)) throw new Unsupported();
  }
  return text;
}
