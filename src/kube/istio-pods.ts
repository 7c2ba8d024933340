/**
 * What Istio puts on pods that the cluster commands read: the proxy container (a sidecar, or a
 * native sidecar among the init containers) and where istiod serves its debug endpoints.
 */
import type { Container, Pod } from './pods.js';

export const PROXY_CONTAINER = 'istio-proxy';

/** The pod's istio-proxy container (inject.FindSidecar), if it has one. */
export function proxyContainer(pod: Pod): Container | undefined {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === PROXY_CONTAINER);
}

/** Whether the pod runs an Istio proxy. */
export const isMeshed = (pod: Pod): boolean => proxyContainer(pod) !== undefined;

/** istioctl's FindIstiodMonitoringPort: istiod's prometheus.io/port annotation, else 15014. */
export function istiodMonitoringPort(pod: Pod): number {
  const port = Number(pod.metadata?.annotations?.['prometheus.io/port']);
  return Number.isInteger(port) && port > 0 ? port : 15014;
}
