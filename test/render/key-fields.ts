/**
 * A reviewable digest of a render: the (kind, namespace, name) inventory in output order,
 * and the fields profiles.md §3 calls out (images, ports, env, selectors, webhooks, mesh).
 * Goldens store this digest, not the 500 kB of manifests.
 */
import { stringify } from 'yaml';
import type { K8sObject, RenderedComponent } from '../../src/render/index.js';
import { sortObjects } from '../../src/render/index.js';

function envDigest(env: any[] | undefined): string[] {
  return (env ?? []).map((e) => {
    if ('value' in e) return `${e.name}=${e.value}`;
    const from = e.valueFrom ?? {};
    if (from.fieldRef) return `${e.name}<-field:${from.fieldRef.fieldPath}`;
    if (from.resourceFieldRef) return `${e.name}<-resource:${from.resourceFieldRef.resource}`;
    return `${e.name}<-?`;
  });
}

function workload(o: any): Record<string, unknown> {
  const pod = o.spec.template.spec;
  return {
    replicas: o.spec.replicas,
    selector: o.spec.selector.matchLabels,
    podLabels: o.spec.template.metadata.labels,
    serviceAccount: pod.serviceAccountName,
    containers: pod.containers.map((c: any) => ({
      name: c.name,
      image: c.image,
      args: c.args,
      ports: (c.ports ?? []).map((p: any) => `${p.containerPort}${p.name ? `/${p.name}` : ''}`),
      env: envDigest(c.env),
      resources: c.resources,
      readiness: c.readinessProbe?.httpGet ? `${c.readinessProbe.httpGet.path}:${c.readinessProbe.httpGet.port}` : undefined,
    })),
    volumes: (pod.volumes ?? []).map((v: any) => v.name),
  };
}

function webhooks(o: any): unknown[] {
  return o.webhooks.map((w: any) => ({
    name: w.name,
    to: w.clientConfig.url ?? `${w.clientConfig.service.namespace}/${w.clientConfig.service.name}${w.clientConfig.service.path}:${w.clientConfig.service.port}`,
    failurePolicy: w.failurePolicy,
    namespaceSelector: (w.namespaceSelector?.matchExpressions ?? []).map((e: any) => `${e.key} ${e.operator} ${e.values ? `[${e.values.join(',')}]` : ''}`.trim()),
    objectSelector: (w.objectSelector?.matchExpressions ?? []).map((e: any) => `${e.key} ${e.operator} ${e.values ? `[${e.values.join(',')}]` : ''}`.trim()),
  }));
}

function keyFields(o: K8sObject): unknown {
  const x = o as any;
  switch (o.kind) {
    case 'Deployment':
    case 'DaemonSet':
      return workload(x);
    case 'Service':
      return { type: x.spec.type, selector: x.spec.selector, ports: x.spec.ports.map((p: any) => `${p.name} ${p.port}->${p.targetPort ?? p.port}`) };
    case 'MutatingWebhookConfiguration':
    case 'ValidatingWebhookConfiguration':
      return { labels: { app: x.metadata.labels?.app, rev: x.metadata.labels?.['istio.io/rev'] }, webhooks: webhooks(x) };
    case 'HorizontalPodAutoscaler':
      return { target: x.spec.scaleTargetRef.name, min: x.spec.minReplicas, max: x.spec.maxReplicas };
    case 'PodDisruptionBudget':
      return { minAvailable: x.spec.minAvailable, selector: x.spec.selector.matchLabels };
    case 'ConfigMap':
      return x.data.mesh !== undefined ? { mesh: x.data.mesh } : { keys: Object.keys(x.data).sort() };
    case 'ClusterRoleBinding':
    case 'RoleBinding':
      return { role: x.roleRef.name, subjects: x.subjects.map((s: any) => `${s.namespace}/${s.name}`) };
    case 'CustomResourceDefinition':
      return x.spec.versions.map((v: any) => `${v.name}${v.storage ? '*' : ''}`).join(' ');
    default:
      return undefined;
  }
}

export function digest(components: readonly RenderedComponent[]): string {
  const inventory = components.map((c) => ({
    component: `${c.component} ${c.name} (${c.namespace})`,
    objects: sortObjects(c.objects).map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`),
  }));
  const details: Record<string, unknown> = {};
  for (const o of sortObjects(components.flatMap((c) => c.objects))) {
    const k = keyFields(o);
    if (k !== undefined) details[`${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`] = k;
  }
  return stringify({ inventory, details }, { lineWidth: 0 });
}
