/**
 * Which previously installed objects an install removes: those the last install recorded
 * (or, without a record, those labelled for this revision) that the new render no longer
 * contains. CRDs are never pruned (they hold the users' custom resources), nor objects
 * marked not-to-be-pruned, nor anything of another revision.
 */
import type { KubeObject } from '../kube/resources.js';
import { LABEL_NOT_PRUNED, isOwned } from './labels.js';
import { objectId } from './plan.js';
import { recordedId, type RecordedObject } from './record.js';

/** Kinds that install creates and prune/uninstall may list by label (istioctl.md §2.11). */
export const PRUNABLE_KINDS: readonly { apiVersion: string; kind: string; namespaced: boolean }[] = [
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', namespaced: false },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', namespaced: false },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', namespaced: true },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespaced: true },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'v1', kind: 'Secret', namespaced: true },
  { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespaced: false },
  { apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', namespaced: true },
];

/** Recorded objects that the new render lacks (CRDs excluded). */
export function pruneFromRecord(previous: readonly RecordedObject[], next: readonly KubeObject[]): RecordedObject[] {
  const keep = new Set(next.map(objectId));
  return previous.filter((r) => r.kind !== 'CustomResourceDefinition' && !keep.has(recordedId(r)));
}

/** Live objects (listed by label) that the new render lacks and that prune may delete. */
export function pruneFromCluster(live: readonly KubeObject[], next: readonly KubeObject[], revision: string): KubeObject[] {
  const keep = new Set(next.map(objectId));
  return live.filter((o) => mayPrune(o, revision) && !keep.has(objectId(o)));
}

/** The last safety check before a delete: ours, this revision, not protected, not a CRD. */
export function mayPrune(o: KubeObject, revision: string): boolean {
  return o.kind !== 'CustomResourceDefinition' && isOwned(o, revision) && o.metadata.labels?.[LABEL_NOT_PRUNED] !== 'true';
}
