/**
 * The sync status of every proxy, as each istiod knows it: istiod's `/debug/syncz` (one
 * SyncStatus per connected proxy, with the nonces sent and acked per xDS type) read through a
 * port-forward to its monitoring port, the way istioctl's AllDiscoveryDo reads its debug
 * endpoints. Why not the xDS `istio.io/debug/syncz` type on 15012: it carries the same per-type
 * nonces (istiod derives both from the connection's watched resources) but needs gRPC, TLS and
 * Envoy's protobuf descriptors, a heavy load for one table. A ServiceAccount token (TokenRequest,
 * audience istio-ca, as istioctl makes for xDS) goes along when it can be had: the port-forward
 * reaches istiod from localhost, which needs none, but an authenticated caller is never refused.
 */
import { UserError } from '../core/errors.js';
import { debug } from '../core/output.js';
import type { Cluster } from '../kube/cluster.js';
import { podRequest } from '../kube/pod-http.js';
import { istiodMonitoringPort } from '../kube/istio-pods.js';
import { podTarget } from '../kube/pod-target.js';
import { PODS, type Pod } from '../kube/pods.js';
import { KubeApiError } from '../kube/rest.js';

/** One entry of istiod's /debug/syncz (pilot/pkg/xds SyncStatus). */
export interface SyncStatus {
  cluster_id?: string;
  proxy?: string;
  proxy_type?: string;
  proxy_version?: string;
  istio_version?: string;
  cluster_sent?: string;
  cluster_acked?: string;
  listener_sent?: string;
  listener_acked?: string;
  route_sent?: string;
  route_acked?: string;
  endpoint_sent?: string;
  endpoint_acked?: string;
  extensionconfig_sent?: string;
  extensionconfig_acked?: string;
  /** Per watched type URL (newer istiods). */
  resources?: Record<string, { sent?: string; acked?: string; sentTime?: string; lastError?: string }>;
}

export interface IstiodSyncz {
  /** The istiod pod's name (the ISTIOD column). */
  istiod: string;
  statuses: SyncStatus[];
}

export interface SynczQuery {
  istioNamespace: string;
  revision?: string;
  /** --xds-label: the istiod pod selector instead of app=istiod. */
  podSelector?: string;
  /** -n: only proxies of this namespace. */
  namespace?: string;
  timeoutMs?: number;
}

/** Running istiod pods of the Istio namespace (of one revision with -r). */
export async function runningIstiods(cluster: Cluster, q: Pick<SynczQuery, 'istioNamespace' | 'revision' | 'podSelector'>): Promise<Pod[]> {
  const selector = [q.podSelector || 'app=istiod', q.revision ? `istio.io/rev=${q.revision}` : ''].filter(Boolean).join(',');
  const { items } = await cluster.res.listResource(PODS, { namespace: q.istioNamespace, labelSelector: selector, fieldSelector: 'status.phase=Running' });
  return (items as Pod[]).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

/** A bound token for istiod (SA `default` of the Istio namespace, audience istio-ca, 1h), or undefined when not granted. */
export async function istiodToken(cluster: Cluster, istioNamespace: string): Promise<string | undefined> {
  try {
    const review = await cluster.client.json<{ status?: { token?: string } }>({
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(istioNamespace)}/serviceaccounts/default/token`,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['istio-ca'], expirationSeconds: 3600 } },
      what: `requesting a token for ServiceAccount ${istioNamespace}/default`,
      target: { verb: 'create', resource: 'serviceaccounts', group: '', namespace: istioNamespace, name: 'default' },
    });
    return review?.status?.token;
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    debug(`no token for istiod (${err.message}); asking without one`);
    return undefined;
  }
}

export async function fetchSyncz(cluster: Cluster, q: SynczQuery): Promise<IstiodSyncz[]> {
  const istiods = await runningIstiods(cluster, q);
  if (istiods.length === 0) {
    throw new UserError('unable to find any Istiod instances', {
      hint: `No running pods labelled ${q.podSelector || 'app=istiod'}${q.revision ? `,istio.io/rev=${q.revision}` : ''} in namespace ${q.istioNamespace}; check -i/--istioNamespace and -r/--revision.`,
    });
  }
  const token = await istiodToken(cluster, q.istioNamespace);
  const path = `/debug/syncz${q.namespace ? `?namespace=${encodeURIComponent(q.namespace)}` : ''}`;
  const out: IstiodSyncz[] = [];
  for (const pod of istiods) {
    const res = await podRequest(cluster, podTarget(pod), istiodMonitoringPort(pod), path, { headers: token ? { Authorization: `Bearer ${token}` } : {}, timeoutMs: q.timeoutMs });
    if (res.status !== 200) throw new UserError(`istiod ${pod.metadata.name}: GET ${path} answered ${res.status}${res.body.trim() ? `: ${res.body.trim().split('\n')[0]}` : ''}`);
    let statuses: SyncStatus[];
    try {
      statuses = JSON.parse(res.body) as SyncStatus[];
    } catch {
      throw new UserError(`istiod ${pod.metadata.name}: GET ${path} did not answer JSON`);
    }
    out.push({ istiod: pod.metadata.name, statuses: Array.isArray(statuses) ? statuses : [] });
  }
  return out;
}
