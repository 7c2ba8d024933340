/**
 * Where each workload kind keeps its pod (injection.md §5.1) and who "owns" the pod for
 * ISTIO_META_OWNER / ISTIO_META_WORKLOAD_NAME. Kinds are matched by kind only, any apiVersion.
 */
import { type JsonObject, isObject } from '../core/json.js';

export type Path = (string | number)[];

export interface PodLocation {
  /** Where the pod metadata is read from and written to (CronJob: the job template's, istioctl's quirk). */
  metadataPath: Path;
  specPath: Path;
  typeMeta: { apiVersion: string; kind: string };
  deployMeta: { name: string; namespace: string };
  /** `Kind "ns/name"` for messages. */
  label: string;
}

export const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'DeploymentConfig']);

/** Every pod inside an object (a List may hold several), or [] when the kind has none. */
export function locatePods(object: JsonObject, base: Path = []): PodLocation[] {
  const kind = String(object.kind ?? '');
  if (kind === 'List') {
    const items = Array.isArray(object.items) ? object.items : [];
    return items.flatMap((item, i) => (isObject(item) ? locatePods(item, [...base, 'items', i]) : []));
  }
  if (!WORKLOAD_KINDS.has(kind)) return [];
  const meta = isObject(object.metadata) ? object.metadata : {};
  const name = String(meta.name ?? '');
  const namespace = String(meta.namespace ?? '');
  const apiVersion = String(object.apiVersion ?? '');
  const label = `${kind} "${namespace ? `${namespace}/` : ''}${name}"`;
  if (kind === 'Pod') {
    return [{ metadataPath: [...base, 'metadata'], specPath: [...base, 'spec'], ...podOwner(meta, apiVersion), label }];
  }
  const spec = isObject(object.spec) ? object.spec : {};
  const owner = { typeMeta: { apiVersion, kind }, deployMeta: { name, namespace } };
  if (kind === 'CronJob') {
    const jobTemplate = isObject(spec.jobTemplate) ? spec.jobTemplate : {};
    const jobSpec = isObject(jobTemplate.spec) ? jobTemplate.spec : {};
    if (!isObject(jobSpec.template)) throw new Error(`${label}: spec.jobTemplate.spec.template is required value`);
    return [{ metadataPath: [...base, 'spec', 'jobTemplate', 'metadata'], specPath: [...base, 'spec', 'jobTemplate', 'spec', 'template', 'spec'], ...owner, label }];
  }
  if (!isObject(spec.template)) throw new Error(`${label}: spec.template is required value`);
  return [{ metadataPath: [...base, 'spec', 'template', 'metadata'], specPath: [...base, 'spec', 'template', 'spec'], ...owner, label }];
}

/** A bare pod's owner, recovered from its controller reference as istiod does. */
function podOwner(meta: JsonObject, apiVersion: string): Pick<PodLocation, 'typeMeta' | 'deployMeta'> {
  const name = String(meta.name ?? '');
  const namespace = String(meta.namespace ?? '');
  const labels = isObject(meta.labels) ? meta.labels : {};
  const refs = Array.isArray(meta.ownerReferences) ? meta.ownerReferences.filter(isObject) : [];
  const controller = refs.find((r) => r.controller === true);
  if (!controller || !meta.generateName) return { typeMeta: { apiVersion, kind: 'Pod' }, deployMeta: { name, namespace } };
  const ownerName = String(controller.name ?? '');
  const ownerKind = String(controller.kind ?? '');
  const owner = (kind: string, api: string, n: string) => ({ typeMeta: { apiVersion: api, kind }, deployMeta: { name: n, namespace } });
  if (ownerKind === 'ReplicaSet') {
    const hash = labels['pod-template-hash'] ?? labels['rollouts-pod-template-hash'];
    if (typeof hash === 'string' && ownerName.endsWith(`-${hash}`)) {
      const base = ownerName.slice(0, -hash.length - 1);
      return labels['pod-template-hash'] ? owner('Deployment', 'apps/v1', base) : owner('Rollout', 'argoproj.io/v1alpha1', base);
    }
  }
  if (ownerKind === 'ReplicationController' && typeof labels.deploymentconfig === 'string') {
    return owner('DeploymentConfig', 'apps.openshift.io/v1', labels.deploymentconfig);
  }
  const cron = /^(.+)-\d{8,10}$/.exec(ownerName);
  if (ownerKind === 'Job' && cron) return owner('CronJob', 'batch/v1', cron[1]!);
  return owner(ownerKind, String(controller.apiVersion ?? ''), ownerName);
}
