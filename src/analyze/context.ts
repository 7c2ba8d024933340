/**
 * The analysis context: every resource, indexed once and shared by all analyzers, plus the
 * reporting channel. It follows Istio's analyzers' model of the input: what is not in it does
 * not exist (no Pod means no Pod, a namespace exists only as a Namespace object), selectors are
 * matched against Pods, and hosts resolve by Istio's scoped-host rules (hosts.ts).
 * Indexes are built on first use, so a run pays only for what its analyzers ask for.
 */
import { messageType, type MessageType } from './messages.js';
import { friendlyName, identity, keyOf, type AnyObject, type Resource } from './resource.js';
import { ScopedHosts } from './hosts.js';
import { labelsOf, matchesLabels, podTemplate, type PodTemplate } from './workloads.js';

export interface MeshConfig {
  rootNamespace: string;
  trustDomain: string;
  ingressControllerMode?: string;
  ingressService?: string;
  defaultProviders?: AnyObject;
  defaultConfig?: AnyObject;
  extensionProviders?: AnyObject[];
  [key: string]: unknown;
}

export function defaultMeshConfig(istioNamespace: string): MeshConfig {
  return { rootNamespace: istioNamespace, trustDomain: 'cluster.local', ingressControllerMode: 'STRICT', ingressService: 'istio-ingressgateway', defaultConfig: { proxyMetadata: {} }, defaultProviders: {} };
}

export interface Diagnostic {
  type: MessageType;
  resource?: Resource;
  text: string;
  /** Line of the field the message is about (a scalar leaf), else undefined (the resource's own line is shown). */
  line?: number;
  analyzer: string;
}

export interface ContextOptions {
  meshConfig: MeshConfig;
  istioNamespace: string;
  /** Control plane revision (`default` or undefined: the unsuffixed ConfigMaps). */
  revision?: string;
  /** Services of other clusters (multi-cluster analysis), each with its cluster in origin.cluster. */
  remoteServices?: readonly Resource[];
}

const EMPTY: readonly Resource[] = [];

export class AnalysisContext {
  readonly mesh: MeshConfig;
  readonly options: ContextOptions;
  readonly diagnostics: Diagnostic[] = [];
  private readonly byKind = new Map<string, Resource[]>();
  private readonly byKindNs = new Map<string, Resource[]>();
  private readonly byName = new Map<string, Resource>();
  private podIndex?: Map<string, Resource[]>;
  private hostMap?: ScopedHosts;
  private standIns?: { byNs: Map<string, PodTemplate[]>; all: PodTemplate[] };
  current = '';

  constructor(resources: readonly Resource[], options: ContextOptions) {
    this.options = options;
    this.mesh = options.meshConfig;
    for (const r of resources) {
      const k = keyOf(r);
      push(this.byKind, k, r);
      push(this.byKindNs, `${k}|${r.namespace}`, r);
      this.byName.set(identity(r), r);
    }
  }

  all(kind: string): readonly Resource[] {
    return this.byKind.get(kind) ?? EMPTY;
  }
  inNamespace(kind: string, namespace: string): readonly Resource[] {
    return this.byKindNs.get(`${kind}|${namespace}`) ?? EMPTY;
  }
  get(kind: string, namespace: string, name: string): Resource | undefined {
    return this.byName.get(`${kind}|${namespace}|${name}`);
  }
  has(kind: string): boolean {
    return this.byKind.has(kind);
  }
  kinds(): IterableIterator<string> {
    return this.byKind.keys();
  }
  /** The Namespace object of that name: a namespace exists only when some object says so. */
  namespace(name: string): Resource | undefined {
    return this.get('Namespace', '', name);
  }

  /**
   * Reports a finding about a resource, unless its analyze-suppress annotation silences the
   * code. The line is attached only when `path` ends at a scalar leaf, as istioctl does; two
   * findings with the same text and line are one (report.ts).
   */
  report(code: string, resource: Resource | undefined, text: string, path?: readonly (string | number)[]): void {
    const type = messageType(code);
    if (resource && suppressedByAnnotation(resource, code)) return;
    const line = resource && path ? resource.leafLineOf(path) : undefined;
    this.diagnostics.push({ type, resource, text, line, analyzer: this.current });
  }

  // ---- pods -----------------------------------------------------------------------------

  /** Pods whose labels contain every selector label (an empty selector matches all), in `namespace` or anywhere. */
  selectPods(selector: Record<string, string>, namespace?: string): Resource[] {
    const idx = this.pods();
    const pairs = Object.entries(selector);
    const scope = namespace === undefined ? '*' : namespace;
    if (pairs.length === 0) return [...(idx.get(`${scope}|`) ?? [])];
    let smallest: Resource[] | undefined;
    for (const [k, v] of pairs) {
      const bucket = idx.get(`${scope}|${k}=${v}`);
      if (!bucket) return [];
      if (!smallest || bucket.length < smallest.length) smallest = bucket;
    }
    return smallest!.filter((p) => matchesLabels(selector, p.labels));
  }

  private pods(): Map<string, Resource[]> {
    if (!this.podIndex) {
      const idx = new Map<string, Resource[]>();
      for (const p of this.all('Pod')) {
        for (const scope of ['*', p.namespace]) {
          push(idx, `${scope}|`, p);
          for (const [k, v] of Object.entries(p.labels)) push(idx, `${scope}|${k}=${v}`, p);
        }
      }
      this.podIndex = idx;
    }
    return this.podIndex;
  }

  /**
   * Our offline improvement on Istio's Pod-only selection: the pod template of a workload
   * controller (Deployment, StatefulSet, …) stands in for its Pods when none of them is in the
   * input, as in a repository of manifests. It is only asked "does anything match at all?",
   * so it can remove a "selects nothing" finding but never add one.
   */
  templateMatches(selector: Record<string, string>, namespace?: string, filter?: (t: PodTemplate) => boolean): boolean {
    if (!this.standIns) {
      const byNs = new Map<string, PodTemplate[]>();
      const all: PodTemplate[] = [];
      for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']) {
        for (const r of this.all(kind)) {
          const tpl = podTemplate(r);
          if (!tpl) continue;
          // Pods of this controller are in the input: they, not the template, are the truth.
          const own = labelsOf(r.spec.selector?.matchLabels ?? (kind === 'ReplicationController' ? r.spec.selector : undefined));
          if (this.selectPods(Object.keys(own).length > 0 ? own : tpl.labels, r.namespace).length > 0) continue;
          all.push(tpl);
          push(byNs, r.namespace, tpl);
        }
      }
      this.standIns = { byNs, all };
    }
    const list = namespace === undefined ? this.standIns.all : (this.standIns.byNs.get(namespace) ?? []);
    return list.some((t) => matchesLabels(selector, t.labels) && (!filter || filter(t)));
  }

  // ---- hosts ----------------------------------------------------------------------------

  /** Service and ServiceEntry hosts by scope, as Istio's analyzers file them. */
  hosts(): ScopedHosts {
    return (this.hostMap ??= new ScopedHosts(this.all('ServiceEntry'), this.all('Service')));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `galley.istio.io/analyze-suppress: "IST0102,IST0103"` or `*` on the resource itself. */
export function suppressedByAnnotation(r: Resource, code: string): boolean {
  const v = r.annotations['galley.istio.io/analyze-suppress'];
  if (v === undefined) return false;
  return v.split(',').some((c) => {
    const t = c.trim();
    return t === '*' || t.toUpperCase() === code;
  });
}

export { friendlyName };
