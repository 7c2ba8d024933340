/**
 * Resources from a live cluster, through the cluster layer (src/kube): every kind the
 * selected analyzers read is listed cluster-wide, page by page; objects that are needed by
 * name only (the mesh and injector ConfigMaps, gateway credential Secrets) are fetched by
 * name, so a cluster with thousands of ConfigMaps or Secrets costs nothing extra
 * (istio/istio#46563, #27772).
 */
import { KubeApiError } from '../kube/rest.js';
import { mapLimit, type KubeObject, type Resources } from '../kube/resources.js';
import { isObject } from '../core/json.js';
import { makeResource, typeKey, type Resource } from './resource.js';
import type { ResourceSource } from './sources.js';

/** Where each analyzed kind is served; the first version the cluster serves wins. */
const KIND_VERSIONS: Record<string, { kind: string; versions: string[] }> = {
  Namespace: { kind: 'Namespace', versions: ['v1'] },
  Service: { kind: 'Service', versions: ['v1'] },
  Pod: { kind: 'Pod', versions: ['v1'] },
  ReplicationController: { kind: 'ReplicationController', versions: ['v1'] },
  Deployment: { kind: 'Deployment', versions: ['apps/v1'] },
  StatefulSet: { kind: 'StatefulSet', versions: ['apps/v1'] },
  DaemonSet: { kind: 'DaemonSet', versions: ['apps/v1'] },
  ReplicaSet: { kind: 'ReplicaSet', versions: ['apps/v1'] },
  Job: { kind: 'Job', versions: ['batch/v1'] },
  CronJob: { kind: 'CronJob', versions: ['batch/v1'] },
  MutatingWebhookConfiguration: { kind: 'MutatingWebhookConfiguration', versions: ['admissionregistration.k8s.io/v1'] },
  ValidatingWebhookConfiguration: { kind: 'ValidatingWebhookConfiguration', versions: ['admissionregistration.k8s.io/v1'] },
  CustomResourceDefinition: { kind: 'CustomResourceDefinition', versions: ['apiextensions.k8s.io/v1'] },
  Gateway: { kind: 'Gateway', versions: ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'] },
  VirtualService: { kind: 'VirtualService', versions: ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'] },
  DestinationRule: { kind: 'DestinationRule', versions: ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'] },
  ServiceEntry: { kind: 'ServiceEntry', versions: ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'] },
  Sidecar: { kind: 'Sidecar', versions: ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'] },
  WorkloadEntry: { kind: 'WorkloadEntry', versions: ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'] },
  WorkloadGroup: { kind: 'WorkloadGroup', versions: ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'] },
  EnvoyFilter: { kind: 'EnvoyFilter', versions: ['networking.istio.io/v1alpha3'] },
  ProxyConfig: { kind: 'ProxyConfig', versions: ['networking.istio.io/v1beta1'] },
  AuthorizationPolicy: { kind: 'AuthorizationPolicy', versions: ['security.istio.io/v1', 'security.istio.io/v1beta1'] },
  PeerAuthentication: { kind: 'PeerAuthentication', versions: ['security.istio.io/v1', 'security.istio.io/v1beta1'] },
  RequestAuthentication: { kind: 'RequestAuthentication', versions: ['security.istio.io/v1', 'security.istio.io/v1beta1'] },
  Telemetry: { kind: 'Telemetry', versions: ['telemetry.istio.io/v1', 'telemetry.istio.io/v1alpha1'] },
  WasmPlugin: { kind: 'WasmPlugin', versions: ['extensions.istio.io/v1alpha1'] },
  [typeKey('gateway.networking.k8s.io', 'Gateway')]: { kind: 'Gateway', versions: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'] },
  [typeKey('gateway.networking.k8s.io', 'GatewayClass')]: { kind: 'GatewayClass', versions: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'] },
  [typeKey('gateway.networking.k8s.io', 'HTTPRoute')]: { kind: 'HTTPRoute', versions: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'] },
};

/** Every kind a live analysis lists when some analyzer reads all kinds (`*`). */
export const LISTABLE_KINDS: readonly string[] = Object.keys(KIND_VERSIONS);

export interface ClusterSourceOptions {
  res: Resources;
  /** "context kind (https://…)", for verbose output. */
  describe: string;
  istioNamespace: string;
  /** Control plane revision: its ConfigMaps are `istio-<rev>` and `istio-sidecar-injector-<rev>`. */
  revision?: string;
  /**
   * Namespaces to list when the cluster refuses a cluster-wide list (403): the target namespace
   * and the Istio namespace. undefined (-A) means there is nothing to fall back to.
   */
  fallbackNamespaces?: readonly string[];
  /** Page size for lists (the cluster layer's default is 500). */
  pageSize?: number;
  warn: (line: string) => void;
}

function toResource(obj: KubeObject): Resource {
  return makeResource({ body: obj, defaultNamespace: obj.metadata?.namespace ?? '', origin: { source: 'cluster' } });
}

export class ClusterSource implements ResourceSource {
  readonly description: string;
  private readonly complete = new Set<string>();
  private readonly opts: ClusterSourceOptions;

  constructor(opts: ClusterSourceOptions) {
    this.opts = opts;
    this.description = `cluster ${opts.describe}`;
  }

  completeKinds(): ReadonlySet<string> {
    return this.complete;
  }

  async *list(kinds: ReadonlySet<string>): AsyncIterable<Resource> {
    const wanted = kinds.has('*') ? LISTABLE_KINDS : [...kinds].filter((k) => KIND_VERSIONS[k]);
    // Lists run a few at a time; each is paginated by the cluster layer.
    const lists = await limitAll(wanted, 6, (key) => this.listKind(key));
    for (const items of lists) for (const obj of items) yield toResource(obj);
    for (const obj of await this.namedObjects()) yield toResource(obj);
  }

  /** Names the analysis needs but whose kind is never listed whole. */
  private async namedObjects(): Promise<KubeObject[]> {
    const { res, istioNamespace, revision } = this.opts;
    const suffix = revision && revision !== 'default' ? `-${revision}` : '';
    const names = [`istio${suffix}`, `istio-sidecar-injector${suffix}`];
    const found = await Promise.all(names.map((n) => res.get('v1', 'ConfigMap', n, istioNamespace).catch(ignoreForbidden)));
    return found.filter((o): o is KubeObject => o !== undefined);
  }

  /** Gateway credentials, fetched by name where the gateway's workloads run. */
  async referenced(known: Iterable<Resource>): Promise<Resource[]> {
    const refs = gatewaySecretRefs(known);
    const seen = new Set<string>();
    const unique = refs.filter((r) => {
      const k = `${r.namespace}/${r.name}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const got = await limitAll(unique, 8, (r) => this.opts.res.get('v1', 'Secret', r.name, r.namespace).catch(ignoreForbidden));
    this.complete.add('Secret');
    return got.filter((o): o is KubeObject => o !== undefined).map(toResource);
  }

  private async listKind(key: string): Promise<KubeObject[]> {
    const { kind, versions } = KIND_VERSIONS[key]!;
    const { res, pageSize } = this.opts;
    for (const apiVersion of versions) {
      const info = await res.discovery.lookup(apiVersion, kind);
      if (!info) continue;
      try {
        const { items } = await res.list(apiVersion, kind, { limit: pageSize });
        this.complete.add(key);
        return items;
      } catch (err) {
        const fallback = this.opts.fallbackNamespaces;
        if (!(err instanceof KubeApiError) || err.status !== 403 || !info.namespaced || !fallback) throw err;
        // No cluster-wide list permission: what the user may see in the namespaces analyzed.
        this.opts.warn(`Cannot list ${info.resource} in all namespaces (forbidden); reading namespaces ${fallback.join(', ')} only.`);
        const out: KubeObject[] = [];
        for (const ns of fallback) {
          try {
            out.push(...(await res.list(apiVersion, kind, { namespace: ns, limit: pageSize })).items);
          } catch (inner) {
            if (!(inner instanceof KubeApiError) || inner.status !== 403) throw inner;
          }
        }
        return out;
      }
    }
    return [];
  }
}

function ignoreForbidden(err: unknown): undefined {
  if (err instanceof KubeApiError && err.status === 403) return undefined;
  throw err;
}

function limitAll<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  return mapLimit(items, limit, fn);
}

/** The credential Secrets a set of Gateways refer to, in the namespaces their workloads run in. */
export function gatewaySecretRefs(resources: Iterable<Resource>): { namespace: string; name: string }[] {
  const pods: Resource[] = [];
  const gateways: Resource[] = [];
  for (const r of resources) {
    if (r.kind === 'Pod' && r.group === '') pods.push(r);
    else if (r.kind === 'Gateway' && r.group === 'networking.istio.io') gateways.push(r);
  }
  if (gateways.length === 0) return [];
  // Index pods by one label pair so each gateway selector probes a small bucket.
  const byLabel = new Map<string, Resource[]>();
  for (const p of pods) for (const [k, v] of Object.entries(p.labels)) {
    const list = byLabel.get(`${k}=${v}`);
    if (list) list.push(p);
    else byLabel.set(`${k}=${v}`, [p]);
  }
  const refs: { namespace: string; name: string }[] = [];
  for (const gw of gateways) {
    const selector = isObject(gw.spec.selector) ? Object.entries(gw.spec.selector).map(([k, v]) => [k, String(v)] as const) : [];
    const first = selector[0];
    const candidates = first ? byLabel.get(`${first[0]}=${first[1]}`) ?? [] : [];
    const namespaces = new Set(candidates.filter((p) => selector.every(([k, v]) => p.labels[k] === v)).map((p) => p.namespace));
    if (namespaces.size === 0) namespaces.add(gw.namespace);
    for (const server of Array.isArray(gw.spec.servers) ? gw.spec.servers : []) {
      const tls = isObject(server) ? server.tls : undefined;
      if (!isObject(tls)) continue;
      const names: unknown[] = tls.credentialName ? [tls.credentialName] : Array.isArray(tls.credentialNames) ? tls.credentialNames : [];
      for (const raw of names) {
        const name = String(raw).replace(/^kubernetes:\/\//, '');
        if (name.includes('://')) continue;
        for (const ns of namespaces) {
          refs.push({ namespace: ns, name });
          if (name.endsWith('-cacert')) refs.push({ namespace: ns, name: name.replace(/-cacert$/, '') });
        }
      }
    }
  }
  return refs;
}
