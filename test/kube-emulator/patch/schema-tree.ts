/**
 * How lists and maps merge, per field, for strategic merge patch and server-side apply. Built-in kinds
 * get a typed tree (the same field name, e.g. `ports`, means different things in a Container and a
 * Service, so a table keyed by field name would be wrong); custom resources get one derived from their
 * CRD's OpenAPI schema (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`, `x-kubernetes-map-type`).
 * The merge keys and strategies follow the upstream Go types' `patchMergeKey`/`patchStrategy`/`listType` tags.
 */
import type { Obj } from '../errors.js';

export interface SchemaNode {
  fields?: Record<string, SchemaNode>;
  /** Schema of list items. */
  items?: SchemaNode;
  /** Schema of map values (additionalProperties). */
  values?: SchemaNode;
  /** Server-side apply list semantics; lists without one are atomic. */
  list?: 'map' | 'set' | 'atomic';
  /** Server-side apply keys of a list-map. */
  mapKeys?: string[];
  /** Defaults for list-map keys a manifest may omit (container port `protocol`). */
  keyDefaults?: Record<string, unknown>;
  /** Strategic-merge-patch merge key (lists of objects). */
  patchKey?: string;
  /** Strategic-merge-patch strategy: "merge", "retainKeys" or "merge,retainKeys". */
  patchStrategy?: string;
  /** An atomic struct or map: replaced as a whole by apply. */
  atomic?: boolean;
}

function obj(fields: Record<string, SchemaNode>): SchemaNode {
  return { fields };
}

function mapList(keys: string[], items?: SchemaNode, patchKey = keys[0], extra: Partial<SchemaNode> = {}): SchemaNode {
  return { list: 'map', mapKeys: keys, patchKey, patchStrategy: 'merge', items, ...extra };
}

const atomicList: SchemaNode = { list: 'atomic' };
const mergedSet: SchemaNode = { list: 'set', patchStrategy: 'merge' };
const conditions = mapList(['type']);

const objectMeta = obj({
  ownerReferences: mapList(['uid']),
  finalizers: mergedSet,
  managedFields: atomicList,
});

const labelSelector = obj({ matchExpressions: atomicList });

const container = obj({
  env: mapList(['name']),
  ports: mapList(['containerPort', 'protocol'], undefined, 'containerPort', { keyDefaults: { protocol: 'TCP' } }),
  volumeMounts: mapList(['mountPath']),
  volumeDevices: mapList(['devicePath']),
  resizePolicy: atomicList,
  envFrom: atomicList,
  args: atomicList,
  command: atomicList,
});

const podSpec = obj({
  containers: mapList(['name'], container),
  initContainers: mapList(['name'], container),
  ephemeralContainers: mapList(['name'], container),
  volumes: mapList(['name'], undefined, 'name', { patchStrategy: 'merge,retainKeys' }),
  imagePullSecrets: mapList(['name']),
  hostAliases: mapList(['ip']),
  topologySpreadConstraints: mapList(['topologyKey', 'whenUnsatisfiable'], undefined, 'topologyKey'),
  resourceClaims: mapList(['name'], undefined, 'name', { patchStrategy: 'merge,retainKeys' }),
  schedulingGates: mapList(['name']),
  tolerations: atomicList,
  readinessGates: atomicList,
});

const podTemplateSpec = obj({ metadata: objectMeta, spec: podSpec });

const workloadSpec = (extra: Record<string, SchemaNode> = {}): SchemaNode =>
  obj({ selector: labelSelector, template: podTemplateSpec, ...extra });

const statusWithConditions = obj({ conditions });

const jobSpec = workloadSpec();

function root(spec?: SchemaNode, status: SchemaNode = statusWithConditions, extra: Record<string, SchemaNode> = {}): SchemaNode {
  return obj({ metadata: objectMeta, ...(spec ? { spec } : {}), status, ...extra });
}

const webhooks = mapList(['name']);

/** Keyed by `group/Kind` (core group is empty). */
const builtinTrees: Record<string, SchemaNode> = {
  '/Pod': root(podSpec, obj({ conditions, podIPs: mapList(['ip']), hostIPs: mapList(['ip']), containerStatuses: atomicList })),
  '/PodTemplate': root(undefined, statusWithConditions, { template: podTemplateSpec }),
  '/Service': root(
    obj({
      ports: mapList(['port', 'protocol'], undefined, 'port', { keyDefaults: { protocol: 'TCP' } }),
      clusterIPs: atomicList,
      ipFamilies: atomicList,
      externalIPs: atomicList,
    }),
  ),
  '/Endpoints': root(undefined, statusWithConditions, { subsets: atomicList }),
  '/Node': root(obj({ taints: atomicList, podCIDRs: mergedSet }), obj({ conditions, addresses: mapList(['type'], undefined, 'type') })),
  '/Namespace': root(obj({ finalizers: atomicList })),
  'apps/Deployment': root(workloadSpec({ strategy: { patchStrategy: 'retainKeys' } })),
  'apps/ReplicaSet': root(workloadSpec()),
  'apps/StatefulSet': root(workloadSpec({ volumeClaimTemplates: atomicList })),
  'apps/DaemonSet': root(workloadSpec({ updateStrategy: { patchStrategy: 'retainKeys' } })),
  'batch/Job': root(jobSpec),
  'batch/CronJob': root(obj({ jobTemplate: obj({ metadata: objectMeta, spec: jobSpec }) }), obj({ active: atomicList })),
  'autoscaling/HorizontalPodAutoscaler': root(obj({ metrics: atomicList }), obj({ conditions, currentMetrics: atomicList })),
  'policy/PodDisruptionBudget': root(obj({ selector: labelSelector })),
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': root(undefined, statusWithConditions, { webhooks }),
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': root(undefined, statusWithConditions, { webhooks }),
  'apiextensions.k8s.io/CustomResourceDefinition': root(obj({ versions: atomicList })),
  'rbac.authorization.k8s.io/Role': root(undefined, statusWithConditions, { rules: atomicList }),
  'rbac.authorization.k8s.io/ClusterRole': root(undefined, statusWithConditions, { rules: atomicList }),
  'rbac.authorization.k8s.io/RoleBinding': root(undefined, statusWithConditions, { subjects: atomicList }),
  'rbac.authorization.k8s.io/ClusterRoleBinding': root(undefined, statusWithConditions, { subjects: atomicList }),
  'discovery.k8s.io/EndpointSlice': root(undefined, statusWithConditions, { endpoints: atomicList, ports: atomicList }),
};

const genericRoot = root();

export function builtinSchemaTree(group: string, kind: string): SchemaNode {
  return builtinTrees[`${group}/${kind}`] ?? genericRoot;
}

/** Derives merge semantics from a structural OpenAPI v3 schema (a CRD version's `schema.openAPIV3Schema`). */
export function schemaTreeFromOpenAPI(schema: Obj | undefined): SchemaNode {
  const walk = (s: Obj | undefined, depth: number): SchemaNode | undefined => {
    if (!s || typeof s !== 'object' || depth > 64) return undefined;
    const node: SchemaNode = {};
    if (s.properties) {
      node.fields = {};
      for (const [k, v] of Object.entries(s.properties as Obj)) {
        const child = walk(v, depth + 1);
        if (child) node.fields[k] = child;
      }
    }
    if (s.additionalProperties && typeof s.additionalProperties === 'object') node.values = walk(s.additionalProperties, depth + 1);
    if (s['x-kubernetes-map-type'] === 'atomic') node.atomic = true;
    if (s.type === 'array') {
      const lt = s['x-kubernetes-list-type'];
      node.list = lt === 'map' ? 'map' : lt === 'set' ? 'set' : 'atomic';
      if (lt === 'map') node.mapKeys = s['x-kubernetes-list-map-keys'] ?? [];
      node.items = walk(s.items, depth + 1);
    }
    return node;
  };
  const tree = walk(schema, 0) ?? {};
  tree.fields = { ...(tree.fields ?? {}), metadata: objectMeta };
  return tree;
}
