/** Pod look-ups shared by version, dashboard and the install checks. */
import type { V1Pod } from '@kubernetes/client-node';
import { withTimeout, type ClusterConnection } from './connect.js';

const PAGE = 500;

/** Lists pods (one namespace, or all when namespace is undefined), page by page. */
export async function listPods(conn: ClusterConnection, namespace: string | undefined, labelSelector?: string): Promise<V1Pod[]> {
  const api = conn.kc.makeApiClient(conn.k8s.CoreV1Api);
  const pods: V1Pod[] = [];
  let cont: string | undefined;
  do {
    const page = await withTimeout(conn, `listing pods${namespace ? ` in namespace ${namespace}` : ''}`, () =>
      namespace
        ? api.listNamespacedPod({ namespace, labelSelector, limit: PAGE, _continue: cont })
        : api.listPodForAllNamespaces({ labelSelector, limit: PAGE, _continue: cont }),
    );
    pods.push(...page.items);
    cont = page.metadata?._continue || undefined;
  } while (cont);
  return pods;
}

export function isPodReady(pod: V1Pod): boolean {
  return (
    pod.metadata?.deletionTimestamp === undefined &&
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** "Pending (istio-proxy: ImagePullBackOff: Back-off pulling image ...)", for messages. */
export function describePodStatus(pod: V1Pod): string {
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
