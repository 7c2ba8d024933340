/**
 * Splitting a multi-document YAML byte stream at its `---` lines as the bytes arrive, so each
 * document can be handled (and written) before the next one is read: memory stays flat for any
 * input size, and output starts before standard input ends. Same rules as splitDocuments in
 * documents.ts: a line starting with `---` separates documents (only spaces or a `# comment`
 * may follow it), blank documents are dropped, comment-only ones kept. Each document keeps
 * its line terminator (so CRLF input parses), is decoded as strict UTF-8, and may be at most
 * `maxDocumentBytes` long.
 */
import { DataError } from '../core/errors.js';
import type { DocumentText } from './documents.js';

export interface StreamDocument extends DocumentText {
  /** Zero-based position among the stream's (non-blank) documents. */
  index: number;
}

/** Default per-document limit; SAILCTL_MAX_DOCUMENT_SIZE raises or lowers it. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;
export const MAX_DOCUMENT_ENV = 'SAILCTL_MAX_DOCUMENT_SIZE';

const NEWLINE = 0x0a;
const SEPARATOR = /^---(?:[ \t]+(?:#.*)?)?$/;

export class DocumentSplitter {
  /** Bytes of the current document before `carry`, in arrival order. */
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** An unfinished last line (no newline yet). */
  private carry: Buffer = Buffer.alloc(0);
  /** 1-based line of the current document's first line, and of the next line to scan. */
  private docLine = 1;
  private nextLine = 1;
  private index = 0;
  private sawSeparator = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  constructor(
    private readonly file: string,
    private readonly maxDocumentBytes = DEFAULT_MAX_DOCUMENT_BYTES,
  ) {}

  /** The documents completed by `chunk`. */
  push(chunk: Buffer): StreamDocument[] {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const lastNewline = data.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      this.carry = data;
      this.checkSize(data.length);
      return [];
    }
    this.carry = data.subarray(lastNewline + 1);
    const out: StreamDocument[] = [];
    const region = data.subarray(0, lastNewline + 1);
    let docFrom = 0;
    let scanned = 0;
    // Separator candidates: `---` at the start of the region or right after a newline.
    let at = region[0] === 0x2d && region[1] === 0x2d && region[2] === 0x2d ? 0 : nextCandidate(region, 0);
    while (at >= 0) {
      const end = region.indexOf(NEWLINE, at);
      this.nextLine += countNewlines(region, scanned, at);
      scanned = at;
      let line = region.toString('latin1', at, end);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (!SEPARATOR.test(line)) {
        throw new DataError(`${this.file}:${this.nextLine}: unexpected content after the document separator '---'`, { hint: 'Put the document on the line after ---.' });
      }
      this.sawSeparator = true;
      this.finish(region.subarray(docFrom, at), out);
      docFrom = end + 1;
      scanned = docFrom;
      this.nextLine++;
      this.docLine = this.nextLine;
      at = nextCandidate(region, end);
    }
    this.nextLine += countNewlines(region, scanned, region.length);
    if (docFrom < region.length) this.append(region.subarray(docFrom));
    this.checkSize(this.carry.length);
    return out;
  }

  /** The last document, once the input has ended. */
  end(): StreamDocument[] {
    // The last line has no newline: it can still be a separator.
    const out: StreamDocument[] = this.carry.length > 0 ? this.push(Buffer.from('\n')) : [];
    const tail = this.carry.length > 0 ? this.carry : Buffer.alloc(0);
    this.carry = Buffer.alloc(0);
    this.finish(tail, out);
    return out;
  }

  /** Whether the stream held anything but whitespace. */
  get sawContent(): boolean {
    return this.index > 0 || this.sawSeparator;
  }

  private append(bytes: Buffer): void {
    // Keep a copy: `bytes` may be a view of a large chunk that should not stay alive.
    this.parts.push(Buffer.from(bytes));
    this.partBytes += bytes.length;
    this.checkSize(0);
  }

  private checkSize(pending: number): void {
    if (this.partBytes + pending <= this.maxDocumentBytes) return;
    throw new DataError(
      `${this.file}:${this.docLine}: document ${this.index + 1} is larger than the ${formatBytes(this.maxDocumentBytes)} limit for one document`,
      { hint: `Split it into smaller documents, or raise the limit with ${MAX_DOCUMENT_ENV}=<size> (e.g. ${MAX_DOCUMENT_ENV}=256Mi).` },
    );
  }

  private finish(last: Buffer, out: StreamDocument[]): void {
    const bytes = this.parts.length === 0 ? last : Buffer.concat([...this.parts, last]);
    this.parts = [];
    this.partBytes = 0;
    if (bytes.length > this.maxDocumentBytes) this.checkSize(bytes.length);
    if (bytes.length === 0) return;
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      const bad = firstInvalidUtf8(bytes);
      const line = this.docLine + countNewlines(bytes, 0, bad);
      throw new DataError(`${this.file}:${line}: invalid UTF-8 in document ${this.index + 1}`, { hint: 'Save the file as UTF-8 text.' });
    }
    if (text.trim() === '') return;
    if (text.includes('\u0000')) {
      throw new DataError(`${this.file}:${this.docLine}: binary data is not YAML`, { hint: 'Pass Kubernetes resources as YAML text.' });
    }
    out.push({ text, line: this.docLine, index: this.index++ });
  }
}

/** The next `---` that starts a line after `from`, or -1. */
function nextCandidate(region: Buffer, from: number): number {
  const at = region.indexOf('\n---', from);
  return at < 0 ? -1 : at + 1;
}

function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(NEWLINE, from); i >= 0 && i < to; i = buf.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/** Offset of the first byte of an invalid UTF-8 sequence (for the line in the message). */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const [len, min] = b < 0x80 ? [1, 0] : b >= 0xc2 && b <= 0xdf ? [2, 0x80] : b >= 0xe0 && b <= 0xef ? [3, 0x800] : b >= 0xf0 && b <= 0xf4 ? [4, 0x10000] : [0, 0];
    if (len === 0 || i + len > bytes.length) return i;
    let cp = len === 1 ? b : b & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return i;
}

/** `SAILCTL_MAX_DOCUMENT_SIZE`: bytes, or with a Ki/Mi/Gi (or k/M/G) suffix. */
export function maxDocumentBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_DOCUMENT_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_DOCUMENT_BYTES;
  const m = /^\s*(\d+)\s*(Ki|Mi|Gi|k|M|G)?B?\s*$/.exec(raw);
  const scale: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
  if (!m || Number(m[1]) === 0) throw new DataError(`${MAX_DOCUMENT_ENV}=${raw}: not a size`, { hint: `Give a byte count such as 67108864 or 64Mi.` });
  return Number(m[1]) * scale[m[2] ?? '']!;
}

function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  return `${n} bytes`;
}

/**
 * A file (or `-`, standard input) as a stream of byte chunks, with the same clear messages as
 * readInput for files that cannot be read.
 */
export async function* readChunks(path: string, chunkBytes = 1 << 20): AsyncGenerator<Buffer> {
  if (path === '-') {
    for await (const chunk of process.stdin) yield chunk as Buffer;
    return;
  }
  const { open } = await import('node:fs/promises');
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(chunkBytes);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, chunkBytes, null));
      } catch (err) {
        throw unreadable(path, err);
      }
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function unreadable(path: string, err: unknown): DataError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
  return new DataError(`cannot read ${path}: ${why}`, { cause: err });
}
