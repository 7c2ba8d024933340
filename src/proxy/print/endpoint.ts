/** `pc endpoint`: hosts from Envoy's admin /clusters?format=json (istioctl's writer/envoy/clusters). */
import { UserError } from '../../core/errors.js';
import { arr, f, num, obj, str, type Json, type Obj } from '../dump.js';
import { goLess, goSortSlice } from '../../core/go-sort.js';
import { TabWriter } from '../../core/tabwriter.js';
import { healthName, type EndpointFilter } from './eds.js';

/** The parsed /clusters?format=json response. */
export class ClustersStatus {
  readonly clusters: Obj[];
  constructor(data: Json) {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UserError('error unmarshalling config dump response from Envoy: the JSON is not a /clusters?format=json response');
    this.clusters = arr(data, 'cluster_statuses').filter((c): c is Obj => c !== null && typeof c === 'object' && !Array.isArray(c));
  }
}

function hostAddress(host: Json): string {
  const address = obj(host, 'address');
  const sock = obj(address, 'socket_address');
  if (sock) return str(sock, 'address');
  const pipe = obj(address, 'pipe');
  if (pipe) return `unix://${str(pipe, 'path')}`;
  const internal = obj(address, 'envoy_internal_address');
  if (internal && f(internal, 'server_listener_name') !== undefined) return `envoy://${str(internal, 'server_listener_name')}/${str(internal, 'endpoint_id')}`;
  return 'unix://';
}

function hostPort(host: Json): number {
  return num(obj(obj(host, 'address'), 'socket_address'), 'port_value');
}

function hostStatus(host: Json): string {
  return healthName(f(obj(host, 'health_status'), 'eds_health_status'));
}

function hostMatches(filter: EndpointFilter, host: Json, cluster: string): boolean {
  if (filter.address && hostAddress(host).toLowerCase() !== filter.address.toLowerCase()) return false;
  if (filter.port && hostPort(host) !== filter.port) return false;
  if (filter.cluster && cluster.toLowerCase() !== filter.cluster.toLowerCase()) return false;
  if (filter.status && hostStatus(host).toLowerCase() !== filter.status.toLowerCase()) return false;
  return true;
}

export function printEndpointSummary(status: ClustersStatus, filter: EndpointFilter): string {
  const rows: { address: string; port: number; cluster: string; status: string; outlier: boolean }[] = [];
  for (const c of status.clusters) {
    const name = str(c, 'name');
    for (const host of arr(c, 'host_statuses')) {
      if (!hostMatches(filter, host, name)) continue;
      rows.push({ address: hostAddress(host), port: hostPort(host), cluster: name, status: hostStatus(host), outlier: f(obj(host, 'health_status'), 'failed_outlier_check') === true });
    }
  }
  goSortSlice(rows, (a, b) => {
    if (a.address === b.address) {
      if (a.port === b.port) return goLess(a.cluster, b.cluster);
      return a.port < b.port;
    }
    return goLess(a.address, b.address);
  });
  const w = new TabWriter({ minwidth: 0, padding: 5 });
  w.row('ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER');
  for (const r of rows) w.row(r.port !== 0 ? `${r.address}:${r.port}` : r.address, r.status, r.outlier ? 'FAILED' : 'OK', r.cluster);
  return w.toString();
}

/** The cluster statuses -o json prints: those with at least one host the filter keeps (all their hosts). */
export function filteredClusterStatuses(status: ClustersStatus, filter: EndpointFilter): Obj[] {
  return status.clusters.filter((c) => arr(c, 'host_statuses').some((h) => hostMatches(filter, h, str(c, 'name'))));
}
