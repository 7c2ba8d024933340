/**
 * Splitting a multi-document YAML byte stream at its `---` lines as the bytes arrive, so each
 * document can be handled (and written) before the next one is read: memory stays flat for any
 * input size, and output starts before standard input ends. A line starting with `---`
 * separates documents (only spaces or a `# comment` may follow it); blank documents are
 * dropped, comment-only ones kept. Each document keeps its line terminator (so CRLF input
 * parses), is decoded as strict UTF-8 and may be at most the per-document limit (limits.ts).
 */
import { DataError } from '../core/errors.js';
import { decodeText, readError } from '../core/input.js';
import type { DocumentText } from './documents.js';
import { documentTooLarge, maxDocumentBytes } from './limits.js';

export interface StreamDocument extends DocumentText {
  /** Zero-based position among the stream's (non-blank) documents. */
  index: number;
}

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
  /** Byte offsets in the stream of `carry`'s first byte and of the current document's first byte. */
  private carryStart = 0;
  private docByte = 0;

  constructor(
    private readonly file: string,
    private readonly limit: number = maxDocumentBytes(),
  ) {}

  /** The documents completed by `chunk`. */
  push(chunk: Buffer): StreamDocument[] {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const dataStart = this.carryStart;
    const lastNewline = data.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      this.carry = data;
      this.checkSize(data.length);
      return [];
    }
    this.carry = data.subarray(lastNewline + 1);
    this.carryStart = dataStart + lastNewline + 1;
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
      this.docByte = dataStart + docFrom;
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
    if (this.partBytes + pending > this.limit) throw documentTooLarge(this.file, this.docLine, this.index, this.limit);
  }

  private finish(last: Buffer, out: StreamDocument[]): void {
    const bytes = this.parts.length === 0 ? last : Buffer.concat([...this.parts, last]);
    this.parts = [];
    this.partBytes = 0;
    if (bytes.length > this.limit) this.checkSize(bytes.length);
    if (bytes.length === 0) return;
    const text = decodeText(bytes, this.file, { line: this.docLine, byte: this.docByte });
    if (text.trim() === '') return;
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
    throw readError(path, err);
  }
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(chunkBytes);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, chunkBytes, null));
      } catch (err) {
        throw readError(path, err);
      }
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
