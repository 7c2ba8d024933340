/**
 * The Pilot component (istio-discovery chart): istiod Deployment/Service/HPA/PDB, RBAC,
 * ConfigMaps and webhooks; or, for `istiodRemote.enabled`, only what a remote cluster needs.
 */
import type { RenderContext } from '../context.js';
import { imageOf, revisioned, standardLabels } from '../context.js';
import { DROP_ALL, env, envFromMap, fieldEnv, hpa, metaMap, object, pdb, serviceAccount, tokenVolume, wantsPdb } from '../k8s.js';
import { isMap, str, truthy } from '../tree.js';
import type { JsonMap, K8sObject } from '../types.js';
import { injectorConfigMap, meshConfigMap, valuesConfigMap } from './pilot-configmaps.js';
import { istiodRbac, readerRbac } from './pilot-rbac.js';
import { stablePolicyObjects } from './stable-policy.js';
import { injectorWebhookConfig, revisionTagWebhookConfig, validatorWebhookConfig } from './webhooks.js';

/** Selector of istiod pods: `istio: pilot`, or `app: istiod` + `istio.io/rev` with a revision (§4). */
export function istiodSelector(ctx: RenderContext): Record<string, string> {
  return ctx.revision ? { app: 'istiod', 'istio.io/rev': ctx.revision } : { istio: 'pilot' };
}

const SERVICE_PORTS = [
  { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
  { name: 'https-dns', port: 15012, protocol: 'TCP' },
  { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
  { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
];

function istiodEnv(ctx: RenderContext): JsonMap[] {
  const v = ctx.values;
  const p = v.pilot;
  const ztunnelNs = str(p.trustedZtunnelNamespace) || ctx.istioNamespace;
  const list = [
    env('REVISION', ctx.revLabel),
    env('PILOT_CERT_PROVIDER', str(v.global.pilotCertProvider)),
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    env('KUBECONFIG', '/var/run/secrets/remote/config'),
    env('CA_TRUSTED_NODE_ACCOUNTS', `${ztunnelNs}/${str(v.ztunnel.resourceName) || 'ztunnel'}`),
    ...envFromMap(p.env),
  ];
  if (p.traceSampling !== undefined && p.traceSampling !== null && p.traceSampling !== '') list.push(env('PILOT_TRACE_SAMPLING', str(p.traceSampling)));
  list.push(
    env('PILOT_ENABLE_ANALYSIS', String(truthy(v.global.istiod?.enableAnalysis))),
    env('CLUSTER_ID', str(v.global.multiCluster?.clusterName) || 'Kubernetes'),
    env('PLATFORM', str(v.global.platform)),
  );
  return list;
}

function istiodDeployment(ctx: RenderContext, labels: Record<string, string>): K8sObject {
  const v = ctx.values;
  const p = v.pilot;
  const g = v.global;
  const name = revisioned(ctx, 'istiod');
  const istioLabel = ctx.revision ? 'istiod' : 'pilot';
  const podLabels = {
    app: 'istiod',
    'istio.io/rev': ctx.revLabel,
    'install.operator.istio.io/owning-resource': ctx.ownerName,
    'sidecar.istio.io/inject': 'false',
    'operator.istio.io/component': 'Pilot',
    istio: istioLabel,
    'istio.io/dataplane-mode': 'none',
    ...metaMap(p.podLabels),
  };
  const args = ['discovery', '--monitoringAddr=:15014', `--log_output_level=${str(g.logging?.level) || 'default:info'}`];
  if (truthy(g.logAsJson)) args.push('--log_as_json');
  args.push('--domain', str(g.proxy?.clusterDomain) || 'cluster.local');
  if (truthy(p.keepaliveMaxServerConnectionAge)) args.push('--keepaliveMaxServerConnectionAge', str(p.keepaliveMaxServerConnectionAge));
  if (Array.isArray(p.extraContainerArgs)) args.push(...p.extraContainerArgs.map(str));

  const container: JsonMap = {
    name: 'discovery',
    image: imageOf(ctx, p, str(p.image) || 'pilot', ctx.iop.spec.components?.pilot),
    args,
    ports: [
      { containerPort: 8080, name: 'http-debug', protocol: 'TCP' },
      { containerPort: 15010, name: 'grpc-xds', protocol: 'TCP' },
      { containerPort: 15012, name: 'tls-xds', protocol: 'TCP' },
      { containerPort: 15017, name: 'https-webhooks', protocol: 'TCP' },
      { containerPort: 15014, name: 'http-monitoring', protocol: 'TCP' },
    ],
    readinessProbe: { httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
    env: istiodEnv(ctx),
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: DROP_ALL },
    volumeMounts: [
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens', readOnly: true },
      { name: 'local-certs', mountPath: '/var/run/secrets/istio-dns' },
      { name: 'cacerts', mountPath: '/etc/cacerts', readOnly: true },
      { name: 'istio-kubeconfig', mountPath: '/var/run/secrets/remote', readOnly: true },
      { name: 'istio-csr-dns-cert', mountPath: '/var/run/secrets/istiod/tls', readOnly: true },
      { name: 'istio-csr-ca-configmap', mountPath: '/var/run/secrets/istiod/ca', readOnly: true },
      ...(Array.isArray(p.volumeMounts) ? p.volumeMounts : []),
    ],
  };
  if (truthy(p.resources)) container.resources = p.resources;
  if (truthy(g.imagePullPolicy)) container.imagePullPolicy = str(g.imagePullPolicy);
  if (truthy(p.terminationMessagePolicy)) container.terminationMessagePolicy = str(p.terminationMessagePolicy);

  const podSpec: JsonMap = {
    serviceAccountName: name,
    tolerations: [{ key: 'cni.istio.io/not-ready', operator: 'Exists' }, ...(Array.isArray(p.tolerations) ? p.tolerations : [])],
    containers: [container],
    volumes: [
      { name: 'local-certs', emptyDir: { medium: 'Memory' } },
      tokenVolume(),
      { name: 'cacerts', secret: { secretName: 'cacerts', optional: true } },
      { name: 'istio-kubeconfig', secret: { secretName: 'istio-kubeconfig', optional: true } },
      { name: 'istio-csr-dns-cert', secret: { secretName: 'istiod-tls', optional: true } },
      { name: 'istio-csr-ca-configmap', configMap: { name: 'istio-ca-root-cert', defaultMode: 420, optional: true } },
      ...(Array.isArray(p.volumes) ? p.volumes : []),
    ],
  };
  if (truthy(p.nodeSelector)) podSpec.nodeSelector = p.nodeSelector;
  if (truthy(p.affinity)) podSpec.affinity = p.affinity;
  if (truthy(p.topologySpreadConstraints)) podSpec.topologySpreadConstraints = p.topologySpreadConstraints;
  if (truthy(g.priorityClassName)) podSpec.priorityClassName = str(g.priorityClassName);
  if (g.imagePullSecrets?.length) podSpec.imagePullSecrets = g.imagePullSecrets.map((s) => (typeof s === 'string' ? { name: s } : s));

  const spec: JsonMap = {
    strategy: { rollingUpdate: { maxSurge: p.rollingMaxSurge ?? '100%', maxUnavailable: p.rollingMaxUnavailable ?? '25%' } },
    selector: { matchLabels: istiodSelector(ctx) },
    template: {
      metadata: {
        labels: podLabels,
        annotations: {
          'prometheus.io/port': '15014',
          'prometheus.io/scrape': 'true',
          'sidecar.istio.io/inject': 'false',
          ...metaMap(p.podAnnotations),
        },
      },
      spec: podSpec,
    },
  };
  if (!truthy(p.autoscaleEnabled)) spec.replicas = Number(p.replicaCount ?? 1);
  return object('apps/v1', 'Deployment', {
    name,
    namespace: ctx.istioNamespace,
    labels: { ...labels, app: 'istiod', istio: istioLabel, ...metaMap(p.deploymentLabels) },
  }, { spec });
}

function istiodService(ctx: RenderContext, labels: Record<string, string>, name: string, selector: Record<string, string> | undefined): K8sObject {
  const p = ctx.values.pilot;
  const spec: JsonMap = { ports: SERVICE_PORTS };
  if (selector) spec.selector = selector;
  if (truthy(p.ipFamilyPolicy)) spec.ipFamilyPolicy = p.ipFamilyPolicy;
  if (truthy(p.ipFamilies)) spec.ipFamilies = p.ipFamilies;
  return object('v1', 'Service', {
    name,
    namespace: ctx.istioNamespace,
    labels: { ...labels, app: 'istiod', istio: 'pilot' },
    annotations: metaMap(p.serviceAnnotations),
  }, { spec });
}

/** What a remote (config-less) cluster gets from the istiod chart (profiles.md §2.3 remote). */
function remoteObjects(ctx: RenderContext, labels: Record<string, string>): K8sObject[] {
  const v = ctx.values;
  const out: K8sObject[] = [injectorWebhookConfig(ctx, labels), valuesConfigMap(ctx, labels), ...readerRbac(ctx, labels)];
  const address = str(v.global.remotePilotAddress);
  if (address) {
    const isIp = /^[0-9.]+$|:/.test(address);
    if (isIp) {
      out.push(istiodService(ctx, labels, revisioned(ctx, 'istiod'), undefined));
      out.push(object('discovery.k8s.io/v1', 'EndpointSlice', {
        name: revisioned(ctx, 'istiod'),
        namespace: ctx.istioNamespace,
        labels: { ...labels, app: 'istiod', 'kubernetes.io/service-name': revisioned(ctx, 'istiod'), 'endpointslice.kubernetes.io/managed-by': 'sailctl' },
      }, {
        addressType: address.includes(':') ? 'IPv6' : 'IPv4',
        endpoints: [{ addresses: [address] }],
        ports: SERVICE_PORTS.map((port) => ({ name: port.name, port: port.targetPort ?? port.port, protocol: 'TCP' })),
      }));
    } else {
      out.push(object('v1', 'Service', { name: revisioned(ctx, 'istiod'), namespace: ctx.istioNamespace, labels: { ...labels, app: 'istiod' } }, {
        spec: { type: 'ExternalName', externalName: address, ports: SERVICE_PORTS },
      }));
    }
  }
  if (truthy(v.global.configCluster) || truthy(v.istiodRemote?.enabledLocalInjectorIstiod)) {
    out.push(serviceAccount(revisioned(ctx, 'istiod'), ctx.istioNamespace, { ...labels, app: 'istiod' }, v.global.imagePullSecrets), ...istiodRbac(ctx, labels));
    if (truthy(v.global.configValidation)) out.push(validatorWebhookConfig(ctx, labels));
  }
  return out;
}

export function pilotObjects(ctx: RenderContext): K8sObject[] {
  const v = ctx.values;
  const p = v.pilot;
  const labels = standardLabels(ctx, 'Pilot', 'istiod');
  if (truthy(v.istiodRemote?.enabled)) return remoteObjects(ctx, labels);

  const name = revisioned(ctx, 'istiod');
  const ns = ctx.istioNamespace;
  const out: K8sObject[] = [
    serviceAccount(name, ns, { ...labels, app: 'istiod' }, v.global.imagePullSecrets),
    ...istiodRbac(ctx, labels),
    ...readerRbac(ctx, labels),
  ];
  if (truthy(v.global.configValidation)) out.push(validatorWebhookConfig(ctx, labels));
  if (truthy(v.experimental?.stableValidationPolicy)) out.push(...stablePolicyObjects(ctx, labels));
  if (truthy(p.configMap)) out.push(meshConfigMap(ctx, labels));
  if (!truthy(v.global.omitSidecarInjectorConfigMap)) out.push(injectorConfigMap(ctx, labels));
  out.push(valuesConfigMap(ctx, labels));
  if (!truthy(v.global.operatorManageWebhooks)) out.push(injectorWebhookConfig(ctx, labels));
  out.push(istiodDeployment(ctx, labels), istiodService(ctx, labels, name, { app: 'istiod', ...istiodSelector(ctx) }));

  const autoscale = truthy(p.autoscaleEnabled);
  if (autoscale) {
    out.push(hpa(name, ns, { ...labels, app: 'istiod' }, Number(p.autoscaleMin), Number(p.autoscaleMax), p.cpu?.targetAverageUtilization, p.memory?.targetAverageUtilization, p.autoscaleBehavior));
  }
  if (wantsPdb(truthy(v.global.defaultPodDisruptionBudget?.enabled), autoscale, p.autoscaleMin, p.replicaCount)) {
    out.push(pdb(name, ns, { ...labels, app: 'istiod' }, { app: 'istiod', ...istiodSelector(ctx) }, isMap(v.pdb) ? v.pdb : {}));
  }
  for (const tag of Array.isArray(v.revisionTags) ? v.revisionTags.map(str) : []) out.push(...revisionTagObjects(ctx, tag));
  return out;
}

/** A revision tag's webhook and its Service `istiod-revision-tag-<t>` (selecting this revision's istiod). */
export function revisionTagObjects(ctx: RenderContext, tag: string): [K8sObject, K8sObject] {
  const labels = standardLabels(ctx, 'Pilot', 'istiod');
  const service = istiodService(ctx, { ...labels, 'app.kubernetes.io/name': 'istiod', 'istio.io/tag': tag }, `istiod-revision-tag-${tag}`, { app: 'istiod', ...istiodSelector(ctx) });
  return [revisionTagWebhookConfig(ctx, labels, tag), service];
}
