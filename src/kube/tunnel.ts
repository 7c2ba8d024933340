/**
 * A local listener that forwards every connection to a pod port through the API server
 * (./port-forward.ts, one WebSocket per connection), and keeps doing so: it
 * checks the pod, moves to a ready replacement when the pod goes away, and fails loudly when none
 * appears in time (istioctl kept a dead tunnel open silently).
 */
import net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { goDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import type { Cluster } from './cluster.js';
import { findReplacement, type PodTarget } from './pod-target.js';
import { isPodReady, readPod } from './pods.js';
import { openPortForward } from './port-forward.js';

export interface TunnelOptions {
  cluster: Cluster;
  target: PodTarget;
  remotePort: number;
  address: string;
  /** An explicit --port (must be free), or undefined to try `preferredPort` then any free port. */
  localPort?: number;
  preferredPort: number;
  /** How often the pod is checked, and how long to wait for a replacement. */
  checkIntervalMs?: number;
  reconnectTimeoutMs?: number;
  /** Progress messages (pod replaced, connection errors) for stderr. */
  log: (message: string) => void;
}

/** Above this many unsent bytes towards the API server, stop reading from the local client. */
const SEND_BUFFER_LIMIT = 1024 * 1024;
/** The v4.channel data channel of the first (only) forwarded port. */
const DATA_CHANNEL = Buffer.from([0]);

export class Tunnel {
  private servers: net.Server[] = [];
  private sockets = new Set<net.Socket>();
  private websockets = new Set<WebSocket>();
  private target: PodTarget;
  private targetReady: Promise<PodTarget>;
  private timer?: NodeJS.Timeout;
  private checkInFlight?: Promise<void>;
  private failed?: (err: Error) => void;
  private closed = false;
  /** Settles when the tunnel ends: resolves on close(), rejects when it cannot continue. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  localPort = 0;

  constructor(private readonly opts: TunnelOptions) {
    this.target = opts.target;
    this.targetReady = Promise.resolve(opts.target);
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.failed = reject;
    });
    this.done.catch(() => undefined);
  }

  /** The pod connections go to right now. */
  get pod(): PodTarget {
    return this.target;
  }

  async start(): Promise<number> {
    this.localPort = await this.listen();
    this.timer = setInterval(() => void this.checkPod(), this.opts.checkIntervalMs ?? 2000);
    return this.localPort;
  }

  /** Stops listening and ends every forwarded connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const s of this.sockets) s.destroy();
    for (const ws of this.websockets) ws.terminate();
    for (const server of this.servers) server.close();
    this.resolveDone();
  }

  private fail(err: Error): void {
    if (this.closed) return;
    // Reject before close() resolves `done`, or the failure would read as a clean stop.
    this.failed?.(err);
    this.close();
  }

  private async listen(): Promise<number> {
    const { address, localPort, preferredPort, log } = this.opts;
    if (localPort !== undefined && localPort !== 0) {
      return this.bindAll(localPort).catch((err: NodeJS.ErrnoException) => Promise.reject(listenError(err, address, localPort)));
    }
    if (localPort === undefined) {
      try {
        return await this.bindAll(preferredPort);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES') throw listenError(err as NodeJS.ErrnoException, address, preferredPort);
      }
    }
    const port = await this.bindAll(0).catch((err: NodeJS.ErrnoException) => Promise.reject(listenError(err, address, 0)));
    if (localPort === undefined) log(`Port ${preferredPort} is in use on ${address}; using port ${port} instead.`);
    return port;
  }

  /** Listens on every address of `address` ("localhost" = 127.0.0.1 and ::1; one of them is enough). */
  private async bindAll(port: number): Promise<number> {
    const hosts = this.opts.address === 'localhost' ? ['127.0.0.1', '::1'] : [this.opts.address];
    let bound = 0;
    let firstError: NodeJS.ErrnoException | undefined;
    for (const host of hosts) {
      const server = net.createServer({ allowHalfOpen: true }, (socket) => void this.forward(socket));
      try {
        bound = await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port: bound || port, host }, () => resolve((server.address() as net.AddressInfo).port));
        });
        this.servers.push(server);
      } catch (err) {
        firstError ??= err as NodeJS.ErrnoException;
        // A clash on the first address is fatal; the second (IPv6 may be off) is optional.
        if (bound === 0 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') break;
      }
    }
    if (bound === 0) {
      for (const s of this.servers) s.close();
      this.servers = [];
      throw firstError ?? new Error('could not listen');
    }
    return bound;
  }

  private async forward(socket: net.Socket): Promise<void> {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // The socket stays paused (its bytes buffered) until the WebSocket is open, so a retry loses nothing.
    for (let attempt = 0; ; attempt++) {
      const target = await this.targetReady;
      if (socket.destroyed || this.closed) return;
      try {
        const ws = await this.connect(target, socket);
        if (socket.destroyed || this.closed) return void ws.terminate();
        this.pipe(socket, ws);
        return;
      } catch (err) {
        if (socket.destroyed || this.closed) return;
        // The pod may just have gone, or the API server hiccuped: check the pod (which may switch
        // to a replacement or wait for one), then retry once.
        if (attempt === 0) {
          await this.checkPod();
          continue;
        }
        this.opts.log(`port-forward to pod ${target.namespace}/${target.name} failed: ${upgradeErrorText(err)}`);
        socket.destroy();
        return;
      }
    }
  }

  private async connect(target: PodTarget, socket: net.Socket): Promise<WebSocket> {
    const { cluster, remotePort } = this.opts;
    const link: { ws?: WebSocket } = {};
    // Bytes from the pod go to the local client; when it cannot keep up, stop reading the WebSocket.
    const output = new Writable({
      write(chunk: Buffer, _enc, callback) {
        if (!socket.destroyed && !socket.write(chunk) && link.ws && !link.ws.isPaused) {
          link.ws.pause();
          socket.once('drain', () => link.ws?.resume());
        }
        callback();
      },
    });
    const errors = new Writable({
      write: (chunk: Buffer, _enc, callback) => {
        const text = chunk.toString('utf8').trim();
        if (text) {
          this.opts.log(`connection to pod ${target.namespace}/${target.name} port ${remotePort} failed: ${text}`);
          socket.destroy();
        }
        callback();
      },
    });
    // client-node would close the WebSocket when its input ends; the local client's half-close must
    // not cut the answer off, so input is sent below (pipe) and this stream never ends.
    const noInput = new PassThrough();
    link.ws = await openPortForward(cluster.client.conn, target.namespace, target.name, remotePort, output, errors, noInput);
    return link.ws;
  }

  /** Local client → pod with backpressure; the pod closing ends the local connection. */
  private pipe(socket: net.Socket, ws: WebSocket): void {
    this.websockets.add(ws);
    socket.on('data', (chunk: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(Buffer.concat([DATA_CHANNEL, chunk]), { binary: true }, () => {
        if (socket.isPaused() && ws.bufferedAmount < SEND_BUFFER_LIMIT) socket.resume();
      });
      if (ws.bufferedAmount >= SEND_BUFFER_LIMIT) socket.pause();
    });
    ws.on('close', () => {
      this.websockets.delete(ws);
      socket.end();
    });
    ws.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
    });
    socket.resume();
  }

  /** Keeps the target current: a gone or unready pod is replaced, or the tunnel fails. One check at a time. */
  private checkPod(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.checkInFlight ??= this.runCheck().finally(() => (this.checkInFlight = undefined));
    return this.checkInFlight;
  }

  private async runCheck(): Promise<void> {
    const current = this.target;
    let pod;
    try {
      pod = await readPod(this.opts.cluster.res, current.namespace, current.name);
    } catch (err) {
      return this.waitForReplacement(current, `could not be checked (${(err as Error).message})`);
    }
    if (pod && isPodReady(pod)) return;
    await this.waitForReplacement(current, pod ? 'is no longer ready' : 'was deleted');
  }

  private async waitForReplacement(lost: PodTarget, why: string): Promise<void> {
    const timeoutMs = this.opts.reconnectTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    this.opts.log(`Pod ${lost.namespace}/${lost.name} ${why}; looking for a ready replacement...`);
    let settle!: (t: PodTarget) => void;
    this.targetReady = new Promise<PodTarget>((resolve) => (settle = resolve));
    while (!this.closed) {
      try {
        const pod = await readPod(this.opts.cluster.res, lost.namespace, lost.name);
        if (pod && isPodReady(pod)) {
          this.opts.log(`Pod ${lost.namespace}/${lost.name} is ready again.`);
          return settle(lost);
        }
        const next = await findReplacement(this.opts.cluster.res, lost);
        if (next) {
          this.target = next;
          this.opts.log(`Now forwarding to pod ${next.namespace}/${next.name}.`);
          return settle(next);
        }
      } catch {
        // the API server may be briefly unreachable; keep trying until the deadline
      }
      if (Date.now() >= deadline) {
        return this.fail(
          new UserError(`pod ${lost.namespace}/${lost.name} ${why} and no ready replacement appeared within ${goDuration(timeoutMs)}; the tunnel is closed`, {
            hint: `Check the workload with: kubectl get pods -n ${lost.namespace}${lost.replacementSelector ? ` -l ${lost.replacementSelector}` : ''}`,
          }),
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(1000, this.opts.checkIntervalMs ?? 2000, Math.max(0, deadline - Date.now()))));
    }
  }
}

/** client-node rejects with the WebSocket's error event: "Unexpected server response: 403" and the like. */
function upgradeErrorText(err: unknown): string {
  const e = err as { message?: string; error?: { message?: string } };
  const text = e.error?.message ?? e.message ?? String(err);
  if (/\b403\b/.test(text)) return `${text} (you need the RBAC permission "create" on "pods/portforward")`;
  if (/\b404\b/.test(text)) return `${text} (the pod no longer exists)`;
  return text;
}

function listenError(err: NodeJS.ErrnoException, address: string, port: number): UserError {
  if (err.code === 'EADDRINUSE') {
    return new UserError(`local port ${port} is already in use on ${address}`, { hint: 'Pick another one with --port, or --port 0 for any free port.' });
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return new UserError(`cannot listen on address ${address}: it is not an address of this machine`, { hint: 'Use --address localhost, 127.0.0.1 or 0.0.0.0.' });
  }
  if (err.code === 'EACCES') return new UserError(`no permission to listen on ${address}:${port}`, { hint: 'Ports below 1024 need privileges; use --port with a higher port.' });
  return new UserError(`cannot listen on ${address}:${port}: ${err.message}`);
}
