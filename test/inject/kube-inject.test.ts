import { describe, expect, it } from 'vitest';
import { container, deployment, docs, envOf, inject, podMeta, podSpec, testConfig } from './helpers.js';

const STATUS_VOLUMES = ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert', 'istio-ca-crl'];

describe('default sidecar (classic)', () => {
  const [d] = docs(inject(deployment()).output);
  const spec = podSpec(d);
  const meta = podMeta(d);

  it('adds istio-init last among init containers with the iptables args in order', () => {
    const init = container(spec, 'istio-init');
    expect(init.image).toBe('docker.io/istio/proxyv2:1.30.0');
    expect(init.args).toEqual(['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info']);
    expect(init.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 });
  });

  it('adds istio-proxy as the last container with args, probes, resources and security context', () => {
    expect(spec.containers.map((c: any) => c.name)).toEqual(['hello', 'istio-proxy']);
    const proxy = container(spec, 'istio-proxy');
    expect(proxy.args).toEqual(['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info']);
    expect(proxy.ports).toEqual([{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }]);
    expect(proxy.readinessProbe).toEqual({ httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 });
    expect(proxy.startupProbe).toEqual({ httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 1, timeoutSeconds: 3, failureThreshold: 600 });
    expect(proxy.resources).toEqual({ limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } });
    expect(proxy.securityContext).toMatchObject({ runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(proxy.lifecycle).toBeUndefined();
  });

  it('sets the env in template order with owner, workload name and pod ports', () => {
    const proxy = container(spec, 'istio-proxy');
    expect(proxy.env.map((e: any) => e.name)).toEqual([
      'PILOT_CERT_PROVIDER', 'CA_ADDR', 'POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP', 'SERVICE_ACCOUNT', 'HOST_IP', 'ISTIO_CPU_LIMIT',
      'PROXY_CONFIG', 'ISTIO_META_POD_PORTS', 'ISTIO_META_APP_CONTAINERS', 'GOMEMLIMIT', 'ISTIO_META_CLUSTER_ID', 'ISTIO_META_NODE_NAME',
      'ISTIO_META_INTERCEPTION_MODE', 'ISTIO_META_WORKLOAD_NAME', 'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID', 'TRUST_DOMAIN',
    ]);
    const env = envOf(proxy);
    expect(env.CA_ADDR).toBe('istiod.istio-system.svc:15012');
    expect(env.PROXY_CONFIG).toBe('{}\n');
    expect(env.ISTIO_META_POD_PORTS).toBe('[\n    {"name":"http","containerPort":8080}\n]');
    expect(env.ISTIO_META_APP_CONTAINERS).toBe('hello');
    expect(env.ISTIO_META_OWNER).toBe('kubernetes://apis/apps/v1/namespaces/default/deployments/hello');
    expect(env.ISTIO_META_WORKLOAD_NAME).toBe('hello');
  });

  it('adds volumes, labels and annotations including the status annotation', () => {
    expect(spec.volumes.map((v: any) => v.name)).toEqual(STATUS_VOLUMES);
    expect(spec.volumes[0]).toEqual({ name: 'workload-socket' });
    expect(meta.labels).toMatchObject({ 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': 'hello', 'service.istio.io/canonical-revision': 'latest' });
    expect(meta.labels['istio.io/rev']).toBeUndefined();
    expect(meta.annotations['istio.io/rev']).toBe('default');
    expect(meta.annotations['kubectl.kubernetes.io/default-container']).toBe('hello');
    expect(meta.annotations['prometheus.io/port']).toBe('15020');
    expect(meta.annotations['sidecar.istio.io/status']).toBe(
      `{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":${JSON.stringify(STATUS_VOLUMES)},"imagePullSecrets":null,"revision":"default"}`,
    );
  });
});

describe('workload kinds', () => {
  const pod = (kind: string, apiVersion: string, body: string) => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: w\n  namespace: ns1\n${body}`;
  const tmpl = `  template:\n    metadata:\n      labels: {app: w}\n    spec:\n      containers:\n      - name: app\n        image: x\n`;
  for (const [kind, apiVersion, plural] of [
    ['Deployment', 'apps/v1', 'deployments'], ['StatefulSet', 'apps/v1', 'statefulsets'], ['DaemonSet', 'apps/v1', 'daemonsets'],
    ['ReplicaSet', 'apps/v1', 'replicasets'], ['ReplicationController', 'v1', 'replicationcontrollers'], ['Job', 'batch/v1', 'jobs'],
    ['DeploymentConfig', 'apps.openshift.io/v1', 'deploymentconfigs'], ['Deployment', 'extensions/v1beta1', 'deployments'],
  ]) {
    it(`injects the pod template of a ${apiVersion} ${kind}`, () => {
      const [d] = docs(inject(pod(kind!, apiVersion!, `spec:\n${tmpl}`)).output);
      expect(d.apiVersion).toBe(apiVersion);
      expect(envOf(container(podSpec(d), 'istio-proxy')).ISTIO_META_OWNER).toBe(`kubernetes://apis/${apiVersion}/namespaces/ns1/${plural}/w`);
    });
  }

  it('injects a bare Pod and derives the Deployment owner from its ReplicaSet', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-5d8f-abcde\n  generateName: web-5d8f-\n  labels: {pod-template-hash: 5d8f}\n  ownerReferences:\n  - {apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, controller: true, uid: u}\nspec:\n  containers:\n  - {name: app, image: x}\n`;
    const [d] = docs(inject(text).output);
    const env = envOf(container(d.spec, 'istio-proxy'));
    expect(env.ISTIO_META_OWNER).toBe('kubernetes://apis/apps/v1/namespaces/default/deployments/web');
    expect(env.ISTIO_META_WORKLOAD_NAME).toBe('web');
  });

  it('writes a CronJob\'s labels and annotations to spec.jobTemplate.metadata (istioctl quirk)', () => {
    const text = pod('CronJob', 'batch/v1', `spec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n${tmpl.replace(/^/gm, '    ')}`);
    const [d] = docs(inject(text).output);
    expect(d.spec.jobTemplate.metadata.annotations['sidecar.istio.io/status']).toContain('istio-proxy');
    expect(d.spec.jobTemplate.metadata.labels['service.istio.io/canonical-name']).toBe('w');
    expect(d.spec.jobTemplate.spec.template.metadata.annotations).toBeUndefined();
    expect(envOf(container(podSpec(d), 'istio-proxy')).ISTIO_META_OWNER).toBe('kubernetes://apis/batch/v1/namespaces/ns1/cronjobs/w');
  });

  it('recurses into a v1 List and keeps its other items', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n- ${deployment().replace(/\n/g, '\n  ')}\n`;
    const [list] = docs(inject(text).output);
    expect(list.items[0]).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } });
    expect(container(podSpec(list.items[1]), 'istio-proxy')).toBeDefined();
  });

  it('fails on a ReplicationController without a pod template', () => {
    expect(() => inject(`apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec: {replicas: 1}\n`)).toThrow(/ReplicationController "rc": spec.template is required value/);
  });
});

describe('annotations', () => {
  const injectWith = (annotations: Record<string, string>, config = testConfig()) => docs(inject(deployment({ annotations }), config).output)[0];

  it('TPROXY: init -u 1337 and -m TPROXY, proxy runs as root with NET_ADMIN, PROXY_CONFIG shows the mode', () => {
    const d = injectWith({ 'proxy.istio.io/config': '{"interceptionMode":"TPROXY"}' });
    const init = container(podSpec(d), 'istio-init');
    expect(init.args.slice(5, 9)).toEqual(['-u', '1337', '-m', 'TPROXY']);
    const proxy = container(podSpec(d), 'istio-proxy');
    expect(proxy.securityContext).toMatchObject({ capabilities: { add: ['NET_ADMIN'] }, runAsUser: 0, runAsNonRoot: false, runAsGroup: 1337 });
    expect(envOf(proxy).PROXY_CONFIG).toBe('{"interceptionMode":"TPROXY"}\n');
  });

  it('interceptionMode NONE drops the init container', () => {
    const d = injectWith({ 'sidecar.istio.io/interceptionMode': 'NONE' });
    expect(container(podSpec(d), 'istio-init')).toBeUndefined();
    expect(envOf(container(podSpec(d), 'istio-proxy')).ISTIO_META_INTERCEPTION_MODE).toBe('NONE');
  });

  it('traffic annotations become iptables args', () => {
    const d = injectWith({
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.0.0.0/8',
      'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.96.0.1/32',
      'traffic.sidecar.istio.io/includeInboundPorts': '80,8080',
      'traffic.sidecar.istio.io/excludeInboundPorts': '4,5,6',
      'traffic.sidecar.istio.io/excludeOutboundPorts': '9000',
      'traffic.sidecar.istio.io/kubevirtInterfaces': 'net1',
      'istio.io/reroute-virtual-interfaces': 'net2',
      'traffic.sidecar.istio.io/excludeInterfaces': 'eth9',
    });
    expect(container(podSpec(d), 'istio-init').args).toEqual([
      'istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '10.0.0.0/8', '-x', '10.96.0.1/32', '-b', '80,8080',
      '-d', '15090,15021,4,5,6,15020', '-o', '9000', '-k', 'net2', '-c', 'eth9', '--log_output_level=default:info',
    ]);
  });

  it('status port 0 removes the proxy probes; readiness annotations tune the probe', () => {
    expect(container(podSpec(injectWith({ 'status.sidecar.istio.io/port': '0' })), 'istio-proxy').readinessProbe).toBeUndefined();
    const probe = container(podSpec(injectWith({ 'readiness.status.sidecar.istio.io/initialDelaySeconds': '7', 'readiness.status.sidecar.istio.io/periodSeconds': '3', 'readiness.status.sidecar.istio.io/failureThreshold': '9' })), 'istio-proxy').readinessProbe;
    expect(probe).toEqual({ httpGet: { path: '/healthz/ready', port: 15021 }, initialDelaySeconds: 7, periodSeconds: 3, timeoutSeconds: 3, failureThreshold: 9 });
  });

  it('resource annotations replace all defaults', () => {
    const d = injectWith({ 'sidecar.istio.io/proxyCPU': '4000m' });
    expect(container(podSpec(d), 'istio-proxy').resources).toEqual({ requests: { cpu: '4' } });
    const all = injectWith({ 'sidecar.istio.io/proxyCPU': '1', 'sidecar.istio.io/proxyMemory': '1024Mi', 'sidecar.istio.io/proxyCPULimit': '3', 'sidecar.istio.io/proxyMemoryLimit': '2Gi' });
    expect(container(podSpec(all), 'istio-init').resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '3', memory: '2Gi' } });
  });

  it('log level, image and image type annotations', () => {
    const d = injectWith({ 'sidecar.istio.io/logLevel': 'debug', 'sidecar.istio.io/componentLogLevel': 'rbac:debug', 'sidecar.istio.io/agentLogLevel': 'all:debug', 'sidecar.istio.io/proxyImageType': 'distroless' });
    const proxy = container(podSpec(d), 'istio-proxy');
    expect(proxy.args).toContain('--proxyLogLevel=debug');
    expect(proxy.args).toContain('--proxyComponentLogLevel=rbac:debug');
    expect(proxy.image).toBe('docker.io/istio/proxyv2:1.30.0-distroless');
    expect(container(podSpec(d), 'istio-init').args).toContain('--log_output_level=all:debug');
    const custom = injectWith({ 'sidecar.istio.io/proxyImage': 'example.com/my/proxy:1' });
    expect(container(podSpec(custom), 'istio-proxy').image).toBe('example.com/my/proxy:1');
    expect(container(podSpec(custom), 'istio-init').image).toBe('example.com/my/proxy:1');
  });

  it('capNetBindService, bootstrapOverride and user volumes', () => {
    const d = injectWith({
      'sidecar.istio.io/capNetBindService': 'true',
      'sidecar.istio.io/bootstrapOverride': 'my-bootstrap',
      'sidecar.istio.io/userVolume': '{"extra":{"configMap":{"name":"cm"}}}',
      'sidecar.istio.io/userVolumeMount': '{"extra":{"mountPath":"/extra","readOnly":true}}',
    });
    const proxy = container(podSpec(d), 'istio-proxy');
    expect(proxy.securityContext).toMatchObject({ capabilities: { add: ['NET_BIND_SERVICE'] }, runAsUser: 0 });
    expect(envOf(proxy).ISTIO_BOOTSTRAP_OVERRIDE).toBe('/etc/istio/custom-bootstrap/custom_bootstrap.json');
    expect(podSpec(d).volumes).toContainEqual({ name: 'custom-bootstrap-volume', configMap: { name: 'my-bootstrap' } });
    expect(podSpec(d).volumes).toContainEqual({ name: 'extra', configMap: { name: 'cm' } });
    expect(proxy.volumeMounts.at(-1)).toEqual({ name: 'extra', mountPath: '/extra', readOnly: true });
  });

  it('nativeSidecar annotation makes istio-proxy an init container with restartPolicy Always and a drain preStop', () => {
    const d = injectWith({ 'sidecar.istio.io/nativeSidecar': 'true' });
    const spec = podSpec(d);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['istio-init', 'istio-proxy']);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['hello']);
    const proxy = container(spec, 'istio-proxy');
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.lifecycle.preStop.exec.command).toEqual(['pilot-agent', 'request', '--debug-port=15020', 'POST', 'drain']);
    expect(podMeta(d).annotations['sidecar.istio.io/status']).toMatch(/^\{"initContainers":\["istio-init","istio-proxy"\],"containers":null,/);
    // and the opposite direction under a native default
    const classic = injectWith({ 'sidecar.istio.io/nativeSidecar': 'false' }, testConfig({ native: true }));
    expect(podSpec(classic).containers.map((c: any) => c.name)).toEqual(['hello', 'istio-proxy']);
  });

  it('holdApplicationUntilProxyStarts puts the proxy first with a postStart wait (classic only)', () => {
    const d = injectWith({ 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: true' });
    const spec = podSpec(d);
    expect(spec.containers[0].name).toBe('istio-proxy');
    expect(spec.containers[0].lifecycle).toEqual({ postStart: { exec: { command: ['pilot-agent', 'wait'] } } });
  });

  it('Prometheus merge moves the app scrape settings into ISTIO_PROMETHEUS_ANNOTATIONS', () => {
    const d = injectWith({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'prometheus.io/path': '/m' });
    const meta = podMeta(d);
    expect(meta.annotations).toMatchObject({ 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/scrape': 'true' });
    expect(envOf(container(podSpec(d), 'istio-proxy')).ISTIO_PROMETHEUS_ANNOTATIONS).toBe('{"scrape":"true","path":"/m","port":"9090"}');
    const off = injectWith({ 'prometheus.io/scrape': 'false' });
    expect(podMeta(off).annotations['prometheus.io/port']).toBeUndefined();
  });

  it('inject.istio.io/templates: gateway renders a router proxy without init container', () => {
    const d = injectWith({ 'inject.istio.io/templates': 'gateway' });
    const spec = podSpec(d);
    expect(container(spec, 'istio-init')).toBeUndefined();
    expect(container(spec, 'istio-proxy').args.slice(0, 2)).toEqual(['proxy', 'router']);
    expect(spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
  });

  it('an unknown template name is an error naming the workload', () => {
    expect(() => inject(deployment({ annotations: { 'inject.istio.io/templates': 'nope' } }))).toThrow(/Deployment "hello": requested template "nope" not found/);
  });
});

describe('validation', () => {
  const cases: [string, string, RegExp][] = [
    ['sidecar.istio.io/interceptionMode', 'BOGUS', /must be one of REDIRECT, TPROXY, NONE/],
    ['status.sidecar.istio.io/port', '70000', /port number/],
    ['readiness.status.sidecar.istio.io/periodSeconds', '-1', /non-negative/],
    ['traffic.sidecar.istio.io/includeOutboundIPRanges', '10.0.0.0', /CIDR/],
    ['traffic.sidecar.istio.io/excludeOutboundIPRanges', '*', /not allowed/],
    ['traffic.sidecar.istio.io/excludeInboundPorts', '80,abc', /not a port/],
    ['traffic.sidecar.istio.io/excludeInterfaces', 'a/b', /interface/],
    ['prometheus.istio.io/merge-metrics', 'yes', /true or false/],
    ['sidecar.istio.io/proxyMemory', '10 gigs', /quantity/],
    ['proxy.istio.io/config', '[1, 2]', /ProxyConfig/],
  ];
  for (const [key, value, why] of cases) {
    it(`rejects ${key}=${value}`, () => {
      let message = '';
      try {
        inject(deployment({ annotations: { [key]: value } }));
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain(`Deployment "hello": invalid value '${value}' for annotation '${key}':`);
      expect(message).toMatch(why);
    });
  }

  it('accepts * where allowed and empty lists', () => {
    expect(() => inject(deployment({ annotations: { 'traffic.sidecar.istio.io/includeOutboundIPRanges': '*', 'traffic.sidecar.istio.io/includeInboundPorts': '' } }))).not.toThrow();
  });
});

describe('probes', () => {
  it('rewrites httpGet, tcpSocket and named ports and records the originals', () => {
    const extra = `        livenessProbe:\n          tcpSocket: {port: http}\n        readinessProbe:\n          httpGet: {path: /ready, port: 8080, scheme: HTTPS}\n          timeoutSeconds: 5\n`;
    const [d] = docs(inject(deployment({ extra })).output);
    const app = container(podSpec(d), 'hello');
    expect(app.livenessProbe).toEqual({ httpGet: { path: '/app-health/hello/livez', port: 15020 } });
    expect(app.readinessProbe).toEqual({ httpGet: { path: '/app-health/hello/readyz', port: 15020, scheme: 'HTTP' }, timeoutSeconds: 5 });
    expect(envOf(container(podSpec(d), 'istio-proxy')).ISTIO_KUBE_APP_PROBERS).toBe(
      '{"/app-health/hello/livez":{"tcpSocket":{"port":8080}},"/app-health/hello/readyz":{"httpGet":{"path":"/ready","port":8080,"scheme":"HTTPS"},"timeoutSeconds":5}}',
    );
  });

  it('leaves probes alone when rewriting is switched off', () => {
    const extra = `        livenessProbe:\n          httpGet: {port: 8080}\n`;
    const [d] = docs(inject(deployment({ extra, annotations: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' } })).output);
    expect(container(podSpec(d), 'hello').livenessProbe).toEqual({ httpGet: { port: 8080 } });
  });
});

describe('labels and user overrides', () => {
  it('canonical labels: 63-char truncation and trimming; tlsMode kept', () => {
    const long = 'a'.repeat(62) + '-b';
    const [d] = docs(inject(deployment({ labels: { app: long, 'app.kubernetes.io/version': 'v2', 'security.istio.io/tlsMode': 'disabled' } })).output);
    expect(podMeta(d).labels['service.istio.io/canonical-name']).toBe('a'.repeat(62));
    expect(podMeta(d).labels['service.istio.io/canonical-revision']).toBe('v2');
    expect(podMeta(d).labels['security.istio.io/tlsMode']).toBe('disabled');
  });

  it('a user istio-proxy container wins field by field and is remembered in proxy.istio.io/overrides', () => {
    const extra = `      - name: istio-proxy\n        image: auto\n        resources:\n          requests: {cpu: 50m}\n        securityContext:\n          runAsUser: 2000\n`;
    const out = inject(deployment({ extra })).output;
    const [d] = docs(out);
    const proxy = container(podSpec(d), 'istio-proxy');
    expect(proxy.image).toBe('docker.io/istio/proxyv2:1.30.0');
    expect(proxy.resources.requests.cpu).toBe('50m');
    expect(proxy.securityContext.runAsUser).toBe(2000);
    expect(container(podSpec(d), 'istio-init').args.slice(5, 7)).toEqual(['-u', '2000']);
    expect(JSON.parse(podMeta(d).annotations['proxy.istio.io/overrides']).containers[0].name).toBe('istio-proxy');
    expect(inject(out).output).toBe(out);
  });

  it('network and cluster name: ISTIO_META_NETWORK from the pod label goes last, and the label is added', () => {
    const config = testConfig({ values: (v) => { v.global.multiCluster.clusterName = 'c1'; v.global.network = 'n1'; } });
    const [d] = docs(inject(deployment({ labels: { 'topology.istio.io/network': 'n2' } }), config).output);
    const proxy = container(podSpec(d), 'istio-proxy');
    expect(proxy.env.slice(-2)).toEqual([{ name: 'ISTIO_META_CLUSTER_ID', value: 'c1' }, { name: 'ISTIO_META_NETWORK', value: 'n2' }]);
    expect(podMeta(d).labels['topology.istio.io/network']).toBe('n2');
  });

  it('CNI: istio-validation first, CNI annotations', () => {
    const config = testConfig({ values: (v) => { v.pilot.cni.enabled = true; } });
    const extra = `      initContainers:\n      - name: setup\n        image: busybox\n`;
    const [d] = docs(inject(deployment({ extra }), config).output);
    const spec = podSpec(d);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['istio-validation', 'setup']);
    expect(container(spec, 'istio-validation').args).toContain('--run-validation');
    expect(container(spec, 'istio-validation').securityContext).toMatchObject({ runAsUser: 1337, runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(podMeta(d).annotations).toMatchObject({ 'sidecar.istio.io/interceptionMode': 'REDIRECT', 'traffic.sidecar.istio.io/excludeInboundPorts': '15020', 'traffic.sidecar.istio.io/includeInboundPorts': '*' });
  });

  it('classic istio-init runs after the user init containers', () => {
    const extra = `      initContainers:\n      - name: a\n        image: x\n      - name: b\n        image: x\n`;
    const [d] = docs(inject(deployment({ extra })).output);
    expect(podSpec(d).initContainers.map((c: any) => c.name)).toEqual(['a', 'b', 'istio-init']);
  });
});
