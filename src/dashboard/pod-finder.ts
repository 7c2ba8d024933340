/**
 * Which pod a dashboard forwards to, following istioctl's rules (istioctl.md §2.8): an addon's
 * pod by its selector, or a pod argument resolved as every command resolves it
 * (../kube/pod-target.ts), in the dashboard's own words, and ready.
 */
import { UsageError, UserError } from '../core/errors.js';
import { describePodStatus, isPodReady, listPods, type Pod } from '../kube/pods.js';
import { namesPod, parsePodArg, podTarget, resolvePod, type PodArg, type PodTarget } from '../kube/pod-target.js';
import type { Resources } from '../kube/resources.js';
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

/** The first ready pod among the matches; a clear error naming what was found otherwise. */
function pickReady(pods: Pod[], what: string): Pod {
  const ready = pods.find(isPodReady);
  if (ready) return ready;
  const first = pods[0]!;
  throw notReady(first, what);
}

function notReady(pod: Pod, what: string): UserError {
  return new UserError(`${what}: pod ${pod.metadata?.namespace}/${pod.metadata?.name} is not ready: ${describePodStatus(pod)}`, {
    hint: `Check it with: kubectl describe pod -n ${pod.metadata?.namespace} ${pod.metadata?.name}`,
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

/** The dashboard's words for a pod argument that leads nowhere. */
const DASHBOARD_WORDING = {
  podNotFound: (name: string, ns: string) => new UserError(`pod ${name} not found in namespace ${ns}`, { hint: 'Give the pod as name.namespace, or pick it with -l <selector>.' }),
  workloadNotFound: (arg: PodArg, ns: string) => new UserError(`${arg.type}/${arg.name} not found in namespace ${ns}`),
  noPods: (arg: PodArg, ns: string) => new UserError(`${arg.type}/${arg.name} in namespace ${ns} has no pods`),
};

export async function findDashboardPod(res: Resources, d: Dashboard, q: PodQuery): Promise<PodTarget> {
  if (d.scope === 'addon') {
    const selector = q.selector ?? d.selector!;
    const namespaces = [...new Set([q.istioNamespace, q.namespace])];
    for (const ns of namespaces) {
      const pods = await listPods(res, ns, selector);
      if (pods.length > 0) return podTarget(pickReady(pods, `${d.title} dashboard`), selector);
    }
    throw new UserError(`no pods found with selector ${selector} in namespace ${namespaces.join(' or ')}`, { hint: addonInstallHint(d) });
  }

  const istiod = d.scope === 'istiod';
  q = checkPodQuery(d, q);
  const defaultNs = istiod ? q.istioNamespace : q.namespace;

  if (q.podArg) {
    // A dashboard needs a pod that serves: the workload's best pod, ready.
    const found = await resolvePod(res, q.podArg, defaultNs, DASHBOARD_WORDING);
    if (isPodReady(found.pod)) return found;
    const arg = parsePodArg(q.podArg);
    if (namesPod(arg)) throw new UserError(`pod ${found.namespace}/${found.name} is not ready: ${describePodStatus(found.pod)}`);
    throw notReady(found.pod, `${arg.type}/${arg.name}`);
  }

  const base = q.selector ?? `istio.io/rev=${q.revision}`;
  const selector = istiod ? `${base},app=istiod` : base;
  const pods = await listPods(res, defaultNs, selector);
  if (pods.length === 0) throw new UserError(`no pods found with selector ${selector} in namespace ${defaultNs}`);
  const picked = podTarget(pickReady(pods, `selector ${selector}`), selector);
  if (pods.length > 1) q.log?.(`${pods.length} pods match ${selector}; using ${picked.namespace}/${picked.name}.`);
  return picked;
}
