/**
 * Prometheus metrics merge (injection.md §2.7): the app's scrape annotations move into the
 * proxy's ISTIO_PROMETHEUS_ANNOTATIONS and the pod is pointed at the agent's merged endpoint.
 */
import { parseGoBool } from './annotations.js';

const RESERVED_PORTS = new Set([15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090]);
const sanitize = (key: string): string => key.replace(/[^a-zA-Z0-9]/g, '_');

const SCRAPE_KEYS = ['prometheus_io_scrape', 'prometheus_io_path', 'prometheus_io_port'];

/** Removes every spelling of the scrape, path and port annotations (in place). */
export function clearPrometheusAnnotations(annotations: Record<string, string>): void {
  for (const k of Object.keys(annotations)) if (SCRAPE_KEYS.includes(sanitize(k))) delete annotations[k];
}

export interface PrometheusMergeResult {
  /** Annotations after the merge (a new object). */
  annotations: Record<string, string>;
  /** Value for ISTIO_PROMETHEUS_ANNOTATIONS, if anything was scraped before. */
  env?: string;
}

/** Returns undefined when the merge does not apply; throws Error(message) on a bad target. */
export function mergePrometheus(annotations: Record<string, string>, statusPort: number, meshEnabled: boolean): PrometheusMergeResult | undefined {
  const scrapeKeys = Object.keys(annotations).filter((k) => sanitize(k) === 'prometheus_io_scrape');
  if (scrapeKeys.some((k) => parseGoBool(annotations[k]) === false)) return undefined;
  const enabled = parseGoBool(annotations['prometheus.istio.io/merge-metrics']) ?? meshEnabled;
  if (!enabled) return undefined;
  if (annotations['prometheus.io/port'] === String(statusPort)) return undefined;

  const find = (name: string): string | undefined => {
    const key = Object.keys(annotations).find((k) => sanitize(k) === sanitize(name));
    return key === undefined ? undefined : annotations[key];
  };
  const scrape = find('prometheus.io/scrape');
  let path = find('prometheus.io/path');
  let port = find('prometheus.io/port');
  const targetsText = annotations['prometheus.istio.io/scrape-targets'];
  const targets: { port: string; path: string }[] = [];
  if (targetsText) {
    for (const item of targetsText.split(',')) {
      const trimmed = item.trim();
      if (trimmed === '') continue;
      const colon = trimmed.indexOf(':');
      targets.push({ port: colon < 0 ? trimmed : trimmed.slice(0, colon), path: colon < 0 ? '/metrics' : trimmed.slice(colon + 1) || '/metrics' });
    }
    if (targets[0]) {
      port ??= targets[0].port;
      path ??= targets[0].path;
    }
  }
  for (const p of [port, ...targets.map((t) => t.port)]) {
    if (p === undefined || p === '') continue;
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 1 || n > 65535) throw new Error(`invalid Prometheus scrape port '${p}': must be a number between 1 and 65535`);
    if (n === statusPort) throw new Error(`invalid Prometheus scrape port '${p}': it is the proxy status port`);
    if (RESERVED_PORTS.has(n)) throw new Error(`invalid Prometheus scrape port '${p}': ${n} is reserved by Istio`);
  }
  const merged: Record<string, unknown> = {};
  if (scrape !== undefined) merged.scrape = scrape;
  if (path !== undefined) merged.path = path;
  if (port !== undefined) merged.port = port;
  if (targets.length > 0) merged.targets = targets;

  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) {
    const s = sanitize(k);
    if (['prometheus_io_scrape', 'prometheus_io_path', 'prometheus_io_port', 'prometheus_istio_io_scrape_targets'].includes(s)) continue;
    out[k] = v;
  }
  out['prometheus.io/port'] = String(statusPort);
  out['prometheus.io/path'] = '/stats/prometheus';
  out['prometheus.io/scrape'] = 'true';
  return { annotations: out, env: Object.keys(merged).length > 0 ? JSON.stringify(merged) : undefined };
}
