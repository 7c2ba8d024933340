/**
 * Which pod a dashboard forwards to, following istioctl's rules (istioctl.md §2.8), and
 * how to find a ready replacement later when that pod goes away.
 */
import { UsageError, UserError } from '../core/errors.js';
import { describePodStatus, isPodReady, listPods, readPod, type Pod } from '../kube/pods.js';
import type { ResourceInfo } from '../kube/discovery.js';
import { builtinResource, type Resources } from '../kube/resources.js';
import { addonInstallHint, type Dashboard } from './dashboards.js';

export interface PodQuery {
  /** `[type/]name[.namespace]` for proxy/envoy/controlz/istiod-debug. */
  podArg?: string;
  selector?: string;
  revision?: string;
  istioNamespace: string;
  /** -n, or the kubeconfig context's namespace, or "default". */
  namespace: string;
  /** Warnings (a selector matching several pods). */
  log?: (message: string) => void;
}

export interface PodTarget {
  namespace: string;
  name: string;
  /** Selector that finds equivalent pods, when the pod can be replaced (it has an owner). */
  replacementSelector?: string;
  pod: Pod;
}

/** Splits `[type/]name[.namespace]`; the namespace is whatever follows the last dot. */
export function parsePodArg(arg: string): { type?: string; name: string; namespace?: string } {
  const slash = arg.indexOf('/');
  const type = slash >= 0 ? arg.slice(0, slash).toLowerCase() : undefined;
  const rest = slash >= 0 ? arg.slice(slash + 1) : arg;
  const dot = rest.lastIndexOf('.');
  return dot > 0 ? { type, name: rest.slice(0, dot), namespace: rest.slice(dot + 1) } : { type, name: rest };
}

const HASH_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index']);

function replacementSelectorOf(pod: Pod): string | undefined {
  if (!pod.metadata?.ownerReferences?.length) return undefined;
  const labels = Object.entries(pod.metadata.labels ?? {}).filter(([k]) => !HASH_LABELS.has(k));
  return labels.length > 0 ? labels.map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}

function target(pod: Pod, selector?: string): PodTarget {
  return { namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, replacementSelector: selector ?? replacementSelectorOf(pod), pod };
}

/** The first ready pod among the matches; a clear error naming what was found otherwise. */
function pickReady(pods: Pod[], what: string): Pod {
  const ready = pods.find(isPodReady);
  if (ready) return ready;
  const first = pods[0]!;
  throw new UserError(`${what}: pod ${first.metadata?.namespace}/${first.metadata?.name} is not ready: ${describePodStatus(first)}`, {
    hint: `Check it with: kubectl describe pod -n ${first.metadata?.namespace} ${first.metadata?.name}`,
  });
}

/**
 * The pod argument, -l and -r of a proxy/envoy/controlz/istiod-debug dashboard: exactly one
 * (usage error, 64, before any cluster call). Returns the query with istiod-debug's implied
 * revision filled in.
 */
export function checkPodQuery<Q extends Pick<PodQuery, 'podArg' | 'selector' | 'revision'>>(d: Dashboard, q: Q): Q {
  if (d.scope === 'addon') return q;
  const istiod = d.scope === 'istiod';
  // istioctl's istiod-debug always has a revision ("default" unless -r), so it needs no argument.
  if (d.name === 'istiod-debug' && !q.podArg && !q.selector && !q.revision) q = { ...q, revision: 'default' };
  const given = [q.podArg, q.selector, istiod ? q.revision : undefined].filter((v) => v !== undefined && v !== '').length;
  if (given === 0) throw new UsageError(istiod ? 'specify a pod, --selector, or --revision' : 'specify a pod or --selector');
  if (given > 1) throw new UsageError(istiod ? 'only one of name, --selector, or --revision can be specified' : 'name cannot be provided when a selector is specified');
  return q;
}

export async function findDashboardPod(res: Resources, d: Dashboard, q: PodQuery): Promise<PodTarget> {
  if (d.scope === 'addon') {
    const selector = q.selector ?? d.selector!;
    const namespaces = [...new Set([q.istioNamespace, q.namespace])];
    for (const ns of namespaces) {
      const pods = await listPods(res, ns, selector);
      if (pods.length > 0) return target(pickReady(pods, `${d.title} dashboard`), selector);
    }
    throw new UserError(`no pods found with selector ${selector} in namespace ${namespaces.join(' or ')}`, { hint: addonInstallHint(d) });
  }

  const istiod = d.scope === 'istiod';
  q = checkPodQuery(d, q);
  const defaultNs = istiod ? q.istioNamespace : q.namespace;

  if (q.podArg) {
    const arg = parsePodArg(q.podArg);
    const ns = arg.namespace ?? defaultNs;
    if (arg.type && !['pod', 'pods', 'po'].includes(arg.type)) {
      const selector = await workloadSelector(res, arg.type, arg.name, ns);
      const pods = await listPods(res, ns, selector);
      if (pods.length === 0) throw new UserError(`${arg.type}/${arg.name} in namespace ${ns} has no pods`);
      return target(pickReady(pods, `${arg.type}/${arg.name}`), selector);
    }
    const pod = await readPod(res, ns, arg.name);
    if (!pod) throw new UserError(`pod ${arg.name} not found in namespace ${ns}`, { hint: 'Give the pod as name.namespace, or pick it with -l <selector>.' });
    if (!isPodReady(pod)) throw new UserError(`pod ${ns}/${arg.name} is not ready: ${describePodStatus(pod)}`);
    return target(pod);
  }

  const base = q.selector ?? `istio.io/rev=${q.revision}`;
  const selector = istiod ? `${base},app=istiod` : base;
  const pods = await listPods(res, defaultNs, selector);
  if (pods.length === 0) throw new UserError(`no pods found with selector ${selector} in namespace ${defaultNs}`);
  const picked = target(pickReady(pods, `selector ${selector}`), selector);
  if (pods.length > 1) q.log?.(`${pods.length} pods match ${selector}; using ${picked.namespace}/${picked.name}.`);
  return picked;
}

const DEPLOYMENTS = builtinResource('apps/v1', 'Deployment', 'deployments');
const STATEFULSETS = builtinResource('apps/v1', 'StatefulSet', 'statefulsets');
const DAEMONSETS = builtinResource('apps/v1', 'DaemonSet', 'daemonsets');
/** The workload types a pod argument may name, with kubectl's short names. */
const WORKLOADS = new Map<string, ResourceInfo>([
  ['deployment', DEPLOYMENTS], ['deployments', DEPLOYMENTS], ['deploy', DEPLOYMENTS],
  ['statefulset', STATEFULSETS], ['sts', STATEFULSETS],
  ['daemonset', DAEMONSETS], ['ds', DAEMONSETS],
]);

/** `deployment/foo` → its pod selector (matchLabels), as kubectl resolves workloads. */
async function workloadSelector(res: Resources, type: string, name: string, namespace: string): Promise<string> {
  const info = WORKLOADS.get(type);
  if (!info) throw new UsageError(`unsupported workload type "${type}": use pod, deployment, statefulset or daemonset`);
  const workload = await res.getResource(info, name, namespace);
  if (!workload) throw new UserError(`${type}/${name} not found in namespace ${namespace}`);
  const labels: Record<string, string> = workload.spec?.selector?.matchLabels ?? {};
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/** Finds a ready pod to replace a lost one; undefined when there is none (yet). */
export async function findReplacement(res: Resources, lost: PodTarget): Promise<PodTarget | undefined> {
  if (!lost.replacementSelector) return undefined;
  const pods = await listPods(res, lost.namespace, lost.replacementSelector);
  const ready = pods.find((p) => isPodReady(p) && p.metadata?.name !== lost.name);
  return ready ? target(ready, lost.replacementSelector) : undefined;
}
