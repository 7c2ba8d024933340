/**
 * HTTP requests to a port of a pod through the API server's port-forward: the Tunnel on an
 * ephemeral 127.0.0.1 port, kept for the caller's requests and closed after them (istioctl's
 * portForwardRequest). Every command that asks a pod something (Envoy's admin API, istiod's
 * debug endpoints) goes through here, so a failed connection reads the same everywhere.
 */
import http from 'node:http';
import { UserError } from '../core/errors.js';
import type { Cluster } from './cluster.js';
import type { PodTarget } from './pod-target.js';
import { Tunnel } from './tunnel.js';

export interface PodResponse {
  status: number;
  body: string;
}

export interface PodRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** No answer within this long is an error; no limit when unset. */
  timeoutMs?: number;
}

export class PodConnection {
  private constructor(
    private readonly tunnel: Tunnel,
    private readonly port: number,
    /** The tunnel's messages since the last request began: why a connection failed. */
    private readonly messages: string[],
  ) {}

  static async open(cluster: Cluster, target: PodTarget, remotePort: number): Promise<PodConnection> {
    const messages: string[] = [];
    const tunnel = new Tunnel({
      cluster,
      target,
      remotePort,
      address: '127.0.0.1',
      localPort: 0,
      preferredPort: 0,
      // A command's requests take well under this; the tunnel only needs the pod to stay.
      checkIntervalMs: 60_000,
      reconnectTimeoutMs: 1,
      log: (m) => messages.push(m),
    });
    return new PodConnection(tunnel, await tunnel.start(), messages);
  }

  /** One request, any status; a connection that fails is `failure running port forward process: <why>`. */
  async request(path: string, options: PodRequestOptions = {}): Promise<PodResponse> {
    this.messages.length = 0;
    const { timeoutMs } = options;
    try {
      return await new Promise<PodResponse>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: this.port, method: options.method ?? 'GET', path, headers: options.headers, agent: false, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        if (timeoutMs !== undefined) req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)}s`)));
        req.on('error', reject);
        req.end();
      });
    } catch (err) {
      // The tunnel says why the connection failed (port not listening, no permission); prefer that.
      const why = this.messages.find((m) => / failed: /.test(m))?.replace(/^.*? failed: /, '') ?? (err as Error).message;
      throw new UserError(`failure running port forward process: ${why}`, { cause: err });
    }
  }

  close(): void {
    this.tunnel.close();
  }
}

/** One request to `port` of the pod on a connection of its own. */
export async function podRequest(cluster: Cluster, target: PodTarget, port: number, path: string, options: PodRequestOptions = {}): Promise<PodResponse> {
  const conn = await PodConnection.open(cluster, target, port);
  try {
    return await conn.request(path, options);
  } finally {
    conn.close();
  }
}
