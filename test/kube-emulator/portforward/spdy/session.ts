/**
 * The server side of a SPDY/3.1 connection: peer-initiated streams as Node Duplexes (so they pipe with
 * ordinary backpressure), SYN_REPLY for every accepted stream, PING echo, RST_STREAM, GOAWAY, half-closes
 * and SPDY/3.1 flow control (per-stream and session windows).
 *
 * Flow control, both directions:
 *  - receiving: we count what the peer sends and return WINDOW_UPDATEs as the consumer drains it;
 *  - sending: we track the peer's windows, but only hold data back once the peer has shown it does flow
 *    control (sent a WINDOW_UPDATE or an INITIAL_WINDOW_SIZE setting). Go's spdystream, i.e. kubectl and the
 *    real kubelet, never sends WINDOW_UPDATE; enforcing its 64 KiB window would stall every transfer.
 */
import { Duplex } from 'node:stream';
import {
  encodeData,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSynReply,
  encodeWindowUpdate,
  FLAG_FIN,
  FLAG_UNIDIRECTIONAL,
  FrameReader,
  GoAwayStatus,
  RstStatus,
  Setting,
  SpdyProtocolError,
  type Frame,
} from './frames.js';
import { HeaderInflater, StoredHeaderCompressor } from './header-block.js';

export const DEFAULT_WINDOW = 64 * 1024;
/** Largest DATA payload we send in one frame. */
const MAX_DATA_CHUNK = 32 * 1024;
/** Bytes a stream may hold unread before we stop reading the connection (peers without flow control). */
const STREAM_READ_BUFFER = 256 * 1024;

export interface SessionOptions {
  /** Called with each frame read and written, for debugging (`KUBE_EMULATOR_DEBUG=portforward`). */
  trace?: (direction: 'in' | 'out', frame: string) => void;
}

export class SpdyStream extends Duplex {
  /** Request headers of the SYN_STREAM, names lower-cased. */
  readonly headers: Map<string, string>;
  private remoteClosed = false;
  private localClosed = false;
  private reset = false;
  /** What the peer may still send us before we owe it a WINDOW_UPDATE. */
  private unackedBytes = 0;
  private creditOnRead = 0;
  /** What we may still send before the peer's window is exhausted (tracked, enforced only if the peer uses it). */
  sendWindow: number;
  private blocked: { data: Buffer; callback: (err?: Error | null) => void } | undefined;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    headers: Map<string, string>,
    sendWindow: number,
  ) {
    super({ readableHighWaterMark: STREAM_READ_BUFFER, allowHalfOpen: true });
    this.headers = headers;
    this.sendWindow = sendWindow;
  }

  /** Refuses or aborts the stream with RST_STREAM. */
  resetStream(status: number = RstStatus.CANCEL): void {
    if (this.reset) return;
    this.reset = true;
    this.session.send(encodeRstStream(this.id, status), `RST_STREAM ${this.id} status=${status}`);
    this.session.forget(this);
    this.destroy();
  }

  // --- called by the session ---

  receiveData(data: Buffer, fin: boolean): void {
    if (this.reset || this.destroyed) return;
    if (this.remoteClosed) {
      this.resetStream(RstStatus.STREAM_ALREADY_CLOSED);
      return;
    }
    if (data.length > 0) {
      this.unackedBytes += data.length;
      if (this.push(data)) this.credit(data.length);
      else {
        this.creditOnRead += data.length;
        this.session.pauseReading(this);
      }
    }
    if (fin) this.receiveFin();
  }

  receiveFin(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    this.maybeFinished();
  }

  receiveReset(): void {
    if (this.reset) return;
    this.reset = true;
    this.session.forget(this);
    const err = Object.assign(new Error(`stream ${this.id} reset by peer`), { code: 'ECONNRESET' });
    this.destroy(err);
  }

  windowGrew(): void {
    const blocked = this.blocked;
    if (!blocked) return;
    this.blocked = undefined;
    this.sendChunk(blocked.data, blocked.callback);
  }

  markLocalClosed(): void {
    this.localClosed = true;
  }

  // --- Duplex ---

  override _read(): void {
    if (this.creditOnRead > 0) {
      const n = this.creditOnRead;
      this.creditOnRead = 0;
      this.credit(n);
    }
    this.session.resumeReading(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.reset || this.localClosed) return callback(new Error(`write on closed SPDY stream ${this.id}`));
    this.sendChunk(chunk, callback);
  }

  /** Sends as much as the peer's windows allow, parking the rest until a WINDOW_UPDATE. */
  private sendChunk(chunk: Buffer, callback: (err?: Error | null) => void): void {
    let at = 0;
    while (at < chunk.length) {
      const allowed = this.session.sendAllowance(this);
      if (allowed <= 0) {
        this.blocked = { data: chunk.subarray(at), callback };
        this.session.waitForWindow(this);
        return;
      }
      const piece = chunk.subarray(at, at + Math.min(MAX_DATA_CHUNK, allowed));
      this.session.sendData(this, piece, false);
      at += piece.length;
    }
    this.session.whenWritable(() => callback());
  }

  override _final(callback: (err?: Error | null) => void): void {
    if (!this.reset && !this.localClosed) {
      this.localClosed = true;
      this.session.sendData(this, Buffer.alloc(0), true);
    }
    this.maybeFinished();
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // Destroyed by its user before both sides closed: tell the peer to stop.
    if (!this.reset && !(this.localClosed && this.remoteClosed)) {
      this.reset = true;
      this.session.send(encodeRstStream(this.id, RstStatus.CANCEL), `RST_STREAM ${this.id} CANCEL`);
    }
    this.session.forget(this);
    callback(err);
  }

  private credit(n: number): void {
    this.session.creditSession(n);
    if (this.remoteClosed || this.reset) return;
    if (this.unackedBytes >= DEFAULT_WINDOW / 2) {
      const delta = this.unackedBytes;
      this.unackedBytes = 0;
      this.session.send(encodeWindowUpdate(this.id, delta), `WINDOW_UPDATE ${this.id} +${delta}`);
    }
  }

  private maybeFinished(): void {
    if (this.localClosed && this.remoteClosed) this.session.forget(this);
  }
}

export class SpdySession {
  private readonly reader = new FrameReader();
  private readonly inflater = new HeaderInflater();
  private readonly compressor = new StoredHeaderCompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly queue: Frame[] = [];
  private decoding = false;
  private lastPeerStreamId = 0;
  private goAwaySent = false;
  private goAwayReceived = false;
  private closed = false;
  /** Peer's flow-control state as seen from our sending side. */
  private peerUsesFlowControl = false;
  private peerInitialWindow = DEFAULT_WINDOW;
  private sessionSendWindow = DEFAULT_WINDOW;
  private sessionUnacked = 0;
  private readonly windowWaiters = new Set<SpdyStream>();
  private readonly readPausers = new Set<SpdyStream>();

  constructor(
    private readonly transport: Duplex,
    private readonly onStream: (stream: SpdyStream) => void,
    private readonly options: SessionOptions = {},
  ) {
    transport.on('data', (chunk: Buffer) => this.receive(chunk));
    transport.on('end', () => this.shutdown());
    transport.on('close', () => this.shutdown());
    transport.on('error', () => this.shutdown());
  }

  /** Feeds bytes that arrived before the session took over the transport (the upgrade's `head`). */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    this.queue.push(...frames);
    this.drainQueue();
  }

  /** Sends GOAWAY and closes the connection once every open stream has finished. */
  goAway(status: number = GoAwayStatus.OK): void {
    if (!this.goAwaySent && !this.closed) {
      this.goAwaySent = true;
      this.send(encodeGoAway(this.lastPeerStreamId, status), `GOAWAY last=${this.lastPeerStreamId} status=${status}`);
    }
    this.endIfIdle();
  }

  get openStreams(): number {
    return this.streams.size;
  }

  // --- used by SpdyStream ---

  send(frame: Buffer, description: string): boolean {
    if (this.closed || !this.transport.writable) return false;
    this.options.trace?.('out', description);
    return this.transport.write(frame);
  }

  sendData(stream: SpdyStream, data: Buffer, fin: boolean): void {
    stream.sendWindow -= data.length;
    this.sessionSendWindow -= data.length;
    this.send(encodeData(stream.id, data, fin), `DATA ${stream.id} len=${data.length}${fin ? ' FIN' : ''}`);
  }

  sendAllowance(stream: SpdyStream): number {
    if (!this.peerUsesFlowControl) return Number.MAX_SAFE_INTEGER;
    return Math.min(stream.sendWindow, this.sessionSendWindow);
  }

  waitForWindow(stream: SpdyStream): void {
    this.windowWaiters.add(stream);
  }

  whenWritable(callback: () => void): void {
    if (this.closed || !this.transport.writableNeedDrain) callback();
    else {
      const done = (): void => {
        this.transport.off('drain', done);
        this.transport.off('close', done);
        callback();
      };
      this.transport.on('drain', done);
      this.transport.on('close', done);
    }
  }

  creditSession(n: number): void {
    this.sessionUnacked += n;
    if (this.sessionUnacked >= DEFAULT_WINDOW / 2) {
      const delta = this.sessionUnacked;
      this.sessionUnacked = 0;
      this.send(encodeWindowUpdate(0, delta), `WINDOW_UPDATE 0 +${delta}`);
    }
  }

  pauseReading(stream: SpdyStream): void {
    this.readPausers.add(stream);
    this.transport.pause();
  }

  resumeReading(stream: SpdyStream): void {
    if (this.readPausers.delete(stream) && this.readPausers.size === 0 && !this.closed) this.transport.resume();
  }

  forget(stream: SpdyStream): void {
    if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
    this.windowWaiters.delete(stream);
    this.resumeReading(stream);
    this.endIfIdle();
  }

  // --- frame handling ---

  /** Processes queued frames in order; a frame with a header block waits for its (async) decompression. */
  private drainQueue(): void {
    while (!this.decoding && this.queue.length > 0 && !this.closed) {
      const frame = this.queue.shift()!;
      this.options.trace?.('in', describe(frame));
      if (frame.kind === 'syn_stream' || frame.kind === 'syn_reply' || frame.kind === 'headers') {
        this.decoding = true;
        this.inflater.inflate(frame.headerBlock).then(
          (headers) => {
            this.decoding = false;
            if (frame.kind === 'syn_stream') this.openStream(frame, headers);
            else if (frame.flags & FLAG_FIN) this.streams.get(frame.streamId)?.receiveFin();
            this.drainQueue();
          },
          (err: Error) => this.fail(err),
        );
        return;
      }
      this.handle(frame);
    }
  }

  private handle(frame: Frame): void {
    switch (frame.kind) {
      case 'data': {
        if (frame.streamId === 0) return this.fail(new SpdyProtocolError('DATA frame on stream 0'));
        const stream = this.streams.get(frame.streamId);
        if (!stream) {
          // Data still in flight for a stream we already closed or reset is dropped, as spdystream does.
          if (frame.streamId <= this.lastPeerStreamId) return;
          this.send(encodeRstStream(frame.streamId, RstStatus.INVALID_STREAM), `RST_STREAM ${frame.streamId} INVALID_STREAM`);
          return;
        }
        stream.receiveData(frame.data, (frame.flags & FLAG_FIN) !== 0);
        return;
      }
      case 'rst_stream':
        this.streams.get(frame.streamId)?.receiveReset();
        return;
      case 'settings':
        for (const entry of frame.entries) {
          if (entry.id !== Setting.INITIAL_WINDOW_SIZE) continue;
          const delta = entry.value - this.peerInitialWindow;
          this.peerInitialWindow = entry.value;
          this.peerUsesFlowControl = true;
          for (const stream of this.streams.values()) stream.sendWindow += delta;
        }
        this.wakeWindowWaiters();
        return;
      case 'ping':
        // Odd ids are the client's: echo them. Even ids would answer pings of ours; we send none.
        if (frame.id % 2 === 1) this.send(encodePing(frame.id), `PING ${frame.id}`);
        return;
      case 'goaway':
        this.goAwayReceived = true;
        this.endIfIdle();
        return;
      case 'window_update':
        this.peerUsesFlowControl = true;
        if (frame.streamId === 0) this.sessionSendWindow += frame.delta;
        else {
          const stream = this.streams.get(frame.streamId);
          if (stream) stream.sendWindow += frame.delta;
        }
        this.wakeWindowWaiters();
        return;
      case 'unknown':
        if (frame.version !== 3) return this.fail(new SpdyProtocolError(`unsupported SPDY version ${frame.version}`));
        return; // unknown control frame types are ignored (SPDY/3.1, section 2.2.1)
      default:
        return;
    }
  }

  private openStream(frame: Extract<Frame, { kind: 'syn_stream' }>, headers: Map<string, string>): void {
    const id = frame.streamId;
    if (id % 2 === 0 || id <= this.lastPeerStreamId) {
      this.send(encodeRstStream(id, RstStatus.PROTOCOL_ERROR), `RST_STREAM ${id} PROTOCOL_ERROR`);
      return;
    }
    this.lastPeerStreamId = id;
    if (this.goAwaySent || this.goAwayReceived) {
      this.send(encodeRstStream(id, RstStatus.REFUSED_STREAM), `RST_STREAM ${id} REFUSED_STREAM`);
      return;
    }
    const stream = new SpdyStream(this, id, headers, this.peerInitialWindow);
    this.streams.set(id, stream);
    this.send(encodeSynReply(id, this.compressor.compress([])), `SYN_REPLY ${id}`);
    if (frame.flags & FLAG_UNIDIRECTIONAL) stream.markLocalClosed();
    if (frame.flags & FLAG_FIN) stream.receiveFin();
    this.onStream(stream);
  }

  private wakeWindowWaiters(): void {
    for (const stream of [...this.windowWaiters]) {
      if (this.sendAllowance(stream) <= 0) continue;
      this.windowWaiters.delete(stream);
      stream.windowGrew();
    }
  }

  private endIfIdle(): void {
    if ((this.goAwaySent || this.goAwayReceived) && this.streams.size === 0 && !this.closed) {
      this.transport.end();
    }
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.options.trace?.('in', `protocol error: ${err.message}`);
    this.send(encodeGoAway(this.lastPeerStreamId, GoAwayStatus.PROTOCOL_ERROR), 'GOAWAY PROTOCOL_ERROR');
    this.transport.end();
    this.shutdown();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.inflater.close();
    for (const stream of [...this.streams.values()]) stream.destroy(new Error('SPDY connection closed'));
    this.streams.clear();
    // After fail() the transport is ending with a GOAWAY queued: let it flush.
    if (!this.transport.writableEnded) this.transport.destroy();
  }
}

function describe(frame: Frame): string {
  switch (frame.kind) {
    case 'data':
      return `DATA ${frame.streamId} len=${frame.data.length}${frame.flags & FLAG_FIN ? ' FIN' : ''}`;
    case 'syn_stream':
      return `SYN_STREAM ${frame.streamId}${frame.flags & FLAG_FIN ? ' FIN' : ''}`;
    case 'window_update':
      return `WINDOW_UPDATE ${frame.streamId} +${frame.delta}`;
    case 'unknown':
      return `control v${frame.version} type=${frame.type}`;
    default:
      return `${frame.kind.toUpperCase()} ${JSON.stringify({ ...frame, headerBlock: undefined, kind: undefined })}`;
  }
}
