/**
 * The ownership labels every installed object carries (istioctl.md §3.5). They are what
 * prune, uninstall and verify select on, and what proves an object is ours to delete.
 */
import { ISTIO_VERSION } from '../version/build-info.js';
import type { KubeObject } from '../kube/resources.js';

export const LABEL_COMPONENT = 'operator.istio.io/component';
export const LABEL_MANAGED = 'operator.istio.io/managed';
export const LABEL_VERSION = 'operator.istio.io/version';
export const LABEL_OWNER = 'install.operator.istio.io/owning-resource';
export const LABEL_OWNER_NS = 'install.operator.istio.io/owning-resource-namespace';
export const LABEL_REV = 'istio.io/rev';
export const LABEL_NOT_PRUNED = 'install.operator.istio.io/owning-resource-not-pruned';

export interface Ownership {
  component: string;
  /** `default` for the default revision. */
  revision: string;
  /** IstioOperator metadata.name, or undefined (then the chart's value, else `unknown`). */
  owner?: string;
  /** The Istio namespace (IstioOperator metadata.namespace). */
  ownerNamespace: string;
}

/** A copy of `obj` with the ownership labels set (overwriting the chart's values). */
export function withOwnership(obj: KubeObject, o: Ownership): KubeObject {
  const labels = { ...(obj.metadata.labels ?? {}) };
  labels[LABEL_MANAGED] = 'Reconcile';
  labels[LABEL_VERSION] = ISTIO_VERSION;
  labels[LABEL_OWNER] = o.owner ?? labels[LABEL_OWNER] ?? 'unknown';
  labels[LABEL_OWNER_NS] = o.ownerNamespace;
  labels[LABEL_REV] = o.revision;
  labels[LABEL_COMPONENT] = o.component;
  return { ...obj, metadata: { ...obj.metadata, labels } };
}

/** Whether a live object carries our labels, for the given revision when one is given. */
export function isOwned(obj: KubeObject, revision?: string): boolean {
  const labels = obj.metadata.labels ?? {};
  if (!labels[LABEL_COMPONENT]) return false;
  return revision === undefined || (labels[LABEL_REV] ?? 'default') === revision;
}

/** `default` for an empty revision, as the labels spell it. */
export function revisionLabel(revision: string | undefined): string {
  return revision && revision !== '' ? revision : 'default';
}
