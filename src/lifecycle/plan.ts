/**
 * What an install will do, computed from the renderer's output before any cluster call:
 * the labelled objects of each component, the order they go in (istioctl.md §3.6), the
 * namespaces to create, and the facts the summary shows (images, counts by kind).
 */
import type { IstioOperator } from '../operator/types.js';
import type { KubeObject } from '../kube/resources.js';
import type { ComponentName, RenderedComponent } from '../render/types.js';
import { deactivated } from '../render/components/webhooks.js';
import { revisionLabel, withOwnership } from './labels.js';

export const COMPONENT_DISPLAY: Record<ComponentName, { name: string; icon: string }> = {
  Base: { name: 'Istio core', icon: '⛵️' },
  Pilot: { name: 'Istiod', icon: '🧠' },
  Cni: { name: 'CNI', icon: '🪢' },
  Ztunnel: { name: 'Ztunnel', icon: '🔒' },
  IngressGateways: { name: 'Ingress gateways', icon: '🛬' },
  EgressGateways: { name: 'Egress gateways', icon: '🛫' },
};

/**
 * Dependency waves: a wave starts once every component of the previous one is applied and
 * ready. Base → {Pilot, Cni} → {gateways (need istiod), Ztunnel (needs CNI)}.
 */
export const WAVES: readonly ComponentName[][] = [['Base'], ['Pilot', 'Cni'], ['IngressGateways', 'EgressGateways', 'Ztunnel']];

/** Reverse dependency order, for uninstall. */
export const REMOVAL_ORDER: readonly ComponentName[] = ['Ztunnel', 'EgressGateways', 'IngressGateways', 'Cni', 'Pilot', 'Base'];

export interface PlannedComponent {
  component: ComponentName;
  displayName: string;
  icon: string;
  namespace: string;
  /** Labelled objects, in the tiers they are applied in (CRDs, config, workloads, then the rest). */
  tiers: KubeObject[][];
}

export interface InstallPlan {
  profile: string;
  /** `default` or the revision name. */
  revision: string;
  /** The Istio namespace, where the install record lives. */
  namespace: string;
  /** Every namespace objects go to, created first. */
  namespaces: string[];
  components: PlannedComponent[];
  /** Every labelled object, in apply order. */
  objects: KubeObject[];
  images: string[];
  countsByKind: Record<string, number>;
}

const CONFIG_KINDS = new Set([
  'ServiceAccount', 'Secret', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service',
  'PodDisruptionBudget', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PersistentVolumeClaim',
]);
const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'HorizontalPodAutoscaler']);

/** CRDs first (they must be Established before anything uses them), then config, workloads, the rest. */
export function applyTiers(objects: readonly KubeObject[]): KubeObject[][] {
  const tiers: KubeObject[][] = [[], [], [], []];
  for (const o of objects) {
    const tier = o.kind === 'CustomResourceDefinition' ? 0 : CONFIG_KINDS.has(o.kind) ? 1 : WORKLOAD_KINDS.has(o.kind) ? 2 : 3;
    tiers[tier]!.push(o);
  }
  return tiers.filter((t) => t.length > 0);
}

export function planInstall(iop: IstioOperator, profile: string, rendered: readonly RenderedComponent[]): InstallPlan {
  const revision = revisionLabel(iop.spec.revision ?? (iop.spec.values?.revision as string | undefined));
  const namespace = iop.metadata.namespace || (iop.spec.values?.global?.istioNamespace as string | undefined) || 'istio-system';
  const owner = iop.metadata.name || undefined;
  const byComponent = new Map<ComponentName, { namespace: string; objects: KubeObject[] }>();
  for (const rc of rendered) {
    const entry = byComponent.get(rc.component) ?? { namespace: rc.namespace, objects: [] };
    for (const obj of rc.objects) {
      const owned = withOwnership(obj as KubeObject, { component: rc.component, revision, owner, ownerNamespace: namespace });
      entry.objects.push(revision === 'default' && isRevisionInjector(owned) ? { ...owned, webhooks: deactivated(owned.webhooks ?? []) } : owned);
    }
    byComponent.set(rc.component, entry);
  }
  const components: PlannedComponent[] = [];
  for (const wave of WAVES) {
    for (const c of wave) {
      const entry = byComponent.get(c);
      if (!entry || entry.objects.length === 0) continue;
      components.push({ component: c, displayName: COMPONENT_DISPLAY[c].name, icon: COMPONENT_DISPLAY[c].icon, namespace: entry.namespace, tiers: applyTiers(entry.objects) });
    }
  }
  const objects = components.flatMap((c) => c.tiers.flat());
  const namespaces = new Set<string>([namespace]);
  const countsByKind: Record<string, number> = {};
  const images = new Set<string>();
  for (const o of objects) {
    if (o.metadata.namespace) namespaces.add(o.metadata.namespace);
    countsByKind[o.kind] = (countsByKind[o.kind] ?? 0) + 1;
    for (const image of imagesOf(o)) images.add(image);
  }
  return { profile, revision, namespace, namespaces: [...namespaces].sort(), components, objects, images: [...images].sort(), countsByKind };
}

/**
 * The default revision's own injector webhook configuration. istioctl deactivates it right after
 * the install, because the default revision tag it creates then (lifecycle/install.ts) serves the
 * same namespaces; sailctl applies it deactivated, so a re-install changes nothing and two
 * webhooks never both inject.
 */
function isRevisionInjector(o: KubeObject): boolean {
  return o.kind === 'MutatingWebhookConfiguration' && o.metadata.labels?.app === 'sidecar-injector' && o.metadata.labels['istio.io/tag'] === undefined;
}

/** Container images of a workload's pod template. */
export function imagesOf(obj: KubeObject): string[] {
  const podSpec = obj.spec?.template?.spec ?? (obj.kind === 'Pod' ? obj.spec : undefined);
  if (!podSpec) return [];
  return [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])].map((c: { image?: string }) => c.image).filter((i: unknown): i is string => typeof i === 'string');
}

/** "Namespace:name" identity used to compare renders with the cluster and the record. */
export function objectId(o: { apiVersion?: string; kind: string; metadata: { name: string; namespace?: string } }): string {
  const group = o.apiVersion?.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind}:${o.metadata.namespace ?? ''}:${o.metadata.name}`;
}
