/**
 * One handle on a cluster for every command that talks to one: the HTTP client, discovery
 * and object operations, plus the two questions pre-flights ask (server version, permissions).
 */
import { connectCluster, type ConnectOptions } from './connect.js';
import { Resources } from './resources.js';
import { KubeApiError, KubeClient } from './rest.js';
import { mapLimit } from './resources.js';

export interface Cluster {
  client: KubeClient;
  res: Resources;
  /** The kubeconfig context's namespace, or "default" (kubectl's default for -n). */
  namespace: string;
  describe(): string;
  close(): void;
}

export async function openCluster(options: ConnectOptions): Promise<Cluster> {
  const conn = connectCluster(options);
  const client = await KubeClient.create(conn);
  const res = new Resources(client);
  return { client, res, namespace: conn.resolved.namespace, describe: () => conn.describe(), close: () => client.close() };
}

export interface ServerVersion {
  major: number;
  minor: number;
  gitVersion: string;
}

export async function serverVersion(client: KubeClient): Promise<ServerVersion> {
  const v = await client.json<{ major?: string; minor?: string; gitVersion?: string }>({ method: 'GET', path: '/version', what: 'reading the Kubernetes version' });
  // Managed clusters report minors such as "32+".
  const minor = Number.parseInt(v?.minor ?? '', 10);
  const major = Number.parseInt(v?.major ?? '', 10);
  const fromGit = /^v?(\d+)\.(\d+)/.exec(v?.gitVersion ?? '');
  return {
    major: Number.isFinite(major) ? major : Number(fromGit?.[1] ?? 0),
    minor: Number.isFinite(minor) ? minor : Number(fromGit?.[2] ?? 0),
    gitVersion: v?.gitVersion ?? `v${v?.major}.${v?.minor}`,
  };
}

export interface AccessRequest {
  verb: string;
  group: string;
  resource: string;
  /** e.g. portforward (of pods). */
  subresource?: string;
  namespace?: string;
}

export interface AccessAnswer extends AccessRequest {
  /** undefined when the cluster cannot answer (no SelfSubjectAccessReview API). */
  allowed: boolean | undefined;
  reason?: string;
}

/** Asks SelfSubjectAccessReview for every request at once (bounded concurrency). */
export async function checkAccess(client: KubeClient, requests: AccessRequest[]): Promise<AccessAnswer[]> {
  return mapLimit(requests, 8, async (r) => {
    try {
      const review = await client.json<{ status?: { allowed?: boolean; denied?: boolean; reason?: string } }>({
        method: 'POST',
        path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb: r.verb, group: r.group, resource: r.resource, subresource: r.subresource, namespace: r.namespace } },
        },
        what: `asking whether you may ${r.verb} ${resourceName(r)}`,
      });
      return { ...r, allowed: review?.status?.allowed === true, reason: review?.status?.reason };
    } catch (err) {
      if (err instanceof KubeApiError && (err.status === 404 || err.status === 405)) return { ...r, allowed: undefined };
      throw err;
    }
  });
}

/** "deployments.apps", "pods/portforward" */
function resourceName(r: AccessRequest): string {
  return `${r.group ? `${r.resource}.${r.group}` : r.resource}${r.subresource ? `/${r.subresource}` : ''}`;
}

/** "create deployments.apps in istio-system" */
export function describeAccess(r: AccessRequest): string {
  return `${r.verb} ${resourceName(r)}${r.namespace ? ` in namespace ${r.namespace}` : ' (cluster-wide)'}`;
}
