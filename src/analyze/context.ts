/**
 * The analysis context: every resource, indexed once (by kind, namespace, name, service host
 * and workload labels) and shared by all analyzers, plus the reporting channel.
 * Indexes are built on first use, so a run pays only for what its analyzers ask for.
 */
import { messageType, type MessageType } from './messages.js';
import { asArray, friendlyName, isAnyObject, keyOf, type AnyObject, type Resource } from './resource.js';

export interface MeshConfig {
  rootNamespace: string;
  trustDomain: string;
  defaultServiceExportTo?: string[];
  defaultVirtualServiceExportTo?: string[];
  defaultDestinationRuleExportTo?: string[];
  defaultProviders?: AnyObject;
  defaultConfig?: AnyObject;
  [key: string]: unknown;
}

export function defaultMeshConfig(istioNamespace: string): MeshConfig {
  return { rootNamespace: istioNamespace, trustDomain: 'cluster.local', defaultConfig: { proxyMetadata: {} }, defaultProviders: {} };
}

export interface Diagnostic {
  type: MessageType;
  resource?: Resource;
  text: string;
  /** Line of the field the message is about (else the resource's own line). */
  line?: number;
  analyzer: string;
}

export interface ContextOptions {
  meshConfig: MeshConfig;
  meshNetworks?: AnyObject;
  istioNamespace: string;
  /** Control plane revision (`default` or undefined: the unsuffixed ConfigMaps). */
  revision?: string;
  /** Kubernetes cluster DNS suffix (istiod's DOMAIN_SUFFIX); other suffixes are accepted in svc hosts too. */
  clusterDomain?: string;
  /** Kinds whose absence is meaningful (listed completely from a cluster, or present in the files). */
  completeKinds: ReadonlySet<string>;
  /** Service registries known in mesh networks (the local cluster is `Kubernetes`). */
  clusterIds?: string[];
}

/** A host a destination can resolve to: a Kubernetes Service or a ServiceEntry host. */
export interface ServiceHost {
  host: string;
  namespace: string;
  resource: Resource;
  /** Namespaces the host is visible in; undefined = everywhere. */
  exportTo?: ReadonlySet<string>;
  ports: { number: number; name: string; protocol: string; targetPort?: number | string; appProtocol?: string }[];
  /** Pod selector of the Service or workloadSelector of the ServiceEntry. */
  selector?: Record<string, string>;
}

export interface Workload {
  resource: Resource;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  podSpec: AnyObject;
}

const EMPTY: readonly Resource[] = [];

export class AnalysisContext {
  readonly mesh: MeshConfig;
  readonly options: ContextOptions;
  readonly clusterDomain: string;
  readonly diagnostics: Diagnostic[] = [];
  private readonly byKind = new Map<string, Resource[]>();
  private readonly byKindNs = new Map<string, Resource[]>();
  private readonly byName = new Map<string, Resource>();
  private hostIndex?: { exact: Map<string, ServiceHost[]>; wildcard: Map<string, ServiceHost[]> };
  private workloadIndex?: { byNs: Map<string, Workload[]>; byLabel: Map<string, Workload[]>; anyNs: Map<string, Workload[]> };
  private serviceSelectorIndex?: Map<string, Resource[]>;
  private knownNamespaces?: Set<string>;
  current = '';

  constructor(resources: readonly Resource[], options: ContextOptions) {
    this.options = options;
    this.mesh = options.meshConfig;
    this.clusterDomain = options.clusterDomain ?? 'cluster.local';
    for (const r of resources) {
      const k = keyOf(r);
      push(this.byKind, k, r);
      push(this.byKindNs, `${k}|${r.namespace}`, r);
      this.byName.set(`${k}|${r.namespace}|${r.name}`, r);
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
  /** True when a missing object of this kind really is missing (see ContextOptions.completeKinds). */
  knows(kind: string): boolean {
    return this.options.completeKinds.has(kind) || this.byKind.has(kind);
  }

  /** Namespaces that exist: Namespace objects plus every namespace a resource lives in. */
  namespaces(): ReadonlySet<string> {
    if (!this.knownNamespaces) {
      const set = new Set<string>();
      for (const r of this.all('Namespace')) set.add(r.name);
      for (const list of this.byKind.values()) for (const r of list) if (r.namespace) set.add(r.namespace);
      this.knownNamespaces = set;
    }
    return this.knownNamespaces;
  }

  /** Reports a finding about a resource, unless its analyze-suppress annotation silences the code. */
  report(code: string, resource: Resource | undefined, text: string, path?: readonly (string | number)[]): void {
    const type = messageType(code);
    if (resource && suppressedByAnnotation(resource, code)) return;
    const line = resource && path ? resource.lineOf(path) : undefined;
    this.diagnostics.push({ type, resource, text, line, analyzer: this.current });
  }

  // ---- service hosts ----------------------------------------------------------------

  private hosts() {
    if (this.hostIndex) return this.hostIndex;
    const exact = new Map<string, ServiceHost[]>();
    const wildcard = new Map<string, ServiceHost[]>();
    const add = (h: ServiceHost) => {
      if (h.host.startsWith('*')) push(wildcard, h.host.slice(1), h);
      else push(exact, h.host.toLowerCase(), h);
    };
    const meshDefault = exportSet(this.mesh.defaultServiceExportTo);
    for (const svc of this.all('Service')) {
      const anno = svc.annotations['networking.istio.io/exportTo'];
      const exportTo = anno !== undefined ? exportSet(anno.split(',').map((s) => s.trim())) : meshDefault;
      add({
        host: `${svc.name}.${svc.namespace}.svc.${this.clusterDomain}`,
        namespace: svc.namespace,
        resource: svc,
        exportTo: resolveExport(exportTo, svc.namespace),
        ports: asArray(svc.spec.ports).map((p: AnyObject) => ({ number: Number(p.port), name: String(p.name ?? ''), protocol: String(p.protocol ?? 'TCP'), targetPort: p.targetPort, appProtocol: p.appProtocol })),
        selector: isAnyObject(svc.spec.selector) ? (svc.spec.selector as Record<string, string>) : undefined,
      });
    }
    for (const se of this.all('ServiceEntry')) {
      const exportTo = resolveExport(Array.isArray(se.spec.exportTo) ? exportSet(se.spec.exportTo) : meshDefault, se.namespace);
      const ports = asArray(se.spec.ports).map((p: AnyObject) => ({ number: Number(p.number), name: String(p.name ?? ''), protocol: String(p.protocol ?? ''), targetPort: p.targetPort }));
      const selector = isAnyObject(se.spec.workloadSelector?.labels) ? se.spec.workloadSelector.labels : undefined;
      for (const host of asArray<string>(se.spec.hosts)) {
        if (typeof host === 'string') add({ host: host.toLowerCase(), namespace: se.namespace, resource: se, exportTo, ports, selector });
      }
    }
    this.hostIndex = { exact, wildcard };
    return this.hostIndex;
  }

  /** Expands a short host name as Istio does: `reviews` in namespace `ns` is `reviews.ns.svc.<domain>`. */
  fqdn(host: string, namespace: string): string {
    if (host.includes('.') || host === '*' ) return host.toLowerCase();
    return `${host}.${namespace}.svc.${this.clusterDomain}`.toLowerCase();
  }

  /**
   * Every service host a reference resolves to, as seen from `fromNamespace` (exportTo honoured).
   * Kubernetes-style names resolve with any cluster domain (`svc.cluster.local`, `svc.corp.internal`,
   * bare `name.ns.svc`) and `name.namespace` resolves when that namespace exists.
   */
  lookupHost(host: string, fromNamespace: string): ServiceHost[] {
    const { exact, wildcard } = this.hosts();
    const fq = this.fqdn(host, fromNamespace);
    const found: ServiceHost[] = [];
    const visible = (h: ServiceHost) => !h.exportTo || h.exportTo.has(fromNamespace) || h.exportTo.has('*');
    const take = (list: ServiceHost[] | undefined) => {
      if (list) for (const h of list) if (visible(h)) found.push(h);
    };
    take(exact.get(fq));
    const svc = /^([^.]+)\.([^.]+)(?:\.svc(?:\.(.+))?)?$/.exec(fq);
    if (svc && (svc[3] !== undefined ? svc[3] !== this.clusterDomain : true)) {
      const isSvcForm = fq.includes('.svc');
      if (isSvcForm || this.namespaces().has(svc[2]!)) take(exact.get(`${svc[1]}.${svc[2]}.svc.${this.clusterDomain}`));
    }
    // ServiceEntry wildcard hosts: *.example.com covers a.example.com and a.b.example.com.
    for (let dot = fq.indexOf('.'); dot >= 0; dot = fq.indexOf('.', dot + 1)) take(wildcard.get(fq.slice(dot)));
    if (fq.startsWith('*')) take(wildcard.get(fq.slice(1)));
    return found;
  }

  /**
   * A host in comparable form: short names expanded, and Kubernetes service names under any
   * cluster domain mapped to this cluster's domain (so `reviews` and `reviews.default.svc.corp`
   * are the same host).
   */
  canonicalHost(host: string, namespace: string): string {
    const fq = this.fqdn(host, namespace);
    const svc = /^([^.]+)\.([^.]+)\.svc(?:\.(.+))?$/.exec(fq);
    return svc ? `${svc[1]}.${svc[2]}.svc.${this.clusterDomain}` : fq;
  }

  /** All service hosts (for analyzers that need to scan them once). */
  allHosts(): IterableIterator<ServiceHost[]> {
    return this.hosts().exact.values();
  }

  // ---- workloads ------------------------------------------------------------------------

  private workloadsIndex() {
    if (this.workloadIndex) return this.workloadIndex;
    const byNs = new Map<string, Workload[]>();
    const byLabel = new Map<string, Workload[]>();
    const anyNs = new Map<string, Workload[]>();
    for (const w of this.workloads()) {
      push(byNs, w.namespace, w);
      for (const [k, v] of Object.entries(w.labels)) {
        push(byLabel, `${w.namespace}|${k}=${v}`, w);
        push(anyNs, `${k}=${v}`, w);
      }
    }
    this.workloadIndex = { byNs, byLabel, anyNs };
    return this.workloadIndex;
  }

  private *workloads(): Generator<Workload> {
    for (const kind of ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'WorkloadEntry']) {
      for (const r of this.all(kind)) {
        if (kind === 'Pod') {
          yield { resource: r, namespace: r.namespace, labels: r.labels, annotations: r.annotations, podSpec: r.spec };
        } else if (kind === 'WorkloadEntry') {
          yield { resource: r, namespace: r.namespace, labels: stringRecord(r.spec.labels), annotations: {}, podSpec: {} };
        } else {
          const tpl = kind === 'CronJob' ? r.spec.jobTemplate?.spec?.template : r.spec.template;
          if (!isAnyObject(tpl)) continue;
          yield { resource: r, namespace: r.namespace, labels: stringRecord(tpl.metadata?.labels), annotations: stringRecord(tpl.metadata?.annotations), podSpec: isAnyObject(tpl.spec) ? tpl.spec : {} };
        }
      }
    }
  }

  /** Whether any workload (pods or pod templates) is known in the namespace. */
  hasWorkloads(namespace: string): boolean {
    return (this.workloadsIndex().byNs.get(namespace)?.length ?? 0) > 0;
  }
  /** Whether workload state is known at all (pods listed from a cluster or workloads in the files). */
  knowsWorkloads(): boolean {
    return this.options.completeKinds.has('Pod') || this.workloadsIndex().byNs.size > 0;
  }
  workloadsIn(namespace: string): readonly Workload[] {
    return this.workloadsIndex().byNs.get(namespace) ?? [];
  }

  /** Workloads in a namespace whose labels include every selector label (empty selector: all). */
  selectWorkloads(namespace: string, selector: Record<string, string> | undefined): Workload[] {
    const idx = this.workloadsIndex();
    const pairs = Object.entries(selector ?? {});
    if (pairs.length === 0) return [...(idx.byNs.get(namespace) ?? [])];
    let smallest: Workload[] | undefined;
    for (const [k, v] of pairs) {
      const bucket = idx.byLabel.get(`${namespace}|${k}=${v}`);
      if (!bucket) return [];
      if (!smallest || bucket.length < smallest.length) smallest = bucket;
    }
    return smallest!.filter((w) => pairs.every(([k, v]) => w.labels[k] === String(v)));
  }

  /** Workloads in any namespace matching a selector (Gateway selectors are not namespace-bound). */
  selectWorkloadsAnywhere(selector: Record<string, string>): Workload[] {
    const idx = this.workloadsIndex();
    const pairs = Object.entries(selector);
    if (pairs.length === 0) return [];
    let smallest: Workload[] | undefined;
    for (const [k, v] of pairs) {
      const bucket = idx.anyNs.get(`${k}=${v}`);
      if (!bucket) return [];
      if (!smallest || bucket.length < smallest.length) smallest = bucket;
    }
    return smallest!.filter((w) => pairs.every(([k, v]) => w.labels[k] === String(v)));
  }

  /** Services in the workload's namespace whose selector matches its labels. */
  servicesSelecting(w: { namespace: string; labels: Record<string, string> }): Resource[] {
    if (!this.serviceSelectorIndex) {
      // Each Service is filed under one of its selector pairs; a workload probes its own labels.
      const idx = new Map<string, Resource[]>();
      for (const s of this.all('Service')) {
        const sel = s.spec.selector;
        if (!isAnyObject(sel)) continue;
        const first = Object.entries(sel).sort(([a], [b]) => a.localeCompare(b))[0];
        if (first) push(idx, `${s.namespace}|${first[0]}=${String(first[1])}`, s);
      }
      this.serviceSelectorIndex = idx;
    }
    const out: Resource[] = [];
    for (const [k, v] of Object.entries(w.labels)) {
      for (const s of this.serviceSelectorIndex.get(`${w.namespace}|${k}=${v}`) ?? []) {
        if (Object.entries(s.spec.selector as AnyObject).every(([sk, sv]) => w.labels[sk] === String(sv))) out.push(s);
      }
    }
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function stringRecord(v: unknown): Record<string, string> {
  if (!isAnyObject(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) out[k] = String(val);
  return out;
}

function exportSet(list: unknown): Set<string> | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return new Set(list.map(String));
}

/** `.` means the resource's own namespace; `*` or nothing means everywhere; `~` means nowhere. */
function resolveExport(set: Set<string> | undefined, ownNamespace: string): ReadonlySet<string> | undefined {
  if (!set || set.has('*')) return undefined;
  const out = new Set<string>();
  for (const e of set) {
    if (e === '.') out.add(ownNamespace);
    else if (e !== '~') out.add(e);
  }
  return out;
}

/** Whether an exportTo list (Istio semantics) makes a resource in `own` visible from `from`. */
export function exportedTo(exportTo: unknown, own: string, from: string, meshDefault?: string[]): boolean {
  const set = resolveExport(exportSet(Array.isArray(exportTo) && exportTo.length > 0 ? exportTo : meshDefault), own);
  return !set || set.has(from);
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
