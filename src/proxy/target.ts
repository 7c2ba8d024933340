/**
 * Which pod's Envoy a proxy command talks to: `[type/]name[.namespace]` resolved like
 * istioctl (a workload's first pod in kubectl's "best for logs" order), or every pod a label
 * selector matches; and the checks istioctl's port-forward makes before it connects.
 */
import type { V1LabelSelector, V1Pod } from '@kubernetes/client-node';
import { UsageError, UserError } from '../core/errors.js';
import { withTimeout, type ClusterConnection } from '../kube/connect.js';
import { isPodReady, listPods } from '../kube/pods.js';
import { parsePodArg, readPod, type PodTarget } from '../dashboard/pod-finder.js';

const POD_TYPES = new Set(['pod', 'pods', 'po']);

/** A label selector as text (matchLabels and matchExpressions, as kubectl renders it). */
export function selectorString(sel: V1LabelSelector | undefined): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: number; cause?: { code?: number } };
  return e.code === 404 || e.cause?.code === 404;
}

/** The pod selector of a workload (`deployment/foo`, `svc/bar`, `gateway/baz`, ...). */
async function workloadSelector(conn: ClusterConnection, type: string, name: string, namespace: string): Promise<string> {
  const apps = () => conn.kc.makeApiClient(conn.k8s.AppsV1Api);
  const core = () => conn.kc.makeApiClient(conn.k8s.CoreV1Api);
  const batch = () => conn.kc.makeApiClient(conn.k8s.BatchV1Api);
  const kinds: Record<string, [string, () => Promise<string>]> = {};
  const add = (names: string[], resource: string, read: () => Promise<string>) => names.forEach((n) => (kinds[n] = [resource, read]));
  add(['deployment', 'deployments', 'deploy'], 'deployments.apps', async () => selectorString((await apps().readNamespacedDeployment({ name, namespace })).spec?.selector));
  add(['replicaset', 'replicasets', 'rs'], 'replicasets.apps', async () => selectorString((await apps().readNamespacedReplicaSet({ name, namespace })).spec?.selector));
  add(['statefulset', 'statefulsets', 'sts'], 'statefulsets.apps', async () => selectorString((await apps().readNamespacedStatefulSet({ name, namespace })).spec?.selector));
  add(['daemonset', 'daemonsets', 'ds'], 'daemonsets.apps', async () => selectorString((await apps().readNamespacedDaemonSet({ name, namespace })).spec?.selector));
  add(['job', 'jobs'], 'jobs.batch', async () => selectorString((await batch().readNamespacedJob({ name, namespace })).spec?.selector));
  add(['service', 'services', 'svc'], 'services', async () => selectorString({ matchLabels: (await core().readNamespacedService({ name, namespace })).spec?.selector }));
  add(['replicationcontroller', 'replicationcontrollers', 'rc'], 'replicationcontrollers', async () =>
    selectorString({ matchLabels: (await core().readNamespacedReplicationController({ name, namespace })).spec?.selector }),
  );
  // Managed Gateway API gateways: their deployment's pods carry the gateway's name.
  add(['gateway', 'gateways', 'gtw'], 'gateways', async () => `gateway.networking.k8s.io/gateway-name=${name}`);
  const kind = kinds[type];
  if (!kind) throw new UsageError(`the server doesn't have a resource type "${type}"`, 'Use pod, deployment, replicaset, statefulset, daemonset, job, service or gateway.');
  try {
    return await withTimeout(conn, `reading ${type}/${name} in namespace ${namespace}`, kind[1]);
  } catch (err) {
    if (isNotFound(err)) throw new UserError(`failed retrieving: ${kind[0]} "${name}" not found in the "${namespace}" namespace`);
    throw err;
  }
}

const PHASE_ORDER: Record<string, number> = { Running: 0, Unknown: 1, Pending: 2 };

function readyTime(pod: V1Pod): number {
  const c = (pod.status?.conditions ?? []).find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime ? new Date(c.lastTransitionTime).getTime() : 0;
}

const restarts = (pod: V1Pod) => Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
const created = (pod: V1Pod) => (pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).getTime() : 0);

/** kubectl's podutils.ByLogging: scheduled, running, ready (longest first), most restarts, oldest. */
export function byLogging(a: V1Pod, b: V1Pod): number {
  const an = a.spec?.nodeName ?? '';
  const bn = b.spec?.nodeName ?? '';
  if (an !== bn && (an === '' || bn === '')) return an !== '' ? -1 : 1;
  const ap = PHASE_ORDER[a.status?.phase ?? ''] ?? 3;
  const bp = PHASE_ORDER[b.status?.phase ?? ''] ?? 3;
  if (ap !== bp) return ap - bp;
  if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? -1 : 1;
  if (isPodReady(a) && isPodReady(b)) {
    const at = readyTime(a);
    const bt = readyTime(b);
    if (at !== bt) return at === 0 ? 1 : bt === 0 ? -1 : at - bt;
  }
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const ac = created(a);
  const bc = created(b);
  if (ac !== bc) return ac === 0 ? 1 : bc === 0 ? -1 : ac - bc;
  return 0;
}

function hasProxy(pod: V1Pod): boolean {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].some((c) => c.name === 'istio-proxy');
}

/** The checks before a port-forward: the pod runs, and runs an Envoy. */
export function checkProxyPod(pod: V1Pod): void {
  const name = `${pod.metadata?.name}.${pod.metadata?.namespace}`;
  if (pod.status?.phase !== 'Running') throw new UserError(`failed to execute command on ${name} sidecar: pod is not running. Status=${pod.status?.phase ?? 'Unknown'}`);
  if (!hasProxy(pod)) {
    throw new UserError(`failed to execute command on ${name} sidecar: the pod has no istio-proxy container, so it has no Envoy to ask`, {
      hint: 'Is the pod part of the mesh? `sailctl kube-inject` or namespace label istio-injection=enabled adds the sidecar.',
    });
  }
}

/** Resolves `[type/]name[.namespace]` to one pod (namespace: -n, else the context's, else default). */
export async function resolveProxyPod(conn: ClusterConnection, podArg: string, defaultNamespace: string): Promise<PodTarget> {
  const arg = parsePodArg(podArg);
  const namespace = arg.namespace ?? defaultNamespace;
  if (!arg.type || POD_TYPES.has(arg.type)) {
    const pod = await readPod(conn, namespace, arg.name);
    if (!pod) throw new UserError(`failed to execute command on ${arg.name}.${namespace} sidecar: pods "${arg.name}" not found in the "${namespace}" namespace`);
    return { namespace, name: arg.name, pod };
  }
  const selector = await workloadSelector(conn, arg.type, arg.name, namespace);
  const pods = selector ? await listPods(conn, namespace, selector) : [];
  if (pods.length === 0) throw new UserError(`no pods found for ${arg.type}/${arg.name} in the "${namespace}" namespace`);
  const pod = [...pods].sort(byLogging)[0]!;
  return { namespace, name: pod.metadata!.name!, pod, replacementSelector: selector };
}

/** Every pod a selector matches in the namespace (`pc log -l`). */
export async function podsBySelector(conn: ClusterConnection, selector: string, namespace: string): Promise<PodTarget[]> {
  const pods = await listPods(conn, namespace, selector);
  if (pods.length === 0) throw new UserError('no pods found', { hint: `No pod in namespace ${namespace} matches ${selector}.` });
  return pods.map((pod) => ({ namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, pod }));
}
