/** `pc eds` and the endpoint section of `pc all`: endpoints from the EDS part of the config dump. */
import { arr, f, num, obj, str, type ConfigDump, type Json, type Obj } from '../dump.js';
import { goSortSlice } from '../../core/go-sort.js';
import { TabWriter } from '../../core/tabwriter.js';
import { clusterNameLess } from './names.js';

export interface EndpointFilter {
  address?: string;
  port?: number;
  cluster?: string;
  status?: string;
}

const HEALTH = ['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED'];

export function healthName(v: Json | undefined): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return HEALTH[v] ?? String(v);
  return 'UNKNOWN';
}

/** An endpoint address as istioctl writes it: ip:port, a pipe path, envoy://listener/id, or unknown. */
export function addressText(address: Json | undefined): string {
  const sock = obj(address, 'socket_address');
  if (sock) return `${str(sock, 'address')}:${num(sock, 'port_value')}`;
  const pipe = obj(address, 'pipe');
  if (pipe) return str(pipe, 'path');
  const internal = obj(address, 'envoy_internal_address');
  if (internal && f(internal, 'server_listener_name') !== undefined) return `envoy://${str(internal, 'server_listener_name')}/${str(internal, 'endpoint_id')}`;
  return 'unknown';
}

function lbAddresses(ep: Json): string[] {
  const endpoint = obj(ep, 'endpoint');
  return [addressText(f(endpoint, 'address')), ...arr(endpoint, 'additional_addresses').map((a) => addressText(f(a, 'address')))];
}

function lbMatches(filter: EndpointFilter, ep: Json, cluster: string): boolean {
  if (filter.address && !lbAddresses(ep).some((a) => a.toLowerCase() === filter.address!.toLowerCase())) return false;
  if (filter.port && num(obj(obj(obj(ep, 'endpoint'), 'address'), 'socket_address'), 'port_value') !== filter.port) return false;
  if (filter.cluster && cluster.toLowerCase() !== filter.cluster.toLowerCase()) return false;
  if (filter.status && healthName(f(ep, 'health_status')).toLowerCase() !== filter.status.toLowerCase()) return false;
  return true;
}

/** Cluster load assignments with only the endpoints the filter keeps (those left empty are dropped), sorted by cluster key. */
export function filteredLoadAssignments(dump: ConfigDump, filter: EndpointFilter): Obj[] {
  const out: Obj[] = [];
  for (const cla of dump.endpointConfigs()) {
    const cluster = str(cla, 'cluster_name');
    let count = 0;
    const endpoints = arr(cla, 'endpoints').map((llb) => {
      const kept = arr(llb, 'lb_endpoints').filter((ep) => lbMatches(filter, ep, cluster));
      count += kept.length;
      if (llb === null || typeof llb !== 'object' || Array.isArray(llb)) return llb;
      const key = 'lb_endpoints' in llb ? 'lb_endpoints' : 'lbEndpoints';
      return { ...llb, [key]: kept };
    });
    if (count === 0) continue;
    out.push({ ...cla, endpoints });
  }
  return goSortSlice(out, (a, b) => clusterNameLess(str(a, 'cluster_name'), str(b, 'cluster_name')));
}

function localityText(l: Json | undefined): string {
  if (l === undefined || l === null) return '';
  let s = str(l, 'region');
  if (str(l, 'zone') === '') return s;
  s += `/${str(l, 'zone')}`;
  if (str(l, 'sub_zone') === '') return s;
  return `${s}/${str(l, 'sub_zone')}`;
}

export function printEdsSummary(dump: ConfigDump, filter: EndpointFilter, opts: { includeConfigType?: boolean } = {}): string {
  const w = new TabWriter({ minwidth: 0, padding: 5 });
  w.row('NAME', 'STATUS', 'LOCALITY', 'CLUSTER');
  for (const cla of filteredLoadAssignments(dump, filter)) {
    for (const llb of arr(cla, 'endpoints')) {
      for (const ep of arr(llb, 'lb_endpoints')) {
        const addr = lbAddresses(ep).join(',');
        w.row(opts.includeConfigType ? `endpoint/${addr}` : addr, healthName(f(ep, 'health_status')), localityText(f(llb, 'locality')), str(cla, 'cluster_name'));
      }
    }
  }
  return w.toString();
}
