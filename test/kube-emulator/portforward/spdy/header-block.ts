/**
 * SPDY/3 header blocks: `u32 count`, then `u32 len, name, u32 len, value` per pair (multiple values of one
 * name are NUL-joined), zlib-compressed with the SPDY/3 dictionary in ONE zlib context per direction and
 * connection, each block ending in a sync flush.
 */
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { SpdyProtocolError } from './frames.js';

export type HeaderPairs = [name: string, value: string][];

export function encodeHeaderBlock(pairs: HeaderPairs): Buffer {
  const parts: Buffer[] = [u32(pairs.length)];
  for (const [name, value] of pairs) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Decodes an uncompressed block into lower-case names; a repeated name or bad length is a protocol error. */
export function decodeHeaderBlock(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  let at = 0;
  const read = (): string => {
    if (at + 4 > block.length) throw new SpdyProtocolError('truncated SPDY header block');
    const len = block.readUInt32BE(at);
    at += 4;
    if (at + len > block.length) throw new SpdyProtocolError('truncated SPDY header block');
    const s = block.toString('utf8', at, at + len);
    at += len;
    return s;
  };
  if (block.length < 4) throw new SpdyProtocolError('truncated SPDY header block');
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = read();
    const value = read();
    if (name === '' || name !== name.toLowerCase()) throw new SpdyProtocolError(`invalid SPDY header name ${JSON.stringify(name)}`);
    if (headers.has(name)) throw new SpdyProtocolError(`duplicate SPDY header ${JSON.stringify(name)}`);
    headers.set(name, value);
  }
  if (at !== block.length) throw new SpdyProtocolError('trailing bytes after SPDY header block');
  return headers;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** Output is read only after each flush: a buffer this big never holds back a header block's flush. */
const READ_BUFFER = 1 << 20;

/**
 * One zlib context driven block by block. Node has no synchronous zlib that keeps its state between calls,
 * so each block is written, sync-flushed and read back asynchronously; callers must not overlap calls.
 */
class ZlibContext {
  private failure: Error | undefined;
  private reject: ((err: Error) => void) | undefined;

  constructor(private readonly z: zlib.Inflate | zlib.Deflate) {
    // A zlib error ends the context; the flush callback of the failing call never comes.
    z.on('error', (err) => {
      this.failure = err;
      this.reject?.(err);
    });
  }

  process(input: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.reject = reject;
      this.z.write(input);
      this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.reject = undefined;
        if (this.failure) return reject(this.failure);
        const chunks: Buffer[] = [];
        let chunk: Buffer | null;
        while ((chunk = this.z.read() as Buffer | null) !== null) chunks.push(chunk);
        resolve(Buffer.concat(chunks));
      });
    });
  }

  close(): void {
    this.z.destroy();
  }
}

/** Decompresses the peer's header blocks (the peer's single compression context for the connection). */
export class HeaderInflater {
  private readonly ctx = new ZlibContext(zlib.createInflate({ dictionary: SPDY3_DICTIONARY, highWaterMark: READ_BUFFER } as zlib.ZlibOptions));

  async inflate(compressed: Buffer): Promise<Map<string, string>> {
    let raw: Buffer;
    try {
      raw = await this.ctx.process(compressed);
    } catch (err) {
      throw new SpdyProtocolError(`cannot decompress SPDY header block: ${(err as Error).message}`);
    }
    return decodeHeaderBlock(raw);
  }

  close(): void {
    this.ctx.close();
  }
}

/** A real dictionary-preset compressor, as Go's SPDY framer uses; for clients (tests) that send SYN_STREAMs. */
export class HeaderDeflater {
  private readonly ctx = new ZlibContext(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY, level: 9, highWaterMark: READ_BUFFER } as zlib.ZlibOptions));

  deflate(pairs: HeaderPairs): Promise<Buffer> {
    return this.ctx.process(encodeHeaderBlock(pairs));
  }

  close(): void {
    this.ctx.close();
  }
}

/**
 * Our own header blocks, synchronously: a zlib stream of *stored* deflate blocks, which needs no compression
 * state (the dictionary is only a preset window; stored blocks never reference it). The zlib header goes
 * once per connection. Each block ends with an empty stored block (`00 00 00 ff ff`, what a sync flush
 * emits): Go's flate reader otherwise reads past the frame looking for the next block header.
 */
export class StoredHeaderCompressor {
  private started = false;

  compress(pairs: HeaderPairs): Buffer {
    const raw = encodeHeaderBlock(pairs);
    const parts: Buffer[] = [];
    if (!this.started) {
      parts.push(Buffer.from([0x78, 0x01])); // CMF/FLG: deflate, 32K window, no preset dictionary, check bits ok
      this.started = true;
    }
    for (let at = 0; at < raw.length; at += 0xffff) {
      parts.push(storedBlock(raw.subarray(at, Math.min(raw.length, at + 0xffff))));
    }
    parts.push(storedBlock(Buffer.alloc(0)));
    return Buffer.concat(parts);
  }
}

function storedBlock(data: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(0x00, 0); // BFINAL=0, BTYPE=00 (stored); we are always byte-aligned here
  head.writeUInt16LE(data.length, 1);
  head.writeUInt16LE(~data.length & 0xffff, 3);
  return Buffer.concat([head, data]);
}
