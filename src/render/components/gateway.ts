/**
 * Ingress and egress gateways (gateways/istio-ingress|istio-egress charts): one Deployment,
 * Service, ServiceAccount, SDS Role/Binding, HPA and PDB per enabled gateway entry (§3.3).
 */
import type { GatewayComponentSpec } from '../../operator/types.js';
import type { GatewayKind, GatewayValues, RenderContext } from '../context.js';
import { gatewayValues, imageOf, revisioned, standardLabels } from '../context.js';
import { DROP_ALL, env, type EnvVar, envFromMap, fieldEnv, hpa, metaMap, object, pdb, RBAC, resourceEnv, roleBinding, rule, serviceAccount, tokenVolume, wantsPdb } from '../k8s.js';
import { get, str, truthy } from '../tree.js';
import type { JsonMap, K8sObject } from '../types.js';

function gatewayEnv(ctx: RenderContext, gw: GatewayValues, ns: string): EnvVar[] {
  const g = ctx.values.global;
  const name = str(gw.name);
  const trustDomain = str(get(ctx.values, 'meshConfig.trustDomain')) || 'cluster.local';
  const list = [
    env('PILOT_CERT_PROVIDER', str(g.pilotCertProvider)),
    env('CA_ADDR', str(g.caAddress) || `${revisioned(ctx, 'istiod')}.${ctx.istioNamespace}.svc:15012`),
    fieldEnv('NODE_NAME', 'spec.nodeName'),
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('INSTANCE_IP', 'status.podIP'),
    fieldEnv('HOST_IP', 'status.hostIP'),
    resourceEnv('ISTIO_CPU_LIMIT', 'limits.cpu'),
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    env('ISTIO_META_WORKLOAD_NAME', name),
    env('ISTIO_META_OWNER', `kubernetes://apis/apps/v1/namespaces/${ns}/deployments/${name}`),
    env('ISTIO_META_MESH_ID', str(g.meshID) || trustDomain),
    env('TRUST_DOMAIN', trustDomain),
  ];
  if (!truthy(gw.runAsRoot)) list.push(env('ISTIO_META_UNPRIVILEGED_POD', 'true'));
  list.push(...envFromMap(gw.env));
  if (truthy(g.network)) list.push(env('ISTIO_META_NETWORK', str(g.network)));
  list.push(env('ISTIO_META_CLUSTER_ID', str(g.multiCluster?.clusterName) || 'Kubernetes'), fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'));
  return list;
}

function podSecurityContext(ctx: RenderContext, gw: GatewayValues): unknown {
  if (truthy(gw.runAsRoot)) return { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false };
  const custom = ctx.values.gateways.securityContext;
  if (truthy(custom)) return custom;
  // OpenShift assigns UIDs itself; the chart then keeps only runAsNonRoot.
  if (str(ctx.values.global.platform) === 'openshift') return { runAsNonRoot: true };
  return { runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true };
}

function gatewayDeployment(ctx: RenderContext, gw: GatewayValues, entry: GatewayComponentSpec, ns: string, labels: Record<string, string>): K8sObject {
  const g = ctx.values.global;
  const name = str(gw.name);
  const selector: Record<string, string> = { ...metaMap(gw.labels) };
  const secretVolumes = Array.isArray(gw.secretVolumes) ? gw.secretVolumes : [];
  const ports: JsonMap[] = (Array.isArray(gw.ports) ? gw.ports : []).map((p) => ({
    containerPort: Number(p.targetPort ?? p.port),
    protocol: str(p.protocol) || 'TCP',
  }));
  ports.push({ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' });

  const container: JsonMap = {
    name: 'istio-proxy',
    image: imageOf(ctx, { hub: gw.hub, tag: gw.tag, variant: gw.variant }, str(g.proxy?.image) || 'proxyv2', entry),
    ports,
    args: [
      'proxy',
      'router',
      '--domain',
      `$(POD_NAMESPACE).svc.${str(g.proxy?.clusterDomain) || 'cluster.local'}`,
      `--proxyLogLevel=${str(g.proxy?.logLevel) || 'warning'}`,
      `--proxyComponentLogLevel=${str(g.proxy?.componentLogLevel) || 'misc:error'}`,
      `--log_output_level=${str(g.logging?.level) || 'default:info'}`,
      ...(truthy(g.logAsJson) ? ['--log_as_json'] : []),
    ],
    securityContext: { allowPrivilegeEscalation: false, capabilities: DROP_ALL, privileged: false, readOnlyRootFilesystem: true },
    readinessProbe: { failureThreshold: 30, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, initialDelaySeconds: 1, periodSeconds: 2, successThreshold: 1, timeoutSeconds: 1 },
    env: gatewayEnv(ctx, gw, ns),
    volumeMounts: [
      { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
      { name: 'credential-socket', mountPath: '/var/run/secrets/credential-uds' },
      { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
      { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
      { name: 'config-volume', mountPath: '/etc/istio/config' },
      { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens', readOnly: true },
      { name: 'istio-data', mountPath: '/var/lib/istio/data' },
      { name: 'podinfo', mountPath: '/etc/istio/pod' },
      ...secretVolumes.map((s) => ({ name: str(s.name), mountPath: str(s.mountPath), readOnly: true })),
    ],
  };
  if (truthy(gw.resources)) container.resources = gw.resources;
  if (truthy(g.imagePullPolicy)) container.imagePullPolicy = str(g.imagePullPolicy);

  const podSpec: JsonMap = {
    securityContext: podSecurityContext(ctx, gw),
    serviceAccountName: `${name}-service-account`,
    containers: [container],
    volumes: [
      { name: 'workload-socket', emptyDir: {} },
      { name: 'credential-socket', emptyDir: {} },
      { name: 'workload-certs', emptyDir: {} },
      { name: 'istiod-ca-cert', configMap: { name: str(g.trustBundleName) || 'istio-ca-root-cert' } },
      {
        name: 'podinfo',
        downwardAPI: {
          items: [
            { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
            { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
          ],
        },
      },
      { name: 'istio-envoy', emptyDir: {} },
      { name: 'istio-data', emptyDir: {} },
      tokenVolume(),
      { name: 'config-volume', configMap: { name: revisioned(ctx, 'istio'), optional: true } },
      ...secretVolumes.map((s) => ({ name: str(s.name), secret: { secretName: str(s.secretName), optional: true } })),
    ],
  };
  if (truthy(gw.nodeSelector)) podSpec.nodeSelector = gw.nodeSelector;
  if (truthy(gw.tolerations)) podSpec.tolerations = gw.tolerations;
  if (truthy(gw.affinity)) podSpec.affinity = gw.affinity;
  if (truthy(g.priorityClassName)) podSpec.priorityClassName = str(g.priorityClassName);
  if (g.imagePullSecrets?.length) podSpec.imagePullSecrets = g.imagePullSecrets.map((s) => (typeof s === 'string' ? { name: s } : s));

  const podLabels: Record<string, string> = {
    ...selector,
    'istio.io/dataplane-mode': 'none',
    'service.istio.io/canonical-name': name,
    'service.istio.io/canonical-revision': 'latest',
    'sidecar.istio.io/inject': 'false',
    'install.operator.istio.io/owning-resource': ctx.ownerName,
    'operator.istio.io/component': labels['operator.istio.io/component']!,
    heritage: 'Tiller',
    release: 'istio',
  };
  if (ns === 'istio-system') podLabels.chart = 'gateways';
  const spec: JsonMap = {
    selector: { matchLabels: selector },
    strategy: { rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
    template: {
      metadata: {
        labels: podLabels,
        annotations: {
          'istio.io/rev': ctx.revLabel,
          'prometheus.io/path': '/stats/prometheus',
          'prometheus.io/port': '15020',
          'prometheus.io/scrape': 'true',
          'sidecar.istio.io/inject': 'false',
          ...metaMap(gw.podAnnotations),
        },
      },
      spec: podSpec,
    },
  };
  if (!truthy(gw.autoscaleEnabled) && truthy(gw.replicaCount)) spec.replicas = Number(gw.replicaCount);
  return object('apps/v1', 'Deployment', { name, namespace: ns, labels: { ...labels, ...selector, 'istio.io/dataplane-mode': 'none' } }, { spec });
}

function gatewayService(gw: GatewayValues, ns: string, labels: Record<string, string>): K8sObject {
  const spec: JsonMap = {
    type: str(gw.type) || 'ClusterIP',
    selector: { ...gw.labels },
    ports: (Array.isArray(gw.ports) ? gw.ports : []).map((p) => {
      const port: JsonMap = { name: str(p.name), port: Number(p.port) };
      if (p.protocol) port.protocol = str(p.protocol);
      if (p.targetPort !== undefined) port.targetPort = p.targetPort;
      if (p.nodePort !== undefined) port.nodePort = p.nodePort;
      return port;
    }),
  };
  if (truthy(gw.loadBalancerIP)) spec.loadBalancerIP = str(gw.loadBalancerIP);
  if (truthy(gw.loadBalancerSourceRanges)) spec.loadBalancerSourceRanges = gw.loadBalancerSourceRanges;
  if (truthy(gw.externalTrafficPolicy)) spec.externalTrafficPolicy = str(gw.externalTrafficPolicy);
  if (truthy(gw.ipFamilyPolicy)) spec.ipFamilyPolicy = gw.ipFamilyPolicy;
  if (truthy(gw.ipFamilies)) spec.ipFamilies = gw.ipFamilies;
  return object('v1', 'Service', {
    name: str(gw.name),
    namespace: ns,
    labels: { ...labels, ...metaMap(gw.labels) },
    annotations: metaMap(gw.serviceAnnotations),
  }, { spec });
}

/** Objects of one gateway entry. */
export function gatewayObjects(ctx: RenderContext, kind: GatewayKind, entry: GatewayComponentSpec, ns: string): K8sObject[] {
  const gw = gatewayValues(ctx, kind, entry);
  const name = str(gw.name);
  const component = kind === 'ingress' ? 'IngressGateways' : 'EgressGateways';
  const labels = standardLabels(ctx, component, `istio-${kind}`);
  const sa = `${name}-service-account`;
  const objLabels = { ...labels, ...metaMap(gw.labels) };
  const out: K8sObject[] = [
    serviceAccount(sa, ns, objLabels, ctx.values.global.imagePullSecrets),
    gatewayDeployment(ctx, gw, entry, ns, labels),
    object(RBAC, 'Role', { name: `${name}-sds`, namespace: ns, labels: objLabels }, { rules: [rule([''], ['secrets'], ['get', 'watch', 'list'])] }),
    roleBinding(`${name}-sds`, ns, objLabels, `${name}-sds`, sa),
    gatewayService(gw, ns, labels),
  ];
  const autoscale = truthy(gw.autoscaleEnabled);
  if (autoscale) out.push(hpa(name, ns, objLabels, Number(gw.autoscaleMin), Number(gw.autoscaleMax), gw.cpu?.targetAverageUtilization, gw.memory?.targetAverageUtilization));
  if (wantsPdb(truthy(ctx.values.global.defaultPodDisruptionBudget?.enabled), autoscale, gw.autoscaleMin, gw.replicaCount)) {
    out.push(pdb(name, ns, objLabels, { ...metaMap(gw.labels) }));
  }
  return out;
}
