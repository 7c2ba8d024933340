/** Constructors for the Kubernetes fragments every builder repeats. */
import type { K8sObject, JsonMap, ObjectMeta } from './types.js';
import { isMap, truthy } from './tree.js';

export function object(apiVersion: string, kind: string, metadata: ObjectMeta, body: JsonMap = {}): K8sObject {
  const meta: ObjectMeta = { name: metadata.name };
  if (metadata.namespace) meta.namespace = metadata.namespace;
  if (metadata.labels && Object.keys(metadata.labels).length > 0) meta.labels = metadata.labels;
  if (metadata.annotations && Object.keys(metadata.annotations).length > 0) meta.annotations = metadata.annotations;
  return { apiVersion, kind, metadata: meta, ...body };
}

/**
 * A label, annotation or node-selector map from values ({} when unset). Entries pass through as
 * the user wrote them (the charts' toYaml does the same); Kubernetes takes strings only.
 */
export function metaMap(v: unknown): Record<string, string> {
  return isMap(v) ? (v as Record<string, string>) : {};
}

/** A container env entry: a value, or a reference. */
export type EnvVar = { name: string; value: string } | { name: string; valueFrom: JsonMap };

export function env(name: string, value: unknown): { name: string; value: string } {
  return { name, value: typeof value === 'string' ? value : String(value) };
}

export function fieldEnv(name: string, fieldPath: string): EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

export function resourceEnv(name: string, resource: string, divisor?: string): EnvVar {
  return { name, valueFrom: { resourceFieldRef: divisor ? { resource, divisor } : { resource } } };
}

/** Helm's `range $k, $v := .Values.env` renders map entries in key order. */
export function envFromMap(map: unknown): { name: string; value: string }[] {
  if (!isMap(map)) return [];
  return Object.keys(map)
    .sort()
    .map((k) => env(k, map[k]));
}

export function tokenVolume(): JsonMap {
  return {
    name: 'istio-token',
    projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] },
  };
}

export function hpa(name: string, namespace: string, labels: Record<string, string>, min: number, max: number, cpuTarget: unknown, memoryTarget?: unknown, behavior?: unknown): K8sObject {
  const metrics: JsonMap[] = [];
  if (truthy(cpuTarget)) metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: Number(cpuTarget) } } });
  if (truthy(memoryTarget)) metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: Number(memoryTarget) } } });
  const spec: JsonMap = { maxReplicas: max, minReplicas: min, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name } };
  if (metrics.length) spec.metrics = metrics;
  if (truthy(behavior)) spec.behavior = behavior;
  return object('autoscaling/v2', 'HorizontalPodAutoscaler', { name, namespace, labels }, { spec });
}

/** PDBs render only when more than one pod is meant to run (profiles.md §3). */
export function wantsPdb(enabled: boolean, autoscale: boolean, min: unknown, replicas: unknown): boolean {
  if (!enabled) return false;
  return autoscale ? Number(min) > 1 : Number(replicas) > 1;
}

export function pdb(name: string, namespace: string, labels: Record<string, string>, selector: Record<string, string>, budget: JsonMap = {}): K8sObject {
  const spec: JsonMap = budget.maxUnavailable !== undefined ? { maxUnavailable: budget.maxUnavailable } : { minAvailable: budget.minAvailable ?? 1 };
  spec.selector = { matchLabels: selector };
  return object('policy/v1', 'PodDisruptionBudget', { name, namespace, labels }, { spec });
}

export function serviceAccount(name: string, namespace: string, labels: Record<string, string>, imagePullSecrets: unknown): K8sObject {
  const body: JsonMap = {};
  if (Array.isArray(imagePullSecrets) && imagePullSecrets.length) body.imagePullSecrets = imagePullSecrets.map((s) => (typeof s === 'string' ? { name: s } : s));
  return object('v1', 'ServiceAccount', { name, namespace, labels }, body);
}

export const RBAC = 'rbac.authorization.k8s.io/v1';

export function clusterRoleBinding(name: string, labels: Record<string, string>, role: string, sa: string, namespace: string): K8sObject {
  return object(RBAC, 'ClusterRoleBinding', { name, labels }, {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
  });
}

export function roleBinding(name: string, namespace: string, labels: Record<string, string>, role: string, sa: string): K8sObject {
  return object(RBAC, 'RoleBinding', { name, namespace, labels }, {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
    subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
  });
}

export function rule(apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]): JsonMap {
  return resourceNames ? { apiGroups, resources, resourceNames, verbs } : { apiGroups, resources, verbs };
}

export const DROP_ALL = { drop: ['ALL'] };
