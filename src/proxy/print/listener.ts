/** `pc listener`: the LDS table (istioctl's configdump/listener.go), and the filter-chain descriptions describe reuses. */
import { UserError } from '../../core/errors.js';
import { arr, f, num, obj, str, wrapped, type ConfigDump, type Json, type Obj } from '../dump.js';
import { goLess, goSortSlice } from '../../core/go-sort.js';
import { TabWriter } from '../../core/tabwriter.js';

const HTTP_CONNECTION_MANAGER = 'envoy.filters.network.http_connection_manager';
const TCP_PROXY = 'envoy.filters.network.tcp_proxy';
const BLACK_HOLE = 'BlackHoleCluster';

export interface ListenerFilter {
  address?: string;
  port?: number;
  type?: string;
  verbose?: boolean;
}

export function listenerAddress(l: Obj): string {
  const address = obj(l, 'address');
  const sock = obj(address, 'socket_address');
  if (sock) return str(sock, 'address');
  const pipe = obj(address, 'pipe');
  if (pipe) return str(pipe, 'path');
  return '';
}

export function listenerAdditionalAddresses(l: Obj): string[] {
  return arr(l, 'additional_addresses').map((a) => str(obj(obj(a, 'address'), 'socket_address'), 'address'));
}

export function listenerPort(l: Obj): number {
  return num(obj(obj(l, 'address'), 'socket_address'), 'port_value');
}

function filterChains(l: Obj): Obj[] {
  const chains = arr(l, 'filter_chains').filter(isObj);
  const def = obj(l, 'default_filter_chain');
  return def ? [...chains, def] : chains;
}

const isObj = (v: Json): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** istioctl tests the serialised TCP proxy config for the black hole cluster's name. */
function isBlackHole(filter: Obj): boolean {
  return JSON.stringify(f(filter, 'typed_config') ?? null).includes(BLACK_HOLE);
}

/** HTTP, TCP, HTTP+TCP or UNKNOWN, counting chains' filters (black-hole TCP proxies do not count). */
export function listenerType(l: Obj): string {
  let http = 0;
  let tcp = 0;
  for (const chain of filterChains(l)) {
    for (const filter of arr(chain, 'filters').filter(isObj)) {
      const name = str(filter, 'name');
      if (name === HTTP_CONNECTION_MANAGER) http++;
      else if (name === TCP_PROXY && !isBlackHole(filter)) tcp++;
    }
  }
  if (http > 0) return tcp === 0 ? 'HTTP' : 'HTTP+TCP';
  return tcp > 0 ? 'TCP' : 'UNKNOWN';
}

export function listenerMatches(filter: ListenerFilter, l: Obj): boolean {
  if (filter.address) {
    const addresses = [...listenerAdditionalAddresses(l), listenerAddress(l)];
    if (!addresses.some((a) => a.toLowerCase() === filter.address!.toLowerCase())) return false;
  }
  if (filter.port && listenerPort(l) !== filter.port) return false;
  if (filter.type && listenerType(l).toLowerCase() !== filter.type.toLowerCase()) return false;
  return true;
}

/** The protocol lists Istio sets on filter chains, and the names istioctl gives them. */
const PROTOCOL_NAMES: [string, string[]][] = [
  ['App: HTTP TLS', ['http/1.0', 'http/1.1', 'h2c', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: Istio HTTP Plain', ['istio', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: TCP TLS', ['istio-peer-exchange', 'istio']],
  ['App: HTTP', ['http/1.0', 'http/1.1', 'h2c']],
];

/** A FilterChainMatch in words: `SNI: ...; Trans: ...; App: ...; Addr: ...`, or ALL. */
export function describeFilterChainMatch(match: Obj | undefined): string {
  const descrs: string[] = [];
  const serverNames = arr(match, 'server_names').map(String);
  if (serverNames.length > 0) descrs.push(`SNI: ${serverNames.join(',')}`);
  const transport = str(match, 'transport_protocol');
  if (transport) descrs.push(`Trans: ${transport}`);
  const apps = arr(match, 'application_protocols').map(String);
  if (apps.length > 0) {
    const known = PROTOCOL_NAMES.find(([, list]) => list.length === apps.length && list.every((p, i) => p === apps[i]));
    descrs.push(known ? known[0] : `App: ${apps.join(',')}`);
  }
  const port = f(match, 'destination_port') !== undefined && f(match, 'destination_port') !== null ? `:${wrapped(match, 'destination_port') ?? 0}` : '';
  const ranges = arr(match, 'prefix_ranges');
  if (ranges.length > 0) {
    descrs.push(`Addr: ${ranges.map((r) => `${str(r, 'address_prefix')}/${wrapped(r, 'prefix_len') ?? 0}`).join(',')}${port}`);
  } else if (port !== '') {
    descrs.push(`Addr: *${port}`);
  }
  return descrs.length === 0 ? 'ALL' : descrs.join('; ');
}

/** Where a chain's traffic goes: `Route: x`, `Inline Route: ...`, `Cluster: x`, or Non-HTTP/Non-TCP. */
export function describeFilters(filters: Json[]): string {
  for (const filter of filters.filter(isObj)) {
    const name = str(filter, 'name');
    const config = obj(filter, 'typed_config');
    if (name === HTTP_CONNECTION_MANAGER) {
      const routeConfig = obj(config, 'route_config');
      if (routeConfig) return describeRouteConfig(routeConfig);
      const rds = str(obj(config, 'rds'), 'route_config_name');
      if (rds) return `Route: ${rds}`;
      return 'HTTP';
    }
    if (name === TCP_PROXY && !isBlackHole(filter)) {
      const cluster = str(config, 'cluster');
      return cluster.includes('Cluster') ? cluster : `Cluster: ${cluster}`;
    }
  }
  return 'Non-HTTP/Non-TCP';
}

export function describeRouteConfig(route: Obj): string {
  const all = matchAllCluster(route);
  if (all) return all;
  const vhosts = arr(route, 'virtual_hosts').map((vh) => {
    const domains = describeDomains(vh);
    return domains === '' ? describeRoutes(vh) : `${domains} ${describeRoutes(vh)}`;
  });
  return `Inline Route: ${vhosts.join('; ')}`;
}

/** A single catch-all route to a cluster is just that cluster. */
function matchAllCluster(route: Obj): string {
  const vhosts = arr(route, 'virtual_hosts');
  if (vhosts.length !== 1) return '';
  const vh = vhosts[0];
  const domains = arr(vh, 'domains');
  if (domains.length !== 1 || domains[0] !== '*') return '';
  const routes = arr(vh, 'routes');
  if (routes.length !== 1) return '';
  const r = routes[0];
  if (str(obj(r, 'match'), 'prefix') !== '/') return '';
  const action = obj(r, 'route');
  const cluster = f(action, 'cluster');
  if (!action || typeof cluster !== 'string') return '';
  return cluster.includes('Cluster') ? cluster : `Cluster: ${cluster}`;
}

function describeDomains(vh: Json): string {
  const domains = arr(vh, 'domains').map(String);
  if (domains.length === 1 && domains[0] === '*') return '';
  return domains.join('/');
}

function describeRoutes(vh: Json): string {
  return arr(vh, 'routes').map((r) => describeMatch(obj(r, 'match'))).join(', ');
}

/** A RouteMatch in words: `prefix*`, `PathPrefix:x`, the path, or `regex x`; headers ignored. */
export function describeMatch(match: Obj | undefined): string {
  const conds: string[] = [];
  const prefix = str(match, 'prefix');
  if (prefix) conds.push(`${prefix}*`);
  const pathPrefix = str(match, 'path_separated_prefix');
  if (pathPrefix) conds.push(`PathPrefix:${pathPrefix}`);
  const path = str(match, 'path');
  if (path) conds.push(path);
  const regex = obj(match, 'safe_regex');
  if (regex) conds.push(`regex ${str(regex, 'regex')}`);
  return conds.join(' ');
}

export function sortedListeners(dump: ConfigDump, filter: ListenerFilter): Obj[] {
  const listeners = dump.listeners();
  if (listeners.length === 0) throw new UserError('no listeners found');
  return listeners.filter((l) => listenerMatches(filter, l));
}

/** istioctl's listener order: port, then address, then type. */
function listenerLess(a: Obj, b: Obj): boolean {
  const ip = listenerPort(a);
  const jp = listenerPort(b);
  if (ip !== jp) return ip < jp;
  const ia = listenerAddress(a);
  const ja = listenerAddress(b);
  if (ia !== ja) return goLess(ia, ja);
  return goLess(listenerType(a), listenerType(b));
}

export function printListenerSummary(dump: ConfigDump, filter: ListenerFilter, opts: { includeConfigType?: boolean } = {}): string {
  const listeners = goSortSlice(sortedListeners(dump, filter), listenerLess);
  const w = new TabWriter({ minwidth: 0, padding: 1 });
  const header = ['ADDRESSES', 'PORT', ...(filter.verbose ? ['MATCH', 'DESTINATION'] : ['TYPE'])];
  w.row(...(opts.includeConfigType ? ['NAME', ...header] : header));
  for (const l of listeners) {
    const addresses = [listenerAddress(l), ...listenerAdditionalAddresses(l)].join(',');
    const port = listenerPort(l);
    const name = `listener/${str(l, 'name')}`;
    if (filter.verbose) {
      const chains = goSortSlice(
        filterChains(l).map((chain) => ({ destination: describeFilters(arr(chain, 'filters')), match: describeFilterChainMatch(obj(chain, 'filter_chain_match')) })),
        (a, b) => goLess(b.destination, a.destination),
      );
      for (const c of chains) {
        if (opts.includeConfigType) w.row(name, addresses, port, c.match, c.destination);
        else w.row(addresses, port, c.match, c.destination);
      }
    } else if (opts.includeConfigType) w.row(name, addresses, port, listenerType(l));
    else w.row(addresses, port, listenerType(l));
  }
  return w.toString();
}

// ---- the waypoint view (hidden --waypoint): filter chains as the listener's matcher tree picks them

const IP_MATCHER = 'type.googleapis.com/xds.type.matcher.v3.IPMatcher';

function actionName(onMatch: Json | undefined): string | undefined {
  const action = obj(onMatch, 'action');
  return action ? str(action, 'name') : undefined;
}

/** Paths through the matcher tree that end at chain `name`: `ip=10.0.0.1 -> port=80`. */
function recurse(name: string, matcher: Json | undefined): [string[], boolean] {
  const noMatch = obj(matcher, 'on_no_match');
  if (noMatch) {
    if (actionName(noMatch) === name) return [['ANY'], true];
    const inner = obj(noMatch, 'matcher');
    if (inner) {
      const [ms, found] = recurse(name, inner);
      return [found ? ms : ['NONE'], true];
    }
  }
  const tree = obj(matcher, 'matcher_tree');
  const input = str(obj(tree, 'input'), 'name');
  let map: [string, Json][] = [];
  let equality = '=';
  const exact = obj(tree, 'exact_match_map');
  const prefix = obj(tree, 'prefix_match_map');
  const custom = obj(obj(tree, 'custom_match'), 'typed_config');
  if (exact) map = Object.entries(obj(exact, 'map') ?? {});
  else if (prefix) {
    map = Object.entries(obj(prefix, 'map') ?? {});
    equality = '^';
  } else if (custom && f(custom, '@type') === IP_MATCHER) {
    for (const rm of arr(custom, 'range_matchers')) {
      for (const r of arr(rm, 'ranges')) {
        const len = wrapped(r, 'prefix_len') ?? 0;
        map.push([`${str(r, 'address_prefix')}${len !== 32 && len !== 128 ? `/${len}` : ''}`, f(rm, 'on_match') ?? null]);
      }
    }
  }
  // istioctl walks a Go map here, so its order is random; this prints the keys in sorted order.
  map.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const outputs: string[] = [];
  for (const [k, v] of map) {
    if (actionName(v) !== undefined) {
      if (actionName(v) === name) outputs.push(`${input}${equality}${k}`);
      continue;
    }
    const inner = obj(v, 'matcher');
    if (!inner) continue;
    const [children, found] = recurse(name, inner);
    if (found) for (const child of children) outputs.push(`${input}${equality}${k} -> ${child}`);
  }
  return [outputs, outputs.length > 0];
}

function chainMatches(chain: Obj, l: Obj): string[] {
  const matcher = obj(l, 'filter_chain_matcher');
  if (!matcher) return [describeFilterChainMatch(obj(chain, 'filter_chain_match'))];
  const name = str(chain, 'name');
  const noMatch = obj(matcher, 'on_no_match');
  if (noMatch && actionName(noMatch) === name) return ['UNMATCHED'];
  const inner = obj(noMatch, 'matcher');
  const [ms, found] = recurse(name, inner ?? matcher);
  return found ? ms : ['NONE'];
}

/** `pc listener --waypoint`: LISTENER, CHAIN, MATCH, DESTINATION per matcher path. */
export function printWaypointListenerSummary(dump: ConfigDump): string {
  const listeners = dump.listeners();
  if (listeners.length === 0) throw new UserError('no listeners found');
  // Internal listeners (no address) among themselves: by name.
  goSortSlice(listeners, (a, b) => (f(a, 'internal_listener') !== undefined && f(b, 'internal_listener') !== undefined ? goLess(str(a, 'name'), str(b, 'name')) : listenerLess(a, b)));
  const w = new TabWriter({ minwidth: 0, padding: 1 });
  w.row('LISTENER', 'CHAIN', 'MATCH', 'DESTINATION');
  for (const l of listeners) {
    const chains = filterChains(l);
    let lname = `envoy://${str(l, 'name')}`;
    if (f(l, 'internal_listener') !== undefined && chains.length === 1 && str(chains[0], 'name') === lname) lname = 'internal';
    for (const chain of chains) {
      const destination = describeFilters(arr(chain, 'filters'));
      for (const m of chainMatches(chain, l)) w.row(lname, str(chain, 'name'), m, destination);
    }
  }
  return w.toString();
}
