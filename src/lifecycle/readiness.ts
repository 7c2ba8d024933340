/**
 * When an installed object counts as ready (istioctl.md §3.7), and — when it is not — a
 * one-line reason built from its status, its pods and their events, so a slow install
 * says what it is waiting for instead of "Waiting for resources".
 */
import { containsLabels } from '../kube/label-selector.js';
import type { KubeObject } from '../kube/resources.js';
import { describeObject } from '../kube/resources.js';

export interface Readiness {
  ready: boolean;
  /** "0/1 ready", "not Established yet", "1/1 ready". */
  detail: string;
  /** True when waiting longer cannot help (e.g. ProgressDeadlineExceeded). */
  failed?: boolean;
}

/** Kinds install waits on; others count as ready once applied. */
export const WAITED_KINDS = new Set(['CustomResourceDefinition', 'Deployment', 'DaemonSet', 'StatefulSet', 'Namespace']);

function condition(obj: KubeObject, type: string): { status?: string; reason?: string; message?: string } | undefined {
  return (obj.status?.conditions ?? []).find((c: { type?: string }) => c.type === type);
}

/** Readiness of a live object, or undefined for kinds that are not waited on. */
export function readinessOf(obj: KubeObject | undefined, kind: string): Readiness | undefined {
  if (!WAITED_KINDS.has(kind)) return undefined;
  if (!obj) return { ready: false, detail: 'not found in the cluster' };
  const generationSeen = (obj.status?.observedGeneration ?? 0) >= (obj.metadata.generation ?? 0);
  switch (kind) {
    case 'CustomResourceDefinition': {
      const established = condition(obj, 'Established');
      return established?.status === 'True' ? { ready: true, detail: 'Established' } : { ready: false, detail: `not Established yet${established?.message ? ` (${established.message})` : ''}` };
    }
    case 'Namespace':
      return obj.status?.phase === 'Terminating' ? { ready: false, detail: 'Terminating', failed: true } : { ready: true, detail: 'Active' };
    case 'Deployment': {
      const want = obj.spec?.replicas ?? 1;
      const ready = obj.status?.readyReplicas ?? 0;
      const updated = obj.status?.updatedReplicas ?? 0;
      const progressing = condition(obj, 'Progressing');
      if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
        return { ready: false, detail: `${ready}/${want} ready, rollout stuck (ProgressDeadlineExceeded${progressing.message ? `: ${progressing.message}` : ''})`, failed: true };
      }
      // As `kubectl rollout status`: every replica updated, no old ones left, the new ones available.
      const total = obj.status?.replicas ?? 0;
      const available = obj.status?.availableReplicas ?? 0;
      const ok = generationSeen && updated >= want && total <= updated && available >= updated && ready >= want;
      if (!ok && updated >= want && total > updated) {
        return { ready: false, detail: `rolling out: ${updated}/${want} updated, ${total - updated} old replica${total - updated === 1 ? '' : 's'} still running` };
      }
      return { ready: ok, detail: `${Math.min(ready, available, want)}/${want} ready${ok || updated >= want ? '' : `, ${updated}/${want} updated`}` };
    }
    case 'DaemonSet': {
      const want = obj.status?.desiredNumberScheduled ?? 0;
      const ready = obj.status?.numberReady ?? 0;
      const updated = obj.status?.updatedNumberScheduled ?? 0;
      if (generationSeen && want === 0 && obj.status?.observedGeneration !== undefined) {
        return { ready: false, detail: 'scheduled on no node (0 desired): check node selectors and taints' };
      }
      const ok = generationSeen && want > 0 && ready >= want && updated >= want;
      return { ready: ok, detail: `${ready}/${want} ready on nodes` };
    }
    case 'StatefulSet': {
      const want = obj.spec?.replicas ?? 1;
      const ready = obj.status?.readyReplicas ?? 0;
      const ok = generationSeen && (obj.status?.updatedReplicas ?? 0) >= want && ready >= want;
      return { ready: ok, detail: `${ready}/${want} ready` };
    }
  }
  return undefined;
}

interface ContainerStateLike {
  waiting?: { reason?: string; message?: string };
  terminated?: { exitCode?: number; reason?: string };
}

interface ConditionLike {
  type?: string;
  status?: string;
  message?: string;
}

/** The fields of a Pod that readiness and verify-install read. */
export interface PodLike {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string; creationTimestamp?: string };
  spec?: { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
  status?: {
    phase?: string;
    conditions?: ConditionLike[];
    initContainerStatuses?: ContainerStatusLike[];
    containerStatuses?: ContainerStatusLike[];
  };
}

interface ContainerLike {
  name?: string;
  image?: string;
  args?: string[];
}

interface ContainerStatusLike {
  name?: string;
  ready?: boolean;
  state?: ContainerStateLike;
  lastState?: ContainerStateLike;
}

export interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  lastTimestamp?: string;
  eventTime?: string;
  count?: number;
}

/** Whether every `matchLabels` pair of a selector is on the pod (an empty selector picks no pod here). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return !!selector && Object.keys(selector).length > 0 && containsLabels(labels, selector);
}

/** Why one pod is not ready: its waiting/terminated container, its Ready condition, or its latest warning event. */
export function podProblem(pod: PodLike, events: readonly EventLike[]): string | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && waiting.reason !== 'PodInitializing' && waiting.reason !== 'ContainerCreating') {
      return `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
    }
    const term = s.state?.terminated ?? s.lastState?.terminated;
    if (term && term.exitCode !== 0 && !s.ready) return `container ${s.name} exited with ${term.exitCode}${term.reason ? ` (${term.reason})` : ''}`;
  }
  const warning = latestWarning(pod, events);
  if (warning) return warning;
  const readyCond = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const scheduled = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') return `not scheduled${scheduled.message ? `: ${scheduled.message}` : ''}`;
  if (readyCond?.status === 'True') return undefined;
  if (readyCond?.message) return readyCond.message;
  return pod.status?.phase ? `${pod.status.phase}` : undefined;
}

function latestWarning(pod: PodLike, events: readonly EventLike[]): string | undefined {
  let best: EventLike | undefined;
  for (const e of events) {
    if (e.type !== 'Warning' || e.involvedObject?.name !== pod.metadata.name) continue;
    if (!best || (e.lastTimestamp ?? e.eventTime ?? '') >= (best.lastTimestamp ?? best.eventTime ?? '')) best = e;
  }
  return best ? `${best.reason ?? 'Warning'}: ${best.message ?? ''}`.trim() : undefined;
}

/**
 * "Deployment istio-system/istiod: 0/1 ready, pod istiod-5d8f ImagePullBackOff: Back-off pulling image ..."
 * Pods are those the workload's selector picks; the first one with a problem explains it.
 */
export function explainNotReady(obj: KubeObject | undefined, ref: KubeObject, readiness: Readiness, pods: readonly PodLike[], events: readonly EventLike[]): string {
  let line = `${describeObject(ref)}: ${readiness.detail}`;
  const selector = obj?.spec?.selector?.matchLabels as Record<string, string> | undefined;
  if (obj && selector) {
    const mine = pods.filter((p) => p.metadata.namespace === obj.metadata.namespace && selects(selector, p.metadata.labels) && !p.metadata.deletionTimestamp);
    // Newest pods first: they show the current rollout's problem.
    mine.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
    let problem: string | undefined;
    let culprit: PodLike | undefined;
    for (const p of mine) {
      problem = podProblem(p, events);
      if (problem) {
        culprit = p;
        break;
      }
    }
    if (culprit && problem) line += `, pod ${culprit.metadata.name} ${problem}`;
    else if (mine.length === 0 && obj.kind !== 'DaemonSet') {
      const warning = events.find((e) => e.type === 'Warning' && e.involvedObject?.namespace === obj.metadata.namespace && (e.involvedObject?.name ?? '').startsWith(obj.metadata.name));
      line += warning ? `, no pods yet (${warning.reason}: ${warning.message})` : ', no pods yet';
    }
  }
  return line;
}
