/**
 * Reading multi-document YAML (or JSON) while remembering where every document came from.
 * Analyze, validate, kube-inject, profiles and `install -f` all read user files through here,
 * so a malformed file gets the same `file:line:col: malformed YAML in document N` error everywhere.
 */
import { isScalar, LineCounter, type Document } from 'yaml';
import { parseFastYaml } from './fast-parse.js';
import { DataError } from '../core/errors.js';
import { checkDocument, composeDocuments, maxDocumentBytes, TO_JS_OPTIONS } from './limits.js';

export interface SourceDoc {
  /** The file name as the user gave it (`-` / `<stdin>` for standard input). */
  file: string;
  /** Zero-based position of the document in its file. */
  index: number;
  /** 1-based line of the document's first content line. */
  line: number;
  /** The parsed document model (keeps comments and key order). */
  doc: Document.Parsed;
  /** The document as plain data; null for an empty document. */
  value: unknown;
  /** Line of a path inside the document (keys as strings, list indexes as numbers), if it exists. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  /** Line of the key that holds `path` (where a reader looks), else lineOf(path). */
  keyLineOf(path: readonly (string | number)[]): number | undefined;
}

export interface ParseOptions {
  /** Keep empty documents (for byte-preserving pass-through); default false. */
  keepEmpty?: boolean;
}

export function parseYamlDocuments(text: string, file: string, options: ParseOptions = {}): SourceDoc[] {
  if (text.includes('\u0000')) {
    throw new DataError(`${file}: binary data is not YAML or JSON`, {
      hint: 'Pass a text file holding Kubernetes resources.',
    });
  }
  const lineCounter = new LineCounter();
  const origin = { file, lineBase: 0, lineCounter };
  const out: SourceDoc[] = [];
  let index = -1;
  for (const doc of composeDocuments(text, origin)) {
    index++;
    const firstError = doc.errors[0];
    if (firstError) {
      const pos = lineCounter.linePos(firstError.pos[0]);
      throw malformedYaml(file, pos.line, pos.col, index, firstError.message);
    }
    checkDocument(doc, origin, index);
    const contents = doc.contents;
    const contentStart = contents?.range?.[0] ?? doc.range[0];
    const value = contents === null ? null : doc.toJS(TO_JS_OPTIONS);
    if (!options.keepEmpty && (value === null || value === undefined)) continue;
    const lineOf = (path: readonly (string | number)[]): number | undefined => {
      const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
      const pair = path.length > 0 ? (doc.getIn(path.slice(0, -1), true) as unknown) : undefined;
      const offset = node?.range?.[0] ?? keyOffset(pair, path[path.length - 1]);
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    };
    out.push({
      file,
      index,
      line: lineCounter.linePos(contentStart).line,
      doc,
      value,
      lineOf,
      keyLineOf(path) {
        const last = path[path.length - 1];
        if (typeof last === 'string') {
          const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
          const offset = keyOffset(parent, last);
          if (offset !== undefined) return lineCounter.linePos(offset).line;
        }
        return lineOf(path);
      },
    });
  }
  return out;
}

function keyOffset(collection: unknown, key: string | number | undefined): number | undefined {
  const items = (collection as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] })?.items;
  if (!items || key === undefined) return undefined;
  return items.find((item) => item.key?.value === key)?.key?.range?.[0];
}

/** The one error for a YAML syntax error: where, which document (0-based `index`), and the library's first message line. */
export function malformedYaml(file: string, line: number, col: number, index: number, message: string): DataError {
  return new DataError(`${file}:${line}:${col}: malformed YAML in document ${index + 1}: ${firstMessageLine(message)}`, {
    hint: 'Fix the YAML syntax at that position; nothing was written.',
  });
}

function firstMessageLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** One document's text in a stream. */
export interface DocumentText {
  text: string;
  /** 1-based line of the chunk's first line in the input. */
  line: number;
}

const SEPARATOR = /^---(?:[ \t]+(?:#.*)?)?$/;

/** The document model of one chunk of a stream (keeps comments and layout); `index` is its 0-based place in the stream. */
export function parseDocumentText(chunk: DocumentText, file: string, index: number): Document.Parsed {
  const lineCounter = new LineCounter();
  const origin = { file, lineBase: chunk.line - 1, lineCounter };
  const docs = [...composeDocuments(chunk.text, origin, { forceDoc: true, firstIndex: index })];
  const doc = docs[0]!;
  const error = doc.errors[0];
  if (error) {
    const pos = lineCounter.linePos(error.pos[0]);
    throw malformedYaml(file, chunk.line + pos.line - 1, pos.col, index, error.message);
  }
  if (docs.length > 1) {
    const pos = lineCounter.linePos(docs[1]!.range[0]);
    throw malformedYaml(file, chunk.line + pos.line - 1, pos.col, index, 'a document end marker (...) followed by more content');
  }
  checkDocument(doc, origin, index);
  return doc;
}

export { readInput, readTextFileSync } from '../core/input.js';

/** One document of a stream read by readYamlStream: its value now, its layout only when asked. */
export interface StreamDoc {
  file: string;
  /** Zero-based position of the document in its file (as parseYamlDocuments counts). */
  index: number;
  /** 1-based line of the document's first content line. */
  line: number;
  value: unknown;
  /** Line of the node at `path`, if it exists. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  /** Line of the node at `path` only when it is a scalar (a leaf); maps and lists have none. */
  leafLineOf(path: readonly (string | number)[]): number | undefined;
}

/**
 * A document of a stream read by readYamlStream. It keeps its place in the stream's text, not a
 * copy, and builds the library's document model only when a line is asked for; the last model
 * built is kept (findings come resource by resource), older ones are dropped, so a stream of
 * 150k documents never holds 150k models.
 */
class LazyDoc implements StreamDoc {
  constructor(
    readonly file: string,
    readonly index: number,
    readonly line: number,
    readonly value: unknown,
    private readonly text: string,
    private readonly start: number,
    private readonly end: number,
    /** Lines before the document's first line in the stream. */
    private readonly offset: number,
    model?: Document.Parsed,
  ) {
    if (model) lastModel = { doc: this, model };
    else this.fast = true;
  }

  /** Read by the fast reader: block layout (and one-line flow collections), which blockLine can walk. */
  private readonly fast: boolean = false;

  private model(): Document.Parsed {
    if (lastModel?.doc !== this) lastModel = { doc: this, model: parseDocumentText({ text: this.chunk(), line: this.offset + 1 }, this.file, this.index) };
    return lastModel.model;
  }

  private chunk(): string {
    return this.text.slice(this.start, this.end);
  }

  lineOf(path: readonly (string | number)[]): number | undefined {
    if (this.fast && has(this.value, path)) {
      const line = blockLine(this.chunk(), path);
      if (line !== undefined) return line + this.offset;
    }
    const doc = this.model();
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const pair = path.length > 0 ? (doc.getIn(path.slice(0, -1), true) as unknown) : undefined;
    const at = node?.range?.[0] ?? keyOffset(pair, path[path.length - 1]);
    return at === undefined ? undefined : lineAt(this.chunk(), at) + this.offset;
  }

  leafLineOf(path: readonly (string | number)[]): number | undefined {
    if (this.fast) {
      const v = valueAt(this.value, path);
      if (v === undefined || (v !== null && typeof v === 'object')) return undefined;
      const line = blockLine(this.chunk(), path);
      if (line !== undefined) return line + this.offset;
    }
    const node = this.model().getIn(path, true);
    return isScalar(node) && node.range ? lineAt(this.chunk(), node.range[0]) + this.offset : undefined;
  }
}

let lastModel: { doc: LazyDoc; model: Document.Parsed } | undefined;

/**
 * parseYamlDocuments for large streams that are mostly read for their values (analyze,
 * validate): each document is read with the fast reader when it can be, and the library's
 * document model (for line numbers) is built per document only when a line is asked for.
 * Streams with directives or `...` markers, and any document the library rejects, go through
 * parseYamlDocuments, so values and errors are the same as there.
 */
export function readYamlStream(text: string, file: string): StreamDoc[] {
  const whole = (): StreamDoc[] => parseYamlDocuments(text, file).map((d) => ({ file, index: d.index, line: d.line, value: d.value, lineOf: d.lineOf, leafLineOf: (p) => (isLeaf(d.doc, p) ? d.lineOf(p) : undefined) }));
  if (text.includes('\u0000') || /^(?:%|\.\.\.(?:[ \t]|$))/m.test(text)) return whole();
  const out: StreamDoc[] = [];
  let index = 0;
  let start = 0;
  let startLine = 1;
  let first = true;
  let lineNo = 1;
  const take = (end: number): void => {
    const chunk = text.slice(start, end);
    const contentLine = firstContentLine(chunk);
    if (first && contentLine === undefined) return; // comments before the first `---` belong to no document
    const docIndex = index++;
    if (contentLine === undefined) return;
    // Tabs, CRs and documents over the size limit go to the library path, which judges them.
    let value: unknown = chunk.includes('\t') || chunk.includes('\r') || chunk.length > maxDocumentBytes() ? undefined : parseFastYaml(chunk);
    let model: Document.Parsed | undefined;
    if (value === undefined) {
      // The library path, with the same limits and the same syntax errors as parseYamlDocuments.
      model = parseDocumentText({ text: chunk, line: startLine }, file, docIndex);
      value = model.contents === null ? null : model.toJS(TO_JS_OPTIONS);
    }
    if (value === null || value === undefined) return;
    out.push(new LazyDoc(file, docIndex, startLine + contentLine, value, text, start, end, startLine - 1, model));
  };
  for (let pos = 0; pos <= text.length; ) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    if (text.startsWith('---', pos)) {
      const line = text.slice(pos, end).replace(/\r$/, '');
      if (!SEPARATOR.test(line)) return whole();
      take(pos);
      first = false;
      start = nl < 0 ? text.length : nl + 1;
      startLine = lineNo + 1;
    }
    if (nl < 0) break;
    pos = nl + 1;
    lineNo++;
  }
  take(text.length);
  return out;
}

/** Lines (0-based) before the first line that is not blank or a comment, or undefined. */
function firstContentLine(chunk: string): number | undefined {
  let n = 0;
  let lineStart = true;
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk.charCodeAt(i);
    if (c === 10) {
      n++;
      lineStart = true;
    } else if (c !== 32 && c !== 9 && c !== 13) {
      if (!(lineStart && c === 35)) return n; // a '#' first on its line starts a comment
      const nl = chunk.indexOf('\n', i);
      if (nl < 0) return undefined;
      i = nl - 1;
    } else continue;
  }
  return undefined;
}

/** 1-based line of a character offset in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Istio's field map records only scalar leaves: a path to a map or list has no line. */
function isLeaf(doc: Document.Parsed, path: readonly (string | number)[]): boolean {
  return isScalar(doc.getIn(path, true));
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function has(value: unknown, path: readonly (string | number)[]): boolean {
  return valueAt(value, path) !== undefined;
}

/** A content line of a block document: where its content starts, and where a `- ` item's content starts. */
interface ScanLine {
  no: number;
  indent: number;
  text: string;
}

/**
 * The 1-based line (within `text`) where the node at `path` starts, found by walking the block
 * layout the fast reader accepts: map keys at one indentation, `- ` items of a list, and one-line
 * flow collections (a path into one is that line). undefined when the walk does not find it; the
 * caller then asks the document model.
 */
export function blockLine(text: string, path: readonly (string | number)[]): number | undefined {
  const lines: ScanLine[] = [];
  text.split('\n').forEach((raw, i) => {
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    const t = raw.slice(indent).trimEnd();
    if (t !== '' && !t.startsWith('#')) lines.push({ no: i + 1, indent, text: t });
  });
  if (lines.length === 0) return undefined;
  // The current node: lines [lo, hi) at indentation `indent` (its first line may start inside a `- ` item).
  let lo = 0;
  let hi = lines.length;
  let indent = lines[0]!.indent;
  let first: ScanLine | undefined = lines[0];
  let line = lines[0]!.no;
  for (let depth = 0; depth < path.length; depth++) {
    const seg = path[depth]!;
    if (typeof seg === 'number') {
      let n = -1;
      let found = -1;
      for (let i = lo; i < hi; i++) {
        const l = i === lo && first ? first : lines[i]!;
        if (l.indent !== indent || !(l.text === '-' || l.text.startsWith('- '))) continue;
        if (++n === seg) {
          found = i;
          break;
        }
      }
      if (found < 0) return undefined;
      const item = found === lo && first ? first : lines[found]!;
      let end = found + 1;
      while (end < hi && (lines[end]!.indent > indent)) end++;
      line = item.no;
      if (item.text === '-') {
        if (end === found + 1) return depth === path.length - 1 ? line : undefined;
        lo = found + 1;
        hi = end;
        indent = lines[lo]!.indent;
        first = undefined;
        line = lines[lo]!.no;
      } else {
        let k = 1;
        while (item.text.charCodeAt(k) === 32) k++;
        const inner: ScanLine = { no: item.no, indent: item.indent + k, text: item.text.slice(k) };
        // A one-line flow collection or a scalar item: nothing deeper to walk line by line.
        if (depth < path.length - 1 && (inner.text.startsWith('{') || inner.text.startsWith('[') || !mapKey(inner.text))) return inner.text.startsWith('{') || inner.text.startsWith('[') ? line : undefined;
        lo = found;
        hi = end;
        indent = inner.indent;
        first = inner;
      }
      continue;
    }
    let found = -1;
    let rest = '';
    for (let i = lo; i < hi; i++) {
      const l = i === lo && first ? first : lines[i]!;
      if (l.indent !== indent) continue;
      const key = mapKey(l.text);
      if (key && key.key === seg) {
        found = i;
        rest = key.rest;
        break;
      }
    }
    if (found < 0) return undefined;
    const entry = found === lo && first ? first : lines[found]!;
    line = entry.no;
    if (rest !== '') {
      if (depth === path.length - 1) return line;
      if (rest.startsWith('{') || rest.startsWith('[')) return line;
      return undefined;
    }
    // The value is the following block: deeper lines, or a list at the same indentation.
    let end = found + 1;
    while (end < hi && (lines[end]!.indent > indent || (lines[end]!.indent === indent && (lines[end]!.text === '-' || lines[end]!.text.startsWith('- '))))) end++;
    if (end === found + 1) return depth === path.length - 1 ? line : undefined;
    lo = found + 1;
    hi = end;
    indent = lines[lo]!.indent;
    first = undefined;
    line = lines[lo]!.no;
    if (depth === path.length - 1) return entry.no === line ? line : lines[lo]!.no;
  }
  return line;
}

/** `key: rest` of a block map line (plain or quoted key), else undefined. */
function mapKey(text: string): { key: string; rest: string } | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const q = text[0]!;
    let i = 1;
    for (; i < text.length; i++) {
      if (q === '"' && text[i] === '\\') i++;
      else if (text[i] === q) {
        if (q === "'" && text[i + 1] === "'") i++;
        else break;
      }
    }
    if (text[i + 1] !== ':' || (i + 2 < text.length && text[i + 2] !== ' ')) return undefined;
    const raw = text.slice(0, i + 1);
    const key = q === '"' ? (JSON.parse(raw) as string) : raw.slice(1, -1).replace(/''/g, "'");
    return { key, rest: text.slice(i + 2).trim() };
  }
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ':' && (i + 1 === text.length || text[i + 1] === ' ')) return { key: text.slice(0, i), rest: text.slice(i + 1).trim() };
    if (text[i] === ' ' && text[i + 1] === '#') return undefined;
  }
  return undefined;
}
