/**
 * Reading multi-document YAML (or JSON) while remembering where every document came from.
 * Analyze, validate, kube-inject, profiles and `install -f` all read user files through here,
 * so a malformed file gets the same `file:line:col: malformed YAML in document N` error everywhere.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, type Document } from 'yaml';
import { DataError } from '../core/errors.js';
import { checkDocument, composeDocuments, TO_JS_OPTIONS } from './limits.js';

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

/**
 * Splits a stream at its `---` lines without parsing it, so each document can be handled (and
 * copied byte for byte) on its own. Blank-only chunks are dropped; comment-only ones are kept.
 */
export function splitDocuments(text: string, file: string): DocumentText[] {
  const lines = text.split('\n');
  const chunks: DocumentText[] = [];
  let start = 0;
  const flush = (end: number) => {
    if (end > start) {
      const body = lines.slice(start, end).join('\n');
      if (body.trim() !== '' || end - start > 1) chunks.push({ text: body, line: start + 1 });
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (!line.startsWith('---')) continue;
    if (!SEPARATOR.test(line)) {
      throw new DataError(`${file}:${i + 1}: unexpected content after the document separator '---'`, { hint: 'Put the document on the line after ---.' });
    }
    flush(i);
    start = i + 1;
  }
  flush(lines.length);
  // Blank-only chunks (e.g. the newline after a trailing ---) carry nothing.
  return chunks.filter((c) => c.text.trim() !== '' || c.text.includes('#'));
}

/** The document model of one chunk of a stream (keeps comments and layout); `index` is its 0-based place in the stream. */
export function parseDocumentText(chunk: DocumentText, file: string, index: number): Document.Parsed {
  const lineCounter = new LineCounter();
  const origin = { file, lineBase: chunk.line - 1, lineCounter };
  const docs = [...composeDocuments(chunk.text, origin, { forceDoc: true })];
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
