/**
 * The rules describe and check-inject are built from, case by case: Istio's helper cases
 * (protocol per port, revision from annotations, the VirtualService behind a route in both
 * describe dumps), PeerAuthentication composition and VirtualService route verdicts.
 * Expected values are worked out from the rules by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { destinationRuleFor, rbacPolicies, virtualServiceFor } from '../../src/proxy/istio-refs.js';
import { convertProtocol, findPort, goQuote, podRevision, protocolForPort, protoText } from '../../src/describe/istio-facts.js';
import { composePeerAuthentication, matchingPolicies, type PeerAuthentication } from '../../src/describe/peer-authentication.js';
import { knameIn, renderVirtualService, type Service, type VirtualService } from '../../src/describe/render.js';
import type { Pod } from '../../src/kube/pods.js';
import { parseConfigDump } from '../../src/proxy/dump.js';

const DUMPS = join(import.meta.dirname, '..', 'proxy', 'fixtures', 'dumps');
const load = (file: string) => parseConfigDump(readFileSync(join(DUMPS, file), 'utf8'), { file });
const PRODUCTPAGE = { name: 'productpage', namespace: 'default' };

describe('protocol of a Service port', () => {
  it.each([
    [{ name: 'http', port: 9080, protocol: 'TCP' }, 'HTTP'],
    [{ name: 'GRPC-port', port: 9090, protocol: 'TCP' }, 'GRPC'],
    [{ appProtocol: 'HTTP', port: 80, protocol: 'TCP' }, 'HTTP'],
    [{ port: 80, protocol: 'TCP' }, 'auto-detect'],
    [{ port: 80, protocol: 'UDP' }, 'UDP'],
    [{ name: 'grpc-web-ui', port: 8080 }, 'GRPC-Web'],
    [{ name: 'db', port: 3306 }, 'TCP'],
    [{ name: 'web', port: 8080 }, 'UnsupportedProtocol'],
    [{ name: 'x', appProtocol: 'kubernetes.io/h2c', port: 8080 }, 'HTTP2'],
    [{ name: 'x', appProtocol: 'hbone', port: 15008 }, 'HBONE'],
  ])('%j is %s', (port, protocol) => {
    expect(protocolForPort(port)).toBe(protocol);
  });

  it('the gateway scheme comes from the same conversion', () => {
    expect(convertProtocol(80, 'http2', 'TCP', undefined)).toBe('HTTP2');
  });
});

describe('target pod port', () => {
  const pod = { metadata: { name: 'p', uid: 'u-1' }, spec: { containers: [{ name: 'a', ports: [{ name: 'web', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }] } } as unknown as Pod;
  it.each([
    [{ port: 80, targetPort: 9090 }, 9090],
    [{ port: 80 }, 80],
    [{ port: 80, targetPort: 'web' }, 8080],
    [{ port: 53, targetPort: 'dns', protocol: 'UDP' }, 53],
    [{ port: 53, targetPort: 'dns' }, { error: 'no suitable port for manifest: u-1' }],
  ])('%j targets %j', (port, want) => {
    expect(findPort(pod, port)).toEqual(want);
  });
});

describe('pod revision', () => {
  const pod = (annotations: Record<string, string>) => ({ metadata: { name: 'p', annotations } }) as unknown as Pod;
  it.each([
    [{ 'sidecar.istio.io/status': '' }, ''],
    [{}, ''],
    [{ 'sidecar.istio.io/status': '{"initContainers":["istio-init"],"containers":["istio-proxy"],"imagePullSecrets":null,"revision":"1-13-2"}' }, '1-13-2'],
    [{ 'istio.io/rev': 'canary', 'sidecar.istio.io/status': '{"revision":"default"}' }, 'canary'],
  ])('%j → %j', (annotations, want) => {
    expect(podRevision(pod(annotations))).toBe(want);
  });
});

describe('what the config dump says about productpage:9080', () => {
  it.each(['describe-http.json', 'describe-tls.json'])('%s: the route was built from VirtualService default/bookinfo', (file) => {
    expect(virtualServiceFor(load(file), PRODUCTPAGE, 9080)).toEqual({ name: 'bookinfo', namespace: 'default' });
  });

  it('a port with no route, or another Service, has none', () => {
    expect(virtualServiceFor(load('describe-http.json'), PRODUCTPAGE, 9081)).toBeUndefined();
    expect(virtualServiceFor(load('describe-http.json'), { name: 'reviews', namespace: 'default' }, 9080)).toBeUndefined();
  });

  it('the outbound cluster was built from DestinationRule default/productpage', () => {
    expect(destinationRuleFor(load('describe-http.json'), PRODUCTPAGE, 9080)).toEqual({ name: 'productpage', namespace: 'default' });
    expect(destinationRuleFor(load('describe-http.json'), PRODUCTPAGE, 9081)).toBeUndefined();
  });

  it('a dump without clusters or listeners is an error istioctl logs', () => {
    expect(() => destinationRuleFor(load('describe-tls.json'), PRODUCTPAGE, 9080)).toThrow('config dump has no configuration type type.googleapis.com/envoy.admin.v3.ClustersConfigDump');
    expect(() => rbacPolicies(load('describe-tls.json'), 9080)).toThrow('config dump has no configuration type type.googleapis.com/envoy.admin.v3.ListenersConfigDump');
    expect(rbacPolicies(load('describe-http.json'), 9080)).toEqual([]);
  });
});

describe('PeerAuthentication composition', () => {
  let t = 0;
  const pa = (namespace: string, name: string, spec: PeerAuthentication['spec']): PeerAuthentication => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { namespace, name, creationTimestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, t++)).toISOString() },
    spec,
  });
  const root = 'istio-system';

  it('no policy: PERMISSIVE', () => {
    expect(composePeerAuthentication(root, [])).toEqual({ mode: 'PERMISSIVE' });
  });

  it('mesh, then namespace, then workload; UNSET inherits', () => {
    const mesh = pa(root, 'mesh', { mtls: { mode: 'STRICT' } });
    const ns = pa('app', 'ns', { mtls: { mode: 'DISABLE' } });
    const unset = pa('app', 'wl', { selector: { matchLabels: { app: 'a' } }, mtls: { mode: 'UNSET' }, portLevelMtls: { '8080': { mode: 'STRICT' }, '9090': {} } });
    expect(composePeerAuthentication(root, [mesh])).toEqual({ mode: 'STRICT' });
    expect(composePeerAuthentication(root, [mesh, ns])).toEqual({ mode: 'DISABLE' });
    expect(composePeerAuthentication(root, [mesh, ns, unset])).toEqual({ mode: 'DISABLE', perPort: new Map([[8080, 'STRICT'], [9090, 'DISABLE']]) });
  });

  it('the oldest policy of a level wins; a selector in the root namespace is not a workload policy', () => {
    const older = pa('app', 'older', { mtls: { mode: 'STRICT' } });
    const newer = pa('app', 'newer', { mtls: { mode: 'PERMISSIVE' } });
    const rootSelector = pa(root, 'root-selector', { selector: { matchLabels: { app: 'a' } }, mtls: { mode: 'DISABLE' } });
    expect(composePeerAuthentication(root, [newer, older]).mode).toBe('STRICT');
    expect(composePeerAuthentication(root, [rootSelector]).mode).toBe('PERMISSIVE');
  });

  it('policies apply when their selector matches the pod (no selector: every pod)', () => {
    const all = pa('app', 'all', {});
    const a = pa('app', 'a', { selector: { matchLabels: { app: 'a' } } });
    const b = pa('app', 'b', { selector: { matchLabels: { app: 'b' } } });
    expect(matchingPolicies([all, a, b], { app: 'a' }).map((p) => p.metadata.name)).toEqual(['all', 'a']);
  });
});

describe('VirtualService verdicts', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'default' } } as Service;
  const vs = (spec: VirtualService['spec']) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'default' }, spec }) as VirtualService;
  const kname = knameIn('default');
  const render = (spec: VirtualService['spec'], matching: string[], nonMatching: string[], withDr = true) =>
    renderVirtualService({ vs: vs(spec), svc, matching, nonMatching, dr: withDr ? ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'default' } } as never) : undefined, kname }, 0);

  // "Match: " plus " when headers are ...": Go trims only the ends, so two spaces stay.
  it('routes only to subsets the pod is not in', () => {
    const spec = { http: [{ match: [{ headers: { end_user: { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] }, { route: [{ destination: { host: 'reviews', subset: 'v3' } }] }] };
    expect(render(spec, ['v1'], ['v2', 'v3'])).toBe(
      'VirtualService: reviews\n   WARNING: No destinations match pod subsets (checked 2 HTTP routes)\n      Route to non-matching subset v2 for (Match:  when headers are end_user=jason)\n      Route to non-matching subset v3 for (everything)\n',
    );
  });

  it('an unknown subset, with and without a DestinationRule', () => {
    const spec = { http: [{ route: [{ destination: { host: 'reviews.default.svc.cluster.local', subset: 'v9' } }] }] };
    expect(render(spec, ['v1'], [])).toBe('VirtualService: reviews\n   WARNING: No destinations match pod subsets (checked 1 HTTP routes)\n      Warning: Route to UNKNOWN subset v9; check DestinationRule reviews\n');
    expect(render(spec, [], [], false)).toBe('VirtualService: reviews\n   WARNING: No destinations match pod subsets (checked 1 HTTP routes)\n      Warning: Route to subset v9 but NO DESTINATION RULE defining subsets!\n');
  });

  it('one route of several reaches the pod', () => {
    const spec = { http: [{ match: [{ uri: { prefix: '/api' }, ignoreUriCase: true }], route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 }] }, { route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] };
    expect(render(spec, ['v1'], ['v2'])).toBe('VirtualService: reviews\n   Route to host "reviews" subset "v1" with weight 100%\n   Match: /api* uncased\n   1 additional destination(s) that will not reach this pod\n');
  });

  it('TCP routes: matched without facts prints the count', () => {
    expect(render({ tcp: [{ route: [{ destination: { host: 'reviews' } }] }] }, [], [])).toBe('VirtualService: reviews\n   1 TCP route(s)\n');
    expect(render({ tcp: [{ match: [{ port: 27017 }], route: [{ destination: { host: 'reviews' } }] }] }, [], [])).toBe('VirtualService: reviews\n   port:27017\n');
  });

  it('fault injection prints the fault in protobuf text form', () => {
    expect(protoText({ delay: { fixedDelay: '7s', percentage: { value: 100 } } })).toBe('delay:{fixed_delay:{seconds:7} percentage:{value:100}}');
    expect(goQuote('a"b\n')).toBe('"a\\"b\\n"');
  });
});
