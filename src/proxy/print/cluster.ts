/** `pc cluster`: the CDS table and the clusters as JSON/YAML (istioctl's configdump/cluster.go). */
import { UserError } from '../../core/errors.js';
import { f, str, type ConfigDump, type Obj } from '../dump.js';
import { goSortSlice } from '../../core/go-sort.js';
import { TabWriter } from '../../core/tabwriter.js';
import { clusterNameLess, describeManagement, parseSubsetKey } from './names.js';

export interface ClusterFilter {
  fqdn?: string;
  port?: number;
  subset?: string;
  direction?: string;
}

export function clusterMatches(filter: ClusterFilter, cluster: Obj): boolean {
  const name = str(cluster, 'name');
  if (filter.fqdn && !name.includes(filter.fqdn)) return false;
  if (filter.direction && !name.includes(filter.direction)) return false;
  if (filter.subset && !name.includes(filter.subset)) return false;
  if (filter.port && !name.includes(`|${filter.port}|`)) return false;
  return true;
}

const DISCOVERY_TYPES = ['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST'];

/** Cluster.GetType(): the discovery type, STATIC when unset or when a custom cluster_type is used. */
export function clusterType(cluster: Obj): string {
  if (f(cluster, 'cluster_type') !== undefined && f(cluster, 'type') === undefined) return 'STATIC';
  const t = f(cluster, 'type');
  if (typeof t === 'string') return t;
  if (typeof t === 'number') return DISCOVERY_TYPES[t] ?? String(t);
  return 'STATIC';
}

/** The clusters istioctl lists, in its order (host, subset, port, direction). */
export function sortedClusters(dump: ConfigDump): Obj[] {
  const clusters = dump.clusters();
  if (clusters.length === 0) throw new UserError('no clusters found');
  return goSortSlice(clusters, (a, b) => clusterNameLess(str(a, 'name'), str(b, 'name')));
}

export function printClusterSummary(dump: ConfigDump, filter: ClusterFilter, opts: { includeConfigType?: boolean } = {}): string {
  const clusters = sortedClusters(dump);
  const w = new TabWriter({ minwidth: 0, padding: 5 });
  const header = ['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE'];
  w.row(...(opts.includeConfigType ? ['NAME', ...header] : header));
  for (const c of clusters) {
    if (!clusterMatches(filter, c)) continue;
    let name = str(c, 'name');
    const type = clusterType(c);
    const dr = describeManagement(f(c, 'metadata'));
    if (name.split('|').length > 3) {
      const k = parseSubsetKey(name);
      const subset = k.subset === '' ? '-' : k.subset;
      if (opts.includeConfigType) w.row(`cluster/${name}`, k.host, k.port, subset, k.direction, type, dr);
      else w.row(k.host, k.port, subset, k.direction, type, dr);
    } else if (opts.includeConfigType) {
      // istioctl renames the cluster before printing its name column, so it shows twice.
      name = `cluster/${name}`;
      w.row(name, name, '-', '-', '-', type, dr);
    } else {
      w.row(name, '-', '-', '-', type, dr);
    }
  }
  return w.toString();
}

/** The clusters `-o json|yaml` prints: filtered, in summary order. */
export function filteredClusters(dump: ConfigDump, filter: ClusterFilter): Obj[] {
  return sortedClusters(dump).filter((c) => clusterMatches(filter, c));
}
