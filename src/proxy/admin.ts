/**
 * Requests to a pod's Envoy admin API through the API server's port-forward: the same
 * Tunnel `dashboard proxy` uses, on an ephemeral local port, closed after the command's
 * requests. The admin paths per command are istioctl's (proxy-debugging.md §2.1.1).
 */
import http from 'node:http';
import { UserError } from '../core/errors.js';
import type { Cluster } from '../kube/cluster.js';
import type { PodTarget } from '../dashboard/pod-finder.js';
import { Tunnel } from '../dashboard/tunnel.js';

export const ADMIN_PATH = {
  cluster: 'config_dump?mask=dynamic_active_clusters,dynamic_warming_clusters,static_clusters',
  listener: 'config_dump?mask=dynamic_listeners,static_listeners',
  route: 'config_dump?mask=dynamic_route_configs,static_route_configs',
  secret: 'config_dump?mask=dynamic_active_secrets,dynamic_warming_secrets',
  bootstrap: 'config_dump?mask=bootstrap',
  eds: 'config_dump?include_eds=true',
  endpoint: 'clusters?format=json',
  logging: 'logging',
} as const;

export class EnvoyAdmin {
  private readonly messages: string[] = [];
  private tunnel?: Tunnel;
  private port = 0;

  private constructor(
    private readonly cluster: Cluster,
    readonly target: PodTarget,
    private readonly adminPort: number,
  ) {}

  static async open(cluster: Cluster, target: PodTarget, adminPort: number): Promise<EnvoyAdmin> {
    const admin = new EnvoyAdmin(cluster, target, adminPort);
    admin.tunnel = new Tunnel({
      cluster,
      target,
      remotePort: adminPort,
      address: '127.0.0.1',
      localPort: 0,
      preferredPort: 0,
      // One command's requests take well under this; the tunnel only needs the pod to stay.
      checkIntervalMs: 60_000,
      reconnectTimeoutMs: 1,
      log: (m) => admin.messages.push(m),
    });
    admin.port = await admin.tunnel.start();
    return admin;
  }

  /** `pod.namespace`, as istioctl names the pod in messages. */
  get podName(): string {
    return `${this.target.name}.${this.target.namespace}`;
  }

  /** One HTTP request; anything but 200 is istioctl's `unexpected status code: N`. */
  async request(method: 'GET' | 'POST', path: string): Promise<string> {
    this.messages.length = 0;
    const { status, body } = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path: `/${path}`, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    }).catch((err: Error) => {
      // The tunnel says why the connection failed (port not listening, no permission); prefer that.
      const why = this.messages.find((m) => /failed:/.test(m))?.replace(/^.*? failed: /, '') ?? err.message;
      throw new UserError(`failure running port forward process: ${why}`, { cause: err });
    });
    if (status !== 200) throw new UserError(`unexpected status code: ${status}`);
    return body.toString('utf8');
  }

  close(): void {
    this.tunnel?.close();
  }
}
