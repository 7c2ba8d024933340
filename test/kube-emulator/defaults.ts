/**
 * Server-side defaulting for built-in kinds, limited to what clients and tests observe (kubectl
 * output, rollout logic, Service IPs). Mutates the object it is given (a fresh copy per write).
 */
import type { Obj } from './errors.js';

function containerDefaults(c: Obj): void {
  if (!c || typeof c !== 'object') return;
  const image = String(c.image ?? '');
  const tagless = !/:[^/]+$/.test(image.replace(/@.*$/, '')) && !image.includes('@');
  c.imagePullPolicy ??= tagless || image.endsWith(':latest') ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) if (p && typeof p === 'object') p.protocol ??= 'TCP';
}

function podSpecDefaults(spec: Obj | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.containers ?? []) containerDefaults(c);
  for (const c of spec.initContainers ?? []) containerDefaults(c);
}

function templateDefaults(spec: Obj | undefined): void {
  if (!spec?.template || typeof spec.template !== 'object') return;
  spec.template.metadata ??= {};
  podSpecDefaults(spec.template.spec);
}

export interface DefaultingContext {
  previous?: Obj;
  allocateClusterIP(): string;
  allocateNodePort(): number;
}

function serviceDefaults(svc: Obj, ctx: DefaultingContext): void {
  const spec = (svc.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  for (const p of spec.ports ?? []) {
    if (!p || typeof p !== 'object') continue;
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
    const prevPort = (ctx.previous?.spec?.ports ?? []).find((q: Obj) => q.port === p.port && q.protocol === p.protocol);
    if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort === undefined) p.nodePort = prevPort?.nodePort ?? ctx.allocateNodePort();
  }
  if (spec.type === 'ExternalName') return;
  spec.clusterIP ??= ctx.previous?.spec?.clusterIP ?? ctx.allocateClusterIP();
  spec.clusterIPs ??= [spec.clusterIP];
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  svc.status ??= { loadBalancer: {} };
}

function webhookDefaults(cfg: Obj, mutating: boolean): void {
  for (const w of cfg.webhooks ?? []) {
    if (!w || typeof w !== 'object') continue;
    w.failurePolicy ??= 'Fail';
    w.matchPolicy ??= 'Equivalent';
    w.namespaceSelector ??= {};
    w.objectSelector ??= {};
    w.timeoutSeconds ??= 10;
    if (mutating) w.reinvocationPolicy ??= 'Never';
    for (const r of w.rules ?? []) if (r && typeof r === 'object') r.scope ??= '*';
    if (w.clientConfig?.service) w.clientConfig.service.port ??= 443;
  }
}

const kindDefaults: Record<string, (obj: Obj, ctx: DefaultingContext) => void> = {
  '/Pod': (o) => {
    o.spec ??= {};
    podSpecDefaults(o.spec);
    o.spec.serviceAccountName ??= 'default';
    o.spec.serviceAccount ??= o.spec.serviceAccountName;
    o.spec.enableServiceLinks ??= true;
    o.spec.priority ??= 0;
  },
  '/Service': serviceDefaults,
  '/Secret': (o) => {
    o.type ??= 'Opaque';
    if (o.stringData && typeof o.stringData === 'object') {
      o.data ??= {};
      for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v)).toString('base64');
      delete o.stringData;
    }
  },
  '/Namespace': (o) => {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
    o.spec ??= {};
    o.spec.finalizers ??= ['kubernetes'];
    o.status ??= {};
    o.status.phase ??= 'Active';
  },
  'apps/Deployment': (o) => {
    o.spec ??= {};
    o.spec.replicas ??= 1;
    o.spec.strategy ??= { type: 'RollingUpdate' };
    if (o.spec.strategy.type === undefined) o.spec.strategy.type = 'RollingUpdate';
    if (o.spec.strategy.type === 'RollingUpdate') o.spec.strategy.rollingUpdate ??= { maxUnavailable: '25%', maxSurge: '25%' };
    o.spec.revisionHistoryLimit ??= 10;
    o.spec.progressDeadlineSeconds ??= 600;
    templateDefaults(o.spec);
  },
  'apps/ReplicaSet': (o) => {
    o.spec ??= {};
    o.spec.replicas ??= 1;
    templateDefaults(o.spec);
  },
  'apps/StatefulSet': (o) => {
    o.spec ??= {};
    o.spec.replicas ??= 1;
    o.spec.podManagementPolicy ??= 'OrderedReady';
    o.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
    o.spec.revisionHistoryLimit ??= 10;
    o.spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
    templateDefaults(o.spec);
  },
  'apps/DaemonSet': (o) => {
    o.spec ??= {};
    o.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
    o.spec.revisionHistoryLimit ??= 10;
    templateDefaults(o.spec);
  },
  'batch/Job': (o) => {
    o.spec ??= {};
    o.spec.completions ??= 1;
    o.spec.parallelism ??= 1;
    o.spec.backoffLimit ??= 6;
    o.spec.completionMode ??= 'NonIndexed';
    o.spec.suspend ??= false;
    if (!o.spec.manualSelector && o.metadata.uid) {
      const labels = { 'batch.kubernetes.io/controller-uid': o.metadata.uid, 'batch.kubernetes.io/job-name': o.metadata.name, 'controller-uid': o.metadata.uid, 'job-name': o.metadata.name };
      o.spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': o.metadata.uid } };
      o.spec.template ??= {};
      o.spec.template.metadata ??= {};
      o.spec.template.metadata.labels = { ...(o.spec.template.metadata.labels ?? {}), ...labels };
    }
    templateDefaults(o.spec);
  },
  'batch/CronJob': (o) => {
    o.spec ??= {};
    o.spec.concurrencyPolicy ??= 'Allow';
    o.spec.suspend ??= false;
    o.spec.successfulJobsHistoryLimit ??= 3;
    o.spec.failedJobsHistoryLimit ??= 1;
    if (o.spec.jobTemplate?.spec) templateDefaults(o.spec.jobTemplate.spec);
  },
  'autoscaling/HorizontalPodAutoscaler': (o) => {
    o.spec ??= {};
    o.spec.minReplicas ??= 1;
  },
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': (o) => webhookDefaults(o, true),
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': (o) => webhookDefaults(o, false),
  'apiextensions.k8s.io/CustomResourceDefinition': (o) => {
    o.spec ??= {};
    o.spec.conversion ??= { strategy: 'None' };
    if (o.spec.names) {
      o.spec.names.singular ??= String(o.spec.names.kind ?? '').toLowerCase();
      o.spec.names.listKind ??= `${o.spec.names.kind}List`;
    }
  },
};

export function applyDefaults(group: string, kind: string, obj: Obj, ctx: DefaultingContext): void {
  kindDefaults[`${group}/${kind}`]?.(obj, ctx);
}
