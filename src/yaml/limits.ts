/**
 * The limits and strictness rules every YAML/JSON input goes through on the library path
 * (documents.ts, values.ts): strict UTF-8, nesting depth, document size, alias expansion and
 * duplicate keys. Each breach is a DataError (exit 65) that names where and which limit, so no
 * JavaScript error text (call stack, string length, out of memory) reaches the user.
 */
import { Composer, isAlias, isMap, isScalar, isSeq, Parser, type CST, type Document, type LineCounter, type Node } from 'yaml';
import { DataError } from '../core/errors.js';

/**
 * Deepest nesting of maps and lists accepted. Real manifests stay under ~40 levels (CRD schemas
 * included); the parser and our own tree walks recurse, so the limit sits well below where the
 * JavaScript stack would run out. Not configurable: the stack, not policy, sets it.
 */
export const MAX_DEPTH = 256;

/** Environment variable that raises the per-document size limit, in MiB. */
export const DOCUMENT_LIMIT_ENV = 'SAILCTL_MAX_DOCUMENT_MB';
const DEFAULT_DOCUMENT_MB = 32;

/**
 * Largest document accepted, in bytes of text, counted with its aliases expanded. Kubernetes
 * stores at most ~1.5 MiB per object, so 32 MiB leaves room for Lists while keeping memory bounded.
 */
export function maxDocumentBytes(): number {
  const raw = process.env[DOCUMENT_LIMIT_ENV];
  const mb = raw !== undefined && /^\d+$/.test(raw.trim()) && Number(raw) > 0 ? Number(raw) : DEFAULT_DOCUMENT_MB;
  return mb * 1024 * 1024;
}

/** The error for a document over the size limit (also raised by the streaming splitter, stream.ts). */
export function documentTooLarge(file: string, line: number, index: number, limit = maxDocumentBytes()): DataError {
  return new DataError(`${file}:${line}: document ${index + 1} is larger than ${sizeText(limit)} (${LIMIT_NAME})`, {
    hint: 'Split the input into smaller documents if it is not meant to be this large.',
  });
}

function sizeText(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  return bytes >= 1024 ** 2 ? `${Math.round(bytes / 1024 ** 2)} MiB` : `${bytes} bytes`;
}

/** Named in the message itself, so it survives readers that list only messages (analyze, validate). */
const LIMIT_NAME = `the per-document limit, raised with ${DOCUMENT_LIMIT_ENV}=<MiB>`;

/** Where a rule was broken, for messages: `file` and the line base of the text within it. */
export interface Origin {
  file: string;
  /** Added to a line in the text to get the line in the file (0 for a whole file). */
  lineBase: number;
  lineCounter: LineCounter;
}

function lineAt(origin: Origin, offset: number): number {
  return origin.lineBase + origin.lineCounter.linePos(offset).line;
}

/**
 * Parses `text` document by document like the library's parseAllDocuments, checking each
 * document's depth and size on the cheap syntax tree before building it (which is where deep
 * nesting would overflow the stack and huge documents would exhaust memory).
 */
export function* composeDocuments(text: string, origin: Origin, options: { forceDoc?: boolean; firstIndex?: number } = {}): Generator<Document.Parsed> {
  checkDocumentSizes(text, origin, options.firstIndex ?? 0);
  const parser = new Parser(origin.lineCounter.addNewLine);
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
  // Messages count documents in the whole stream; a chunk of one starts at its place there.
  let index = options.firstIndex ?? 0;
  for (const token of parser.parse(text)) {
    if (token.type === 'document') checkSyntaxTree(token, origin, index++);
    yield* composer.next(token);
  }
  yield* composer.end(options.forceDoc ?? false, text.length);
}

/**
 * Each document's size, from its `---`/`...` marker lines alone (at column 0 they always end a
 * document, even inside a block or quoted scalar), before any parsing: a huge document is refused
 * before the parser builds anything for it. Free for inputs smaller than the limit.
 */
function checkDocumentSizes(text: string, origin: Origin, firstIndex: number): void {
  const limit = maxDocumentBytes();
  if (text.length <= limit) return;
  const marker = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  let start = 0;
  let index = firstIndex;
  const check = (end: number) => {
    if (end - start > limit) {
      const line = origin.lineBase + (text.slice(0, start).match(/\n/g)?.length ?? 0) + 1;
      throw documentTooLarge(origin.file, line, index, limit);
    }
  };
  for (let m = marker.exec(text); m !== null; m = marker.exec(text)) {
    check(m.index);
    // the chunk before this marker held a document (not just its own marker line): count it
    if (/\S/.test(text.slice(start, m.index).replace(/^(?:---|\.\.\.)[^\n]*/, ''))) index++;
    start = m.index;
  }
  check(text.length);
}

/** Depth of one document's syntax tree, without recursion. */
function checkSyntaxTree(document: CST.Document, origin: Origin, index: number): void {
  const stack: { token: CST.Token; depth: number }[] = [];
  if (document.value) stack.push({ token: document.value, depth: 0 });
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > MAX_DEPTH) {
      throw new DataError(`${origin.file}:${lineAt(origin, token.offset)}: document ${index + 1} nests maps and lists deeper than ${MAX_DEPTH} levels (the limit)`, {
        hint: 'Kubernetes resources never nest this deep; check the file was generated correctly.',
      });
    }
    for (const item of token.items) {
      if (item.key) stack.push({ token: item.key, depth: depth + 1 });
      if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
}

export interface CheckOptions {
  /** Refuse a key that appears twice in one map (as Kubernetes' strict decoding does); default true. */
  uniqueKeys?: boolean;
}

/**
 * Rules that need the built document: duplicate keys (both lines named) and the size of the
 * document with every alias expanded, which bounds what any later copy or writer produces
 * (a count of aliases alone does not: one large anchor used a few thousand times is enough).
 */
export function checkDocument(doc: Document.Parsed, origin: Origin, index: number, options: CheckOptions = {}): void {
  const uniqueKeys = options.uniqueKeys ?? true;
  const limit = maxDocumentBytes();
  const base = doc.range[1] - doc.range[0];
  const anchors = new Map<string, number>();
  let extra = 0;
  const keyName = (key: unknown): string | undefined => {
    if (!isScalar(key) || key.value === null) return undefined;
    return typeof key.value === 'string' ? key.value : String(key.value);
  };
  const duplicate = (name: string, key: unknown, first: unknown) =>
    new DataError(
      `${origin.file}:${lineAt(origin, (key as Node).range?.[0] ?? 0)}: duplicate key "${name}" in document ${index + 1} (first at line ${lineAt(origin, (first as Node).range?.[0] ?? 0)})`,
      { hint: 'Kubernetes refuses a key given twice in one object; keep one of them.' },
    );
  const visit = (node: unknown): number => {
    if (isScalar(node)) {
      if (node.anchor && node.range) anchors.set(node.anchor, node.range[1] - node.range[0]);
      return 0;
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) return 0;
      const add = Math.max(0, target - ((node.range?.[1] ?? 0) - (node.range?.[0] ?? 0)));
      extra += add;
      if (base + extra > limit) {
        throw new DataError(`${origin.file}:${lineAt(origin, node.range?.[0] ?? 0)}: document ${index + 1} expands to more than ${sizeText(limit)} through its aliases (${LIMIT_NAME})`, {
          hint: `An alias (*${node.source}) repeats its anchor's content each time it is used; a document this large is usually a mistake or an attack.`,
        });
      }
      return add;
    }
    let inner = 0;
    if (isMap(node)) {
      const items = node.items;
      // small maps (nearly all) compare names directly; large ones use a Map: linear either way
      const names: (string | undefined)[] | undefined = uniqueKeys && items.length > 1 ? [] : undefined;
      let byName: Map<string, number> | undefined;
      for (let i = 0; i < items.length; i++) {
        const key = items[i]!.key;
        const name = keyName(key);
        if (name === '__proto__') {
          throw new DataError(`${origin.file}:${lineAt(origin, (key as Node).range?.[0] ?? 0)}: key "__proto__" in document ${index + 1} is not allowed`, {
            hint: 'No Kubernetes or Istio field has this name; it would reach JavaScript object internals.',
          });
        }
        if (names && name !== undefined) {
          if (items.length <= 16) {
            for (let j = 0; j < i; j++) if (names[j] === name) throw duplicate(name, key, items[j]!.key);
          } else {
            byName ??= new Map();
            const j = byName.get(name);
            if (j !== undefined) throw duplicate(name, key, items[j]!.key);
            byName.set(name, i);
          }
        }
        if (names) names[i] = name;
        if (!isScalar(key) || key.anchor) inner += visit(key);
        inner += visit(items[i]!.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) inner += visit(item);
    }
    const n = node as Node | null;
    if (n && typeof n === 'object' && n.anchor && n.range) anchors.set(n.anchor, n.range[1] - n.range[0] + inner);
    return inner;
  };
  visit(doc.contents);
}

/**
 * The library's own toJS guard counts aliases, not bytes, and would refuse documents that are
 * small when expanded; checkDocument bounds the expansion, so this turns the count off.
 */
export const TO_JS_OPTIONS = { maxAliasCount: -1 } as const;
