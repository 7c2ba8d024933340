/**
 * The fast reader for block-style YAML as profiles, templates and most manifests are written:
 * nested maps and lists, plain or quoted scalars and keys, `{}`/`[]`, one-line lists of
 * scalars (`[a, "b"]`). Reading every rendered template with the `yaml` library was half of
 * kube-inject's time (1k pods: 5.6 s → 2.7 s with this reader), and reading two small profiles
 * with it costs ~25 ms of `manifest generate`'s cold start.
 * The contract: the result is exactly what the library's `parse` gives, or undefined for
 * anything outside the subset (the caller then uses the library). test/yaml/fast-parse.test.ts
 * checks that against the library.
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
  /** parseSharedYaml: blocks that began with this line (null: they kept differing), and reads since one was reused. */
  blocks?: Block[] | null;
  misses?: number;
}

class Unsupported extends Error {}

type Scalar = string | number | boolean | null;
const DECLINED = Symbol('declined');
/** A scalar, a one-line flow collection (built fresh on every use), or DECLINED. */
type Resolved = Scalar | FlowNode | typeof DECLINED;
/** Enough for a template's distinct lines; more only holds one-off input lines (and heap) longer. */
const MEMO_LIMIT = 4_000;
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

/**
 * A copy of `text` that does not keep its source alive: V8 makes substrings views of the
 * whole string they were cut from, so a memoised line would keep its entire document (or
 * rendered template) in memory for as long as the memo holds it.
 */
export function ownString(text: string): string {
  return text.length < 13 ? text : (text + ' ').slice(0, -1);
}

/**
 * The value of one YAML document, or undefined when the library must read it. With `flows`, the
 * flow collections read are recorded there with how they were written (for writing it back).
 */
export function parseFastYaml(text: string, flows?: FlowMarks): Json | undefined {
  return parse(text, false, flows);
}

/**
 * parseFastYaml for text that repeats itself from call to call (rendered templates): a block
 * (a list item's or a key's nested value) met again with the same text, where it ends the same
 * way, is the value read the first time, not a copy. Such values are frozen: callers must not
 * change what they get (they build new objects where they need changes).
 */
export function parseSharedYaml(text: string): Json | undefined {
  return parse(text, true);
}

function parse(text: string, share: boolean, flows?: FlowMarks): Json | undefined {
  // Tabs and CRs are outside the subset (indentation is spaces only).
  if (text.includes('\t') || text.includes('\r')) return undefined;
  const cursor = new Cursor(text, share, flows);
  const first = cursor.peek();
  if (first === undefined) return null;
  try {
    const value = parseNode(cursor, first.indent);
    return cursor.peek() === undefined ? value : undefined;
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

/** Deeper nesting is left to the library path, which judges it against the depth limit (limits.ts). */
const FAST_MAX_DEPTH = 64;

/**
 * Reads the text line by line (blank and comment lines skipped), each line memoised. A shared
 * block is skipped over whole: its lines are never split off or looked up.
 */
class Cursor {
  /** Offset of the current line's start, and of the line after it. */
  private start = 0;
  private next = 0;
  /** The current line (undefined at the end); a list item's content once its `- ` is read. */
  private line: Line | undefined;
  depth = 0;
  /** The deepest nesting reached (shared blocks: inside the block being read). */
  deepest = 0;

  constructor(
    readonly text: string,
    readonly share: boolean,
    readonly flows: FlowMarks | undefined,
  ) {
    this.read(0);
  }

  peek(): Line | undefined {
    return this.line;
  }

  /** Offset of the current line's start (the text's length past the end). */
  lineStart(): number {
    return Math.min(this.start, this.text.length);
  }

  /** Offset of the current line's text (past its indentation). */
  offset(): number {
    return this.start + this.line!.indent;
  }

  advance(): void {
    this.read(this.next);
  }

  /** The current line becomes `item` (what follows a `- `), read next in its place. */
  replace(item: Line): void {
    this.line = item;
  }

  /** Moves to `at`, the start of a line. */
  seek(at: number): void {
    this.read(at);
  }

  private read(at: number): void {
    const { text } = this;
    while (at <= text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const raw = text.slice(at, end);
      let line = lineMemo.get(raw);
      if (line === undefined) {
        const own = ownString(raw);
        line = remember(lineMemo, own, measure(own));
      }
      this.start = at;
      this.next = end + 1;
      if (line !== null) {
        this.line = line;
        return;
      }
      at = end + 1;
    }
    this.start = this.next = text.length + 1;
    this.line = undefined;
  }
}

/**
 * A block read before: its text (from its first line's content to the start of the line that
 * ended it), its value, and how deep it nests.
 */
interface Block {
  text: string;
  value: Json;
  depth: number;
}
/** Blocks kept per first line, the most recent first; a line whose blocks keep differing stops keeping them. */
const BLOCKS_PER_LINE = 3;
const MAX_MISSES = 8;

function parseNode(cursor: Cursor, indent: number): Json {
  const first = cursor.peek()!;
  if (cursor.share && first.blocks !== null) return sharedNode(cursor, first, indent);
  return readNode(cursor, first, indent);
}

function readNode(cursor: Cursor, first: Line, indent: number): Json {
  if (++cursor.depth > FAST_MAX_DEPTH) throw new Unsupported();
  if (cursor.depth > cursor.deepest) cursor.deepest = cursor.depth;
  const value = isItem(first) ? parseSeq(cursor, indent) : parseMap(cursor, indent);
  cursor.depth--;
  return value;
}

function isItem(line: Line): boolean {
  return line.text === '-' || line.text.startsWith('- ');
}

/**
 * A node whose text was read before is that read's value: the same text parses the same way
 * up to the line after it, which must end this node here too (a line further left, or, for a
 * list, a key at its column). Otherwise it is read and remembered, frozen.
 */
function sharedNode(cursor: Cursor, first: Line, indent: number): Json {
  const { text } = cursor;
  const at = cursor.offset();
  const blocks = (first.blocks ??= []);
  for (const block of blocks) {
    const end = at + block.text.length;
    // (slice and === compare memory at once; startsWith walks the text a character at a time)
    if (text.slice(at, end) !== block.text || cursor.depth + block.depth > FAST_MAX_DEPTH) continue;
    if (end < text.length && text.charCodeAt(end - 1) !== 10 /* \n */) continue;
    cursor.seek(end);
    const after = cursor.peek();
    if (after === undefined || after.indent < indent || (after.indent === indent && isItem(first) && !isItem(after))) {
      first.misses = 0;
      if (cursor.depth + block.depth > cursor.deepest) cursor.deepest = cursor.depth + block.depth;
      return block.value;
    }
    // The same lines go on further here: read the node afresh.
    cursor.seek(at - first.indent);
    cursor.replace(first);
  }
  const outer = cursor.deepest;
  cursor.deepest = cursor.depth;
  const value = readNode(cursor, first, indent);
  const depth = cursor.deepest - cursor.depth;
  cursor.deepest = Math.max(outer, cursor.deepest);
  if ((first.misses = (first.misses ?? 0) + 1) > MAX_MISSES) {
    first.blocks = null;
    return value;
  }
  if (blocks.length >= BLOCKS_PER_LINE) blocks.pop();
  blocks.unshift({ text: ownString(text.slice(at, cursor.lineStart())), value: share(value), depth });
  return value;
}

/** Values frozen all the way down, so readers may keep what they derive from them (asPatch, the writer). */
const sharedValues = new WeakSet<object>();

/** Freezes `value` and everything in it, and marks it shared. */
export function share<T extends Json>(value: T): T {
  if (value !== null && typeof value === 'object' && !sharedValues.has(value)) {
    for (const child of Object.values(value)) share(child);
    sharedValues.add(Object.freeze(value));
  }
  return value;
}

/** Whether `value` came from share() (parseSharedYaml's blocks): it and all it holds never change. */
export function isShared(value: object): boolean {
  return sharedValues.has(value);
}

function parseSeq(cursor: Cursor, indent: number): Json[] {
  const out: Json[] = [];
  for (let line = cursor.peek(); line !== undefined; line = cursor.peek()) {
    if (line.indent < indent) break;
    if (line.indent > indent) throw new Unsupported();
    // a list may sit at its parent key's indentation; a key there ends it
    if (!isItem(line)) break;
    if (line.text === '-') {
      cursor.advance();
      const next = cursor.peek();
      out.push(next !== undefined && next.indent > indent ? parseNode(cursor, next.indent) : null);
    } else {
      // `- key: value` opens a map whose keys sit where `key` starts.
      const item = itemOf(line);
      cursor.replace(item);
      if (entryOf(item) !== null || item.text.startsWith('- ')) out.push(parseNode(cursor, item.indent));
      else {
        cursor.advance();
        out.push(scalar(item, item.text, cursor.flows));
      }
    }
  }
  return out;
}

function parseMap(cursor: Cursor, indent: number): JsonObject {
  const out: JsonObject = {};
  for (let line = cursor.peek(); line !== undefined; line = cursor.peek()) {
    if (line.indent < indent) break;
    if (line.indent > indent) throw new Unsupported();
    const entry = entryOf(line);
    if (entry === null) throw new Unsupported();
    const { key, rest } = entry;
    cursor.advance();
    // duplicates, and keys such as __proto__ or constructor that plain assignment mishandles
    if (key in out) throw new Unsupported();
    if (rest !== '') {
      out[key] = scalar(entry, rest, cursor.flows);
      continue;
    }
    const next = cursor.peek();
    if (next && (next.indent > indent || (next.indent === indent && isItem(next)))) {
      out[key] = parseNode(cursor, next.indent);
    } else {
      out[key] = null;
    }
  }
  return out;
}

function entryOf(line: Line): Entry | null {
  if (line.entry === undefined) line.entry = splitEntry(line.text);
  return line.entry;
}

/** `key: rest` with a plain or quoted key, else null. */
function splitEntry(text: string): Entry | null {
  const first = text.charCodeAt(0);
  if (first === 34 /* " */ || first === 39 /* ' */) {
    const close = closingQuote(text);
    if (close < 0 || text.charCodeAt(close + 1) !== 58 /* : */ || !(close + 2 === text.length || text.charCodeAt(close + 2) === 32)) return null;
    let key: Scalar;
    try {
      key = readScalar(text.slice(0, close + 1));
    } catch (err) {
      if (err instanceof Unsupported) return null;
      throw err;
    }
    return { key: key as string, rest: afterSpaces(text, close + 2) };
  }
  const colon = keyEnd(text);
  return colon < 0 ? null : { key: text.slice(0, colon), rest: afterSpaces(text, colon + 1) };
}

/** Index of the quote closing the quoted scalar that starts `text`, or -1. */
function closingQuote(text: string): number {
  const quote = text.charCodeAt(0);
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote === 34 && c === 92 /* \ */) i++;
    else if (c === quote) {
      if (quote === 39 && text.charCodeAt(i + 1) === 39) i++;
      else return i;
    }
  }
  return -1;
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
/** The core schema's float without an exponent (`1.5`, `.5`, `1.`): read as JavaScript reads it. */
const DECIMAL = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const FLOAT = /^[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?$/;

/**
 * `text` as a scalar or a one-line flow collection, resolved once and kept on its (memoised)
 * line or entry; collections are built fresh each time (callers may change them).
 */
function scalar(holder: { value?: Resolved }, text: string, flows: FlowMarks | undefined): Json {
  if (holder.value === undefined) {
    try {
      const c = text.charCodeAt(0);
      holder.value = c === 123 /* { */ || c === 91 /* [ */ ? readFlow(text) : readScalar(text);
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      holder.value = DECLINED;
    }
  }
  const value = holder.value;
  if (value === DECLINED) throw new Unsupported();
  return value instanceof FlowNode ? value.build(flows) : (value as Scalar);
}

// ---- one-line flow collections: `{a: b, c: [1, 2]}`, `[ {x: 1} ]` ----

/** How a flow collection was written: `{ a: b }` (padded), `{a: b}` (tight), or `{}` (empty). */
export type FlowStyle = 'padded' | 'tight' | 'empty';

/**
 * The flow collections of one document and how each was written. The yaml library keeps a flow
 * collection flow when it writes a document back (adding entries to it in flow style, with its
 * own `{ a: b }` padding); the writer and orderLike follow these marks to do the same. One map
 * per document, dropped with it: a hidden property on each collection cost a slow
 * defineProperty apiece (and new object shapes), a global WeakMap doubled the garbage
 * collector's work. Values read without one (templates, profiles) carry no marks.
 */
export type FlowMarks = Map<object, FlowStyle>;

const MAX_FLOW_DEPTH = 32;

/** A parsed flow collection, kept in the memo and built into fresh (marked) values on use. */
class FlowNode {
  constructor(
    readonly entries: readonly (readonly [string, FlowValue])[] | undefined,
    readonly items: readonly FlowValue[] | undefined,
    readonly style: FlowStyle,
  ) {}

  build(flows: FlowMarks | undefined): Json {
    let out: Json;
    if (this.items) {
      out = [];
      for (const item of this.items) out.push(item instanceof FlowNode ? item.build(flows) : item);
    } else {
      const map: JsonObject = {};
      for (const [k, v] of this.entries!) map[k] = v instanceof FlowNode ? v.build(flows) : v;
      out = map;
    }
    flows?.set(out, this.style);
    return out;
  }
}
type FlowValue = Scalar | FlowNode;

/** The whole text as one flow collection (nothing may follow it), or Unsupported. */
function readFlow(text: string): FlowNode {
  const state = { text, at: 0 };
  const node = flowCollection(state, 0);
  if (state.at !== text.length) throw new Unsupported();
  return node;
}

interface FlowState {
  text: string;
  at: number;
}

function flowCollection(st: FlowState, depth: number): FlowNode {
  if (depth > MAX_FLOW_DEPTH) throw new Unsupported();
  const isMap = st.text.charCodeAt(st.at) === 123;
  const close = isMap ? 125 /* } */ : 93; /* ] */
  st.at++;
  if (st.text.charCodeAt(st.at) === close) {
    st.at++;
    return new FlowNode(isMap ? [] : undefined, isMap ? undefined : [], 'empty');
  }
  const padded = st.text.charCodeAt(st.at) === 32;
  if (padded) st.at++;
  const entries: [string, FlowValue][] = [];
  const items: FlowValue[] = [];
  const keys = new Set<string>();
  for (;;) {
    if (isMap) {
      const key = flowScalar(st, true);
      if (typeof key !== 'string' || keys.has(key) || key in Object.prototype) throw new Unsupported();
      keys.add(key);
      if (st.text.charCodeAt(st.at) !== 58 || st.text.charCodeAt(st.at + 1) !== 32) throw new Unsupported();
      st.at += 2;
      entries.push([key, flowValue(st, depth)]);
    } else {
      items.push(flowValue(st, depth));
    }
    const c = st.text.charCodeAt(st.at);
    if (c === 44 /* , */ && st.text.charCodeAt(st.at + 1) === 32) {
      st.at += 2;
      continue;
    }
    // The closing bracket, after one space when the opening one had one.
    if (padded) {
      if (c !== 32) throw new Unsupported();
      st.at++;
    }
    if (st.text.charCodeAt(st.at) !== close) throw new Unsupported();
    st.at++;
    return new FlowNode(isMap ? entries : undefined, isMap ? undefined : items, padded ? 'padded' : 'tight');
  }
}

function flowValue(st: FlowState, depth: number): FlowValue {
  const c = st.text.charCodeAt(st.at);
  return c === 123 || c === 91 ? flowCollection(st, depth + 1) : flowScalar(st, false);
}

/**
 * A quoted or plain scalar inside a flow collection. A plain one ends at `,`, `]` or `}` (or at
 * `: ` for a key) and may not hold anything that means more inside flow (`[]{}`, `#`, `: `).
 */
function flowScalar(st: FlowState, key: boolean): Scalar {
  const { text } = st;
  const start = st.at;
  const q = text.charCodeAt(start);
  if (q === 34 || q === 39) {
    const close = closingQuote(text.slice(start));
    if (close < 0) throw new Unsupported();
    st.at = start + close + 1;
    return readScalar(text.slice(start, st.at));
  }
  let end = start;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    if (c === 44 || c === 93 || c === 125) break;
    if (c === 123 || c === 91 || c === 35) throw new Unsupported();
    if (c === 58 && (text.charCodeAt(end + 1) === 32 || end + 1 === text.length)) {
      if (key) break;
      throw new Unsupported();
    }
  }
  // The space before a padded collection's closing bracket is padding, not part of the scalar.
  if (end > start && text.charCodeAt(end - 1) === 32 && text.charCodeAt(end) !== 44) end--;
  const plain = text.slice(start, end);
  st.at = end;
  if (plain.charCodeAt(0) === 32) throw new Unsupported();
  // `a:` before a flow indicator, or a value the library would read differently in flow.
  if (plain.endsWith(':') || plain.startsWith(':')) throw new Unsupported();
  return readScalar(plain);
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

/** The YAML 1.2 core schema for the forms we accept; other number spellings decline. */
function resolvePlain(text: string): Scalar {
  if (text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  if (/^[-+]?[0-9]/.test(text) || /^[-+]?\./.test(text)) {
    if (INT.test(text) && !/^[-+]0$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
    if (DECIMAL.test(text)) return Number(text);
    if (FLOAT.test(text) || /^[-+]?[0-9]+$/.test(text) || /^0[xo]/.test(text) || /^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/.test(text)) throw new Unsupported();
  }
  return text;
}
