/** What `install --dry-run` reports per component: object counts by kind, namespace, images. */
import type { ComponentName, K8sObject, RenderedComponent } from './types.js';

/** istioctl's progress names (istioctl.md §3.8). */
export const COMPONENT_TITLES: Record<ComponentName, string> = {
  Base: 'Istio core',
  Pilot: 'Istiod',
  Cni: 'CNI',
  Ztunnel: 'Ztunnel',
  IngressGateways: 'Ingress gateways',
  EgressGateways: 'Egress gateways',
};

export interface ComponentSummary {
  component: ComponentName;
  name: string;
  namespace: string;
  objects: number;
  kinds: Record<string, number>;
  images: string[];
}

type Container = { image?: unknown };
type PodOwner = { spec?: { template?: { spec?: { initContainers?: Container[]; containers?: Container[] } } } };

function imagesOf(obj: K8sObject): string[] {
  const pod = (obj as PodOwner).spec?.template?.spec;
  if (!pod) return [];
  return [...(pod.initContainers ?? []), ...(pod.containers ?? [])].map((c) => String(c.image)).filter(Boolean);
}

export function summarize(components: readonly RenderedComponent[]): ComponentSummary[] {
  return components.map((c) => {
    const kinds: Record<string, number> = {};
    const images = new Set<string>();
    for (const obj of c.objects) {
      kinds[obj.kind] = (kinds[obj.kind] ?? 0) + 1;
      for (const image of imagesOf(obj)) images.add(image);
    }
    const sortedKinds = Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : 1)));
    return { component: c.component, name: c.name, namespace: c.namespace, objects: c.objects.length, kinds: sortedKinds, images: [...images].sort() };
  });
}

/** Human-readable lines, one block per component, in apply order. */
export function formatSummary(summaries: readonly ComponentSummary[]): string {
  let out = '';
  for (const s of summaries) {
    const kinds = Object.entries(s.kinds).map(([kind, n]) => `${n} ${kind}`).join(', ');
    out += `${COMPONENT_TITLES[s.component]} (${s.component} ${s.name}, namespace ${s.namespace}): ${s.objects} objects\n`;
    out += `  ${kinds}\n`;
    for (const image of s.images) out += `  image ${image}\n`;
  }
  const total = summaries.reduce((n, s) => n + s.objects, 0);
  out += `${total} objects in ${summaries.length} components\n`;
  return out;
}
