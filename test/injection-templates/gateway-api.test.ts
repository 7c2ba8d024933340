/**
 * The waypoint and kube-gateway templates of the injector ConfigMap are rendered by istiod's
 * Gateway API controller, with its own data (Gateway name, class, deployment name, ports...).
 * These render them through our engine with that data shape and check the objects istiod
 * creates from Istio's own templates (kinds, names, ownership, the proxy's key settings).
 */
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { asStringMap, parseTemplate } from '../../src/gotemplate/index.js';
import { defaultInjectionValues } from '../../src/inject/default-values.js';
import { builtinTemplates } from '../../src/injection-templates/builtin.js';

/** A rendered object: the assertions below check its shape. */
type Rendered = ReturnType<ReturnType<typeof parseAllDocuments>[number]['toJS']>;

function render(name: string, over: Record<string, unknown> = {}): Rendered[] {
  const values = defaultInjectionValues() as { global: Record<string, unknown> };
  values.global.waypoint = { resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: null } } };
  const data = {
    ServiceAccount: 'bookinfo-waypoint', Namespace: 'bookinfo', Name: 'bookinfo-waypoint', GatewayClass: 'istio-waypoint', UID: 'uid-7', KubeVersion: 131,
    DeploymentName: 'bookinfo-waypoint', GatewayNameLabel: 'gateway.networking.k8s.io/gateway-name', Revision: '', ControllerLabel: 'istio.io-mesh-controller', ClusterID: 'Kubernetes',
    InfrastructureLabels: asStringMap({ team: 'books' }), InfrastructureAnnotations: asStringMap({ 'kubectl.kubernetes.io/last-applied-configuration': '{}', owner: 'books' }),
    Ports: [{ Name: 'mesh', Port: 15008, AppProtocol: 'all' }], ServiceType: 'ClusterIP', Spec: { Addresses: [] },
    ObjectMeta: { Annotations: asStringMap({}), Labels: asStringMap({}) }, Values: values, ProxyImage: 'docker.io/istio/proxyv2:1.30.0', ProxyUID: 1337, ProxyGID: 1337,
    ProxyConfig: { InterceptionMode: 'REDIRECT', ProxyMetadata: asStringMap({}) }, MeshConfig: { TrustDomain: 'cluster.local' },
    ...over,
  };
  const out = parseTemplate(name, builtinTemplates()[name]!).execute(data);
  return parseAllDocuments(out).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS();
  });
}

type EnvVar = { name: string; value?: string; valueFrom?: unknown };
const env = (c: { env: EnvVar[] }) => Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom]));

describe('Gateway API templates', () => {
  it('waypoint: service account, deployment, service, HPA and PDB owned by the Gateway', () => {
    const objects = render('waypoint');
    expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    for (const o of objects) expect(o.metadata.ownerReferences).toEqual([{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'bookinfo-waypoint', uid: 'uid-7' }]);
    expect(objects[0].metadata.annotations).toEqual({ owner: 'books' });
    const deploy = objects[1];
    expect(deploy.metadata.labels['gateway.istio.io/managed']).toBe('istio.io-mesh-controller');
    const pod = deploy.spec.template;
    expect(pod.metadata.labels).toMatchObject({ 'sidecar.istio.io/inject': 'false', 'istio.io/dataplane-mode': 'none', 'service.istio.io/canonical-name': 'bookinfo-waypoint', team: 'books' });
    expect(pod.metadata.annotations).toMatchObject({ 'istio.io/rev': 'default', 'prometheus.io/port': '15020' });
    const proxy = pod.spec.containers[0];
    expect(proxy.args.slice(0, 6)).toEqual(['proxy', 'waypoint', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--serviceCluster', 'bookinfo-waypoint.$(POD_NAMESPACE)']);
    expect(proxy.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2' } });
    expect(env(proxy)).toMatchObject({ ISTIO_META_INTERCEPTION_MODE: 'REDIRECT', ISTIO_META_OWNER: 'kubernetes://apis/apps/v1/namespaces/bookinfo/deployments/bookinfo-waypoint', CA_ADDR: 'istiod.istio-system.svc:15012' });
    expect(objects[2].metadata.annotations).toEqual({ 'networking.istio.io/traffic-distribution': 'PreferClose', owner: 'books' });
    expect(objects[2].spec.ports).toEqual([{ name: 'mesh', port: 15008, protocol: 'TCP', appProtocol: 'all' }]);
    expect(objects[4].spec.selector.matchLabels).toEqual({ 'gateway.networking.k8s.io/gateway-name': 'bookinfo-waypoint' });
  });

  it('kube-gateway: router proxy with status ports and a LoadBalancer address', () => {
    const objects = render('kube-gateway', { GatewayClass: 'istio', ServiceType: 'LoadBalancer', Spec: { Addresses: [{ Value: '10.0.0.9' }] }, KubeVersion: 127, InfrastructureLabels: asStringMap({ 'topology.istio.io/network': 'net-2' }) });
    expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    expect(objects[0].metadata.ownerReferences).toBeUndefined();
    const pod = objects[1].spec.template.spec;
    expect(pod.securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] });
    const proxy = pod.containers[0];
    expect(proxy.args.slice(0, 2)).toEqual(['proxy', 'router']);
    expect(proxy.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([15020, 15021, 15090]);
    expect(env(proxy)).toMatchObject({ ISTIO_META_NETWORK: 'net-2', ISTIO_META_REQUESTED_NETWORK_VIEW: 'net-2', ISTIO_META_POD_PORTS: '[]' });
    expect(objects[2].spec).toMatchObject({ type: 'LoadBalancer', loadBalancerIP: '10.0.0.9', ipFamilyPolicy: 'PreferDualStack' });
    expect(objects[1].metadata.labels['gateway.istio.io/managed']).toBe('istio.io-gateway-controller');
  });
});
