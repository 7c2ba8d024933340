/** Small helpers the analyzers share: walking routes, resolving gateway references, hosts. */
import { isObject } from '../../core/json.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';

export interface RouteDestination {
  destination: AnyObject;
  /** Field path of the destination inside the resource (for line numbers). */
  path: (string | number)[];
  /** Whether it is a mirror rather than a route target. */
  mirror: boolean;
}

/** Every destination of a VirtualService's http, tcp and tls routes (mirrors included). */
export function vsDestinations(vs: Resource): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const section of ['http', 'tcp', 'tls'] as const) {
    const routes = asArray<AnyObject>(vs.spec[section]);
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i];
      if (!isObject(route)) continue;
      const targets = asArray<AnyObject>(route.route);
      for (let j = 0; j < targets.length; j++) {
        if (isObject(targets[j]?.destination)) out.push({ destination: targets[j]!.destination, path: ['spec', section, i, 'route', j, 'destination'], mirror: false });
      }
      if (isObject(route.mirror)) out.push({ destination: route.mirror, path: ['spec', section, i, 'mirror'], mirror: true });
      const mirrors = asArray<AnyObject>(route.mirrors);
      for (let j = 0; j < mirrors.length; j++) {
        if (isObject(mirrors[j]?.destination)) out.push({ destination: mirrors[j]!.destination, path: ['spec', section, i, 'mirrors', j, 'destination'], mirror: true });
      }
    }
  }
  return out;
}

/** The gateways a VirtualService is bound to; none listed means the mesh. */
export function vsGateways(vs: Resource): string[] {
  const gws = asArray<string>(vs.spec.gateways).filter((g) => typeof g === 'string');
  return gws.length === 0 ? ['mesh'] : gws;
}

/** `ns/name`, `name` (the referrer's namespace) or the legacy `name.ns.svc.cluster.local`. */
export function parseGatewayRef(ref: string, fromNamespace: string): { namespace: string; name: string } {
  const slash = ref.indexOf('/');
  if (slash >= 0) return { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
  const parts = ref.split('.');
  if (parts.length >= 2) return { namespace: parts[1]!, name: parts[0]! };
  return { namespace: fromNamespace, name: ref };
}

/** Istio host matching with `*` wildcards on either side (`*.example.com` covers `a.example.com`). */
export function hostsMatch(a: string, b: string): boolean {
  a = a.toLowerCase();
  b = b.toLowerCase();
  if (a === b || a === '*' || b === '*') return true;
  if (a.startsWith('*') && b.startsWith('*')) return a.length <= b.length ? b.endsWith(a.slice(1)) : a.endsWith(b.slice(1));
  if (a.startsWith('*')) return b.endsWith(a.slice(1));
  if (b.startsWith('*')) return a.endsWith(b.slice(1));
  return false;
}

export function labelsToString(labels: Record<string, unknown> | undefined): string {
  return Object.entries(labels ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

/** Protocol of a port from its name or appProtocol, Istio's naming convention (`http-foo`, `grpc`). */
export const PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis', 'udp', 'thrift', 'h2c', 'ws', 'wss', 'kafka', 'zookeeper', 'sctp', 'hbone'];

export function protocolFromName(name: string): string | undefined {
  const lower = name.toLowerCase();
  const prefix = lower.split('-')[0]!;
  if (lower.startsWith('grpc-web')) return 'grpc-web';
  return PROTOCOLS.includes(prefix) ? prefix : undefined;
}

export function protocolFromAppProtocol(appProtocol: string | undefined): string | undefined {
  if (!appProtocol) return undefined;
  const p = appProtocol.toLowerCase();
  if (p === 'kubernetes.io/h2c') return 'http2';
  if (p === 'kubernetes.io/ws' || p === 'kubernetes.io/wss') return 'http';
  return PROTOCOLS.includes(p) ? p : undefined;
}

/** Appends to a list in a map of lists. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * A ReplicaSet or Job a controller (Deployment, CronJob) made: its pod template is the
 * owner's, so findings about the template are reported once, on the owner.
 */
export function ownedTemplateCopy(r: Resource): boolean {
  if (r.kind !== 'ReplicaSet' && r.kind !== 'Job') return false;
  const owners = r.body.metadata?.ownerReferences;
  return Array.isArray(owners) && owners.some((o) => isObject(o) && o.controller === true);
}
