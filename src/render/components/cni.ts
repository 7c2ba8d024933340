/** The Cni component (istio-cni chart): the node agent DaemonSet, its config and RBAC. */
import type { CNIConfig } from '../../operator/generated/values.js';
import type { RenderContext } from '../context.js';
import { imageOf, standardLabels } from '../context.js';
import { clusterRoleBinding, env, envFromMap, fieldEnv, metaMap, object, RBAC, rule, serviceAccount } from '../k8s.js';
import { overlay, str, truthy } from '../tree.js';
import type { JsonMap, K8sObject } from '../types.js';
import { emitManifestYaml } from '../../yaml/fast-stringify.js';

const NAME = 'istio-cni';

function configMap(ctx: RenderContext, c: CNIConfig, ns: string, labels: Record<string, string>): K8sObject {
  const data: Record<string, string> = {
    CURRENT_AGENT_VERSION: str(c.tag) || str(ctx.values.global.tag),
    AMBIENT_ENABLED: String(truthy(c.ambient?.enabled)),
    AMBIENT_ENABLEMENT_SELECTOR: emitManifestYaml(c.ambient?.enablementSelector ?? []),
    AMBIENT_DNS_CAPTURE: String(truthy(c.ambient?.dnsCapture)),
    AMBIENT_IPV6: String(truthy(c.ambient?.ipv6)),
    AMBIENT_RECONCILE_POD_RULES_ON_STARTUP: String(truthy(c.ambient?.reconcileIptablesOnStartup)),
    CHAINED_CNI_PLUGIN: String(truthy(c.chained)),
    EXCLUDE_NAMESPACES: (Array.isArray(c.excludeNamespaces) ? c.excludeNamespaces : []).map(str).join(','),
    REPAIR_ENABLED: String(truthy(c.repair?.enabled)),
    REPAIR_LABEL_PODS: String(truthy(c.repair?.labelPods)),
    REPAIR_DELETE_PODS: String(truthy(c.repair?.deletePods)),
    REPAIR_REPAIR_PODS: String(truthy(c.repair?.repairPods)),
    REPAIR_INIT_CONTAINER_NAME: str(c.repair?.initContainerName),
    REPAIR_BROKEN_POD_LABEL_KEY: str(c.repair?.brokenPodLabelKey),
    REPAIR_BROKEN_POD_LABEL_VALUE: str(c.repair?.brokenPodLabelValue),
  };
  if (truthy(c.cniConfFileName)) data.CNI_CONF_NAME = str(c.cniConfFileName);
  for (const e of envFromMap(c.env)) data[e.name] = e.value;
  return object('v1', 'ConfigMap', { name: `${NAME}-config`, namespace: ns, labels: { ...labels, app: NAME } }, { data });
}

function daemonSet(ctx: RenderContext, c: CNIConfig, ns: string, labels: Record<string, string>): K8sObject {
  const g = ctx.values.global;
  const ambient = truthy(c.ambient?.enabled);
  const hostNet = ambient && truthy(c.ambient?.shareHostNetworkNamespace);
  const needsProc = truthy(c.repair?.repairPods) || ambient;
  const logLevel = str(c.logging?.level) || str(g.logging?.level);
  const container: JsonMap = {
    name: 'install-cni',
    image: imageOf(ctx, c, str(c.image) || 'install-cni', ctx.iop.spec.components?.cni),
    ports: [{ containerPort: 15014, name: 'metrics', protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/readyz', port: 8000 } },
    securityContext: {
      privileged: false,
      runAsGroup: 0,
      runAsUser: 0,
      runAsNonRoot: false,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'] },
      ...(truthy(c.seLinuxOptions) ? { seLinuxOptions: overlay(c.seLinuxOptions, { type: 'spc_t' }) } : {}),
      ...(truthy(c.seccompProfile) ? { seccompProfile: c.seccompProfile } : {}),
    },
    command: ['install-cni'],
    args: [...(logLevel ? [`--log_output_level=${logLevel}`] : []), ...(truthy(g.logAsJson) ? ['--log_as_json'] : [])],
    envFrom: [{ configMapRef: { name: `${NAME}-config` } }],
    env: [
      fieldEnv('REPAIR_NODE_NAME', 'spec.nodeName'),
      env('REPAIR_RUN_AS_DAEMON', 'true'),
      env('REPAIR_SIDECAR_ANNOTATION', 'sidecar.istio.io/status'),
      ...(hostNet ? [] : [env('ALLOW_SWITCH_TO_HOST_NS', 'true')]),
      { name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
      { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1' } } },
      { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
      fieldEnv('POD_NAME', 'metadata.name'),
      fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    ],
    volumeMounts: [
      { mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' },
      ...(needsProc ? [{ mountPath: '/host/proc', name: 'cni-host-procfs', readOnly: true }] : []),
      { mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir' },
      { mountPath: '/var/run/istio-cni', name: 'cni-socket-dir' },
      ...(ambient
        ? [
            { mountPath: '/host/var/run/netns', mountPropagation: 'HostToContainer', name: 'cni-netns-dir' },
            { mountPath: '/var/run/ztunnel', name: 'cni-ztunnel-sock-dir' },
          ]
        : []),
    ],
    resources: truthy(c.resources) ? c.resources : g.defaultResources,
  };
  const pullPolicy = str(c.pullPolicy) || str(g.imagePullPolicy);
  if (pullPolicy) container.imagePullPolicy = pullPolicy;

  const podSpec: JsonMap = {
    ...(hostNet ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    ...(truthy(c.affinity) ? { affinity: c.affinity } : {}),
    ...(truthy(c.tolerations) ? { tolerations: c.tolerations } : {}),
    priorityClassName: 'system-node-critical',
    serviceAccountName: NAME,
    terminationGracePeriodSeconds: 5,
    containers: [container],
    volumes: [
      { name: 'cni-bin-dir', hostPath: { path: str(c.cniBinDir) || '/opt/cni/bin' } },
      ...(needsProc ? [{ name: 'cni-host-procfs', hostPath: { path: '/proc', type: 'Directory' } }] : []),
      ...(ambient ? [{ name: 'cni-ztunnel-sock-dir', hostPath: { path: '/var/run/ztunnel', type: 'DirectoryOrCreate' } }] : []),
      { name: 'cni-net-dir', hostPath: { path: str(c.cniConfDir) } },
      { name: 'cni-socket-dir', hostPath: { path: '/var/run/istio-cni' } },
      { name: 'cni-netns-dir', hostPath: { path: str(c.cniNetnsDir), type: 'DirectoryOrCreate' } },
    ],
  };
  const podLabels = { 'k8s-app': `${NAME}-node`, 'sidecar.istio.io/inject': 'false', 'istio.io/dataplane-mode': 'none', 'app.kubernetes.io/name': NAME, ...labels, ...metaMap(c.podLabels) };
  const spec: JsonMap = {
    selector: { matchLabels: { 'k8s-app': `${NAME}-node` } },
    template: {
      metadata: {
        labels: podLabels,
        annotations: {
          'sidecar.istio.io/inject': 'false',
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': '15014',
          'prometheus.io/path': '/metrics',
          'container.apparmor.security.beta.kubernetes.io/install-cni': 'unconfined',
          ...metaMap(c.podAnnotations),
        },
      },
      spec: podSpec,
    },
  };
  if (truthy(c.updateStrategy)) spec.updateStrategy = c.updateStrategy;
  return object('apps/v1', 'DaemonSet', { name: `${NAME}-node`, namespace: ns, labels: { ...labels, 'k8s-app': `${NAME}-node`, 'app.kubernetes.io/name': NAME } }, { spec });
}

export function cniObjects(ctx: RenderContext, ns: string): K8sObject[] {
  const c = ctx.values.cni;
  const labels = standardLabels(ctx, 'Cni', 'cni');
  const l = { ...labels, app: NAME };
  const out: K8sObject[] = [serviceAccount(NAME, ns, l, ctx.values.global.imagePullSecrets), configMap(ctx, c, ns, labels), daemonSet(ctx, c, ns, labels)];
  const baseRules = [rule([''], ['pods', 'nodes', 'namespaces'], ['get', 'list', 'watch'])];
  if (str(ctx.values.global.platform) === 'openshift') baseRules.push(rule(['security.openshift.io'], ['securitycontextconstraints'], ['use'], ['privileged']));
  out.push(object(RBAC, 'ClusterRole', { name: NAME, labels: l }, { rules: baseRules }), clusterRoleBinding(NAME, l, NAME, NAME, ns));
  const repair = c.repair ?? {};
  if (truthy(repair.enabled)) {
    const rules = [rule([''], ['events'], ['create', 'patch']), rule([''], ['pods'], ['watch', 'get', 'list'])];
    if (!truthy(repair.repairPods)) {
      if (truthy(repair.deletePods)) rules.push(rule([''], ['pods'], ['delete']));
      else if (truthy(repair.labelPods)) rules.push(rule([''], ['pods/status'], ['patch', 'update']));
    }
    out.push(object(RBAC, 'ClusterRole', { name: `${NAME}-repair-role`, labels: l }, { rules }), clusterRoleBinding(`${NAME}-repair-rolebinding`, l, `${NAME}-repair-role`, NAME, ns));
  }
  if (truthy(c.ambient?.enabled)) {
    out.push(
      object(RBAC, 'ClusterRole', { name: `${NAME}-ambient`, labels: l }, { rules: [rule([''], ['pods/status'], ['patch', 'update'])] }),
      clusterRoleBinding(`${NAME}-ambient`, l, `${NAME}-ambient`, NAME, ns),
    );
  }
  if (str(c.provider) === 'multus') {
    out.push(object('k8s.cni.cncf.io/v1', 'NetworkAttachmentDefinition', { name: NAME, namespace: 'default', labels: l }));
  }
  if (truthy(c.resourceQuotas?.enabled)) {
    out.push(object('v1', 'ResourceQuota', { name: `${NAME}-resource-quota`, namespace: ns, labels: l }, {
      spec: {
        hard: { pods: String(c.resourceQuotas?.pods ?? 5000) },
        scopeSelector: { matchExpressions: [{ operator: 'In', scopeName: 'PriorityClass', values: ['system-node-critical'] }] },
      },
    }));
  }
  return out;
}
