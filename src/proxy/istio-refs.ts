/**
 * What a proxy's config dump says about a Service port (x describe asks): which
 * DestinationRule built its outbound cluster, which VirtualService built a route to it, and
 * which RBAC policies guard the inbound side. Istio records the source config as a path in each
 * resource's `metadata.filter_metadata.istio.config`; these read it the way istioctl describe does.
 */
import { arr, f, obj, str, typeUrl, SECTION, type ConfigDump, type Json, type Obj } from './dump.js';
import { clusterMatches } from './print/cluster.js';
import { listenerAddress, listenerMatches } from './print/listener.js';
import { istioConfig } from './print/names.js';

export interface ServiceRef {
  name: string;
  namespace: string;
}

export interface ConfigName {
  name: string;
  namespace: string;
}

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const RBAC = 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC';
const RBAC_FILTER = 'envoy.filters.http.rbac';
const VIRTUAL_INBOUND = 'virtualInbound';

/** `metadata.filter_metadata.istio.config` as a string ('' when absent or not a string). */
function istioConfigPath(metadata: Json | undefined): string {
  const config = istioConfig(metadata);
  return typeof config === 'string' ? config : '';
}

const configPathPattern = (kind: string) => new RegExp(`/apis/networking(\\.istio\\.io)?/v1(?:alpha3)?/namespaces/([^/]+)/${kind}/([^/]+)`);
const DR_PATH = configPathPattern('destination-rule');
const VS_PATH = configPathPattern('virtual-service');

/**
 * The DestinationRule of the Service port's outbound cluster (dynamic clusters only), or
 * undefined when none is recorded. Throws when the dump has no clusters or the path is not a
 * DestinationRule's.
 */
export function destinationRuleFor(dump: ConfigDump, svc: ServiceRef, port: number): ConfigName | undefined {
  const filter = { fqdn: `${svc.name}.${svc.namespace}.svc.cluster.local`, port, direction: 'outbound' };
  let path = '';
  for (const dac of arr(dump.section(SECTION.clusters), 'dynamic_active_clusters')) {
    const cluster = obj(dac, 'cluster');
    if (!cluster || !clusterMatches(filter, cluster)) continue;
    // The first matching cluster with metadata decides, even when it names no config.
    if (f(cluster, 'metadata') !== undefined) {
      path = istioConfigPath(f(cluster, 'metadata'));
      break;
    }
  }
  if (path === '') return undefined;
  const m = DR_PATH.exec(path);
  if (!m) throw new Error(`not a DR path: ${path}`);
  return { namespace: m[2]!, name: m[3]! };
}

/**
 * The VirtualService behind the first route to the Service port, looked for in route configs
 * named after the port or `http.*`/`https.*` (gateways). Undefined when there is none or the
 * route names no config.
 */
export function virtualServiceFor(dump: ConfigDump, svc: ServiceRef, port: number): ConfigName | undefined {
  const routes = dump.sectionOrUndefined(SECTION.routes);
  if (!routes) return undefined;
  for (const drc of arr(routes, 'dynamic_route_configs')) {
    const rc = obj(drc, 'route_config');
    const name = str(rc, 'name');
    if (name !== String(port) && !name.startsWith('http.') && !name.startsWith('https.')) continue;
    for (const vh of arr(rc, 'virtual_hosts')) {
      for (const route of arr(vh, 'routes')) {
        if (!routeTargets(route, vh, svc, port)) continue;
        // A route without metadata is an error to istioctl, which then shows no VirtualService.
        const metadata = f(route, 'metadata');
        if (metadata === undefined) return undefined;
        const m = VS_PATH.exec(istioConfigPath(metadata));
        return m ? { namespace: m[2]!, name: m[3]! } : undefined;
      }
    }
  }
  return undefined;
}

/** Whether a route serves the Service: a vhost domain `<svc>.<ns>.svc.cluster.local`, or a route to its outbound cluster. */
function routeTargets(route: Json, vh: Json, svc: ServiceRef, port: number): boolean {
  if (route === null || typeof route !== 'object') return false;
  for (const domain of arr(vh, 'domains')) {
    const m = /([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(typeof domain === 'string' ? domain : '');
    if (m && m[1] === svc.name && m[2] === svc.namespace) return true;
  }
  const action = obj(route, 'route');
  let cluster = str(action, 'cluster');
  const weighted = obj(action, 'weighted_clusters');
  if (weighted) cluster = str(arr(weighted, 'clusters')[0], 'name');
  const m = new RegExp(`outbound\\|${port}\\|[^|]*\\|([^.]+)\\.([^.]+)\\.svc\\.cluster\\.local$`).exec(cluster);
  return m !== null && m[1] === svc.name && m[2] === svc.namespace;
}

/**
 * Names of the RBAC policies on the inbound HTTP connection manager (virtualInbound's, or
 * a pre-1.6 listener on the port). Throws when the dump has no listeners. Envoy keeps the
 * policies in a map, so istioctl's order is random; this keeps the dump's.
 */
export function rbacPolicies(dump: ConfigDump, port: number): string[] {
  const hcm = inboundConnectionManager(dump, port);
  for (const filter of arr(hcm, 'http_filters')) {
    if (str(filter, 'name') !== RBAC_FILTER) continue;
    const config = obj(filter, 'typed_config');
    if (typeUrl(config) !== RBAC) continue;
    return Object.keys(obj(obj(config, 'rules'), 'policies') ?? {});
  }
  return [];
}

function inboundConnectionManager(dump: ConfigDump, port: number): Obj | undefined {
  const listeners = dump.section(SECTION.listeners);
  const firstHcm = (listener: Obj) => {
    for (const chain of arr(listener, 'filter_chains')) {
      for (const filter of arr(chain, 'filters')) {
        const config = obj(filter, 'typed_config');
        if (typeUrl(config) === HCM) return config;
      }
    }
    return undefined;
  };
  for (const dl of arr(listeners, 'dynamic_listeners')) {
    const listener = obj(obj(dl, 'active_state'), 'listener');
    if (!listener) continue;
    if (str(listener, 'name') === VIRTUAL_INBOUND) {
      const hcm = firstHcm(listener);
      if (hcm) return hcm;
    }
    if (!listenerMatches({ port }, listener)) continue;
    // Outbound listeners listen on 0.0.0.0.
    if (obj(obj(listener, 'address'), 'socket_address') && listenerAddress(listener) === '0.0.0.0') continue;
    const hcm = firstHcm(listener);
    if (hcm) return hcm;
  }
  return undefined;
}
