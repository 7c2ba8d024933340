/** `pc all`: every section's table, each name prefixed with its kind (istioctl's PrintFullSummary). */
import type { ConfigDump } from '../dump.js';
import { printBootstrapSummary } from './bootstrap.js';
import { printClusterSummary, type ClusterFilter } from './cluster.js';
import { printEdsSummary, type EndpointFilter } from './eds.js';
import { printListenerSummary, type ListenerFilter } from './listener.js';
import { printRouteSummary, type RouteFilter } from './route.js';
import { printSecretSummary } from './secret.js';

export interface AllFilters {
  cluster: ClusterFilter;
  listener: ListenerFilter;
  route: RouteFilter;
  endpoint: EndpointFilter;
  withHeaders?: boolean;
  now?: Date;
}

/**
 * Sections in istioctl's order, separated by blank lines. Each is rendered before anything is
 * returned, so a failing section (no clusters, say) fails the command as istioctl's does; the
 * text printed before the failure is returned with the error.
 */
export function printFullSummary(dump: ConfigDump, f: AllFilters): { text: string; error?: unknown } {
  const opts = { includeConfigType: true, now: f.now };
  const sections: [string, () => string][] = [
    ['BOOTSTRAP', () => printBootstrapSummary(dump)],
    ['CLUSTER', () => printClusterSummary(dump, f.cluster, opts)],
    ['LISTENER', () => printListenerSummary(dump, f.listener, opts)],
    ['ROUTE', () => printRouteSummary(dump, f.route, opts)],
    ['SECRET', () => printSecretSummary(dump, opts)],
    ['ENDPOINT', () => printEdsSummary(dump, f.endpoint, opts)],
  ];
  let text = '';
  for (const [i, [title, render]] of sections.entries()) {
    if (i > 0) text += '\n';
    if (f.withHeaders) text += `------ ${title} INFO ------\n`;
    try {
      text += render();
    } catch (error) {
      return { text, error };
    }
  }
  return { text };
}
