/**
 * `proxy-status <pod>`: the pod's Envoy configuration (its admin `config_dump`, or --file) against
 * what istiod would send it (istiod's `/debug/config_dump?proxyID=<pod>.<ns>`, from the first
 * istiod the proxy is connected to), section by section as istioctl's compare package does:
 * the dynamic clusters, listeners and route configurations as istioctl's config-dump wrapper
 * strips and sorts them (../proxy/dump.ts), each side printed by jsonpb with a 4-space indent
 * (../proxy/print/structured.ts), compared line by line — `Clusters Match`, or `Clusters Don't
 * Match` and a unified diff (context 7, `--- Istiod Clusters` / `+++ Envoy Clusters`). Routes
 * add when Envoy last loaded RDS. A side without the section shows istioctl's error text.
 */
import { DataError, UserError } from '../core/errors.js';
import { readInput } from '../core/input.js';
import type { Cluster } from '../kube/cluster.js';
import { istiodMonitoringPort } from '../kube/istio-pods.js';
import { podRequest } from '../kube/pod-http.js';
import { podTarget, resolvePod } from '../kube/pod-target.js';
import { readConfigDump } from '../proxy/admin.js';
import { parseConfigDump, type ConfigDump, type Obj } from '../proxy/dump.js';
import { toJsonWithIndent } from '../proxy/print/structured.js';
import { DecodeError } from '../proxy/proto/decode.js';
import { runningIstiods } from './syncz.js';
import { unifiedDiff } from './unified-diff.js';

export interface DiffQuery {
  podArg: string;
  namespace: string;
  istioNamespace: string;
  revision?: string;
  podSelector?: string;
  file?: string;
  adminPort: number;
  timeoutMs: number;
}

const SECTIONS: { title: string; message: string; part: (dump: ConfigDump) => Obj }[] = [
  { title: 'Clusters', message: 'envoy.admin.v3.ClustersConfigDump', part: (d) => d.dynamicClusterDump() },
  { title: 'Listeners', message: 'envoy.admin.v3.ListenersConfigDump', part: (d) => d.dynamicListenerDump() },
  { title: 'Routes', message: 'envoy.admin.v3.RoutesConfigDump', part: (d) => d.dynamicRouteDump() },
];

/** One side of a section as istioctl diffs it: the jsonpb text, or the error that stood in its way. */
function sideText(dump: ConfigDump, s: (typeof SECTIONS)[number], side: string): string {
  let part: Obj;
  try {
    part = s.part(dump);
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
  try {
    return toJsonWithIndent(s.message, part);
  } catch (err) {
    if (err instanceof DecodeError) throw new DataError(`${side} ${s.title.toLowerCase()}: not an Envoy ${s.message}: ${err.message}`);
    throw err;
  }
}

/** Go's time.RFC1123 in UTC: "Mon, 02 Jan 2006 15:04:05 UTC". */
function rfc1123(d: Date): string {
  return d.toUTCString().replace('GMT', 'UTC');
}

export function compareDumps(istiod: ConfigDump, envoy: ConfigDump): string {
  let out = '';
  for (const s of SECTIONS) {
    const text = unifiedDiff(sideText(istiod, s, 'istiod'), sideText(envoy, s, 'Envoy'), `Istiod ${s.title}`, `Envoy ${s.title}`, 7);
    let head = text ? `${s.title} Don't Match` : `${s.title} Match`;
    if (s.title === 'Routes') {
      const at = envoy.routesLastUpdated();
      if (at) head += ` (RDS last loaded at ${rfc1123(at)})`;
    }
    out += text ? `${head}\n${text}\n` : `${head}\n`;
  }
  return out;
}

export async function syncDiff(cluster: Cluster, q: DiffQuery): Promise<string> {
  const pod = await resolvePod(cluster.res, q.podArg, q.namespace);
  const id = `${pod.name}.${pod.namespace}`;
  if (pod.pod.metadata.labels?.app === 'ztunnel') return `Sync diff is not available for ztunnel pod ${id}.\n`;

  const envoy = q.file
    ? parseConfigDump((await readInput(q.file)).text, { file: q.file })
    : await readConfigDump(cluster, pod, q.adminPort, { timeoutMs: q.timeoutMs });

  // The first istiod the proxy is connected to answers; the others say so.
  for (const istiod of await runningIstiods(cluster, q)) {
    const res = await podRequest(cluster, podTarget(istiod), istiodMonitoringPort(istiod), `/debug/config_dump?proxyID=${encodeURIComponent(id)}`, { timeoutMs: q.timeoutMs });
    if (res.status !== 200) continue;
    return compareDumps(parseConfigDump(res.body, { istiod: istiod.metadata.name }), envoy);
  }
  throw new UserError(`unable to find config dump for proxy ${id} in any discovery instance`, { hint: 'Is the pod injected, and connected to an istiod of -i/--istioNamespace (and -r/--revision)? `sailctl proxy-status` lists the connected proxies.' });
}
