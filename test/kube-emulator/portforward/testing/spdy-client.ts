/**
 * A small SPDY/3.1 client for tests: opens streams the way client-go's port-forward does, and records every
 * frame the server sends, so tests can assert on the wire (SYN_REPLY, WINDOW_UPDATE, RST_STREAM, GOAWAY...).
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import {
  encodeData,
  encodeSynStream,
  FLAG_FIN,
  FrameReader,
  type Frame,
} from '../spdy/frames.js';
import { HeaderDeflater, HeaderInflater, type HeaderPairs } from '../spdy/header-block.js';

export class SpdyTestClient {
  /** Frames received, in order (header blocks already checked by decompressing them). */
  readonly frames: Frame[] = [];
  readonly replyHeaders = new Map<number, Map<string, string>>();
  private readonly reader = new FrameReader();
  private readonly deflater = new HeaderDeflater();
  private readonly inflater = new HeaderInflater();
  private readonly data = new Map<number, Buffer[]>();
  private readonly finished = new Set<number>();
  private nextStreamId = 1;
  private chain: Promise<void> = Promise.resolve();
  private listeners: (() => void)[] = [];
  closed = false;

  constructor(readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.reader.push(chunk)) this.chain = this.chain.then(() => this.handle(frame));
    });
    socket.on('close', () => {
      this.closed = true;
      this.chain = this.chain.then(() => this.notify());
    });
    socket.on('error', () => {});
  }

  /** Upgrades `POST path` to SPDY/3.1 on `baseUrl` (http only), as kubectl's secondary dialer does. */
  static connect(baseUrl: string, path: string, protocol = 'portforward.k8s.io'): Promise<{ client: SpdyTestClient; response: http.IncomingMessage }> {
    return new Promise((resolve, reject) => {
      const req = http.request(new URL(path, baseUrl), {
        method: 'POST',
        headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocol },
      });
      req.on('upgrade', (response, socket, head) => {
        const client = new SpdyTestClient(socket);
        if (head.length > 0) socket.unshift(head);
        resolve({ client, response });
      });
      req.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${response.statusCode} ${Buffer.concat(chunks).toString()}`), { statusCode: response.statusCode, body: Buffer.concat(chunks).toString() })));
      });
      req.on('error', reject);
      req.end();
    });
  }

  async openStream(headers: HeaderPairs, options: { fin?: boolean; id?: number } = {}): Promise<number> {
    const id = options.id ?? this.nextStreamId;
    this.nextStreamId = Math.max(this.nextStreamId, id + 2);
    this.socket.write(encodeSynStream(id, await this.deflater.deflate(headers), { fin: options.fin }));
    return id;
  }

  /** Sends `data` in DATA frames of at most 64 KiB, the last one carrying FIN if asked. */
  sendData(id: number, data: Buffer | string, fin = false): void {
    const bytes = Buffer.from(data);
    let at = 0;
    do {
      const piece = bytes.subarray(at, at + 64 * 1024);
      at += piece.length;
      this.socket.write(encodeData(id, piece, fin && at >= bytes.length));
    } while (at < bytes.length);
  }

  send(frame: Buffer): void {
    this.socket.write(frame);
  }

  /** Opens an error+data pair for one forwarded connection, like client-go (error stream half-closed at once). */
  async openRequest(port: number | string, requestId: number): Promise<{ errorId: number; dataId: number }> {
    const errorId = await this.openStream([['streamtype', 'error'], ['port', String(port)], ['requestid', String(requestId)]]);
    this.sendData(errorId, Buffer.alloc(0), true);
    const dataId = await this.openStream([['streamtype', 'data'], ['port', String(port)], ['requestid', String(requestId)]]);
    return { errorId, dataId };
  }

  /** One whole forwarded exchange: send `payload`, half-close, wait for both streams to finish. */
  async exchange(port: number | string, requestId: number, payload: Buffer | string): Promise<{ data: Buffer; error: string }> {
    const { errorId, dataId } = await this.openRequest(port, requestId);
    this.sendData(dataId, payload, true);
    await this.until(() => this.isFinished(errorId) && (this.isFinished(dataId) || this.wasReset(dataId)), `request ${requestId} to finish`);
    return { data: this.received(dataId), error: this.received(errorId).toString() };
  }

  received(id: number): Buffer {
    return Buffer.concat(this.data.get(id) ?? []);
  }

  isFinished(id: number): boolean {
    return this.finished.has(id);
  }

  wasReset(id: number): boolean {
    return this.framesOf('rst_stream').some((f) => f.streamId === id);
  }

  framesOf<K extends Frame['kind']>(kind: K): Extract<Frame, { kind: K }>[] {
    return this.frames.filter((f): f is Extract<Frame, { kind: K }> => f.kind === kind);
  }

  /** Resolves once `condition` holds after some frame (or the close) arrives; rejects after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(`timed out waiting for ${what}; frames: ${this.frames.map((f) => f.kind + ('streamId' in f ? ' ' + f.streamId : '')).join(', ')}`));
      }, timeoutMs);
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve();
      };
      this.listeners.push(check);
    });
  }

  close(): void {
    this.deflater.close();
    this.inflater.close();
    this.socket.destroy();
  }

  private async handle(frame: Frame): Promise<void> {
    if (frame.kind === 'syn_reply' || frame.kind === 'headers' || frame.kind === 'syn_stream') {
      const headers = await this.inflater.inflate(frame.headerBlock);
      if (frame.kind === 'syn_reply') this.replyHeaders.set(frame.streamId, headers);
    }
    if (frame.kind === 'data') {
      const list = this.data.get(frame.streamId) ?? [];
      list.push(Buffer.from(frame.data));
      this.data.set(frame.streamId, list);
      if (frame.flags & FLAG_FIN) this.finished.add(frame.streamId);
    }
    this.frames.push(frame);
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
