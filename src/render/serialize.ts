/**
 * `manifest generate` output (istioctl.md §2.2): objects sorted by kind rank, API group,
 * kind and name; each printed as key-sorted YAML followed by "\n---\n".
 */
import type { K8sObject } from './types.js';
import { emitManifestYaml } from '../yaml/fast-stringify.js';

const KIND_RANK: Record<string, number> = {
  CustomResourceDefinition: -1000,
  ServiceAccount: 1,
  ClusterRole: 1,
  ClusterRoleBinding: 2,
  ValidatingWebhookConfiguration: 3,
  ConfigMap: 100,
  Deployment: 1000,
  HorizontalPodAutoscaler: 1001,
  Service: 10000,
};

function rank(kind: string): number {
  return KIND_RANK[kind] ?? 1000;
}

export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** istioctl's order; namespace breaks the last ties so output never depends on input order. */
export function compareObjects(a: K8sObject, b: K8sObject): number {
  return (
    rank(a.kind) - rank(b.kind) ||
    compareText(apiGroup(a.apiVersion), apiGroup(b.apiVersion)) ||
    compareText(a.kind, b.kind) ||
    compareText(a.metadata.name, b.metadata.name) ||
    compareText(a.metadata.namespace ?? '', b.metadata.namespace ?? '')
  );
}

export function sortObjects(objects: readonly K8sObject[]): K8sObject[] {
  return [...objects].sort(compareObjects);
}

/** One document per object, in istioctl's order. */
export function serializeManifests(objects: readonly K8sObject[]): string {
  let out = '';
  for (const obj of sortObjects(objects)) out += `${emitManifestYaml(obj)}\n---\n`;
  return out;
}
