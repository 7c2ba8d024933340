/**
 * Which pod's Envoy a proxy command talks to: `[type/]name[.namespace]` resolved like
 * istioctl (a workload's first pod in kubectl's "best for logs" order), or every pod a label
 * selector matches; and the checks istioctl's port-forward makes before it connects.
 */
import { UsageError, UserError } from '../core/errors.js';
import { isPodReady, listPods, readPod, type Pod } from '../kube/pods.js';
import { builtinResource, type Resources } from '../kube/resources.js';
import type { ResourceInfo } from '../kube/discovery.js';
import { parsePodArg, type PodTarget } from '../dashboard/pod-finder.js';
import { selectorString, type LabelSelector } from '../kube/label-selector.js';

const POD_TYPES = new Set(['pod', 'pods', 'po']);

/** How each workload kind names its pods: a LabelSelector (apps, batch) or a plain label map (core). */
type SelectorShape = 'labelSelector' | 'map';
const workload = (apiVersion: string, kind: string, resource: string, shape: SelectorShape) => ({ info: builtinResource(apiVersion, kind, resource), shape });
const DEPLOYMENT = workload('apps/v1', 'Deployment', 'deployments', 'labelSelector');
const REPLICASET = workload('apps/v1', 'ReplicaSet', 'replicasets', 'labelSelector');
const STATEFULSET = workload('apps/v1', 'StatefulSet', 'statefulsets', 'labelSelector');
const DAEMONSET = workload('apps/v1', 'DaemonSet', 'daemonsets', 'labelSelector');
const JOB = workload('batch/v1', 'Job', 'jobs', 'labelSelector');
const SERVICE = workload('v1', 'Service', 'services', 'map');
const RC = workload('v1', 'ReplicationController', 'replicationcontrollers', 'map');
const WORKLOADS = new Map<string, { info: ResourceInfo; shape: SelectorShape }>([
  ...['deployment', 'deployments', 'deploy'].map((n) => [n, DEPLOYMENT] as const),
  ...['replicaset', 'replicasets', 'rs'].map((n) => [n, REPLICASET] as const),
  ...['statefulset', 'statefulsets', 'sts'].map((n) => [n, STATEFULSET] as const),
  ...['daemonset', 'daemonsets', 'ds'].map((n) => [n, DAEMONSET] as const),
  ...['job', 'jobs'].map((n) => [n, JOB] as const),
  ...['service', 'services', 'svc'].map((n) => [n, SERVICE] as const),
  ...['replicationcontroller', 'replicationcontrollers', 'rc'].map((n) => [n, RC] as const),
]);
const GATEWAY_TYPES = new Set(['gateway', 'gateways', 'gtw']);

/** The pod selector of a workload (`deployment/foo`, `svc/bar`, `gateway/baz`, ...). */
async function workloadSelector(res: Resources, type: string, name: string, namespace: string): Promise<string> {
  // Managed Gateway API gateways: their deployment's pods carry the gateway's name.
  if (GATEWAY_TYPES.has(type)) return `gateway.networking.k8s.io/gateway-name=${name}`;
  const kind = WORKLOADS.get(type);
  if (!kind) throw new UsageError(`the server doesn't have a resource type "${type}"`, 'Use pod, deployment, replicaset, statefulset, daemonset, job, service or gateway.');
  const obj = await res.getResource(kind.info, name, namespace);
  const resource = kind.info.group ? `${kind.info.resource}.${kind.info.group}` : kind.info.resource;
  if (!obj) throw new UserError(`failed retrieving: ${resource} "${name}" not found in the "${namespace}" namespace`);
  const selector = obj.spec?.selector as LabelSelector | Record<string, string> | undefined;
  return selectorString(kind.shape === 'map' ? { matchLabels: selector as Record<string, string> | undefined } : (selector as LabelSelector | undefined));
}

const PHASE_ORDER: Record<string, number> = { Running: 0, Unknown: 1, Pending: 2 };

function readyTime(pod: Pod): number {
  const c = (pod.status?.conditions ?? []).find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime ? new Date(c.lastTransitionTime).getTime() : 0;
}

const restarts = (pod: Pod) => Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
const created = (pod: Pod) => (pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).getTime() : 0);

/** kubectl's podutils.ByLogging: scheduled, running, ready (longest first), most restarts, oldest. */
export function byLogging(a: Pod, b: Pod): number {
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

function hasProxy(pod: Pod): boolean {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].some((c) => c.name === 'istio-proxy');
}

/** The checks before a port-forward: the pod runs, and runs an Envoy. */
export function checkProxyPod(pod: Pod): void {
  const name = `${pod.metadata?.name}.${pod.metadata?.namespace}`;
  if (pod.status?.phase !== 'Running') throw new UserError(`failed to execute command on ${name} sidecar: pod is not running. Status=${pod.status?.phase ?? 'Unknown'}`);
  if (!hasProxy(pod)) {
    throw new UserError(`failed to execute command on ${name} sidecar: the pod has no istio-proxy container, so it has no Envoy to ask`, {
      hint: 'Is the pod part of the mesh? `sailctl kube-inject` or namespace label istio-injection=enabled adds the sidecar.',
    });
  }
}

/** Resolves `[type/]name[.namespace]` to one pod (namespace: -n, else the context's, else default). */
export async function resolveProxyPod(res: Resources, podArg: string, defaultNamespace: string): Promise<PodTarget> {
  return resolvePod(res, podArg, defaultNamespace, (name, ns) => `failed to execute command on ${name}.${ns} sidecar: pods "${name}" not found in the "${ns}" namespace`);
}

/**
 * kubectl's resolution of `[type/]name[.namespace]`: a pod by name, or a workload's first pod in
 * "best for logs" order. `notFound` words the missing-pod error for the command.
 */
export async function resolvePod(
  res: Resources,
  podArg: string,
  defaultNamespace: string,
  notFound: (name: string, namespace: string) => string = (name, ns) => `pods "${name}" not found in the "${ns}" namespace`,
): Promise<PodTarget> {
  const arg = parsePodArg(podArg);
  const namespace = arg.namespace ?? defaultNamespace;
  if (!arg.type || POD_TYPES.has(arg.type)) {
    const pod = await readPod(res, namespace, arg.name);
    if (!pod) throw new UserError(notFound(arg.name, namespace));
    return { namespace, name: arg.name, pod };
  }
  const selector = await workloadSelector(res, arg.type, arg.name, namespace);
  const pods = selector ? await listPods(res, namespace, selector) : [];
  if (pods.length === 0) throw new UserError(`no pods found for ${arg.type}/${arg.name} in the "${namespace}" namespace`);
  const pod = [...pods].sort(byLogging)[0]!;
  return { namespace, name: pod.metadata.name, pod, replacementSelector: selector };
}

/** Every pod a selector matches in the namespace (`pc log -l`). */
export async function podsBySelector(res: Resources, selector: string, namespace: string): Promise<PodTarget[]> {
  const pods = await listPods(res, namespace, selector);
  if (pods.length === 0) throw new UserError('no pods found', { hint: `No pod in namespace ${namespace} matches ${selector}.` });
  return pods.map((pod) => ({ namespace: pod.metadata.namespace ?? namespace, name: pod.metadata.name, pod }));
}
