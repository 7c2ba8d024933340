/** Pod look-ups shared by the cluster commands: the fields they read, and readiness as kubectl shows it. */
import { builtinResource, type KubeObject, type Resources } from './resources.js';

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  securityContext?: { runAsUser?: number };
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: object;
    terminated?: { reason?: string; exitCode: number };
  };
}

export interface Pod extends KubeObject {
  spec?: { containers: Container[]; initContainers?: Container[]; nodeName?: string; securityContext?: { runAsUser?: number } };
  status?: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export const PODS = builtinResource('v1', 'Pod', 'pods');

/** Pods of one namespace, or of all when namespace is undefined, page by page. */
export async function listPods(res: Resources, namespace: string | undefined, labelSelector?: string, fieldSelector?: string): Promise<Pod[]> {
  return (await res.listResource(PODS, { namespace, labelSelector, fieldSelector })).items as Pod[];
}

/** The pod, or undefined when it does not exist. */
export function readPod(res: Resources, namespace: string, name: string): Promise<Pod | undefined> {
  return res.getResource<Pod>(PODS, name, namespace);
}

export function isPodReady(pod: Pod): boolean {
  return (
    pod.metadata?.deletionTimestamp === undefined &&
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** "Pending (istio-proxy: ImagePullBackOff: Back-off pulling image ...)", for messages. */
export function describePodStatus(pod: Pod): string {
  const phase = pod.metadata?.deletionTimestamp ? 'Terminating' : pod.status?.phase ?? 'Unknown';
  const reasons = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((s) => {
      const waiting = s.state?.waiting;
      const terminated = s.state?.terminated;
      if (waiting?.reason) return `${s.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
      if (terminated && terminated.exitCode !== 0) return `${s.name}: ${terminated.reason ?? 'terminated'} (exit ${terminated.exitCode})`;
      if (s.ready === false && s.state?.running) return `${s.name}: running, not ready`;
      return undefined;
    })
    .filter((r): r is string => r !== undefined);
  return reasons.length > 0 ? `${phase} (${reasons.join('; ')})` : phase;
}
