/**
 * A stand-in for a pod's Envoy admin API (port 15000), serving a real config dump with Envoy's
 * documented query semantics, so tests check what sailctl asks for as well as what it prints:
 *  - GET /config_dump: `include_eds` adds the EndpointsConfigDump (absent otherwise);
 *    `mask=a,b` keeps only those fields (and @type) of every section; `resource=x` returns the
 *    elements of field x of each section as configs of their own;
 *  - GET /clusters?format=json (and plain /clusters as text);
 *  - POST /logging[?level=x | ?<logger>=x] changes levels and answers the logger list; GET on
 *    it is refused, as Envoy refuses GETs on mutating endpoints;
 *  - every request is recorded as `METHOD /path?query`.
 * The emulator's port-forward reaches it through the pod annotation kube-emulator/forward-<port>.
 */
import http from 'node:http';
import type net from 'node:net';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export interface FakeEnvoyAdminOptions {
  /** The full config dump (with EDS), as Envoy would print it. */
  dump: string;
  /** The /clusters?format=json response. */
  clusters?: string;
  /** Envoy's /logging answer: `active loggers:` then `  <name>: <level>` lines. */
  logging?: string;
}

export interface FakeEnvoyAdmin {
  port: number;
  /** `GET /config_dump?mask=...`, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** The message type of each repeated resource field, for `?resource=`. */
const RESOURCE_TYPES: Record<string, string> = {
  static_clusters: 'ClustersConfigDump.StaticCluster',
  dynamic_active_clusters: 'ClustersConfigDump.DynamicCluster',
  dynamic_warming_clusters: 'ClustersConfigDump.DynamicCluster',
  static_listeners: 'ListenersConfigDump.StaticListener',
  dynamic_listeners: 'ListenersConfigDump.DynamicListener',
  static_route_configs: 'RoutesConfigDump.StaticRouteConfig',
  dynamic_route_configs: 'RoutesConfigDump.DynamicRouteConfig',
  static_secrets: 'SecretsConfigDump.StaticSecret',
  dynamic_active_secrets: 'SecretsConfigDump.DynamicSecret',
  dynamic_warming_secrets: 'SecretsConfigDump.DynamicSecret',
  static_endpoint_configs: 'EndpointsConfigDump.StaticEndpointConfig',
  dynamic_endpoint_configs: 'EndpointsConfigDump.DynamicEndpointConfig',
  ecds_filters: 'EcdsConfigDump.EcdsFilterConfig',
};

const EDS = 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump';
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function configDump(raw: string, query: URLSearchParams): { status: number; body: string } {
  const includeEds = query.has('include_eds');
  const mask = query.get('mask');
  const resource = query.get('resource');
  if (includeEds && !mask && !resource) return { status: 200, body: raw };
  const dump = JSON.parse(raw) as { configs?: Obj[] };
  let configs = (dump.configs ?? []).filter((c) => includeEds || c['@type'] !== EDS);
  if (resource) {
    configs = configs.flatMap((c) =>
      Object.entries(c)
        .filter(([k]) => snake(k) === resource && RESOURCE_TYPES[resource])
        .flatMap(([, v]) => (Array.isArray(v) ? v : []).map((item) => ({ '@type': `type.googleapis.com/envoy.admin.v3.${RESOURCE_TYPES[resource]}`, ...(item as Obj) }))),
    );
    if (configs.length === 0) return { status: 404, body: `no resource matched '${resource}'\n` };
  }
  if (mask) {
    const fields = new Set(mask.split(','));
    configs = configs.map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => k === '@type' || fields.has(snake(k)))));
  }
  return { status: 200, body: JSON.stringify({ configs }, null, 2) + '\n' };
}

function parseLoggers(text: string): Map<string, string> {
  const loggers = new Map<string, string>();
  for (const m of text.matchAll(/^\s+([\w.-]+): (\w+)$/gm)) loggers.set(m[1]!, m[2]!);
  return loggers;
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warning', 'warn', 'error', 'critical', 'off']);

export async function startFakeEnvoyAdmin(options: FakeEnvoyAdminOptions): Promise<FakeEnvoyAdmin> {
  const requests: string[] = [];
  const loggers = parseLoggers(options.logging ?? 'active loggers:\n  admin: warning\n  http: warning\n  upstream: warning\n');
  const listLoggers = () => `active loggers:\n${[...loggers].map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`;
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://envoy');
    const send = (status: number, body: string, type = 'text/plain') => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    req.resume();
    req.on('end', () => {
      switch (url.pathname) {
        case '/config_dump': {
          if (req.method !== 'GET') return send(405, 'method not allowed\n');
          const r = configDump(options.dump, url.searchParams);
          return send(r.status, r.body, 'application/json');
        }
        case '/clusters':
          if (!options.clusters) return send(404, 'no clusters\n');
          if (url.searchParams.get('format') === 'json') return send(200, options.clusters, 'application/json');
          return send(200, (JSON.parse(options.clusters) as { cluster_statuses?: { name: string }[] }).cluster_statuses?.map((c) => `${c.name}::added_via_api::true\n`).join('') ?? '');
        case '/logging': {
          if (req.method !== 'POST') return send(400, 'This endpoint requires POST\n');
          for (const [name, level] of url.searchParams) {
            if (!LEVELS.has(level)) return send(400, `error: unknown logger level\n`);
            const v = level === 'warn' ? 'warning' : level;
            if (name === 'level') for (const k of loggers.keys()) loggers.set(k, v);
            else if (loggers.has(name)) loggers.set(name, v);
            else return send(400, `error: unknown logger name\n`);
          }
          return send(200, listLoggers());
        }
        default:
          return send(404, 'invalid path\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
