/**
 * Which pod a command talks to, the one place that knows it: `[type/]name[.namespace]` read
 * the way istioctl reads it (the namespace is whatever follows the last dot), a workload
 * (`deployment/x`, `svc/y`, `gateway/z`, ...) resolved through its pod selector to its pods, the
 * first of them in kubectl's "best for logs" order, and later a ready replacement with the same
 * selector when that pod goes away (the port-forward tunnel's need). Callers word their own
 * not-found errors where istioctl's commands differ; the rest is shared.
 */
import { UsageError, UserError } from '../core/errors.js';
import type { ResourceInfo } from './discovery.js';
import { selectorString, type LabelSelector } from './label-selector.js';
import { isPodReady, listPods, readPod, type Pod } from './pods.js';
import { builtinResource, type Resources } from './resources.js';

export interface PodTarget {
  namespace: string;
  name: string;
  /** Selector that finds equivalent pods, when the pod can be replaced (a workload's, or its owner's labels). */
  replacementSelector?: string;
  pod: Pod;
}

export interface PodArg {
  /** The resource type before `/`, lower-cased; undefined for a bare pod name. */
  type?: string;
  name: string;
  namespace?: string;
}

/** Splits `[type/]name[.namespace]`; the namespace is whatever follows the last dot. */
export function parsePodArg(arg: string): PodArg {
  const slash = arg.indexOf('/');
  const type = slash >= 0 ? arg.slice(0, slash).toLowerCase() : undefined;
  const rest = slash >= 0 ? arg.slice(slash + 1) : arg;
  const dot = rest.lastIndexOf('.');
  return dot > 0 ? { type, name: rest.slice(0, dot), namespace: rest.slice(dot + 1) } : { type, name: rest };
}

const POD_TYPES = new Set(['pod', 'pods', 'po']);

/** Whether the argument names a pod itself (no type, or pod/pods/po). */
export const namesPod = (arg: PodArg): boolean => !arg.type || POD_TYPES.has(arg.type);

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
/** The workload types with kubectl's plural and short names. */
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

export interface Workload {
  /** kubectl's name of the resource for messages: `deployments.apps`, `services`. */
  resource: string;
  /** The selector of its pods, as text; undefined when there is no such workload. */
  selector?: string;
}

/** The workload `type/name` and its pod selector. A type that names no workload is a usage error. */
export async function findWorkload(res: Resources, type: string, name: string, namespace: string): Promise<Workload> {
  // Managed Gateway API gateways: their deployment's pods carry the gateway's name.
  if (GATEWAY_TYPES.has(type)) return { resource: 'gateways.gateway.networking.k8s.io', selector: `gateway.networking.k8s.io/gateway-name=${name}` };
  const kind = WORKLOADS.get(type);
  if (!kind) throw new UsageError(`the server doesn't have a resource type "${type}"`, 'Use pod, deployment, replicaset, statefulset, daemonset, job, service or gateway.');
  const resource = kind.info.group ? `${kind.info.resource}.${kind.info.group}` : kind.info.resource;
  const obj = await res.getResource(kind.info, name, namespace);
  if (!obj) return { resource };
  const selector = obj.spec?.selector as LabelSelector | Record<string, string> | undefined;
  return { resource, selector: selectorString(kind.shape === 'map' ? { matchLabels: selector as Record<string, string> | undefined } : (selector as LabelSelector | undefined)) };
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

/** Labels that differ between the pods of one workload, so not part of a replacement selector. */
const HASH_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index']);

/** A pod with an owner can be replaced by another pod carrying its (non-hash) labels. */
function ownerSelector(pod: Pod): string | undefined {
  if (!pod.metadata?.ownerReferences?.length) return undefined;
  const labels = Object.fromEntries(Object.entries(pod.metadata.labels ?? {}).filter(([k]) => !HASH_LABELS.has(k)));
  return Object.keys(labels).length > 0 ? selectorString({ matchLabels: labels }) : undefined;
}

/** The target for a pod; `selector` when it was found through one, else its owner's labels. */
export function podTarget(pod: Pod, selector?: string): PodTarget {
  return { namespace: pod.metadata.namespace!, name: pod.metadata.name, replacementSelector: selector ?? ownerSelector(pod), pod };
}

export interface ResolveWording {
  /** The error for a pod name that does not exist (kubectl's by default). */
  podNotFound?: (name: string, namespace: string) => UserError;
  /** The error for a workload that does not exist (kubectl's by default). */
  workloadNotFound?: (arg: PodArg, namespace: string, resource: string) => UserError;
  /** The error for a workload without pods. */
  noPods?: (arg: PodArg, namespace: string) => UserError;
}

const KUBECTL_WORDING: Required<ResolveWording> = {
  podNotFound: (name, ns) => new UserError(`pods "${name}" not found in the "${ns}" namespace`),
  workloadNotFound: (arg, ns, resource) => new UserError(`failed retrieving: ${resource} "${arg.name}" not found in the "${ns}" namespace`),
  noPods: (arg, ns) => new UserError(`no pods found for ${arg.type}/${arg.name} in the "${ns}" namespace`),
};

/**
 * kubectl's resolution of `[type/]name[.namespace]` (namespace: the argument's, else
 * `defaultNamespace`): a pod by name, or a workload's first pod in "best for logs" order.
 */
export async function resolvePod(res: Resources, podArg: string, defaultNamespace: string, wording: ResolveWording = {}): Promise<PodTarget> {
  const words = { ...KUBECTL_WORDING, ...wording };
  const arg = parsePodArg(podArg);
  const namespace = arg.namespace ?? defaultNamespace;
  if (namesPod(arg)) {
    const pod = await readPod(res, namespace, arg.name);
    if (!pod) throw words.podNotFound(arg.name, namespace);
    return podTarget(pod);
  }
  const { resource, selector } = await findWorkload(res, arg.type!, arg.name, namespace);
  if (selector === undefined) throw words.workloadNotFound(arg, namespace, resource);
  const pods = selector ? await listPods(res, namespace, selector) : [];
  if (pods.length === 0) throw words.noPods(arg, namespace);
  return podTarget([...pods].sort(byLogging)[0]!, selector);
}

/** Every pod a selector matches in the namespace (`pc log -l`). */
export async function podsBySelector(res: Resources, selector: string, namespace: string): Promise<PodTarget[]> {
  const pods = await listPods(res, namespace, selector);
  if (pods.length === 0) throw new UserError('no pods found', { hint: `No pod in namespace ${namespace} matches ${selector}.` });
  return pods.map((pod) => podTarget(pod, selector));
}

/** A ready pod to replace a lost one; undefined when there is none (yet). */
export async function findReplacement(res: Resources, lost: PodTarget): Promise<PodTarget | undefined> {
  if (!lost.replacementSelector) return undefined;
  const pods = await listPods(res, lost.namespace, lost.replacementSelector);
  const ready = pods.find((p) => isPodReady(p) && p.metadata?.name !== lost.name);
  return ready ? podTarget(ready, lost.replacementSelector) : undefined;
}
