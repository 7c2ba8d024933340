/**
 * `proxy-status <pod>`: the pod's Envoy configuration (its admin `config_dump`, or --file) against
 * what istiod would send it (istiod's `/debug/config_dump?proxyID=<pod>.<ns>`, from the first
 * istiod the proxy is connected to), section by section as istioctl's compare package does:
 * dynamic active clusters, dynamic listeners and dynamic route configurations, each list sorted
 * by name and stripped of version_info and last_updated, printed with a 4-space indent and
 * compared line by line — `Clusters Match`, or `Clusters Don't Match` and a unified diff (context
 * 7, `--- Istiod Clusters` / `+++ Envoy Clusters`). Routes add when Envoy last loaded RDS.
 * Field names are compared in one spelling (lowerCamel, as jsonpb prints them) whichever one
 * each dump uses.
 */
import { readFile } from 'node:fs/promises';
import { DataError, UserError } from '../core/errors.js';
import type { Cluster } from '../kube/cluster.js';
import { podRequest } from '../kube/pod-http.js';
import { DASHBOARDS } from '../dashboard/dashboards.js';
import { findDashboardPod } from '../dashboard/pod-finder.js';
import { monitoringPort, runningIstiods } from './syncz.js';
import { unifiedDiff } from './unified-diff.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

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

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';
const SECTIONS = [
  { title: 'Clusters', type: `${ADMIN}ClustersConfigDump`, list: 'dynamicActiveClusters', item: 'cluster' },
  { title: 'Listeners', type: `${ADMIN}ListenersConfigDump`, list: 'dynamicListeners', item: 'activeState' },
  { title: 'Routes', type: `${ADMIN}RoutesConfigDump`, list: 'dynamicRouteConfigs', item: 'routeConfig' },
] as const;

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Every key in lowerCamel (both dumps compared in one spelling; @type kept). */
function camelKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) out[k.startsWith('@') ? k : camel(k)] = camelKeys(x);
  return out;
}

function parseDump(text: string, what: string): Obj {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new DataError(`${what}: not a JSON config dump: ${(err as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || !Array.isArray((v as Obj).configs)) throw new DataError(`${what}: not an Envoy config dump (no "configs" list)`);
  return camelKeys(v as Json) as Obj;
}

function section(dump: Obj, type: string): Obj | undefined {
  return ((dump.configs ?? []) as Obj[]).filter((c) => c['@type'] === type).pop();
}

function nameOf(entry: Obj, item: string): string {
  const inner = entry[item] as Obj | undefined;
  const named = item === 'activeState' ? (inner?.listener as Obj | undefined) : inner;
  return String(named?.name ?? entry.name ?? '');
}

/** The dynamic list of a section, sorted by name, without versions and load times. */
function dynamicPart(dump: Obj, s: (typeof SECTIONS)[number]): Obj {
  const list = ((section(dump, s.type)?.[s.list] ?? []) as Obj[]).map((e) => {
    const { versionInfo: _v, lastUpdated: _l, ...rest } = e;
    if (s.item === 'activeState' && rest.activeState && typeof rest.activeState === 'object') {
      const { versionInfo: _av, lastUpdated: _al, ...state } = rest.activeState as Obj;
      rest.activeState = state;
    }
    return rest;
  });
  list.sort((a, b) => (nameOf(a, s.item) < nameOf(b, s.item) ? -1 : nameOf(a, s.item) > nameOf(b, s.item) ? 1 : 0));
  return { [s.list]: list };
}

/** When Envoy last loaded routes: the newest last_updated of its dynamic route configs. */
function routesLoadedAt(envoy: Obj): Date | undefined {
  const times = ((section(envoy, SECTIONS[2].type)?.dynamicRouteConfigs ?? []) as Obj[]).map((r) => Date.parse(String(r.lastUpdated ?? ''))).filter((t) => !Number.isNaN(t));
  return times.length > 0 ? new Date(Math.max(...times)) : undefined;
}

/** Go's time.RFC1123 in UTC: "Mon, 02 Jan 2006 15:04:05 UTC". */
function rfc1123(d: Date): string {
  return d.toUTCString().replace('GMT', 'UTC');
}

export function compareDumps(istiod: Obj, envoy: Obj): string {
  let out = '';
  for (const s of SECTIONS) {
    const a = JSON.stringify(dynamicPart(istiod, s), null, 4);
    const b = JSON.stringify(dynamicPart(envoy, s), null, 4);
    const text = unifiedDiff(a, b, `Istiod ${s.title}`, `Envoy ${s.title}`, 7);
    let head = text ? `${s.title} Don't Match` : `${s.title} Match`;
    if (s.title === 'Routes') {
      const at = routesLoadedAt(envoy);
      if (at) head += ` (RDS last loaded at ${rfc1123(at)})`;
    }
    out += text ? `${head}\n${text}\n` : `${head}\n`;
  }
  return out;
}

export async function syncDiff(cluster: Cluster, q: DiffQuery): Promise<string> {
  const pod = await findDashboardPod(cluster.res, DASHBOARDS.proxy, { podArg: q.podArg, istioNamespace: q.istioNamespace, namespace: q.namespace });
  const id = `${pod.name}.${pod.namespace}`;
  if (pod.pod.metadata.labels?.app === 'ztunnel') return `Sync diff is not available for ztunnel pod ${id}.\n`;

  let envoyText: string;
  if (q.file) {
    envoyText = q.file === '-' ? await readStdin() : await readFile(q.file, 'utf8').catch((err: Error) => Promise.reject(new DataError(`${q.file}: ${err.message}`)));
  } else {
    const res = await podRequest(cluster, pod, q.adminPort, '/config_dump', { timeoutMs: q.timeoutMs });
    if (res.status !== 200) throw new UserError(`unexpected status code: ${res.status}`);
    envoyText = res.body;
  }
  const envoy = parseDump(envoyText, q.file ?? `config_dump of ${id}`);

  // The first istiod the proxy is connected to answers; the others say so.
  for (const istiod of await runningIstiods(cluster, q)) {
    const target = { namespace: istiod.metadata.namespace!, name: istiod.metadata.name, pod: istiod };
    const res = await podRequest(cluster, target, monitoringPort(istiod), `/debug/config_dump?proxyID=${encodeURIComponent(id)}`, { timeoutMs: q.timeoutMs });
    if (res.status !== 200) continue;
    return compareDumps(parseDump(res.body, `istiod ${istiod.metadata.name} config_dump of ${id}`), envoy);
  }
  throw new UserError(`unable to find config dump for proxy ${id} in any discovery instance`, { hint: 'Is the pod injected, and connected to an istiod of -i/--istioNamespace (and -r/--revision)? `sailctl proxy-status` lists the connected proxies.' });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
