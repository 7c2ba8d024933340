/**
 * Istio's host model for analysis (reference Part A5): hosts turned into FQDNs the way Istio's
 * analyzers do it, and Services and ServiceEntries filed under `scope/fqdn` keys, where the scope
 * is a namespace or `*`. Lookups from a VirtualService or DestinationRule follow its exportTo.
 * Only short names (no dot, no wildcard) are expanded; `name.ns`, other cluster domains and
 * letter case are taken as written, as Istio takes them.
 */
import { asArray, isAnyObject, type AnyObject, type Resource } from './resource.js';

export const CLUSTER_LOCAL = 'svc.cluster.local';
const FQDN = /^(.+)\.(.+)\.svc\.cluster\.local$/;

/** `reviews` in `ns` is `reviews.ns.svc.cluster.local`; anything with a dot or a leading `*` is kept. */
export function toFqdn(namespace: string, host: string): string {
  return host.startsWith('*') || host.includes('.') ? host : `${host}.${namespace}.${CLUSTER_LOCAL}`;
}

/** The Service a Kubernetes FQDN names, else the short name in `namespace` (Istio's GetResourceNameFromHost). */
export function serviceNameOf(namespace: string, host: string): { namespace: string; name: string } {
  const m = FQDN.exec(host);
  return m ? { namespace: m[2]!, name: m[1]! } : { namespace, name: host };
}

export interface ServicePort {
  number: number;
  name: string;
  protocol: string;
}

/** A Service (as Istio converts it) or a ServiceEntry a host resolves to. */
export interface HostEntry {
  resource: Resource;
  ports: ServicePort[];
  /** workloadSelector.labels of a ServiceEntry. */
  workloadSelector?: Record<string, string>;
}

/** Scopes of a Service: its exportTo annotation (comma-separated, `.` its namespace), else everywhere. */
function serviceScopes(svc: Resource): string[] {
  const anno = svc.annotations['networking.istio.io/exportTo'];
  if (!anno) return ['*'];
  return anno.split(',').map((s) => s.trim()).map((s) => (s === '.' ? svc.namespace : s));
}

/** Scopes of a ServiceEntry, VirtualService or DestinationRule: `*` when exportTo is empty or has `*`. */
export function exportScopes(exportTo: unknown, namespace: string): string[] {
  const list = asArray<unknown>(exportTo).map(String);
  if (list.length === 0 || list.includes('*')) return ['*'];
  return list.map((e) => (e === '.' ? namespace : e));
}

export class ScopedHosts {
  private readonly map = new Map<string, HostEntry>();
  private readonly wildcards: { scope: string; suffix: string; entry: HostEntry }[] = [];

  constructor(serviceEntries: readonly Resource[], services: readonly Resource[]) {
    for (const se of serviceEntries) {
      const entry: HostEntry = {
        resource: se,
        ports: asArray<AnyObject>(se.spec.ports).map((p) => ({ number: Number(p?.number), name: String(p?.name ?? ''), protocol: String(p?.protocol ?? '') })),
        workloadSelector: isAnyObject(se.spec.workloadSelector?.labels) ? stringValues(se.spec.workloadSelector.labels) : undefined,
      };
      for (const scope of exportScopes(se.spec.exportTo, se.namespace)) {
        for (const h of asArray<unknown>(se.spec.hosts)) if (typeof h === 'string') this.file(scope, toFqdn(se.namespace, h), entry);
      }
    }
    // Services come second and, as in Istio's map, replace a ServiceEntry filed under the same key.
    for (const svc of services) {
      const entry: HostEntry = { resource: svc, ports: asArray<AnyObject>(svc.spec.ports).map((p) => ({ number: Number(p?.port), name: String(p?.name ?? ''), protocol: String(p?.protocol ?? '') })) };
      for (const scope of serviceScopes(svc)) this.file(scope, `${svc.name}.${svc.namespace}.${CLUSTER_LOCAL}`, entry);
    }
  }

  private file(scope: string, fqdn: string, entry: HostEntry): void {
    const key = `${scope}/${fqdn}`;
    if (fqdn.startsWith('*')) {
      const existing = this.wildcards.findIndex((w) => w.scope === scope && `*${w.suffix}` === fqdn);
      if (existing >= 0) this.wildcards[existing] = { scope, suffix: fqdn.slice(1), entry };
      else this.wildcards.push({ scope, suffix: fqdn.slice(1), entry });
    }
    this.map.set(key, entry);
  }

  /**
   * What `host` resolves to from a resource in `namespace` with the given exportTo list: the
   * everywhere scope first, then the namespace (no exportTo) or each exportTo scope, then
   * wildcard ServiceEntry hosts visible everywhere or in the namespace.
   */
  lookup(namespace: string, exportTo: unknown, host: string): HostEntry | undefined {
    const fqdn = toFqdn(namespace, host);
    const found = this.map.get(`*/${fqdn}`);
    if (found) return found;
    const list = asArray<unknown>(exportTo).map(String);
    for (const scope of list.length === 0 ? [namespace] : list.map((e) => (e === '.' ? namespace : e))) {
      const hit = this.map.get(`${scope}/${fqdn}`);
      if (hit) return hit;
    }
    const bare = host.startsWith('*') ? host.slice(1) : host;
    for (const w of this.wildcards) {
      if ((w.scope === '*' || w.scope === namespace) && bare.endsWith(w.suffix)) return w.entry;
    }
    return undefined;
  }
}

function stringValues(v: AnyObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = String(x);
  return out;
}

/**
 * Istio's host.Name.Matches: a wildcard matches the hosts under it, in either direction; two
 * wildcards match when one's suffix ends the other's; otherwise exact and case-sensitive.
 */
export function hostMatches(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}
