/**
 * A local listener that forwards every connection to a pod port through the API server
 * (client-node's WebSocket port-forward), and keeps doing so: it watches the pod, moves to a
 * ready replacement when the pod goes away, and fails loudly when none appears in time
 * (istioctl kept a dead tunnel open silently).
 */
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { UserError } from '../core/errors.js';
import type { ClusterConnection } from '../kube/connect.js';
import { isPodReady } from '../kube/pods.js';
import { findReplacement, readPod, type PodTarget } from './pod-finder.js';

export interface TunnelOptions {
  conn: ClusterConnection;
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

export class Tunnel {
  private servers: net.Server[] = [];
  private sockets = new Set<net.Socket>();
  private target: PodTarget;
  private targetReady: Promise<PodTarget>;
  private timer?: NodeJS.Timeout;
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

  get pod(): PodTarget {
    return this.target;
  }

  async start(): Promise<number> {
    this.localPort = await this.listen();
    this.timer = setInterval(() => void this.checkPod(), this.opts.checkIntervalMs ?? 2000);
    return this.localPort;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const s of this.sockets) s.destroy();
    for (const server of this.servers) server.close();
    this.resolveDone();
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.close();
    this.failed?.(err);
  }

  private async listen(): Promise<number> {
    const hosts = this.opts.address === 'localhost' ? ['127.0.0.1', '::1'] : [this.opts.address];
    const bindAll = async (port: number): Promise<number> => {
      let bound = 0;
      let firstError: NodeJS.ErrnoException | undefined;
      for (const host of hosts) {
        try {
          const server = net.createServer((socket) => void this.forward(socket));
          bound = await new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen({ port: bound || port, host, exclusive: true }, () => resolve((server.address() as net.AddressInfo).port));
          });
          this.servers.push(server);
        } catch (err) {
          firstError ??= err as NodeJS.ErrnoException;
          // "localhost" needs only one of its addresses (IPv6 may be off); a port clash on the first is fatal.
          if (bound === 0 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') break;
        }
      }
      if (bound === 0) {
        for (const s of this.servers) s.close();
        this.servers = [];
        throw firstError ?? new Error('could not listen');
      }
      return bound;
    };

    if (this.opts.localPort !== undefined && this.opts.localPort !== 0) {
      try {
        return await bindAll(this.opts.localPort);
      } catch (err) {
        throw listenError(err as NodeJS.ErrnoException, this.opts.address, this.opts.localPort);
      }
    }
    if (this.opts.localPort === undefined) {
      try {
        return await bindAll(this.opts.preferredPort);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' && (err as NodeJS.ErrnoException).code !== 'EACCES') {
          throw listenError(err as NodeJS.ErrnoException, this.opts.address, this.opts.preferredPort);
        }
        this.opts.log(`Port ${this.opts.preferredPort} is in use on ${this.opts.address}; using a free port instead.`);
      }
    }
    try {
      return await bindAll(0);
    } catch (err) {
      throw listenError(err as NodeJS.ErrnoException, this.opts.address, 0);
    }
  }

  private async forward(socket: net.Socket): Promise<void> {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    try {
      const target = await this.targetReady;
      if (socket.destroyed) return;
      const { conn, remotePort } = this.opts;
      const errors = new PassThrough();
      errors.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8').trim();
        if (text) this.opts.log(`connection to ${target.namespace}/${target.name}:${remotePort} failed: ${text}`);
        socket.destroy();
      });
      const pf = new conn.k8s.PortForward(conn.kc, false);
      const ws = (await pf.portForward(target.namespace, target.name, [remotePort], socket, errors, socket)) as import('ws').WebSocket;
      ws.on('close', () => socket.end());
      ws.on('error', () => socket.destroy());
      socket.on('close', () => ws.close());
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      this.opts.log(`port-forward to ${this.target.namespace}/${this.target.name} failed: ${message}`);
      socket.destroy();
      void this.checkPod();
    }
  }

  private checking = false;

  /** Keeps the target current: a gone or unready pod is replaced, or the tunnel fails. */
  private async checkPod(): Promise<void> {
    if (this.checking || this.closed) return;
    this.checking = true;
    try {
      const current = this.target;
      let pod;
      try {
        pod = await readPod(this.opts.conn, current.namespace, current.name);
      } catch (err) {
        return this.waitForReplacement(current, `the API server did not answer (${(err as Error).message})`);
      }
      if (pod && isPodReady(pod)) return;
      await this.waitForReplacement(current, pod ? 'is no longer ready' : 'was deleted');
    } finally {
      this.checking = false;
    }
  }

  private async waitForReplacement(lost: PodTarget, why: string): Promise<void> {
    const timeoutMs = this.opts.reconnectTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    this.opts.log(`Pod ${lost.namespace}/${lost.name} ${why}; looking for a ready replacement...`);
    let settle!: (t: PodTarget) => void;
    this.targetReady = new Promise<PodTarget>((resolve) => (settle = resolve));
    while (!this.closed) {
      try {
        const pod = await readPod(this.opts.conn, lost.namespace, lost.name);
        if (pod && isPodReady(pod)) {
          this.opts.log(`Pod ${lost.namespace}/${lost.name} is ready again.`);
          return settle(lost);
        }
        const next = await findReplacement(this.opts.conn, lost);
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
          new UserError(`pod ${lost.namespace}/${lost.name} ${why} and no ready replacement appeared within ${Math.round(timeoutMs / 1000)}s; the tunnel is closed`, {
            hint: `Check the workload with: kubectl get pods -n ${lost.namespace}${lost.replacementSelector ? ` -l ${lost.replacementSelector}` : ''}`,
          }),
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(1000, this.opts.checkIntervalMs ?? 2000)));
    }
  }
}

function listenError(err: NodeJS.ErrnoException, address: string, port: number): UserError {
  if (err.code === 'EADDRINUSE') {
    return new UserError(`local port ${port} is already in use on ${address}`, { hint: 'Pick another one with --port, or --port 0 for any free port.' });
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
    return new UserError(`cannot listen on address ${address}: it is not an address of this machine`, { hint: 'Use --address localhost, 127.0.0.1 or 0.0.0.0.' });
  }
  if (err.code === 'EACCES') return new UserError(`no permission to listen on ${address}:${port}`, { hint: 'Ports below 1024 need privileges; use --port with a higher port.' });
  return new UserError(`cannot listen on ${address}:${port}: ${err.message}`);
}
