/** The pc printers on every real dump, against expectations derived by hand (expected.ts). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigDump } from '../../src/proxy/dump.js';
import { printBootstrapSummary } from '../../src/proxy/print/bootstrap.js';
import { printClusterSummary, filteredClusters } from '../../src/proxy/print/cluster.js';
import { printEcdsSummary } from '../../src/proxy/print/ecds.js';
import { printEdsSummary, filteredLoadAssignments } from '../../src/proxy/print/eds.js';
import { ClustersStatus, printEndpointSummary, filteredClusterStatuses } from '../../src/proxy/print/endpoint.js';
import { printListenerSummary, printWaypointListenerSummary } from '../../src/proxy/print/listener.js';
import { printRouteSummary } from '../../src/proxy/print/route.js';
import { printSecretSummary, rootCA } from '../../src/proxy/print/secret.js';
import { printFullSummary } from '../../src/proxy/print/all.js';
import { messageSlice, indentedMessage, ecdsDump, rawDump } from '../../src/proxy/print/structured.js';
import * as X from './expected.js';

const load = (file: string) => parseConfigDump(readFileSync(join(X.DUMPS, file), 'utf8'), { file });
const NOW = new Date('2025-01-01T00:00:00Z');

describe('tables for the real dumps', () => {
  it('cluster', () => {
    expect(printClusterSummary(load('sidecar-full.json'), {})).toBe(X.SIDECAR_CLUSTERS);
    expect(printClusterSummary(load('describe-http.json'), {})).toBe(X.DESCRIBE_HTTP_CLUSTERS);
  });

  it('cluster filters keep the rows whose names match (--fqdn substring, --port |N|, --direction, --subset)', () => {
    const lines = (f: Parameters<typeof printClusterSummary>[1]) => printClusterSummary(load('sidecar-full.json'), f).split('\n').slice(1, -1).map((l) => l.split(/\s+/)[0]);
    expect(lines({ fqdn: 'httpbin' })).toEqual(['httpbin.default.svc.cluster.local']);
    expect(lines({ port: 8000 })).toEqual(['httpbin.default.svc.cluster.local']);
    expect(lines({ port: 15020 })).toEqual([]);
    expect(lines({ direction: 'inbound' })).toEqual(['httpbin.default.svc.cluster.local']);
    expect(lines({ subset: 'stats' })).toEqual(['prometheus_stats']);
  });

  it('listener, verbose and not', () => {
    expect(printListenerSummary(load('sidecar-full.json'), { verbose: true })).toBe(X.SIDECAR_LISTENERS);
    expect(printListenerSummary(load('sidecar-full.json'), { verbose: false })).toBe(X.SIDECAR_LISTENERS_SHORT);
    expect(printListenerSummary(load('sidecar-full.json'), { verbose: false, port: 15021 })).toBe('ADDRESSES PORT  TYPE\n0.0.0.0   15021 HTTP\n');
    expect(printListenerSummary(load('sidecar-full.json'), { verbose: false, type: 'tcp' })).toBe('ADDRESSES PORT TYPE\n');
    expect(() => printListenerSummary(load('describe-http.json'), { verbose: true })).toThrow('no listeners found');
  });

  it('listener --waypoint: one row per path through the matcher tree (istioctl walks a Go map: rows compared in any order)', () => {
    const lines = printWaypointListenerSummary(load('sidecar-full.json')).split('\n');
    const rows = lines.slice(1, -1).map((l) => l.split(/ {2,}| (?=\S)/).length && l.replace(/ +/g, ' ').trim()).sort();
    const vip = (p: string) => `inbound-vip|${p}|http|httpbin.default.svc.cluster.local`;
    expect(lines[0]).toMatch(/^LISTENER +CHAIN +MATCH +DESTINATION$/);
    expect(rows).toEqual(
      [
        `envoy://main_internal inbound-vip|8000||httpbin.default.svc.cluster.local-http ip=10.104.171.68 -> port=8000 Cluster: ${vip('8000')}`,
        `envoy://main_internal inbound-vip|8100||httpbin.default.svc.cluster.local-http ip=10.104.171.68 -> port=8100 Cluster: ${vip('8100')}`,
        'envoy://main_internal direct-tcp ip=192.168.195.248 -> ANY Cluster: encap',
        "envoy://main_internal direct-http ip=192.168.195.248 -> application-protocol='h2c' Cluster: encap",
        "envoy://main_internal direct-http ip=192.168.195.248 -> application-protocol='http/1.1' Cluster: encap",
        'envoy:// ALL Inline Route: /healthz/ready*',
      ].sort(),
    );
  });

  it('route', () => {
    expect(printRouteSummary(load('sidecar-full.json'), { verbose: true })).toBe(X.SIDECAR_ROUTES);
    expect(printRouteSummary(load('routes-empty-gateway.json'), { verbose: true })).toBe(X.ROUTES_EMPTY_GATEWAY);
    expect(printRouteSummary(load('routes-empty-gateway.json'), { verbose: false })).toBe(X.ROUTES_EMPTY_GATEWAY_SHORT);
    expect(printRouteSummary(load('routes-istio-gateway-http-route-prefix.json'), { verbose: true })).toBe(X.ROUTES_ISTIO_GATEWAY);
    expect(printRouteSummary(load('routes-k8s-gateway-http-route-path-prefix.json'), { verbose: true })).toBe(X.ROUTES_K8S_GATEWAY);
    expect(printRouteSummary(load('describe-http.json'), { verbose: true })).toBe(X.DESCRIBE_HTTP_ROUTES);
    const tls = printRouteSummary(load('describe-tls.json'), { verbose: true });
    expect(tls.split('\n')[1]).toMatch(/^https\.443\.https\.bookinfo-gateway\.default {5}\*:443 {10}\* {11}\/productpage {10}bookinfo\.default$/);
    expect(printRouteSummary(load('routes-istio-gateway-http-route-prefix.json'), { verbose: true, name: 'http.8080' }).split('\n')).toHaveLength(3);
  });

  it('secret (clock pinned: VALID CERT depends on it)', () => {
    expect(printSecretSummary(load('secrets-istio.json'), { now: NOW })).toBe(X.SECRETS_ISTIO);
    expect(printSecretSummary(load('secrets-spire.json'), { now: NOW })).toBe(X.SECRETS_SPIRE);
    // Before the workload certificate expired it was valid.
    expect(printSecretSummary(load('secrets-istio.json'), { now: new Date('2023-05-15T12:00:00Z') })).toMatch(/^default {20}Cert Chain {5}ACTIVE {6}true /m);
  });

  it('bootstrap -o short', () => {
    expect(printBootstrapSummary(load('bootstrap-only.json'))).toBe(X.BOOTSTRAP_ONLY_SHORT);
    expect(printBootstrapSummary(load('sidecar-full.json'))).toBe(X.SIDECAR_BOOTSTRAP_SHORT);
  });

  it('ecds', () => {
    expect(printEcdsSummary(load('ecds.json'))).toBe(X.ECDS_SHORT);
  });

  it('all', () => {
    const { text, error } = printFullSummary(load('sidecar-full.json'), { cluster: {}, listener: { verbose: true }, route: { verbose: true }, endpoint: {}, now: NOW });
    expect(error).toBeUndefined();
    expect(text).toBe(X.SIDECAR_ALL);
  });

  it('eds: filtered rows, and every cluster with endpoints in (host, subset, port) order', () => {
    expect(printEdsSummary(load('endpoints.json'), { port: 53 })).toBe(X.EDS_PORT_53);
    // The full table: clusters without endpoints (BlackHoleCluster, inbound|9080||, ...) are left out.
    const dump = JSON.parse(readFileSync(join(X.DUMPS, 'endpoints.json'), 'utf8'));
    const section = dump.configs[0];
    const withEndpoints = [...section.dynamic_endpoint_configs, ...section.static_endpoint_configs]
      .map((e: { endpoint_config: { cluster_name: string; endpoints?: { lb_endpoints?: unknown[] }[] } }) => e.endpoint_config)
      .filter((c) => (c.endpoints ?? []).some((l) => (l.lb_endpoints ?? []).length > 0))
      .map((c) => c.cluster_name);
    const key = (n: string) => (n.split('|').length > 3 ? [n.split('|')[3]!, n.split('|')[2]!, Number(n.split('|')[1])] : [n, '', 0]);
    const expected = [...withEndpoints].sort((a, b) => {
      const [ha, sa, pa] = key(a) as [string, string, number];
      const [hb, sb, pb] = key(b) as [string, string, number];
      return ha !== hb ? (ha < hb ? -1 : 1) : sa !== sb ? (sa < sb ? -1 : 1) : pa - pb;
    });
    expect(filteredLoadAssignments(load('endpoints.json'), {}).map((c) => c.cluster_name)).toEqual(expected);
    const rows = [...section.dynamic_endpoint_configs, ...section.static_endpoint_configs].reduce(
      (n: number, e: { endpoint_config: { endpoints?: { lb_endpoints?: unknown[] }[] } }) => n + (e.endpoint_config.endpoints ?? []).reduce((m, l) => m + (l.lb_endpoints ?? []).length, 0),
      0,
    );
    // header + one row per endpoint + the empty string after the last newline
    expect(printEdsSummary(load('endpoints.json'), {}).split('\n')).toHaveLength(1 + rows + 1);
  });

  it('endpoint (admin /clusters)', () => {
    const status = new ClustersStatus(JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'clusters.json'), 'utf8')));
    expect(printEndpointSummary(status, {})).toBe(X.ENDPOINTS);
    expect(printEndpointSummary(status, { status: 'unhealthy' }).split('\n')[1]).toMatch(/^10\.244\.0\.3:53 /);
    expect(filteredClusterStatuses(status, { address: '10.244.0.193' }).map((c) => c.name)).toEqual([
      'outbound|9080||reviews.default.svc.cluster.local',
      'outbound|9080|v2|reviews.default.svc.cluster.local',
    ]);
    expect(messageSlice('envoy.admin.v3.ClusterStatus', filteredClusterStatuses(status, { cluster: 'SDS-GRPC' }), 'json')).toBe(X.ENDPOINTS_SDS_JSON);
  });

  it('rootca-compare reads the ROOTCA trusted CA', () => {
    expect(rootCA(load('secrets-istio.json'))).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(() => rootCA(load('secrets-spire.json'))).toThrow('can not retrieve inlineBytes');
    expect(() => rootCA(load('bootstrap-only.json'))).toThrow("sidecar doesn't support secrets");
  });
});

describe('-o json and yaml', () => {
  it('clusters re-marshalled by jsonpb and re-indented by encoding/json, and as YAML', () => {
    const agent = filteredClusters(load('sidecar-full.json'), { fqdn: 'agent' });
    expect(messageSlice('envoy.config.cluster.v3.Cluster', agent, 'json')).toBe(X.AGENT_CLUSTER_JSON);
    expect(messageSlice('envoy.config.cluster.v3.Cluster', agent, 'yaml')).toBe(X.AGENT_CLUSTER_YAML);
    expect(messageSlice('envoy.config.cluster.v3.Cluster', [], 'json')).toBe('[]\n');
  });

  it("bootstrap with jsonpb's own indent (and its Struct quirk)", () => {
    expect(indentedMessage('envoy.admin.v3.BootstrapConfigDump', load('bootstrap-only.json').bootstrapSection(), 'json')).toBe(X.BOOTSTRAP_ONLY_JSON);
  });

  it('every dump renders in every format without losing a resource', () => {
    for (const file of readdirSync(X.DUMPS).filter((f) => f.endsWith('.json'))) {
      const dump = load(file);
      for (const format of ['json', 'yaml'] as const) {
        expect(rawDump(dump, format).length).toBeGreaterThan(10);
        const sections = dump.configs.map((c) => String(c['@type']));
        if (sections.some((s) => s.endsWith('EcdsConfigDump'))) {
          const out = ecdsDump(dump, 'json');
          expect(JSON.parse(out).ecdsFilters).toHaveLength(dump.ecdsFilters().length);
        }
        if (sections.some((s) => s.endsWith('RoutesConfigDump'))) {
          const routes = JSON.parse(messageSlice('envoy.config.route.v3.RouteConfiguration', dump.routes(), 'json'));
          expect(routes).toHaveLength(dump.routes().length);
        }
      }
    }
  });

  it('HTML characters are escaped as encoding/json does, and 64-bit integers are strings', () => {
    const route = { name: 'r<&>', virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'c', max_grpc_timeout: '1.500s' } }], request_headers_to_add: [] }], max_direct_response_body_size_bytes: 5 };
    const out = messageSlice('envoy.config.route.v3.RouteConfiguration', [route], 'json');
    expect(out).toContain('"name": "r\\u003c\\u0026\\u003e"');
    expect(out).toContain('"maxGrpcTimeout": "1.500s"');
    expect(out).toContain('"maxDirectResponseBodySizeBytes": 5');
    expect(out).not.toContain('requestHeadersToAdd');
    const cluster = { name: 'c', circuit_breakers: { thresholds: [{ max_connections: 4294967295 }] }, per_connection_buffer_limit_bytes: 0, ignore_health_on_host_removal: false, dns_refresh_rate: '5s' };
    const c = JSON.parse(messageSlice('envoy.config.cluster.v3.Cluster', [cluster], 'json'))[0];
    // A wrapper keeps its zero; a plain bool false is a default and disappears.
    expect(c).toEqual({ name: 'c', dnsRefreshRate: '5s', perConnectionBufferLimitBytes: 0, circuitBreakers: { thresholds: [{ maxConnections: 4294967295 }] } });
  });
});
