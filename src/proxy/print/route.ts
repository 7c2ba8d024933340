/** `pc route`: the RDS table (istioctl's configdump/route.go). */
import { UserError } from '../../core/errors.js';
import { arr, f, obj, str, type ConfigDump, type Json, type Obj } from '../dump.js';
import { goSortSlice } from '../../core/go-sort.js';
import { TabWriter } from '../../core/tabwriter.js';
import { describeMatch } from './listener.js';
import { describeManagement, goAtoi } from './names.js';

export interface RouteFilter {
  name?: string;
  verbose?: boolean;
}

/**
 * Route configurations in istioctl's order. Its comparator orders numeric names and calls
 * every other pair equal, so the order of the rest is whatever Go's sort leaves.
 */
export function sortedRoutes(dump: ConfigDump): Obj[] {
  const routes = dump.routes();
  if (routes.length === 0) throw new UserError('no routes found');
  const numeric = (s: string) => (/^[+-]?\d+$/.test(s) ? goAtoi(s) : undefined);
  return goSortSlice(routes, (a, b) => {
    const i = numeric(str(a, 'name'));
    if (i === undefined) return false;
    const j = numeric(str(b, 'name'));
    if (j === undefined) return false;
    return i < j;
  });
}

export function filteredRoutes(dump: ConfigDump, filter: RouteFilter): Obj[] {
  return sortedRoutes(dump).filter((r) => !filter.name || str(r, 'name') === filter.name);
}

function isPassthrough(route: Json): boolean {
  const action = obj(route, 'route');
  return action !== undefined && f(action, 'cluster') === 'PassthroughCluster';
}

/** The vhost's shortest non-port domains (service names without .svc.cluster.local), at most two. */
export function describeRouteDomains(domains: string[]): string {
  if (domains.length === 0) return '';
  if (domains.length === 1) return domains[0]!;
  const max = 2;
  let withoutPort = domains.filter((d) => !d.includes(':') || ((d.match(/:/g) ?? []).length > 2 && d.endsWith(']')));
  withoutPort = unexpandDomains(withoutPort);
  if (withoutPort.length > max) return `${withoutPort.slice(0, max).join(', ')} + ${withoutPort.length - max} more...`;
  return withoutPort.join(', ');
}

function unexpandDomains(domains: string[]): string[] {
  const unique = new Set(domains);
  const drop = new Set<string>();
  for (const h of domains) {
    const full = h.endsWith('.svc.cluster.local') ? h.slice(0, -'.svc.cluster.local'.length) : h;
    if (full !== h && unique.has(full)) drop.add(h);
    const partial = h.endsWith('.svc') ? h.slice(0, -'.svc'.length) : h;
    if (partial !== h && unique.has(partial)) drop.add(h);
  }
  return domains.filter((h) => !drop.has(h));
}

export function printRouteSummary(dump: ConfigDump, filter: RouteFilter, opts: { includeConfigType?: boolean } = {}): string {
  const routes = sortedRoutes(dump);
  const w = new TabWriter({ minwidth: 0, padding: 5 });
  if (filter.verbose) w.row('NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE');
  else w.row('NAME', 'VIRTUAL HOSTS');
  for (const route of routes) {
    if (filter.name && str(route, 'name') !== filter.name) continue;
    const name = opts.includeConfigType ? `route/${str(route, 'name')}` : str(route, 'name');
    const vhosts = arr(route, 'virtual_hosts');
    if (!filter.verbose) {
      w.row(name, vhosts.length);
      continue;
    }
    for (const vh of vhosts) {
      const domains = describeRouteDomains(arr(vh, 'domains').map(String));
      const routesOfHost = arr(vh, 'routes');
      for (const r of routesOfHost) {
        if (!isPassthrough(r)) w.row(name, str(vh, 'name'), domains, describeMatch(obj(r, 'match')), describeManagement(f(r, 'metadata')));
      }
      if (routesOfHost.length === 0) w.row(name, str(vh, 'name'), domains, '/*', '404');
    }
  }
  return w.toString();
}
