/** The Ztunnel component (ztunnel chart, values flattened from `values.ztunnel`): the node proxy DaemonSet. */
import type { RenderContext } from '../context.js';
import { imageOf, standardLabels } from '../context.js';
import { env, envFromMap, fieldEnv, metaMap, object, resourceEnv, serviceAccount, tokenVolume } from '../k8s.js';
import { get, str, truthy } from '../tree.js';
import type { JsonMap, K8sObject } from '../types.js';

export function ztunnelObjects(ctx: RenderContext, ns: string): K8sObject[] {
  const z = ctx.values.ztunnel;
  const g = ctx.values.global;
  const name = str(z.resourceName) || 'ztunnel';
  const revision = str(z.revision) || ctx.revision;
  const labels = { ...standardLabels(ctx, 'Ztunnel', 'ztunnel'), 'app.kubernetes.io/name': 'ztunnel', ...metaMap(z.labels) };
  const istiod = `istiod${revision ? `-${revision}` : ''}.${ctx.istioNamespace}.svc:15012`;
  const trustBundle = str(z.trustBundleName) || str(g.trustBundleName);

  const envList: JsonMap[] = [
    env('CA_ADDRESS', str(z.caAddress) || str(g.caAddress) || istiod),
    env('XDS_ADDRESS', str(z.xdsAddress) || istiod),
    ...(truthy(z.logAsJson ?? g.logAsJson) ? [env('LOG_FORMAT', 'json')] : []),
    ...(truthy(z.network ?? g.network) ? [env('NETWORK', str(z.network ?? g.network))] : []),
    env('RUST_LOG', str(z.logLevel) || 'info'),
    env('RUST_BACKTRACE', '1'),
    env('ISTIO_META_CLUSTER_ID', str(z.multiCluster?.clusterName) || str(g.multiCluster?.clusterName) || 'Kubernetes'),
    env('INPOD_ENABLED', 'true'),
    env('TERMINATION_GRACE_PERIOD_SECONDS', str(z.terminationGracePeriodSeconds ?? 30)),
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('NODE_NAME', 'spec.nodeName'),
    fieldEnv('INSTANCE_IP', 'status.podIP'),
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    ...envFromMap(get(z.meshConfig, 'defaultConfig.proxyMetadata')),
    resourceEnv('ZTUNNEL_CPU_LIMIT', 'limits.cpu'),
    ...envFromMap(z.env),
  ];
  const container: JsonMap = {
    name: 'istio-proxy',
    image: imageOf(ctx, z, str(z.image) || 'ztunnel', ctx.iop.spec.components?.ztunnel),
    ports: [{ containerPort: 15020, name: 'ztunnel-stats', protocol: 'TCP' }],
    resources: truthy(z.resources) ? z.resources : {},
    securityContext: {
      allowPrivilegeEscalation: true,
      privileged: false,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'] },
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: false,
      runAsUser: 0,
      ...(truthy(z.seLinuxOptions) ? { seLinuxOptions: z.seLinuxOptions } : {}),
    },
    readinessProbe: { httpGet: { port: 15021, path: '/healthz/ready' } },
    args: ['proxy', 'ztunnel'],
    env: envList,
    volumeMounts: [
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
      { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
      { mountPath: '/var/run/ztunnel', name: 'cni-ztunnel-sock-dir' },
      { mountPath: '/tmp', name: 'tmp' },
      ...(Array.isArray(z.volumeMounts) ? z.volumeMounts : []),
    ],
  };
  const pullPolicy = str(z.imagePullPolicy) || str(g.imagePullPolicy);
  if (pullPolicy) container.imagePullPolicy = pullPolicy;

  const podSpec: JsonMap = {
    nodeSelector: { 'kubernetes.io/os': 'linux', ...metaMap(z.nodeSelector) },
    ...(truthy(z.affinity) ? { affinity: z.affinity } : {}),
    serviceAccountName: name,
    ...(truthy(z.tolerations) ? { tolerations: z.tolerations } : {}),
    containers: [container],
    priorityClassName: 'system-node-critical',
    terminationGracePeriodSeconds: Number(z.terminationGracePeriodSeconds ?? 30),
    volumes: [
      tokenVolume(),
      { name: 'istiod-ca-cert', configMap: { name: trustBundle || 'istio-ca-root-cert' } },
      { name: 'cni-ztunnel-sock-dir', hostPath: { path: '/var/run/ztunnel', type: 'DirectoryOrCreate' } },
      { name: 'tmp', emptyDir: {} },
      ...(Array.isArray(z.volumes) ? z.volumes : []),
    ],
  };
  const annotations = { ...metaMap(z.annotations), ...(revision ? { 'istio.io/rev': revision } : {}) };
  const spec: JsonMap = {
    selector: { matchLabels: { app: 'ztunnel' } },
    template: {
      metadata: {
        labels: { 'sidecar.istio.io/inject': 'false', 'istio.io/dataplane-mode': 'none', app: 'ztunnel', ...labels, ...metaMap(z.podLabels) },
        annotations: { 'sidecar.istio.io/inject': 'false', ...(revision ? { 'istio.io/rev': revision } : {}), ...metaMap(z.podAnnotations) },
      },
      spec: podSpec,
    },
  };
  if (truthy(z.updateStrategy)) spec.updateStrategy = z.updateStrategy;
  return [
    serviceAccount(name, ns, labels, g.imagePullSecrets),
    object('apps/v1', 'DaemonSet', { name, namespace: ns, labels, annotations }, { spec }),
  ];
}
