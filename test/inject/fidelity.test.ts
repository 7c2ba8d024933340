/**
 * istiod's injection result on workloads that customise or re-use what injection adds
 * (reference: injection-fidelity.md groups 1-7 and §8). Every expectation below is written from
 * the reference's description of istiod's behaviour, not from running sailctl.
 */
import { describe, expect, it } from 'vitest';
import { container, docs, envOf, inject, podMeta, podSpec, testConfig } from './helpers.js';

const native = testConfig({ native: true });
const classic = testConfig();
type Named = { name: string } & Record<string, unknown>;
const names = (list: Named[] | undefined) => (list ?? []).map((c) => c.name);
const status = (d: unknown) => JSON.parse(podMeta(d).annotations['sidecar.istio.io/status']);
const overrides = (d: unknown) => podMeta(d).annotations['proxy.istio.io/overrides'];
const named = <T extends Named>(list: T[], name: string): T | undefined => list.find((item) => item.name === name);

describe('group 1: the pod supplies its own istio-proxy and istio-init', () => {
  const ledger = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
  namespace: books
spec:
  template:
    spec:
      initContainers:
      - name: istio-init
        image: example.org/netfix:7
      containers:
      - name: api
        image: example.org/ledger-api:2
      - name: istio-proxy
        image: auto
        env: [{name: EXTRA_FLAG, value: "on"}]
        resources: {limits: {cpu: 2000m}}
        securityContext: {runAsUser: 2001}
`;

  it('native: the user proxy merges into the template proxy in initContainers', () => {
    const [d] = docs(inject(ledger, native).output);
    const spec = podSpec(d);
    expect(names(spec.containers)).toEqual(['api']);
    expect(names(spec.initContainers)).toEqual(['istio-init', 'istio-proxy']);
    const init = container(spec, 'istio-init');
    expect(init.image).toBe('example.org/netfix:7');
    expect(init.args[init.args.indexOf('-u') + 1]).toBe('2001');
    expect(init.securityContext.runAsUser).toBe(0);
    expect(init.resources).toEqual({ limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } });
    const proxy = spec.initContainers[1];
    expect(proxy.image).toBe('docker.io/istio/proxyv2:1.30.0');
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.args.slice(0, 4)).toEqual(['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local']);
    expect(proxy.args).toContain('--log_output_level=default:info');
    const env = envOf(proxy);
    expect(env.EXTRA_FLAG).toBe('on');
    expect(env.PILOT_CERT_PROVIDER).toBe('istiod');
    expect(env.ISTIO_META_APP_CONTAINERS).toBe('api');
    expect(proxy.resources).toEqual({ limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } });
    expect(proxy.securityContext.runAsUser).toBe(2001);
    expect(proxy.securityContext.runAsGroup).toBe(1337);
    expect(proxy.readinessProbe.httpGet.port).toBe(15021);
    expect(overrides(d)).toBe(
      '{"initContainers":[{"name":"istio-init","image":"example.org/netfix:7","resources":{}},{"name":"istio-proxy","env":[{"name":"EXTRA_FLAG","value":"on"}],"resources":{"limits":{"cpu":"2"}},"securityContext":{"runAsUser":2001}}]}',
    );
    expect(status(d)).toMatchObject({ initContainers: ['istio-init', 'istio-proxy'], containers: null });
  });

  it('classic: istio-proxy stays last in containers; the annotation buckets follow the template', () => {
    const [d] = docs(inject(ledger, classic).output);
    const spec = podSpec(d);
    expect(names(spec.containers)).toEqual(['api', 'istio-proxy']);
    expect(names(spec.initContainers)).toEqual(['istio-init']);
    const parsed = JSON.parse(overrides(d));
    expect(names(parsed.containers)).toEqual(['istio-proxy']);
    expect(names(parsed.initContainers)).toEqual(['istio-init']);
    expect(parsed.containers[0].image).toBeUndefined();
  });

  it('TPROXY keeps the proxy root but iptables excludes the user UID', () => {
    const config = testConfig({ mesh: { defaultConfig: { interceptionMode: 'TPROXY' } } });
    const [d] = docs(inject(ledger, config).output);
    const spec = podSpec(d);
    expect(container(spec, 'istio-proxy').securityContext.runAsUser).toBe(0);
    const init = container(spec, 'istio-init');
    expect(init.args[init.args.indexOf('-u') + 1]).toBe('2001');
  });

  it('CNI: the validation container runs as the user proxy UID, also 0', () => {
    const config = testConfig({ values: (v) => { v.pilot.cni.enabled = true; } });
    const zero = ledger.replace('runAsUser: 2001', 'runAsUser: 0').replace(/ {6}initContainers:\n {6}- name: istio-init\n {8}image: example.org\/netfix:7\n/, '');
    const [d] = docs(inject(zero, config).output);
    const validation = container(podSpec(d), 'istio-validation');
    expect(validation.securityContext.runAsUser).toBe(0);
    expect(validation.args[validation.args.indexOf('-u') + 1]).toBe('1337');
  });
});

describe('group 2: gateway template with native sidecars', () => {
  const gw = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge-gw
  namespace: edge
spec:
  template:
    metadata:
      annotations:
        inject.istio.io/templates: gateway
    spec:
      containers:
      - name: log-shipper
        image: example.org/shipper:1
        ports:
        - name: metrics
          containerPort: 9100
      - name: istio-proxy
        image: auto
`;

  it('keeps the proxy in containers and matches the gateway facts', () => {
    const [d] = docs(inject(gw, native).output);
    const spec = podSpec(d);
    expect(spec.initContainers).toBeUndefined();
    expect(names(spec.containers)).toEqual(['log-shipper', 'istio-proxy']);
    const proxy = spec.containers[1];
    expect(proxy.restartPolicy).toBeUndefined();
    expect(proxy.securityContext).toEqual({ runAsUser: 1337, runAsGroup: 1337 });
    expect(proxy.args.slice(0, 2)).toEqual(['proxy', 'router']);
    const env = envOf(proxy);
    expect(env.ISTIO_META_APP_CONTAINERS).toBe('log-shipper');
    expect(env.ISTIO_META_POD_PORTS).toBe('[\n    {"name":"metrics","containerPort":9100}\n]');
    const ann = podMeta(d).annotations;
    expect(ann['kubectl.kubernetes.io/default-container']).toBe('log-shipper');
    expect(ann['kubectl.kubernetes.io/default-logs-container']).toBe('log-shipper');
    expect([ann['prometheus.io/port'], ann['prometheus.io/path'], ann['prometheus.io/scrape']]).toEqual(['15020', '/stats/prometheus', 'true']);
    expect(overrides(d)).toBe('{"containers":[{"name":"istio-proxy","resources":{}}]}');
    expect(status(d)).toEqual({
      initContainers: null,
      containers: ['istio-proxy'],
      volumes: ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'],
      imagePullSecrets: null,
      revision: 'default',
    });
    const volumes = Object.fromEntries(spec.volumes.map((v: Named) => [v.name, v]));
    expect(volumes['credential-socket']).toEqual({ name: 'credential-socket', emptyDir: {} });
    expect(volumes['workload-certs']).toEqual({ name: 'workload-certs', emptyDir: {} });
    expect(proxy.readinessProbe).toEqual({ httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 });
    expect(spec.securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] });
    expect(podMeta(d).labels['security.istio.io/tlsMode']).toBeUndefined();
  });

  it('no app container: APP_CONTAINERS has no value and no default-container annotations', () => {
    const only = gw.replace(/ {6}- name: log-shipper\n(.*\n){4}/, '');
    const [d] = docs(inject(only, native).output);
    const proxy = container(podSpec(d), 'istio-proxy');
    expect(named(proxy.env, 'ISTIO_META_APP_CONTAINERS')).toEqual({ name: 'ISTIO_META_APP_CONTAINERS' });
    expect(podMeta(d).annotations['kubectl.kubernetes.io/default-container']).toBeUndefined();
  });
});

describe('group 3: null resources in the values', () => {
  it('a null entry removes the default on the proxy and the init container', () => {
    const config = testConfig({ values: (v) => { v.global.proxy.resources = { requests: { cpu: '250m', memory: null }, limits: { cpu: null, memory: '256Mi' } }; } });
    const [d] = docs(inject(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: x\n`, config).output);
    for (const name of ['istio-proxy', 'istio-init']) expect(container(d.spec, name).resources).toEqual({ requests: { cpu: '250m' }, limits: { memory: '256Mi' } });
  });

  it('limits: null leaves only requests', () => {
    const config = testConfig({ values: (v) => { v.global.proxy.resources = { requests: { cpu: '10m' }, limits: null }; } });
    const [d] = docs(inject(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: x\n`, config).output);
    expect(container(d.spec, 'istio-proxy').resources).toEqual({ requests: { cpu: '10m' } });
  });
});

describe('group 4: Multus networks annotation', () => {
  const config = testConfig({ values: (v) => { v.pilot.cni = { enabled: true, provider: 'multus' }; } });
  const cases: [string | undefined, string][] = [
    [undefined, 'default/istio-cni'],
    ['sriov-a', 'sriov-a, default/istio-cni'],
    ['istio-cni', 'istio-cni, default/istio-cni'],
    ['[{"name":"sriov-a","namespace":"net-ops"}]', '[{"name":"sriov-a","namespace":"net-ops"}, {"name": "istio-cni", "namespace": "default"}]'],
    ['[{"name":"istio-cni","namespace":"default"}]', '[{"name":"istio-cni","namespace":"default"}]'],
    ['[{"name":"istio-cni"}]', '[{"name":"istio-cni"}, {"name": "istio-cni", "namespace": "default"}]'],
  ];
  for (const [given, want] of cases) {
    it(`${given ?? '(absent)'} becomes ${want}`, () => {
      const ann = given === undefined ? '' : `  annotations:\n    k8s.v1.cni.cncf.io/networks: '${given}'\n`;
      const [d] = docs(inject(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n${ann}spec:\n  containers:\n  - name: app\n    image: x\n`, config).output);
      expect(d.metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBe(want);
    });
  }

  it('interception mode NONE still gets the CNI annotations', () => {
    const [d] = docs(inject(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    sidecar.istio.io/interceptionMode: NONE\nspec:\n  containers:\n  - name: app\n    image: x\n`, config).output);
    expect(d.metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBe('default/istio-cni');
    expect(d.metadata.annotations['sidecar.istio.io/interceptionMode']).toBe('NONE');
    expect(d.metadata.annotations['traffic.sidecar.istio.io/includeInboundPorts']).toBe('*');
  });
});

describe('group 5: grpc templates', () => {
  const quote = (template: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: quote-svc
  namespace: market
spec:
  template:
    metadata:
      annotations:
        inject.istio.io/templates: ${template}
    spec:
      containers:
      - name: quote
        image: example.org/quote:3
        ports:
        - containerPort: 50051
`;
  const quoteOverrides = '{"containers":[{"name":"quote","image":"example.org/quote:3","ports":[{"containerPort":50051}],"resources":{}}]}';

  it('grpc-simple: bootstrap init container, gRPC env on every container, scrape annotations', () => {
    const [d] = docs(inject(quote('grpc-simple')).output);
    const spec = podSpec(d);
    const ann = podMeta(d).annotations;
    expect(ann['sidecar.istio.io/rewriteAppHTTPProbers']).toBe('false');
    expect([ann['prometheus.io/port'], ann['prometheus.io/path'], ann['prometheus.io/scrape']]).toEqual(['15020', '/stats/prometheus', 'true']);
    expect(ann['proxy.istio.io/overrides']).toBe(quoteOverrides);
    expect(ann['sidecar.istio.io/status']).toBe('{"initContainers":["grpc-bootstrap-init"],"containers":["quote"],"volumes":["grpc-io-proxyless-bootstrap"],"imagePullSecrets":null,"revision":"default"}');
    expect(ann['istio.io/rev']).toBeUndefined();
    expect(podMeta(d).labels).toBeUndefined();
    const app = container(spec, 'quote');
    expect(envOf(app)).toEqual({ GRPC_XDS_BOOTSTRAP: '/var/lib/grpc/data/bootstrap.json', GRPC_GO_LOG_VERBOSITY_LEVEL: '99', GRPC_GO_LOG_SEVERITY_LEVEL: 'info' });
    expect(app.volumeMounts).toEqual([{ name: 'grpc-io-proxyless-bootstrap', mountPath: '/var/lib/grpc/data/' }]);
    expect(names(spec.initContainers)).toEqual(['grpc-bootstrap-init']);
    const init = spec.initContainers[0];
    expect(init.image).toBe('busybox:1.28');
    expect(envOf(init).ISTIO_NAMESPACE).toBe('istio-system\n');
    expect(init.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(init.command[2]).toContain('dns:///istiod.${ISTIO_NAMESPACE}.svc:15010');
    expect(init.command[2]).toContain('sidecar~${INSTANCE_IP}~${POD_NAME}.${POD_NAMESPACE}~cluster.local');
    expect(init.command[2]).toContain('> /var/lib/grpc/data/bootstrap.json');
    expect(spec.volumes).toEqual([{ name: 'grpc-io-proxyless-bootstrap', emptyDir: {} }]);
  });

  for (const config of [classic, native]) {
    it(`grpc-agent (${config === native ? 'native' : 'classic'}): agent proxy last in containers with the agent facts`, () => {
      const [d] = docs(inject(quote('grpc-agent'), config).output);
      const spec = podSpec(d);
      expect(names(spec.containers)).toEqual(['quote', 'istio-proxy']);
      expect(spec.initContainers).toBeUndefined();
      expect(status(d).containers).toEqual(['istio-proxy', 'quote']);
      const proxy = container(spec, 'istio-proxy');
      const env = envOf(proxy);
      expect(env.ISTIO_META_APP_CONTAINERS).toBe('quote');
      expect(env.ISTIO_META_POD_PORTS).toBe('[\n    {"containerPort":50051}\n]');
      expect([env.ISTIO_META_GENERATOR, env.OUTPUT_CERTS, env.ISTIO_META_DNS_CAPTURE, env.DISABLE_ENVOY]).toEqual(['grpc', '/var/lib/istio/data', 'false', 'true']);
      expect(proxy.resources).toEqual({ limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } });
      expect(proxy.ports).toEqual([{ name: 'mesh-metrics', containerPort: 15020, protocol: 'TCP' }]);
      expect(proxy.lifecycle.postStart.exec.command).toEqual(['pilot-agent', 'wait', '--url=http://localhost:15020/healthz/ready']);
      const app = container(spec, 'quote');
      expect(envOf(app)).toMatchObject({ GRPC_XDS_EXPERIMENTAL_SECURITY_SUPPORT: 'true', GRPC_XDS_BOOTSTRAP: '/etc/istio/proxy/grpc-bootstrap.json' });
      expect(names(app.volumeMounts)).toEqual(['istio-data', 'istio-xds', 'workload-certs']);
      const ann = podMeta(d).annotations;
      expect(ann['prometheus.io/port']).toBe('15020');
      expect(ann['proxy.istio.io/overrides']).toBe(quoteOverrides);
      expect(ann['kubectl.kubernetes.io/default-container']).toBe('quote');
      expect(ann['istio.io/rev']).toBe('default');
    });
  }
});

describe('group 6: re-injecting a classic pod in native mode', () => {
  const billing = `apiVersion: v1
kind: Pod
metadata:
  name: billing-0
  namespace: pay
  annotations:
    sidecar.istio.io/status: '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-envoy"],"imagePullSecrets":null,"revision":"default"}'
spec:
  initContainers:
  - name: istio-init
    image: example.org/old-proxy:1.20
  containers:
  - name: billing
    image: example.org/billing:1
    ports:
    - containerPort: 8080
  - name: istio-proxy
    image: example.org/old-proxy:1.20
    args: [proxy, sidecar, --concurrency, "4"]
    env:
    - name: LEGACY_MODE
      value: "1"
    - name: ISTIO_META_APP_CONTAINERS
      value: old-name
`;

  it('moves the old proxy, re-applies its old definition, refreshes istio-init', () => {
    const [d] = docs(inject(billing, native).output);
    const spec = d.spec;
    expect(names(spec.containers)).toEqual(['billing']);
    expect(names(spec.initContainers)).toEqual(['istio-init', 'istio-proxy']);
    const init = container(spec, 'istio-init');
    expect(init.image).toBe('docker.io/istio/proxyv2:1.30.0');
    expect(init.args[0]).toBe('istio-iptables');
    expect(init.args).toContain('--log_output_level=default:info');
    const proxy = spec.initContainers[1];
    expect(proxy.image).toBe('example.org/old-proxy:1.20');
    expect(proxy.args).toEqual(['proxy', 'sidecar', '--concurrency', '4']);
    const env = envOf(proxy);
    expect(env.LEGACY_MODE).toBe('1');
    expect(env.ISTIO_META_APP_CONTAINERS).toBe('old-name');
    expect(env.PILOT_CERT_PROVIDER).toBe('istiod');
    expect(env.ISTIO_META_POD_PORTS).toBe('[\n    {"containerPort":8080}\n]');
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.readinessProbe.httpGet.path).toBe('/healthz/ready');
    expect(names(proxy.volumeMounts)).toContain('istio-envoy');
    expect(d.metadata.annotations['proxy.istio.io/overrides']).toBeUndefined();
    expect(status(d)).toMatchObject({ initContainers: ['istio-init', 'istio-proxy'], containers: null });
  });
});

describe('group 7: a custom template touching istio-proxy under containers', () => {
  const identity = `spec:
  containers:
  - name: istio-proxy
    volumeMounts:
    - name: workload-socket
      mountPath: /var/run/secrets/workload-spiffe-uds
      readOnly: true
  volumes:
  - name: workload-socket
    csi:
      driver: csi.example.org
      readOnly: true
`;
  const withTemplate = (nativeSidecars: boolean) => testConfig({ native: nativeSidecars });
  const agent = `apiVersion: v1
kind: Pod
metadata:
  name: vault-agent
  namespace: secrets
  annotations:
    inject.istio.io/templates: sidecar,workload-identity
spec:
  containers:
  - name: agent
    image: example.org/agent:1
`;

  it('native: a stub istio-proxy is added to containers, the real proxy stays untouched (istiod literal output)', () => {
    const config = withTemplate(true);
    config.templates = { ...config.templates, 'workload-identity': identity };
    const [d] = docs(inject(agent, config).output);
    expect(names(d.spec.containers)).toEqual(['agent', 'istio-proxy']);
    expect(d.spec.containers[1].image).toBeUndefined();
    expect(d.spec.containers[1].env).toBeUndefined();
    expect(d.spec.containers[1].volumeMounts).toEqual([{ name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds', readOnly: true }]);
    expect(names(d.spec.initContainers)).toEqual(['istio-init', 'istio-proxy']);
    const real = d.spec.initContainers[1];
    expect(named(real.volumeMounts, 'workload-socket')!.readOnly).toBeUndefined();
    expect(named(d.spec.volumes, 'workload-socket')!.csi).toEqual({ driver: 'csi.example.org', readOnly: true });
    expect(status(d)).toMatchObject({ initContainers: ['istio-init', 'istio-proxy'], containers: ['istio-proxy'] });
  });

  it('classic: the template merges into the one proxy', () => {
    const config = withTemplate(false);
    config.templates = { ...config.templates, 'workload-identity': identity };
    const [d] = docs(inject(agent, config).output);
    expect(names(d.spec.containers)).toEqual(['agent', 'istio-proxy']);
    const proxy = d.spec.containers[1];
    expect(proxy.image).toBe('docker.io/istio/proxyv2:1.30.0');
    expect(named(proxy.volumeMounts, 'workload-socket')!.readOnly).toBe(true);
  });
});

describe('§8: other differences', () => {
  const pod = (annotations = '', labels = '') =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello\n${annotations ? `  annotations:\n${annotations}` : ''}${labels ? `  labels:\n${labels}` : ''}spec:\n  containers:\n  - name: hello\n    image: example.org/hello:v1.2.3\n`;

  it('OTEL_RESOURCE_ATTRIBUTES when a mesh OpenTelemetry provider asks for semantic conventions', () => {
    const mesh = { extensionProviders: [{ name: 'otel', opentelemetry: { service: 'otel.observability.svc', port: 4317, serviceAttributeEnrichment: 'OTEL_SEMANTIC_CONVENTIONS' } }] };
    const [d] = docs(inject(pod(), testConfig({ mesh })).output);
    expect(envOf(container(d.spec, 'istio-proxy')).OTEL_RESOURCE_ATTRIBUTES).toBe('service.namespace=default,service.version=v1.2.3,service.instance.id=default.$(POD_NAME).hello');
    const [plain] = docs(inject(pod()).output);
    expect(envOf(container(plain.spec, 'istio-proxy')).OTEL_RESOURCE_ATTRIBUTES).toBeUndefined();
  });

  it('sidecar.istio.io/inject accepts only exactly "false" to skip', () => {
    const result = inject(pod('    sidecar.istio.io/inject: "False"\n'));
    expect(container(docs(result.output)[0].spec, 'istio-proxy')).toBeDefined();
  });

  it('an empty template name is an error, repeated names are applied again', () => {
    expect(() => inject(pod('    inject.istio.io/templates: "sidecar,"\n'))).toThrow(/requested template "" not found/);
    const [d] = docs(inject(pod('    inject.istio.io/templates: "sidecar,sidecar"\n')).output);
    expect(names(d.spec.containers)).toEqual(['hello', 'istio-proxy']);
  });

  it('quantities are canonical in every container, as istiod writes them', () => {
    const text = pod().replace('    image: example.org/hello:v1.2.3\n', '    image: x\n    resources:\n      limits: {cpu: 1000m, memory: 1024Mi}\n      requests: {cpu: 0.5}\n');
    const [d] = docs(inject(text).output);
    expect(container(d.spec, 'hello').resources).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } });
  });

  it('the network label is added after the templates whenever a network is known', () => {
    const config = testConfig({ values: (v) => { v.global.network = 'net-a'; } });
    config.templates = { sidecar: 'metadata:\n  annotations:\n    x: "1"\n' };
    const [d] = docs(inject(pod(), config).output);
    expect(d.metadata.labels['topology.istio.io/network']).toBe('net-a');
  });
});
