/**
 * `sailctl x describe pod|service` against the emulator: the Istio CRDs and the `istio` mesh
 * ConfigMap come from sailctl's own `manifest generate`, the case objects are applied with the
 * real kubectl, and each proxy's admin port is a fake Envoy admin (test/helpers) serving a real
 * sidecar or gateway dump through the API server's port-forward.
 *
 * Every expected text is worked out by hand from istioctl's rules (proxy-debugging.md §2.3 and
 * describe's line formats), never by running sailctl. The first two cases are Istio's own
 * describe cases (productpage, its DestinationRule with and without a traffic policy, the
 * weighted VirtualService); unlike Istio's mock client, a real API server defaults the Service
 * port's protocol to TCP, so the `Port:` line istioctl prints on a cluster is expected too.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';
import { startFakeEnvoyAdmin, type FakeEnvoyAdmin } from '../helpers/fake-envoy-admin.js';
import type { Obj } from '../kube-emulator/index.js';

const DUMPS = join(import.meta.dirname, '..', 'proxy', 'fixtures', 'dumps');
const HTTP_DUMP = readFileSync(join(DUMPS, 'describe-http.json'), 'utf8');
const TLS_DUMP = readFileSync(join(DUMPS, 'describe-tls.json'), 'utf8');

/** A dump written for these tests in the shape Envoy prints (the real ones carry no RBAC filter). */
const RATINGS_DUMP = JSON.stringify({
  configs: [
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      dynamic_active_clusters: [
        {
          cluster: {
            '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
            name: 'outbound|9080||ratings.default.svc.cluster.local',
            type: 'EDS',
            metadata: { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/default/destination-rule/ratings-dr' } } },
          },
        },
      ],
    },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
      dynamic_listeners: [
        {
          name: 'virtualInbound',
          active_state: {
            listener: {
              '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
              name: 'virtualInbound',
              address: { socket_address: { address: '0.0.0.0', port_value: 15006 } },
              filter_chains: [
                {
                  filters: [
                    {
                      name: 'envoy.filters.network.http_connection_manager',
                      typed_config: {
                        '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                        stat_prefix: 'inbound_0.0.0.0_9080',
                        http_filters: [
                          {
                            name: 'envoy.filters.http.rbac',
                            typed_config: {
                              '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC',
                              rules: { policies: { 'ns[default]-policy[allow-frontend]-rule[0]': { permissions: [{ any: true }], principals: [{ any: true }] } } },
                            },
                          },
                          { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } },
                        ],
                      },
                    },
                  ],
                },
              ],
            },
          },
        },
      ],
    },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
      dynamic_route_configs: [
        {
          route_config: {
            '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
            name: '9080',
            virtual_hosts: [
              {
                name: 'ratings.default.svc.cluster.local:9080',
                domains: ['ratings.default.svc.cluster.local', 'ratings'],
                routes: [
                  {
                    match: { prefix: '/' },
                    route: { cluster: 'outbound|9080||ratings.default.svc.cluster.local' },
                    metadata: { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/default/virtual-service/ratings-vs' } } },
                  },
                ],
              },
            ],
          },
        },
      ],
    },
  ],
});

let rendered: Obj[];

/** Istio's CRDs and the `istio` mesh ConfigMap, as sailctl renders them. */
async function installBase(h: Harness): Promise<void> {
  rendered ??= parseAllDocuments((await sailctl(['manifest', 'generate'])).stdout).map((d) => d.toJSON() as Obj).filter(Boolean);
  h.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
  for (const o of rendered) {
    if (o.kind === 'CustomResourceDefinition' || (o.kind === 'ConfigMap' && o.metadata.name === 'istio')) h.emu.create(o);
  }
}

async function apply(h: Harness, yaml: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sailctl-describe-'));
  const file = join(dir, 'objects.yaml');
  writeFileSync(file, yaml);
  const r = await h.kubectl(['apply', '-f', file]);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
}

interface PodSpec {
  namespace?: string;
  name: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  containers: Obj[];
  admin?: FakeEnvoyAdmin;
}

async function addPod(h: Harness, p: PodSpec): Promise<void> {
  const namespace = p.namespace ?? 'default';
  const forward = p.admin ? { 'kube-emulator/forward-15000': `127.0.0.1:${p.admin.port}` } : {};
  h.emu.create({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name: p.name, labels: p.labels, annotations: { ...forward, ...p.annotations } }, spec: { containers: p.containers } });
  await h.emu.waitFor(() => h.emu.get('v1', 'Pod', namespace, p.name)?.status?.containerStatuses?.every((s: Obj) => s.ready), 5000, `pod ${p.name} ready`);
}

const proxy = (ports: Obj[] = []) => ({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.0', ports });
const describeCmd = (h: Harness, args: string[]) => sailctl(['--kubeconfig', h.kubeconfig, 'x', 'describe', ...args]);

describe("Istio's productpage cases (x describe svc)", () => {
  let h: Harness;
  let pageAdmin: FakeEnvoyAdmin;
  let ingressAdmin: FakeEnvoyAdmin;

  const BOOKINFO_VS = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo, namespace: default}
spec:
  hosts: [productpage]
  gateways: [fake-gw]
  http:
  - match: [{uri: {prefix: /prefix}}]
    route:
    - {destination: {host: productpage}, weight: 30}
    - {destination: {host: productpage2}, weight: 20}
    - {destination: {host: productpage3}, weight: 50}
`;
  const DR = (trafficPolicy: string) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: productpage, namespace: default}
spec:
  host: productpage
  subsets:
  - {name: v1, labels: {version: v1}}
${trafficPolicy}`;

  beforeAll(async () => {
    h = await startHarness();
    await installBase(h);
    [pageAdmin, ingressAdmin] = await Promise.all([startFakeEnvoyAdmin({ dump: HTTP_DUMP }), startFakeEnvoyAdmin({ dump: '{}' })]);
    await apply(
      h,
      `
apiVersion: v1
kind: Service
metadata: {name: productpage, namespace: default}
spec:
  selector: {app: productpage}
  ports: [{name: http, port: 9080, targetPort: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: ingress, namespace: default, labels: {istio: ingressgateway}}
spec:
  selector: {istio: ingressgateway}
  ports: [{name: http, port: 80, targetPort: 80}]
---
${BOOKINFO_VS}`,
    );
    await addPod(h, {
      name: 'productpage-v1-1234567890',
      labels: { app: 'productpage' },
      containers: [{ name: 'productpage', image: 'productpage', ports: [{ name: 'http', containerPort: 9080 }] }, proxy()],
      admin: pageAdmin,
    });
    await addPod(h, { name: 'ingress', labels: { istio: 'ingressgateway' }, containers: [proxy()], admin: ingressAdmin });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    await Promise.all([pageAdmin?.close(), ingressAdmin?.close()]);
  });

  const HEAD = `Service: productpage
   Port: http 9080/HTTP targets pod port 9080
DestinationRule: productpage for "productpage"
   WARNING POD DOES NOT MATCH ANY SUBSETS.  (Non matching subsets v1)
   Matching subsets: 
      (Non-matching subsets v1)
`;
  const VS = `VirtualService: bookinfo
   Route to host "productpage" with weight 30%
   Route to host "productpage2" with weight 20%
   Route to host "productpage3" with weight 50%
   Match: /prefix*
`;

  it('a DestinationRule without traffic policy, a VirtualService routing to three hosts', async () => {
    await apply(h, DR(''));
    const before = pageAdmin.requests.length;
    const r = await describeCmd(h, ['service', 'productpage']);
    expect(r.stdout).toBe(`${HEAD}   No Traffic Policy\n${VS}`);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    // describe reads the whole dump, as istioctl's GET config_dump; the gateway's is read too.
    expect(pageAdmin.requests.slice(before)).toEqual(['GET /config_dump']);
    expect(ingressAdmin.requests.at(-1)).toBe('GET /config_dump');
  });

  it('a DestinationRule with a traffic policy and port-level settings', async () => {
    await apply(
      h,
      DR(`  trafficPolicy:
    loadBalancer: {simple: LEAST_REQUEST}
    connectionPool: {tcp: {maxConnections: 10}}
    outlierDetection: {minHealthPercent: 10}
    tls: {mode: ISTIO_MUTUAL}
    portLevelSettings:
    - port: {number: 8080}
      loadBalancer: {simple: LEAST_REQUEST}
      tls: {mode: DISABLE}
      connectionPool: {tcp: {maxConnections: 10}}
      outlierDetection: {minHealthPercent: 10}
`),
    );
    const r = await describeCmd(h, ['svc', 'productpage.default']);
    expect(r.stdout).toBe(
      `${HEAD}   Traffic Policy TLS Mode: ISTIO_MUTUAL
   Policies: load balancer/connection pool/outlier detection
   Port Level Settings:
    8080:
      TLS Mode: DISABLE
      Policies: load balancer/connection pool/outlier detection
${VS}`,
    );
    expect(r.exitCode).toBe(0);
  });

  it('x des svc with an unknown Service fails with the API server\'s words', async () => {
    const r = await describeCmd(h, ['svc', 'not-a-service']);
    expect(r.stderr).toBe('Error: services "not-a-service" not found in the "default" namespace\n');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
  });
});

describe('x describe pod: services, policies and ingress', () => {
  let h: Harness;
  const admins: Record<string, FakeEnvoyAdmin> = {};

  beforeAll(async () => {
    h = await startHarness();
    await installBase(h);
    [admins.page, admins.gateway, admins.ratings] = await Promise.all([
      startFakeEnvoyAdmin({ dump: HTTP_DUMP }),
      startFakeEnvoyAdmin({ dump: TLS_DUMP }),
      startFakeEnvoyAdmin({ dump: RATINGS_DUMP }),
    ]);
    await apply(
      h,
      `
apiVersion: v1
kind: Service
metadata: {name: productpage, namespace: default}
spec:
  selector: {app: productpage}
  ports: [{name: http, port: 9080, targetPort: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: default}
spec:
  selector: {app: ratings}
  ports:
  - {name: http, port: 9080}
  - {name: grpc-api, port: 9090, targetPort: grpc}
  - {name: web, port: 7070}
  - {name: dns, port: 53, protocol: UDP}
---
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  type: LoadBalancer
  selector: {istio: ingressgateway}
  ports:
  - {name: http2, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: 8443}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: productpage, namespace: default}
spec:
  host: productpage
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo, namespace: default}
spec:
  hosts: ['*']
  gateways: [bookinfo-gateway]
  http:
  - match: [{uri: {exact: /productpage}}, {uri: {prefix: /static}}]
    route: [{destination: {host: productpage, port: {number: 9080}}}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ['*']}]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: productpage-pa, namespace: default}
spec:
  selector: {matchLabels: {app: productpage}}
  mtls: {mode: UNSET}
  portLevelMtls: {'9080': {mode: PERMISSIVE}}
`,
    );
    const lb = await h.kubectl(['patch', 'service', 'istio-ingressgateway', '-n', 'istio-system', '--subresource=status', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}}']);
    expect(lb.exitCode).toBe(0);
    await addPod(h, {
      name: 'productpage-v1-1234567890',
      labels: { app: 'productpage', version: 'v1' },
      annotations: { 'sidecar.istio.io/status': '{"initContainers":["istio-init"],"containers":["istio-proxy"],"revision":"default"}' },
      containers: [{ name: 'productpage', image: 'productpage', ports: [{ name: 'http', containerPort: 9080 }] }, proxy([{ name: 'http-envoy-prom', containerPort: 15090 }])],
      admin: admins.page,
    });
    await addPod(h, {
      name: 'ratings-v1-1',
      labels: { app: 'ratings', version: 'v1' },
      containers: [{ name: 'ratings', image: 'ratings', ports: [{ name: 'http', containerPort: 9080 }, { name: 'grpc', containerPort: 9090 }] }, proxy()],
      admin: admins.ratings,
    });
    await addPod(h, {
      namespace: 'istio-system',
      name: 'istio-ingressgateway-5d8f7c9b4-x2x7q',
      labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
      containers: [proxy([{ containerPort: 8080 }, { containerPort: 8443 }])],
      admin: admins.gateway,
    });
    await addPod(h, { name: 'plain-1', labels: { app: 'plain' }, containers: [{ name: 'plain', image: 'plain', securityContext: { runAsUser: 1337 } }] });
    await addPod(h, { name: 'noadmin-1', labels: { app: 'productpage', version: 'v3' }, containers: [{ name: 'app', image: 'app' }, proxy()] });
    await addPod(h, {
      name: 'canary-1',
      labels: { app: 'canary', version: 'v1' },
      annotations: { 'istio.io/rev': 'canary' },
      containers: [{ name: 'app', image: 'app' }, proxy()],
      admin: admins.page,
    });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    await Promise.all(Object.values(admins).map((a) => a.close()));
  });

  it('productpage: subsets, TLS mode, routes, port-level mTLS and the ingress gateway that exposes it', async () => {
    const r = await describeCmd(h, ['pod', 'productpage-v1-1234567890']);
    expect(r.stdout).toBe(`Pod: productpage-v1-1234567890
   Pod Revision: default
   Pod Ports: 9080 (productpage), 15090 (istio-proxy)
--------------------
Service: productpage
   Port: http 9080/HTTP targets pod port 9080
DestinationRule: productpage for "productpage"
   Matching subsets: v1
      (Non-matching subsets v2)
   Traffic Policy TLS Mode: ISTIO_MUTUAL
VirtualService: bookinfo
   Match: /productpage, Match: /static*
--------------------
Effective PeerAuthentication:
   Workload mTLS mode: STRICT
   Port Level mTLS mode:
      9080: PERMISSIVE
Applied PeerAuthentication:
   default.istio-system, productpage-pa.default
--------------------
Exposed on Ingress Gateway http://203.0.113.10
VirtualService: bookinfo
   Match: /productpage, Match: /static*
`);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('names outside -n carry their namespace; the gateway Service IP falls back to the pod host IP', async () => {
    await h.kubectl(['patch', 'service', 'istio-ingressgateway', '-n', 'istio-system', '--subresource=status', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":null}}}']);
    const hostIP = h.emu.get('v1', 'Pod', 'istio-system', 'istio-ingressgateway-5d8f7c9b4-x2x7q')?.status?.hostIP as string;
    expect(hostIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const r = await sailctl(['--kubeconfig', h.kubeconfig, '-n', 'istio-system', 'x', 'des', 'po', 'productpage-v1-1234567890.default']);
    await h.kubectl(['patch', 'service', 'istio-ingressgateway', '-n', 'istio-system', '--subresource=status', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}}']);
    expect(r.stdout).toContain('Pod: productpage-v1-1234567890.default\n');
    expect(r.stdout).toContain('Service: productpage.default\n');
    expect(r.stdout).toContain('DestinationRule: productpage.default for "productpage"\n');
    expect(r.stdout).toContain(`--------------------\nExposed on Ingress Gateway http://${hostIP}\nVirtualService: bookinfo.default\n`);
    expect(r.exitCode).toBe(0);
  });

  it('ratings: several ports, stale references, RBAC policies, the mesh-wide policy', async () => {
    const r = await describeCmd(h, ['pod', 'ratings-v1-1']);
    expect(r.stdout).toBe(`Pod: ratings-v1-1
   Pod Revision: 
   Pod Ports: 9080 (ratings), 9090 (ratings)
--------------------
Service: ratings
   Port: http 9080/HTTP targets pod port 9080
   Port: grpc-api 9090/GRPC targets pod port 9090
   Port: web 7070/UnsupportedProtocol targets pod port 7070
9080:
WARNING: Proxy is stale; it references to non-existent destination rule ratings-dr.default
WARNING: Proxy is stale; it references to non-existent virtual service ratings-vs.default
9080 RBAC policies: ns[default]-policy[allow-frontend]-rule[0]
9090:
9090 RBAC policies: ns[default]-policy[allow-frontend]-rule[0]
7070:
7070 RBAC policies: ns[default]-policy[allow-frontend]-rule[0]
53:
53 RBAC policies: ns[default]-policy[allow-frontend]-rule[0]
--------------------
Effective PeerAuthentication:
   Workload mTLS mode: STRICT
Applied PeerAuthentication:
   default.istio-system
`);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('a pod outside the mesh: the warnings, then one clear sentence (exit 1)', async () => {
    const r = await describeCmd(h, ['pod', 'plain-1']);
    expect(r.stdout).toBe(`WARNING: User ID (UID) 1337 is reserved for the sidecar proxy.
Pod: plain-1
   Pod Revision: 
   Pod does not expose ports
WARNING: plain-1 is not part of mesh; no Istio sidecar
Warning: No Kubernetes Services select pod plain-1 (see https://istio.io/docs/setup/kubernetes/additional-setup/requirements/ )
--------------------
`);
    expect(r.stderr).toBe('Error: failed to execute command on sidecar: pod plain-1 has no istio-proxy container, so there is no Envoy to ask\nPass --ignoreUnmeshed to describe pods outside the mesh.\n');
    expect(r.exitCode).toBe(1);
  });

  it('--ignoreUnmeshed skips the sidecar and its warnings and describes the rest', async () => {
    const r = await describeCmd(h, ['pod', 'plain-1', '--ignoreUnmeshed']);
    expect(r.stdout).toBe(`WARNING: User ID (UID) 1337 is reserved for the sidecar proxy.
Pod: plain-1
   Pod Revision: 
   Pod does not expose ports
--------------------
--------------------
Effective PeerAuthentication:
   Workload mTLS mode: STRICT
Applied PeerAuthentication:
   default.istio-system
`);
    expect(r.exitCode).toBe(0);
  });

  it('a sidecar whose admin port does not answer', async () => {
    const r = await describeCmd(h, ['pod', 'noadmin-1']);
    expect(r.stdout).toBe('Pod: noadmin-1\n   Pod Revision: \n   Pod does not expose ports\n--------------------\n');
    expect(r.stderr).toMatch(/^Error: failed to execute command on sidecar: failure running port forward process: .*15000.*\n$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.exitCode).toBe(1);
  });

  it("a revisioned pod reads its revision's mesh ConfigMap, and says when it is missing", async () => {
    const r = await describeCmd(h, ['pod', 'canary-1']);
    expect(r.stdout).toMatch(/^Pod: canary-1\n {3}Pod Revision: canary\n/);
    expect(r.stdout.endsWith('--------------------\n')).toBe(true);
    expect(r.stderr).toBe('Error: failed to fetch mesh config: could not read configmap "istio-canary" from namespace "istio-system": configmaps "istio-canary" not found\n');
    expect(r.exitCode).toBe(1);
  });

  it('x des svc ratings describes only that Service, from its first ready pod', async () => {
    const r = await describeCmd(h, ['svc', 'ratings']);
    expect(r.stdout).toMatch(/^Service: ratings\n {3}Port: http 9080\/HTTP targets pod port 9080\n/);
    expect(r.stdout).not.toContain('PeerAuthentication');
    expect(r.exitCode).toBe(0);
  });

  it('a Service without pods, and one without Istio pods', async () => {
    await apply(
      h,
      `
apiVersion: v1
kind: Service
metadata: {name: empty, namespace: default}
spec: {selector: {app: nobody}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: plain, namespace: default}
spec: {selector: {app: plain}, ports: [{port: 80}]}
`,
    );
    const empty = await describeCmd(h, ['svc', 'empty']);
    expect(empty.stdout).toBe('Service "empty" has no pods.\n');
    expect(empty.exitCode).toBe(0);
    const plain = await describeCmd(h, ['svc', 'plain']);
    expect(plain.stdout).toBe('Pod plain-1: no container "istio-proxy" in pod\nService "plain" has no Istio pods.  (1 pods in service).\nUse `sailctl kube-inject` or redeploy with Istio automatic sidecar injection.\n');
    expect(plain.exitCode).toBe(0);
  });

  it.each([
    [['pod'], 'Error: expecting pod name\n'],
    [['pod', 'not-a-pod'], 'Error: pods "not-a-pod" not found in the "default" namespace\n'],
    [['service'], 'Error: expecting service name\n'],
    [['nodes'], 'Error: unknown resource type "nodes"\n'],
  ])('%j', async (args, message) => {
    const r = await describeCmd(h, args);
    expect(r.stderr.split('\n')[0] + '\n').toBe(message);
    // A missing name or an unknown type is a usage error (64); a pod that does not exist, a failure (1).
    expect(r.exitCode).toBe(args.includes('not-a-pod') ? 1 : 64);
    expect(r.stdout).toBe('');
  });
});
