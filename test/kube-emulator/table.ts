/**
 * `as=Table` responses, so `kubectl get` prints the columns a real cluster shows for common kinds
 * (and a CRD's additionalPrinterColumns for custom resources).
 */
import type { Obj } from './errors.js';
import type { ResourceType } from './registry.js';

interface Column {
  name: string;
  type?: string;
  format?: string;
  priority?: number;
  cell: (o: Obj) => unknown;
}

export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const nameCol: Column = { name: 'Name', format: 'name', cell: (o) => o.metadata.name };
const ageCol: Column = { name: 'Age', cell: (o) => age(o.metadata.creationTimestamp) };

function podStatus(o: Obj): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  for (const cs of o.status?.containerStatuses ?? []) {
    if (cs.state?.waiting?.reason) return cs.state.waiting.reason;
    if (cs.state?.terminated?.reason) return cs.state.terminated.reason;
  }
  return o.status?.phase ?? 'Pending';
}

function servicePorts(o: Obj): string {
  const ports = (o.spec?.ports ?? []).map((p: Obj) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`);
  return ports.length ? ports.join(',') : '<none>';
}

function selectorText(sel: Obj | undefined): string {
  if (!sel) return '<none>';
  const parts = Object.entries(sel.matchLabels ?? (sel.matchExpressions ? {} : sel)).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) parts.push(`${e.key} ${String(e.operator).toLowerCase()} (${(e.values ?? []).join(',')})`);
  return parts.length ? parts.join(',') : '<none>';
}

const containersCol: Column = { name: 'Containers', priority: 1, cell: (o) => (o.spec?.template?.spec?.containers ?? []).map((c: Obj) => c.name).join(',') };
const imagesCol: Column = { name: 'Images', priority: 1, cell: (o) => (o.spec?.template?.spec?.containers ?? []).map((c: Obj) => c.image).join(',') };
const selectorCol: Column = { name: 'Selector', priority: 1, cell: (o) => selectorText(o.spec?.selector) };

function endpointsText(o: Obj): string {
  const out: string[] = [];
  for (const subset of o.subsets ?? []) {
    for (const a of subset.addresses ?? []) for (const p of subset.ports ?? [{}]) out.push(p.port !== undefined ? `${a.ip}:${p.port}` : a.ip);
  }
  if (out.length === 0) return '<none>';
  return out.length > 3 ? `${out.slice(0, 3).join(',')} + ${out.length - 3} more...` : out.join(',');
}

function jobStatus(o: Obj): string {
  const has = (type: string) => (o.status?.conditions ?? []).some((c: Obj) => c.type === type && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (o.spec?.suspend) return 'Suspended';
  return 'Running';
}

const builtinColumns: Record<string, Column[]> = {
  '/namespaces': [nameCol, { name: 'Status', cell: (o) => o.status?.phase ?? '' }, ageCol],
  '/pods': [
    nameCol,
    { name: 'Ready', cell: (o) => `${(o.status?.containerStatuses ?? []).filter((c: Obj) => c.ready).length}/${(o.spec?.containers ?? []).length}` },
    { name: 'Status', cell: podStatus },
    { name: 'Restarts', type: 'integer', cell: (o) => (o.status?.containerStatuses ?? []).reduce((n: number, c: Obj) => n + (c.restartCount ?? 0), 0) },
    ageCol,
    { name: 'IP', priority: 1, cell: (o) => o.status?.podIP ?? '<none>' },
    { name: 'Node', priority: 1, cell: (o) => o.spec?.nodeName ?? '<none>' },
    { name: 'Nominated Node', priority: 1, cell: (o) => o.status?.nominatedNodeName ?? '<none>' },
    { name: 'Readiness Gates', priority: 1, cell: (o) => (o.spec?.readinessGates?.length ? `0/${o.spec.readinessGates.length}` : '<none>') },
  ],
  '/endpoints': [nameCol, { name: 'Endpoints', cell: endpointsText }, ageCol],
  '/serviceaccounts': [nameCol, { name: 'Secrets', type: 'integer', cell: (o) => (o.secrets ?? []).length }, ageCol],
  '/events': [
    { name: 'Last Seen', cell: (o) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp) },
    { name: 'Type', cell: (o) => o.type ?? '' },
    { name: 'Reason', cell: (o) => o.reason ?? '' },
    { name: 'Object', cell: (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}` },
    { name: 'Subobject', priority: 1, cell: (o) => o.involvedObject?.fieldPath ?? '' },
    { name: 'Source', priority: 1, cell: (o) => [o.source?.component, o.source?.host].filter(Boolean).join(', ') },
    { name: 'Message', cell: (o) => o.message ?? '' },
    { name: 'First Seen', priority: 1, cell: (o) => age(o.firstTimestamp ?? o.metadata.creationTimestamp) },
    { name: 'Count', priority: 1, type: 'integer', cell: (o) => o.count ?? 1 },
    { name: 'Name', priority: 1, cell: (o) => o.metadata.name },
  ],
  '/services': [
    nameCol,
    { name: 'Type', cell: (o) => o.spec?.type ?? '' },
    { name: 'Cluster-IP', cell: (o) => o.spec?.clusterIP ?? '<none>' },
    { name: 'External-IP', cell: (o) => (o.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip ?? i.hostname).join(',') || (o.spec?.type === 'LoadBalancer' ? '<pending>' : '<none>') },
    { name: 'Port(s)', cell: servicePorts },
    ageCol,
    { name: 'Selector', priority: 1, cell: (o) => (o.spec?.selector ? Object.entries(o.spec.selector).map(([k, v]) => `${k}=${v}`).join(',') : '<none>') },
  ],
  '/configmaps': [nameCol, { name: 'Data', type: 'integer', cell: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length }, ageCol],
  '/secrets': [nameCol, { name: 'Type', cell: (o) => o.type ?? '' }, { name: 'Data', type: 'integer', cell: (o) => Object.keys(o.data ?? {}).length }, ageCol],
  '/nodes': [
    nameCol,
    { name: 'Status', cell: (o) => ((o.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady') },
    { name: 'Roles', cell: () => '<none>' },
    ageCol,
    { name: 'Version', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Internal-IP', priority: 1, cell: (o) => (o.status?.addresses ?? []).find((a: Obj) => a.type === 'InternalIP')?.address ?? '<none>' },
    { name: 'External-IP', priority: 1, cell: (o) => (o.status?.addresses ?? []).find((a: Obj) => a.type === 'ExternalIP')?.address ?? '<none>' },
    { name: 'OS-Image', priority: 1, cell: (o) => o.status?.nodeInfo?.osImage ?? '<unknown>' },
    { name: 'Kernel-Version', priority: 1, cell: (o) => o.status?.nodeInfo?.kernelVersion ?? '<unknown>' },
    { name: 'Container-Runtime', priority: 1, cell: (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '<unknown>' },
  ],
  'apps/deployments': [
    nameCol,
    { name: 'Ready', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.availableReplicas ?? 0 },
    ageCol,
    containersCol,
    imagesCol,
    selectorCol,
  ],
  'apps/replicasets': [
    nameCol,
    { name: 'Desired', type: 'integer', cell: (o) => o.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => o.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => o.status?.readyReplicas ?? 0 },
    ageCol,
    containersCol,
    imagesCol,
    selectorCol,
  ],
  'apps/statefulsets': [nameCol, { name: 'Ready', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` }, ageCol, containersCol, imagesCol],
  'apps/daemonsets': [
    nameCol,
    { name: 'Desired', type: 'integer', cell: (o) => o.status?.desiredNumberScheduled ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => o.status?.currentNumberScheduled ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => o.status?.numberReady ?? 0 },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedNumberScheduled ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.numberAvailable ?? 0 },
    { name: 'Node Selector', cell: (o) => (o.spec?.template?.spec?.nodeSelector ? Object.entries(o.spec.template.spec.nodeSelector).map(([k, v]) => `${k}=${v}`).join(',') : '<none>') },
    ageCol,
    containersCol,
    imagesCol,
    selectorCol,
  ],
  'autoscaling/horizontalpodautoscalers': [
    nameCol,
    { name: 'Reference', cell: (o) => `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}` },
    { name: 'Targets', cell: (o) => ((o.spec?.metrics ?? []).length ? (o.spec.metrics as Obj[]).map((m) => `${m.resource?.name ?? m.type}: <unknown>/${m.resource?.target?.averageUtilization ?? '?'}%`).join(', ') : '<none>') },
    { name: 'MinPods', type: 'integer', cell: (o) => o.spec?.minReplicas ?? 1 },
    { name: 'MaxPods', type: 'integer', cell: (o) => o.spec?.maxReplicas ?? 0 },
    { name: 'Replicas', type: 'integer', cell: (o) => o.status?.currentReplicas ?? 0 },
    ageCol,
  ],
  'policy/poddisruptionbudgets': [
    nameCol,
    { name: 'Min Available', cell: (o) => (o.spec?.minAvailable ?? 'N/A') },
    { name: 'Max Unavailable', cell: (o) => (o.spec?.maxUnavailable ?? 'N/A') },
    { name: 'Allowed Disruptions', type: 'integer', cell: (o) => o.status?.disruptionsAllowed ?? 0 },
    ageCol,
  ],
  'batch/jobs': [
    nameCol,
    { name: 'Status', cell: jobStatus },
    { name: 'Completions', cell: (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}` },
    { name: 'Duration', cell: (o) => (o.status?.startTime ? age(o.status.startTime, o.status.completionTime ? Date.parse(o.status.completionTime) : Date.now()) : '') },
    ageCol,
    containersCol,
    imagesCol,
    selectorCol,
  ],
  'batch/cronjobs': [
    nameCol,
    { name: 'Schedule', cell: (o) => o.spec?.schedule ?? '' },
    { name: 'Timezone', cell: (o) => o.spec?.timeZone ?? '<none>' },
    { name: 'Suspend', type: 'boolean', cell: (o) => !!o.spec?.suspend },
    { name: 'Active', type: 'integer', cell: (o) => (o.status?.active ?? []).length },
    { name: 'Last Schedule', cell: (o) => (o.status?.lastScheduleTime ? age(o.status.lastScheduleTime) : '<none>') },
    ageCol,
  ],
  'rbac.authorization.k8s.io/roles': [nameCol, { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp }],
  'rbac.authorization.k8s.io/clusterroles': [nameCol, { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp }],
  'rbac.authorization.k8s.io/rolebindings': [nameCol, { name: 'Role', cell: (o) => `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}` }, ageCol],
  'rbac.authorization.k8s.io/clusterrolebindings': [nameCol, { name: 'Role', cell: (o) => `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}` }, ageCol],
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': [nameCol, { name: 'Webhooks', type: 'integer', cell: (o) => (o.webhooks ?? []).length }, ageCol],
  'admissionregistration.k8s.io/validatingwebhookconfigurations': [nameCol, { name: 'Webhooks', type: 'integer', cell: (o) => (o.webhooks ?? []).length }, ageCol],
  'discovery.k8s.io/endpointslices': [
    nameCol,
    { name: 'AddressType', cell: (o) => o.addressType ?? '' },
    { name: 'Ports', cell: (o) => ((o.ports ?? []).length ? (o.ports as Obj[]).map((p) => p.port).join(',') : '<unset>') },
    { name: 'Endpoints', cell: (o) => (o.endpoints ?? []).flatMap((e: Obj) => e.addresses ?? []).join(',') || '<unset>' },
    ageCol,
  ],
  'apiextensions.k8s.io/customresourcedefinitions': [nameCol, { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp }],
};

/** Evaluates the simple JSONPath forms CRDs use in additionalPrinterColumns (`.spec.x`, `.status.conditions[0].type`). */
function jsonPathCell(obj: Obj, path: string): unknown {
  let cur: unknown = obj;
  const re = /\.([^.[\]]+)|\[(\d+)\]|\[\?\(@\.(\w+)=="([^"]*)"\)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (cur === null || cur === undefined) return undefined;
    if (m[1] !== undefined) cur = (cur as Obj)[m[1]];
    else if (m[2] !== undefined) cur = Array.isArray(cur) ? cur[Number(m[2])] : undefined;
    else cur = Array.isArray(cur) ? cur.find((x) => x?.[m![3]] === m![4]) : undefined;
  }
  return cur;
}

function columnsFor(type: ResourceType): Column[] {
  if (type.columns?.length) {
    const cols: Column[] = [nameCol];
    for (const c of type.columns) {
      cols.push({
        name: c.name,
        type: c.type,
        priority: c.priority ?? 0,
        cell: (o) => {
          const v = jsonPathCell(o, c.jsonPath);
          return c.type === 'date' && typeof v === 'string' ? age(v) : v ?? null;
        },
      });
    }
    if (!type.columns.some((c) => c.jsonPath === '.metadata.creationTimestamp')) cols.push(ageCol);
    return cols;
  }
  return builtinColumns[`${type.group}/${type.plural}`] ?? [nameCol, ageCol];
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && accept.split(',')[0].includes('as=Table');
}

export function toTable(type: ResourceType, items: Obj[], listMeta: Obj): Obj {
  const cols = columnsFor(type);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type ?? 'string', format: c.format ?? '', description: '', priority: c.priority ?? 0 })),
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
