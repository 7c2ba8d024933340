/**
 * One HTTP request to a port of a pod through the API server's port-forward: the dashboard's
 * Tunnel on an ephemeral 127.0.0.1 port, closed once the answer is in (istioctl's
 * portForwardRequest, used for istiod's debug endpoints).
 */
import http from 'node:http';
import { UserError } from '../core/errors.js';
import type { PodTarget } from '../dashboard/pod-finder.js';
import { Tunnel } from '../dashboard/tunnel.js';
import type { Cluster } from './cluster.js';

export interface PodResponse {
  status: number;
  body: string;
}

export async function podHttpGet(cluster: Cluster, target: PodTarget, port: number, path: string, options: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<PodResponse> {
  const messages: string[] = [];
  const tunnel = new Tunnel({
    cluster,
    target,
    remotePort: port,
    address: '127.0.0.1',
    localPort: 0,
    preferredPort: 0,
    // One request takes well under this; the tunnel only needs the pod to stay.
    checkIntervalMs: 60_000,
    reconnectTimeoutMs: 1,
    log: (m) => messages.push(m),
  });
  const localPort = await tunnel.start();
  try {
    return await new Promise<PodResponse>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: localPort, method: 'GET', path, headers: options.headers, agent: false, timeout: options.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round((options.timeoutMs ?? 30_000) / 1000)}s`)));
      req.on('error', reject);
      req.end();
    });
  } catch (err) {
    // The tunnel says why the connection failed (port not listening, no permission); prefer that.
    const why = messages.find((m) => / failed: /.test(m))?.replace(/^.*? failed: /, '') ?? (err as Error).message;
    throw new UserError(`failure running port forward process: ${why}`, { cause: err });
  } finally {
    tunnel.close();
  }
}
