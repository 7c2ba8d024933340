/**
 * SPDY/3.1 frame layout (draft 3.1, section 2.2): encoders for every frame type and an incremental reader
 * that turns arbitrary byte chunks into frames. Header blocks stay compressed here; see header-block.ts.
 */

export const SPDY_VERSION = 3;
/** A DATA frame's length is 24 bits. */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  UNSUPPORTED_VERSION: 4,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  FLOW_CONTROL_ERROR: 7,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
  FRAME_TOO_LARGE: 11,
} as const;

export const GoAwayStatus = { OK: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2 } as const;

export const Setting = { INITIAL_WINDOW_SIZE: 7 } as const;

export type Frame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'syn_stream'; streamId: number; associatedId: number; priority: number; flags: number; headerBlock: Buffer }
  | { kind: 'syn_reply'; streamId: number; flags: number; headerBlock: Buffer }
  | { kind: 'headers'; streamId: number; flags: number; headerBlock: Buffer }
  | { kind: 'rst_stream'; streamId: number; status: number }
  | { kind: 'settings'; flags: number; entries: { flags: number; id: number; value: number }[] }
  | { kind: 'ping'; id: number }
  | { kind: 'goaway'; lastGoodStreamId: number; status: number }
  | { kind: 'window_update'; streamId: number; delta: number }
  /** A control frame of another version or an unknown type: the spec says ignore unknown types. */
  | { kind: 'unknown'; version: number; type: number; flags: number; payload: Buffer };

export class SpdyProtocolError extends Error {}

const STREAM_ID_MASK = 0x7fffffff;

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY control frame payload too large: ${payload.length}`);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([head, payload]);
}

export function encodeData(streamId: number, data: Buffer, fin = false): Buffer {
  if (data.length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY data frame payload too large: ${data.length}`);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  head.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
  return Buffer.concat([head, data]);
}

export function encodeSynStream(streamId: number, headerBlock: Buffer, opts: { fin?: boolean; associatedId?: number; priority?: number } = {}): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  fixed.writeUInt32BE((opts.associatedId ?? 0) & STREAM_ID_MASK, 4);
  fixed.writeUInt8(((opts.priority ?? 0) & 0x7) << 5, 8);
  return controlFrame(FrameType.SYN_STREAM, opts.fin ? FLAG_FIN : 0, Buffer.concat([fixed, headerBlock]));
}

export function encodeSynReply(streamId: number, headerBlock: Buffer, fin = false): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & STREAM_ID_MASK);
  return controlFrame(FrameType.SYN_REPLY, fin ? FLAG_FIN : 0, Buffer.concat([id, headerBlock]));
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  p.writeUInt32BE(status, 4);
  return controlFrame(FrameType.RST_STREAM, 0, p);
}

export function encodeSettings(entries: { id: number; value: number; flags?: number }[]): Buffer {
  const p = Buffer.alloc(4 + 8 * entries.length);
  p.writeUInt32BE(entries.length, 0);
  entries.forEach((e, i) => {
    p.writeUInt32BE((((e.flags ?? 0) & 0xff) << 24) | (e.id & 0xffffff), 4 + 8 * i);
    p.writeUInt32BE(e.value >>> 0, 8 + 8 * i);
  });
  return controlFrame(FrameType.SETTINGS, 0, p);
}

export function encodePing(id: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(id >>> 0);
  return controlFrame(FrameType.PING, 0, p);
}

export function encodeGoAway(lastGoodStreamId: number, status: number): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(lastGoodStreamId & STREAM_ID_MASK, 0);
  p.writeUInt32BE(status, 4);
  return controlFrame(FrameType.GOAWAY, 0, p);
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  p.writeUInt32BE(delta & STREAM_ID_MASK, 4);
  return controlFrame(FrameType.WINDOW_UPDATE, 0, p);
}

function needLength(payload: Buffer, min: number, what: string): void {
  if (payload.length < min) throw new SpdyProtocolError(`${what} frame too short: ${payload.length} bytes`);
}

function decodeControl(version: number, type: number, flags: number, p: Buffer): Frame {
  if (version !== SPDY_VERSION) return { kind: 'unknown', version, type, flags, payload: p };
  switch (type) {
    case FrameType.SYN_STREAM:
      needLength(p, 10, 'SYN_STREAM');
      return {
        kind: 'syn_stream',
        streamId: p.readUInt32BE(0) & STREAM_ID_MASK,
        associatedId: p.readUInt32BE(4) & STREAM_ID_MASK,
        priority: p.readUInt8(8) >> 5,
        flags,
        headerBlock: p.subarray(10),
      };
    case FrameType.SYN_REPLY:
    case FrameType.HEADERS:
      needLength(p, 4, type === FrameType.SYN_REPLY ? 'SYN_REPLY' : 'HEADERS');
      return { kind: type === FrameType.SYN_REPLY ? 'syn_reply' : 'headers', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, flags, headerBlock: p.subarray(4) };
    case FrameType.RST_STREAM:
      needLength(p, 8, 'RST_STREAM');
      return { kind: 'rst_stream', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, status: p.readUInt32BE(4) };
    case FrameType.SETTINGS: {
      needLength(p, 4, 'SETTINGS');
      const count = p.readUInt32BE(0);
      needLength(p, 4 + 8 * count, 'SETTINGS');
      const entries = [];
      for (let i = 0; i < count; i++) {
        const word = p.readUInt32BE(4 + 8 * i);
        entries.push({ flags: word >>> 24, id: word & 0xffffff, value: p.readUInt32BE(8 + 8 * i) });
      }
      return { kind: 'settings', flags, entries };
    }
    case FrameType.PING:
      needLength(p, 4, 'PING');
      return { kind: 'ping', id: p.readUInt32BE(0) };
    case FrameType.GOAWAY:
      needLength(p, 8, 'GOAWAY');
      return { kind: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & STREAM_ID_MASK, status: p.readUInt32BE(4) };
    case FrameType.WINDOW_UPDATE:
      needLength(p, 8, 'WINDOW_UPDATE');
      return { kind: 'window_update', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, delta: p.readUInt32BE(4) & STREAM_ID_MASK };
    default:
      return { kind: 'unknown', version, type, flags, payload: p };
  }
}

/** Accumulates bytes and yields complete frames; keeps at most one partial frame buffered. */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  push(chunk: Buffer): Frame[] {
    if (chunk.length === 0) return [];
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: Frame[] = [];
    while (this.pendingBytes >= 8) {
      const head = this.peek(8);
      const length = head.readUInt32BE(4) & 0xffffff;
      if (this.pendingBytes < 8 + length) break;
      const whole = this.take(8 + length);
      const payload = whole.subarray(8);
      const flags = whole.readUInt8(4);
      if (whole[0] & 0x80) {
        frames.push(decodeControl(whole.readUInt16BE(0) & 0x7fff, whole.readUInt16BE(2), flags, payload));
      } else {
        frames.push({ kind: 'data', streamId: whole.readUInt32BE(0) & STREAM_ID_MASK, flags, data: payload });
      }
    }
    return frames;
  }

  /** The first n bytes, copied across chunk boundaries without merging the chunks (keeps big frames linear). */
  private peek(n: number): Buffer {
    if (this.pending[0].length >= n) return this.pending[0].subarray(0, n);
    const out = Buffer.alloc(n);
    let filled = 0;
    for (const chunk of this.pending) {
      filled += chunk.copy(out, filled, 0, Math.min(chunk.length, n - filled));
      if (filled === n) break;
    }
    return out;
  }

  private take(n: number): Buffer {
    if (this.pending[0].length < n) this.pending = [Buffer.concat(this.pending)];
    const first = this.pending[0];
    const out = first.subarray(0, n);
    if (first.length === n) this.pending.shift();
    else this.pending[0] = first.subarray(n);
    this.pendingBytes -= n;
    return out;
  }
}
