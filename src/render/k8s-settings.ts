/**
 * `components.<c>.k8s`: strategic-merge style patches onto the component's main workload
 * (Deployment or DaemonSet named `name`) and its Service, HPA and PDB (profiles.md §1 step 4).
 * Lists keyed by name (env, volumes, volumeMounts) merge by name; service ports by port.
 */
import type { KubernetesResourceSpec } from '../operator/types.js';
import { isMap, overlay } from './tree.js';
import type { JsonMap, K8sObject } from './types.js';

/** The parts of the objects our builders render that the patches reach. */
type Workload = K8sObject & {
  spec: JsonMap & { template: { metadata: JsonMap & { annotations?: JsonMap }; spec: JsonMap & { containers: JsonMap[]; nodeSelector?: JsonMap } } };
};
type WithSpec = K8sObject & { spec: JsonMap };

function mergeByKey(current: unknown, patch: unknown, key: string): JsonMap[] {
  const out: JsonMap[] = Array.isArray(current) ? current.map((e) => ({ ...e })) : [];
  for (const item of Array.isArray(patch) ? patch : []) {
    if (!isMap(item)) continue;
    const at = out.findIndex((e) => e[key] === item[key]);
    if (at < 0) out.push(overlay(item));
    else out[at] = key === 'name' ? overlay(item) : overlay(out[at], item);
  }
  return out;
}

function find(objects: K8sObject[], kinds: string[], name: string): K8sObject | undefined {
  return objects.find((o) => kinds.includes(o.kind) && o.metadata.name === name);
}

export function applyK8sSettings(objects: K8sObject[], name: string, k8s: KubernetesResourceSpec | undefined): void {
  if (!k8s) return;
  const workload = find(objects, ['Deployment', 'DaemonSet', 'StatefulSet'], name) as Workload | undefined;
  if (workload) {
    const spec = workload.spec;
    const pod = spec.template.spec;
    const meta = spec.template.metadata;
    const main = pod.containers[0];
    if (k8s.resources !== undefined) main.resources = k8s.resources;
    // Env values are strings in Kubernetes; `--set ...env[0].value=1` arrives as a number.
    if (k8s.env !== undefined) main.env = mergeByKey(main.env, k8s.env, 'name').map((e) => (e.value === undefined ? e : { ...e, value: String(e.value) }));
    if (k8s.imagePullPolicy !== undefined) main.imagePullPolicy = k8s.imagePullPolicy;
    if (k8s.readinessProbe !== undefined) main.readinessProbe = overlay(main.readinessProbe, k8s.readinessProbe);
    if (k8s.volumeMounts !== undefined) main.volumeMounts = mergeByKey(main.volumeMounts, k8s.volumeMounts, 'name');
    if (k8s.volumes !== undefined) pod.volumes = mergeByKey(pod.volumes, k8s.volumes, 'name');
    if (k8s.nodeSelector !== undefined) pod.nodeSelector = { ...pod.nodeSelector, ...k8s.nodeSelector };
    if (k8s.tolerations !== undefined) pod.tolerations = k8s.tolerations;
    if (k8s.affinity !== undefined) pod.affinity = overlay(pod.affinity, k8s.affinity);
    if (k8s.priorityClassName !== undefined) pod.priorityClassName = k8s.priorityClassName;
    if (k8s.securityContext !== undefined) pod.securityContext = overlay(pod.securityContext, k8s.securityContext);
    if (k8s.podAnnotations !== undefined) meta.annotations = { ...meta.annotations, ...k8s.podAnnotations };
    if (k8s.replicaCount !== undefined && workload.kind !== 'DaemonSet') spec.replicas = k8s.replicaCount;
    if (k8s.strategy !== undefined) {
      if (workload.kind === 'Deployment') spec.strategy = overlay(spec.strategy, k8s.strategy);
      else spec.updateStrategy = overlay(spec.updateStrategy, k8s.strategy);
    }
  }
  const service = find(objects, ['Service'], name) as WithSpec | undefined;
  if (service) {
    if (k8s.serviceAnnotations !== undefined) service.metadata.annotations = { ...service.metadata.annotations, ...k8s.serviceAnnotations };
    if (isMap(k8s.service)) {
      const { ports, ...rest } = k8s.service;
      service.spec = overlay(service.spec, rest);
      if (ports !== undefined) service.spec.ports = mergeByKey(service.spec.ports, ports, 'port');
    }
  }
  const hpa = find(objects, ['HorizontalPodAutoscaler'], name) as WithSpec | undefined;
  if (hpa && isMap(k8s.hpaSpec)) hpa.spec = overlay(hpa.spec, k8s.hpaSpec);
  const pdb = find(objects, ['PodDisruptionBudget'], name) as WithSpec | undefined;
  if (pdb && isMap(k8s.podDisruptionBudget)) {
    const budget = k8s.podDisruptionBudget;
    // minAvailable and maxUnavailable exclude each other.
    if (budget.maxUnavailable !== undefined) delete pdb.spec.minAvailable;
    if (budget.minAvailable !== undefined) delete pdb.spec.maxUnavailable;
    pdb.spec = overlay(pdb.spec, budget);
  }
}
