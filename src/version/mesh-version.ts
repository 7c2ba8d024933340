/**
 * Control-plane and data-plane versions read from the cluster. istioctl asks each istiod
 * over a port-forward; the image tags of the running pods carry the same fact and need
 * nothing but two paginated pod lists.
 */
import { proxyContainer } from '../kube/istio-pods.js';
import { isPodReady, listPods } from '../kube/pods.js';
import type { Resources } from '../kube/resources.js';

export interface MeshComponentVersion {
  Component: string;
  Revision: string;
  /** istioctl's BuildInfo fields (what an image tag can tell), plus where the version was read. */
  Info: { version: string; revision: string; golang_version: string; status: string; tag: string; image: string; pod: string };
}
export interface ProxyVersion {
  ID: string;
  IstioVersion: string;
  Type: 'sidecar' | 'gateway';
  /** The control plane revision that injected it (sidecar status), or its istio.io/rev label; not in istioctl's JSON. */
  Revision?: string;
}

export function imageTag(image: string | undefined): string {
  if (!image) return 'unknown';
  const noDigest = image.split('@')[0]!;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  if (colon <= lastSlash) return 'latest';
  // Istio images carry variants as suffixes (1.30.0-distroless); the version is what precedes them.
  return noDigest.slice(colon + 1).replace(/-(distroless|debug)$/, '');
}

export async function controlPlaneVersions(res: Resources, istioNamespace: string, revision?: string): Promise<MeshComponentVersion[]> {
  const selector = revision && revision !== 'default' ? `app=istiod,istio.io/rev=${revision}` : 'app=istiod';
  const pods = (await listPods(res, istioNamespace, selector)).filter(isPodReady);
  return pods.map((pod) => {
    const container = pod.spec?.containers.find((c) => c.name === 'discovery') ?? pod.spec?.containers[0];
    return {
      Component: pod.metadata?.labels?.istio ?? 'pilot',
      Revision: pod.metadata?.labels?.['istio.io/rev'] ?? 'default',
      Info: {
        version: imageTag(container?.image),
        revision: '',
        golang_version: '',
        status: '',
        tag: imageTag(container?.image),
        image: container?.image ?? '',
        pod: `${pod.metadata?.name}.${pod.metadata?.namespace}`,
      },
    };
  });
}

export async function dataPlaneVersions(res: Resources): Promise<ProxyVersion[]> {
  const pods = await listPods(res, undefined);
  const proxies: ProxyVersion[] = [];
  for (const pod of pods) {
    const proxy = proxyContainer(pod);
    if (!proxy) continue;
    const isGateway = (proxy.args ?? []).includes('router');
    proxies.push({ ID: `${pod.metadata?.name}.${pod.metadata?.namespace}`, IstioVersion: imageTag(proxy.image), Type: isGateway ? 'gateway' : 'sidecar', Revision: revisionOf(pod) });
  }
  return proxies.sort((a, b) => a.ID.localeCompare(b.ID));
}

function revisionOf(pod: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } }): string {
  const status = pod.metadata?.annotations?.['sidecar.istio.io/status'];
  if (status) {
    try {
      return (JSON.parse(status) as { revision?: string }).revision || 'default';
    } catch {
      // fall back to the label
    }
  }
  return pod.metadata?.labels?.['istio.io/rev'] ?? 'default';
}

/** "canary (4 proxies), default (1 proxy)": proxies per injecting revision. */
export function summariseRevisions(proxies: ProxyVersion[]): string {
  const counts = new Map<string, number>();
  for (const p of proxies) counts.set(p.Revision ?? 'default', (counts.get(p.Revision ?? 'default') ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([r, n]) => `${r} (${n} ${n === 1 ? 'proxy' : 'proxies'})`)
    .join(', ');
}

/** "1.30.0 (12 proxies), 1.29.1 (1 proxies)", as istioctl's short form groups them. */
export function summariseProxies(proxies: ProxyVersion[]): string {
  if (proxies.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const p of proxies) counts.set(p.IstioVersion, (counts.get(p.IstioVersion) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([v, n]) => `${v} (${n} ${n === 1 ? 'proxy' : 'proxies'})`)
    .join(', ');
}
