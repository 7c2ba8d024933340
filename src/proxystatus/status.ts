/**
 * `proxy-status` output (proxy-debugging.md §2.2.2): per proxy, the state of each xDS type
 * istiod tracks for it — SYNCED when the last nonce sent was acked, STALE when not, NOT SENT
 * when nothing was sent yet — as istiod's status generator derives them, and IGNORED for a
 * type the proxy does not watch. Printed as istioctl prints them: a tabwriter table (0,8,5)
 * sorted by proxy ID; `-v 1` with one column per type; `-o json|yaml` as the ClientConfig
 * DiscoveryResponse each istiod's xDS `istio.io/debug/syncz` would answer.
 */
import { UserError } from '../core/errors.js';
import { humanDuration } from '../core/duration.js';
import { TabWriter } from '../core/tabwriter.js';
import type { IstiodSyncz, SyncStatus } from './syncz.js';

const T = 'type.googleapis.com/';
export const CDS = `${T}envoy.config.cluster.v3.Cluster`;
export const LDS = `${T}envoy.config.listener.v3.Listener`;
export const EDS = `${T}envoy.config.endpoint.v3.ClusterLoadAssignment`;
export const RDS = `${T}envoy.config.route.v3.RouteConfiguration`;
export const ECDS = `${T}envoy.config.core.v3.TypedExtensionConfig`;
const CORE = [CDS, LDS, EDS, RDS];

/** Istio's GetShortType; unknown types keep their URL. */
const SHORT: Record<string, string> = {
  [CDS]: 'CDS',
  [LDS]: 'LDS',
  [EDS]: 'EDS',
  [RDS]: 'RDS',
  [ECDS]: 'ECDS',
  [`${T}envoy.extensions.transport_sockets.tls.v3.Secret`]: 'SDS',
  [`${T}istio.networking.nds.v1.NameTable`]: 'NDS',
  [`${T}istio.mesh.v1alpha1.ProxyConfig`]: 'PCDS',
  [`${T}istio.workload.Address`]: 'WDS',
  [`${T}istio.security.Authorization`]: 'WADS',
};
export const shortType = (url: string) => SHORT[url] ?? url;

export type ConfigStatus = 'SYNCED' | 'NOT_SENT' | 'STALE';

export interface TypeState {
  status: ConfigStatus;
  /** When the last response of this type was sent (istiod's sentTime), if known. */
  lastUpdated?: Date;
}

export interface ProxyRow {
  proxyId: string;
  namespace: string;
  clusterId: string;
  istiod: string;
  version: string;
  types: Map<string, TypeState>;
}

/** istiod's debugSyncStatus: nothing sent, the last sent nonce acked, or behind. */
function stateOf(sent: string | undefined, acked: string | undefined, sentTime?: string): TypeState {
  const status: ConfigStatus = !sent ? 'NOT_SENT' : acked === sent ? 'SYNCED' : 'STALE';
  // Go's zero time (year 1) means "never".
  const when = sentTime && !sentTime.startsWith('0001-') ? new Date(sentTime) : undefined;
  return when && !Number.isNaN(when.getTime()) ? { status, lastUpdated: when } : { status };
}

function typesOf(s: SyncStatus): Map<string, TypeState> {
  const types = new Map<string, TypeState>();
  if (s.resources) {
    for (const [url, r] of Object.entries(s.resources)) types.set(url, stateOf(r.sent, r.acked, r.sentTime));
    return types;
  }
  // An istiod without per-type resources: the four core pairs, and ECDS when it was sent.
  types.set(CDS, stateOf(s.cluster_sent, s.cluster_acked));
  types.set(LDS, stateOf(s.listener_sent, s.listener_acked));
  types.set(EDS, stateOf(s.endpoint_sent, s.endpoint_acked));
  types.set(RDS, stateOf(s.route_sent, s.route_acked));
  if (s.extensionconfig_sent) types.set(ECDS, stateOf(s.extensionconfig_sent, s.extensionconfig_acked));
  return types;
}

/** Rows of every istiod's proxies (of one namespace with -n), sorted by proxy ID. */
export function proxyRows(responses: readonly IstiodSyncz[], namespace?: string): ProxyRow[] {
  const rows: ProxyRow[] = [];
  for (const r of responses) {
    for (const s of r.statuses) {
      const proxyId = s.proxy ?? '';
      const ns = proxyId.includes('.') ? proxyId.slice(proxyId.lastIndexOf('.') + 1) : '';
      if (namespace && ns !== namespace) continue;
      rows.push({ proxyId, namespace: ns, clusterId: s.cluster_id ?? '', istiod: r.istiod, version: s.istio_version || `${s.proxy_version ?? ''}*`, types: typesOf(s) });
    }
  }
  if (rows.length === 0) throw new UserError(`no proxies found (checked ${responses.length} istiods)`, { hint: namespace ? `No proxy of namespace ${namespace} is connected; without -n every namespace is shown.` : 'No sidecar or gateway is connected to these istiods yet.' });
  return rows.sort((a, b) => (a.proxyId < b.proxyId ? -1 : a.proxyId > b.proxyId ? 1 : 0));
}

/** CDS, LDS, EDS, RDS first (when present), then the other types by URL. */
function orderTypes(urls: Iterable<string>): string[] {
  const set = new Set(urls);
  return [...CORE.filter((u) => set.has(u)), ...[...set].filter((u) => !CORE.includes(u)).sort()];
}

function cell(state: TypeState | undefined, now: number): string {
  if (!state) return 'IGNORED';
  if (state.status === 'NOT_SENT') return 'NOT SENT';
  return state.lastUpdated ? `${state.status} (${humanDuration(now - state.lastUpdated.getTime())})` : state.status;
}

/** The default table: NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES (`4 (CDS,LDS,EDS,RDS)`, or `0`). */
export function formatStatusTable(rows: readonly ProxyRow[]): string {
  const w = new TabWriter({ minwidth: 0, padding: 5 }).row('NAME', 'CLUSTER', 'ISTIOD', 'VERSION', 'SUBSCRIBED TYPES');
  for (const r of rows) {
    const types = orderTypes(r.types.keys());
    w.row(r.proxyId, r.clusterId, r.istiod, r.version, types.length === 0 ? '0' : `${types.length} (${types.map(shortType).join(',')})`);
  }
  return w.toString();
}

/** `-v 1`: one column per type seen, plus every core type and ECDS, in URL order. */
export function formatVerboseTable(rows: readonly ProxyRow[], now = Date.now()): string {
  const all = [...new Set([...rows.flatMap((r) => [...r.types.keys()]), ...CORE, ECDS])].sort();
  const w = new TabWriter({ minwidth: 0, padding: 5 }).row('NAME', 'CLUSTER', ...all.map(shortType), 'ISTIOD', 'VERSION');
  for (const r of rows) w.row(r.proxyId, r.clusterId, ...all.map((t) => cell(r.types.get(t), now)), r.istiod, r.version);
  return w.toString();
}

/**
 * `-o json|yaml`: per istiod, the DiscoveryResponse its xDS `istio.io/debug/syncz` answers — one
 * ClientConfig per proxy with node metadata and the per-type config status — built from the
 * same facts, filtered by -n on the proxy's namespace.
 */
export function discoveryResponses(responses: readonly IstiodSyncz[], namespace?: string): object[] {
  return responses.map((r) => ({
    resources: r.statuses
      .map((s) => ({ s, ns: (s.proxy ?? '').slice((s.proxy ?? '').lastIndexOf('.') + 1) }))
      .filter(({ ns }) => !namespace || ns === namespace)
      .map(({ s, ns }) => ({
        '@type': `${T}envoy.service.status.v3.ClientConfig`,
        node: { id: s.proxy ?? '', metadata: { CLUSTER_ID: s.cluster_id ?? '', ISTIO_VERSION: s.istio_version ?? '', NAMESPACE: ns } },
        genericXdsConfigs: orderTypes(typesOf(s).keys()).map((url) => {
          const st = typesOf(s).get(url)!;
          return { typeUrl: url, configStatus: st.status, ...(st.lastUpdated ? { lastUpdated: st.lastUpdated.toISOString().replace('.000Z', 'Z') } : {}) };
        }),
      })),
    typeUrl: 'istio.io/debug/syncz',
    controlPlane: { identifier: JSON.stringify({ Component: 'istiod', ID: r.istiod }) },
  }));
}
