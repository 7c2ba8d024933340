/**
 * Requests to a pod's Envoy admin API: a connection to its admin port through the API
 * server's port-forward (../kube/pod-http.ts), closed after the command's requests. The admin
 * paths per command and the status rule are istioctl's (proxy-debugging.md §2.1.1).
 */
import { UserError } from '../core/errors.js';
import type { Cluster } from '../kube/cluster.js';
import { PodConnection } from '../kube/pod-http.js';
import type { PodTarget } from '../kube/pod-target.js';
import { parseConfigDump, type ConfigDump } from './dump.js';
import type { ProxyConfigType } from './config-view.js';
import { checkProxyPod, resolveProxyPod } from './target.js';

export const ADMIN_PATH = {
  cluster: 'config_dump?mask=dynamic_active_clusters,dynamic_warming_clusters,static_clusters',
  listener: 'config_dump?mask=dynamic_listeners,static_listeners',
  route: 'config_dump?mask=dynamic_route_configs,static_route_configs',
  secret: 'config_dump?mask=dynamic_active_secrets,dynamic_warming_secrets',
  bootstrap: 'config_dump?mask=bootstrap',
  eds: 'config_dump?include_eds=true',
  endpoint: 'clusters?format=json',
  logging: 'logging',
  /** The whole dump, no mask (describe, proxy-status <pod>). */
  all: 'config_dump',
} as const;

export class EnvoyAdmin {
  private constructor(
    private readonly conn: PodConnection,
    readonly target: PodTarget,
    private readonly timeoutMs?: number,
  ) {}

  static async open(cluster: Cluster, target: PodTarget, adminPort: number, options: { timeoutMs?: number } = {}): Promise<EnvoyAdmin> {
    return new EnvoyAdmin(await PodConnection.open(cluster, target, adminPort), target, options.timeoutMs);
  }

  /** `pod.namespace`, as istioctl names the pod in messages. */
  get podName(): string {
    return `${this.target.name}.${this.target.namespace}`;
  }

  /** One HTTP request; anything but 200 is istioctl's `unexpected status code: N`. */
  async request(method: 'GET' | 'POST', path: string): Promise<string> {
    const { status, body } = await this.conn.request(`/${path}`, { method, timeoutMs: this.timeoutMs });
    if (status !== 200) throw new UserError(`unexpected status code: ${status}`);
    return body;
  }

  close(): void {
    this.conn.close();
  }
}

/** The pod's whole config dump (GET config_dump, no mask), read. */
export async function readConfigDump(cluster: Cluster, target: PodTarget, adminPort: number, options: { timeoutMs?: number } = {}): Promise<ConfigDump> {
  const admin = await EnvoyAdmin.open(cluster, target, adminPort, options);
  try {
    return parseConfigDump(await admin.request('GET', ADMIN_PATH.all), 'envoy');
  } finally {
    admin.close();
  }
}

/** The admin API of the pod a `[type/]name[.namespace]` argument names, after istioctl's checks. */
export async function openProxyAdmin(cluster: Cluster, podArg: string, namespace: string, adminPort: number): Promise<EnvoyAdmin> {
  const target = await resolveProxyPod(cluster.res, podArg, namespace);
  checkProxyPod(target.pod);
  return EnvoyAdmin.open(cluster, target, adminPort);
}

/** `proxy-config <type> <pod>`: the admin response istioctl reads for the type (EDS included for all, ecds and eds). */
export async function fetchProxyConfig(cluster: Cluster, type: ProxyConfigType, podArg: string, namespace: string, adminPort: number): Promise<string> {
  const path = type === 'all' || type === 'ecds' || type === 'eds' ? ADMIN_PATH.eds : ADMIN_PATH[type];
  const admin = await openProxyAdmin(cluster, podArg, namespace, adminPort);
  try {
    return await admin.request('GET', path);
  } catch (err) {
    if (err instanceof UserError && type !== 'endpoint') throw new UserError(`failed to execute command on ${admin.podName} sidecar: ${err.message}`, { cause: err });
    if (err instanceof UserError) throw new UserError(`failed to execute command on Envoy: ${err.message}`, { cause: err });
    throw err;
  } finally {
    admin.close();
  }
}
