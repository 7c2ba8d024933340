/**
 * One Kubernetes or Istio object under analysis: its identity (kind, namespace, name) and
 * where it came from (file and line, or the cluster), so every message can point there.
 */
import { isObject, stringMap } from '../core/json.js';

/**
 * An object as read, loosely typed so each analyzer reads its kind's fields directly (the
 * JSON type and helpers are core/json's; per-kind types would replace this `any`).
 */
export type AnyObject = Record<string, any>;

/** core/json's isObject, for code that then reads the object loosely. */
export const isAnyObject: (value: unknown) => value is AnyObject = isObject;

export interface Origin {
  /** File name as the user gave it; undefined for cluster objects and built-in defaults. */
  file?: string;
  /** 1-based line of the document in its file. */
  line?: number;
  /** `cluster` for objects read from a live cluster, `default` for what analyze adds itself. */
  source: 'file' | 'cluster' | 'default';
}

export interface Resource {
  apiVersion: string;
  /** API group ('' for the core group). */
  group: string;
  kind: string;
  /** '' for cluster-scoped kinds. */
  namespace: string;
  name: string;
  /** The whole object as read. */
  body: AnyObject;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: AnyObject;
  origin: Origin;
  /** Line of a field path inside the object (file resources only). */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** Kinds that have no namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ClusterRole',
  'ClusterRoleBinding',
  'GatewayClass',
  'StorageClass',
  'PriorityClass',
  'APIService',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The key analyzers use to ask for a kind. Kinds are unique by name except Gateway, which
 * exists in Istio's networking group and in the Kubernetes Gateway API; the latter is
 * `gateway.networking.k8s.io/Gateway`, as are all Gateway API kinds.
 */
export function typeKey(group: string, kind: string): string {
  return group.endsWith('.networking.k8s.io') || group === 'gateway.networking.k8s.io' ? `${group}/${kind}` : kind;
}

export function keyOf(r: Resource): string {
  return typeKey(r.group, r.kind);
}

/** istioctl's resource name in messages: `Kind ns/name`, or `Kind name` for cluster-scoped objects. */
export function friendlyName(r: Resource): string {
  return r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

export function identity(r: Resource): string {
  return `${keyOf(r)}|${r.namespace}|${r.name}`;
}

export interface MakeResourceInput {
  body: AnyObject;
  defaultNamespace: string;
  origin: Origin;
  lineOf?: (path: readonly (string | number)[]) => number | undefined;
}

export function makeResource({ body, defaultNamespace, origin, lineOf }: MakeResourceInput): Resource {
  const apiVersion = String(body.apiVersion ?? '');
  const kind = String(body.kind ?? '');
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const namespace = isClusterScoped(kind) ? '' : String(metadata.namespace || defaultNamespace);
  return {
    apiVersion,
    group: groupOf(apiVersion),
    kind,
    namespace,
    name: String(metadata.name ?? ''),
    body,
    labels: stringMap(metadata.labels),
    annotations: stringMap(metadata.annotations),
    spec: isObject(body.spec) ? body.spec : {},
    origin,
    lineOf: lineOf ?? (() => undefined),
  };
}

export function asArray<T = any>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}
