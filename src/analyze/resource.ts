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
  /** The cluster the object belongs to, in a multi-cluster analysis (--remote-contexts, --remote-files). */
  cluster?: string;
}

/** Where fields of an object sit in its file (built lazily by the reader). */
export interface Locator {
  /** Line of any node at the path. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  /** Line of the node at the path only when it is a scalar leaf, as Istio's field map records lines. */
  leafLineOf(path: readonly (string | number)[]): number | undefined;
}

export interface Resource extends Locator {
  apiVersion: string;
  /** API group ('' for the core group). */
  group: string;
  kind: string;
  /** '' for cluster-scoped kinds. */
  namespace: string;
  name: string;
  /** The whole object as read. */
  body: AnyObject;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: AnyObject;
  origin: Origin;
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

const identities = new WeakMap<Resource, string>();

/** `typeKey|namespace|name`: one string per resource, however often it is asked for (large inputs ask thrice). */
export function identity(r: Resource): string {
  let id = identities.get(r);
  if (id === undefined) identities.set(r, (id = `${keyOf(r)}|${r.namespace}|${r.name}`));
  return id;
}

export interface MakeResourceInput {
  body: AnyObject;
  defaultNamespace: string;
  origin: Origin;
  locator?: Locator;
  /** Shorthand for a locator without leaf lines (tests, callers with their own model). */
  lineOf?: (path: readonly (string | number)[]) => number | undefined;
}

const NO_LINES: Locator = { lineOf: () => undefined, leafLineOf: () => undefined };
const EMPTY_MAP: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * A resource holds its body and names only; labels, annotations and spec are read from the body
 * on first use, so a 150k-object input does not carry copies of every label map.
 */
class ObjectResource implements Resource {
  readonly apiVersion: string;
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly body: AnyObject;
  readonly origin: Origin;
  private readonly locator: Locator;
  private cachedLabels?: Record<string, string>;
  private cachedAnnotations?: Record<string, string>;

  constructor(input: MakeResourceInput) {
    const { body, defaultNamespace, origin } = input;
    this.body = body;
    this.origin = origin;
    this.apiVersion = String(body.apiVersion ?? '');
    this.kind = String(body.kind ?? '');
    this.group = groupOf(this.apiVersion);
    const metadata = isObject(body.metadata) ? body.metadata : undefined;
    this.namespace = isClusterScoped(this.kind) ? '' : String(metadata?.namespace || defaultNamespace);
    this.name = String(metadata?.name ?? '');
    this.locator = input.locator ?? (input.lineOf ? { lineOf: input.lineOf, leafLineOf: input.lineOf } : NO_LINES);
  }
  get labels(): Record<string, string> {
    return (this.cachedLabels ??= mapOf(this.body.metadata?.labels));
  }
  get annotations(): Record<string, string> {
    return (this.cachedAnnotations ??= mapOf(this.body.metadata?.annotations));
  }
  get spec(): AnyObject {
    return isObject(this.body.spec) ? this.body.spec : EMPTY_SPEC;
  }
  lineOf(path: readonly (string | number)[]): number | undefined {
    return this.locator.lineOf(path);
  }
  leafLineOf(path: readonly (string | number)[]): number | undefined {
    return this.locator.leafLineOf(path);
  }
}

const EMPTY_SPEC: AnyObject = Object.freeze({}) as AnyObject;

function mapOf(v: unknown): Record<string, string> {
  return isObject(v) && Object.keys(v).length > 0 ? stringMap(v) : EMPTY_MAP;
}

export function makeResource(input: MakeResourceInput): Resource {
  return new ObjectResource(input);
}

export function asArray<T = any>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}
