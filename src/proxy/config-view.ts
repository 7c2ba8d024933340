/**
 * `proxy-config <type>`: an admin response (read from a file or from the pod) parsed as the
 * type needs it, then rendered as the type's table or as JSON/YAML, with the flags' filters.
 * Offline reads come through here too, so this never loads the Kubernetes client; each type's
 * printer is loaded only when asked for.
 */
import { UsageError, UserError } from '../core/errors.js';
import { parseConfigDump, parseJson, type ConfigDump, type DumpSource } from './dump.js';
import type { AllFilters } from './print/all.js';
import type { ClustersStatus } from './print/endpoint.js';

export type ProxyConfigType = 'cluster' | 'listener' | 'route' | 'endpoint' | 'eds' | 'secret' | 'bootstrap' | 'ecds' | 'all';
export type ProxyConfigFormat = 'short' | 'json' | 'yaml';

/** Each type's filter (as `pc all` takes them all), and listener's --waypoint. */
export interface ProxyConfigQuery extends AllFilters {
  waypoint?: boolean;
}

/** `endpoint` reads Envoy's /clusters answer; every other type a config dump. */
export type ProxyConfigData = { type: 'endpoint'; status: ClustersStatus } | { type: Exclude<ProxyConfigType, 'endpoint'>; dump: ConfigDump };

export async function parseProxyConfig(type: ProxyConfigType, text: string, source: DumpSource): Promise<ProxyConfigData> {
  if (type === 'endpoint') {
    const { ClustersStatus } = await import('./print/endpoint.js');
    return { type, status: new ClustersStatus(parseJson(text, source, 'clusters response')) };
  }
  return { type, dump: parseConfigDump(text, source) };
}

/**
 * The text to print. `pc all` renders its sections in order; when one fails, the text before
 * it comes back with the error (istioctl prints it, then fails).
 */
export async function renderProxyConfig(data: ProxyConfigData, q: ProxyConfigQuery, format: ProxyConfigFormat): Promise<{ text: string; error?: unknown }> {
  const structured = format === 'short' ? undefined : await import('./print/structured.js');
  if (data.type === 'endpoint') {
    const m = await import('./print/endpoint.js');
    if (!structured) return { text: m.printEndpointSummary(data.status, q.endpoint) };
    return { text: structured.messageSlice('envoy.admin.v3.ClusterStatus', m.filteredClusterStatuses(data.status, q.endpoint), format as 'json') };
  }
  const { dump } = data;
  switch (data.type) {
    case 'cluster': {
      const m = await import('./print/cluster.js');
      if (!structured) return { text: m.printClusterSummary(dump, q.cluster) };
      return { text: structured.messageSlice('envoy.config.cluster.v3.Cluster', m.filteredClusters(dump, q.cluster), format as 'json') };
    }
    case 'listener': {
      const m = await import('./print/listener.js');
      if (q.waypoint) return { text: m.printWaypointListenerSummary(dump) };
      if (!structured) return { text: m.printListenerSummary(dump, q.listener) };
      return { text: structured.messageSlice('envoy.config.listener.v3.Listener', m.sortedListeners(dump, q.listener), format as 'json') };
    }
    case 'route': {
      const m = await import('./print/route.js');
      if (!structured) return { text: m.printRouteSummary(dump, q.route) };
      return { text: structured.messageSlice('envoy.config.route.v3.RouteConfiguration', m.filteredRoutes(dump, q.route), format as 'json') };
    }
    case 'eds': {
      const m = await import('./print/eds.js');
      if (!structured) return { text: m.printEdsSummary(dump, q.endpoint) };
      return { text: structured.messageSlice('envoy.config.endpoint.v3.ClusterLoadAssignment', m.filteredLoadAssignments(dump, q.endpoint), format as 'json') };
    }
    case 'secret': {
      if (!structured) return { text: (await import('./print/secret.js')).printSecretSummary(dump, { now: q.now }) };
      let section;
      try {
        section = dump.secretsSection();
      } catch (err) {
        throw new UserError(`sidecar doesn't support secrets: ${(err as Error).message}`);
      }
      return { text: structured.indentedMessage('envoy.admin.v3.SecretsConfigDump', section, format as 'json') };
    }
    case 'bootstrap': {
      if (!structured) return { text: (await import('./print/bootstrap.js')).printBootstrapSummary(dump) };
      return { text: structured.indentedMessage('envoy.admin.v3.BootstrapConfigDump', dump.bootstrapSection(), format as 'json') };
    }
    case 'ecds': {
      if (!structured) return { text: (await import('./print/ecds.js')).printEcdsSummary(dump) };
      return { text: structured.ecdsDump(dump, format as 'json') };
    }
    case 'all': {
      if (structured) return { text: structured.rawDump(dump, format as 'json') };
      return (await import('./print/all.js')).printFullSummary(dump, q);
    }
    default:
      throw new UsageError(`unknown proxy-config type "${(data as { type: string }).type}"`);
  }
}
