/**
 * Validation of built-in kinds: the checks whose 422 messages users meet on real clusters
 * (names, selectors, required containers and images, Service ports, CRD names and versions).
 */
import { badRequest, invalid, invalidValue, required, type Obj, type StatusCause } from './errors.js';
import { labelSelectorMatcher } from './selectors.js';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** Kinds whose names must be DNS-1123 labels (or DNS-1035 for Services). */
const LABEL_NAMED = new Set(['/Namespace']);

export function validateName(group: string, kind: string, name: string): StatusCause[] {
  if (!name) return [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }];
  const key = `${group}/${kind}`;
  if (key === '/Service') {
    if (!DNS1035.test(name) || name.length > 63) return [invalidValue('metadata.name', name, DNS1035_MSG)];
    return [];
  }
  if (LABEL_NAMED.has(key)) {
    if (!LABEL.test(name) || name.length > 63) return [invalidValue('metadata.name', name, LABEL_MSG)];
    return [];
  }
  if (group === 'rbac.authorization.k8s.io') return name.includes('/') || name.includes('%') ? [invalidValue('metadata.name', name, 'may not contain "/" or "%"')] : [];
  if (!SUBDOMAIN.test(name) || name.length > 253) return [invalidValue('metadata.name', name, SUBDOMAIN_MSG)];
  return [];
}

function validateContainers(spec: Obj | undefined, path: string, out: StatusCause[]): void {
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    out.push(required(`${path}.containers`));
    return;
  }
  const seen = new Set<string>();
  containers.forEach((c: Obj, i: number) => {
    const at = `${path}.containers[${i}]`;
    if (!c?.name) out.push(required(`${at}.name`));
    else if (seen.has(c.name)) out.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: "${c.name}"`, field: `${at}.name` });
    else seen.add(c.name);
    if (!c?.image) out.push(required(`${at}.image`));
    for (const [j, p] of (c?.ports ?? []).entries()) {
      const port = (p as Obj)?.containerPort;
      if (typeof port !== 'number' || port < 1 || port > 65535) {
        out.push(invalidValue(`${at}.ports[${j}].containerPort`, port, 'must be between 1 and 65535, inclusive'));
      }
    }
  });
}

function validateWorkload(obj: Obj, out: StatusCause[], selectorRequired = true): void {
  const spec = obj.spec ?? {};
  if (!spec.selector) {
    if (selectorRequired) out.push(required('spec.selector'));
  } else {
    const labels = spec.template?.metadata?.labels ?? {};
    if (!labelSelectorMatcher(spec.selector)({ metadata: { labels } })) {
      out.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
        field: 'spec.template.metadata.labels',
      });
    }
  }
  if (typeof spec.replicas === 'number' && spec.replicas < 0) out.push(invalidValue('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  validateContainers(spec.template?.spec, 'spec.template.spec', out);
}

function validateService(obj: Obj, out: StatusCause[]): void {
  const spec = obj.spec ?? {};
  const headless = spec.clusterIP === 'None';
  if (spec.type !== 'ExternalName' && !headless && (!Array.isArray(spec.ports) || spec.ports.length === 0)) out.push(required('spec.ports'));
  const names = new Set<string>();
  (spec.ports ?? []).forEach((p: Obj, i: number) => {
    if (typeof p?.port !== 'number' || p.port < 1 || p.port > 65535) out.push(invalidValue(`spec.ports[${i}].port`, p?.port, 'must be between 1 and 65535, inclusive'));
    if ((spec.ports.length ?? 0) > 1 && !p?.name) out.push(required(`spec.ports[${i}].name`));
    if (p?.name) {
      if (names.has(p.name)) out.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: "${p.name}"`, field: `spec.ports[${i}].name` });
      names.add(p.name);
    }
  });
  const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
  if (!types.includes(spec.type)) out.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: "${spec.type}": supported values: ${types.map((t) => `"${t}"`).join(', ')}`, field: 'spec.type' });
}

function validateCRD(obj: Obj, out: StatusCause[]): void {
  const spec = obj.spec ?? {};
  const names = spec.names ?? {};
  if (!spec.group) out.push(required('spec.group'));
  if (!names.plural) out.push(required('spec.names.plural'));
  if (!names.kind) out.push(required('spec.names.kind'));
  if (spec.group && names.plural && obj.metadata.name !== `${names.plural}.${spec.group}`) {
    out.push(invalidValue('metadata.name', obj.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    out.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: "${spec.scope ?? ''}": supported values: "Cluster", "Namespaced"`, field: 'spec.scope' });
  }
  const versions: Obj[] = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) out.push(required('spec.versions'));
  else {
    const storage = versions.filter((v) => v.storage).length;
    if (storage !== 1) out.push(invalidValue('spec.versions', versions.map((v) => v.name), 'must have exactly one version marked as storage version'));
    if (!versions.some((v) => v.served)) out.push(invalidValue('spec.versions', versions.map((v) => v.name), 'must have at least one served version'));
    versions.forEach((v, i) => {
      if (!v.schema?.openAPIV3Schema && !spec.preserveUnknownFields) out.push(required(`spec.versions[${i}].schema.openAPIV3Schema`));
    });
  }
}

function validateWebhooks(obj: Obj, out: StatusCause[]): void {
  (obj.webhooks ?? []).forEach((w: Obj, i: number) => {
    const at = `webhooks[${i}]`;
    if (!w?.name) out.push(required(`${at}.name`));
    else if (w.name.split('.').length < 3) out.push(invalidValue(`${at}.name`, w.name, 'should be a domain with at least three segments separated by dots'));
    if (!w?.sideEffects) out.push(required(`${at}.sideEffects`));
    if (!Array.isArray(w?.admissionReviewVersions) || w.admissionReviewVersions.length === 0) out.push(required(`${at}.admissionReviewVersions`));
    if (!w?.clientConfig?.service && !w?.clientConfig?.url) out.push(required(`${at}.clientConfig`));
  });
}

const kindValidators: Record<string, (obj: Obj, out: StatusCause[]) => void> = {
  '/Pod': (o, out) => validateContainers(o.spec, 'spec', out),
  '/Service': validateService,
  'apps/Deployment': (o, out) => validateWorkload(o, out),
  'apps/ReplicaSet': (o, out) => validateWorkload(o, out),
  'apps/StatefulSet': (o, out) => validateWorkload(o, out),
  'apps/DaemonSet': (o, out) => validateWorkload(o, out),
  'batch/Job': (o, out) => validateWorkload(o, out, false),
  'apiextensions.k8s.io/CustomResourceDefinition': validateCRD,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': validateWebhooks,
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': validateWebhooks,
  'rbac.authorization.k8s.io/RoleBinding': (o, out) => {
    if (!o.roleRef) out.push(required('roleRef'));
  },
  'rbac.authorization.k8s.io/ClusterRoleBinding': (o, out) => {
    if (!o.roleRef) out.push(required('roleRef'));
  },
};

/** Throws 422 Invalid when the object breaks a rule a real API server enforces. */
export function validateBuiltin(group: string, kind: string, obj: Obj): void {
  const causes = validateName(group, kind, obj.metadata?.name ?? '');
  kindValidators[`${group}/${kind}`]?.(obj, causes);
  if (causes.length > 0) throw invalid(kind, group, obj.metadata?.name ?? '', causes);
}

const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);
const COMMON_TOP_LEVEL = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];
const TOP_LEVEL_EXTRA: Record<string, string[]> = {
  '/ConfigMap': ['data', 'binaryData', 'immutable'],
  '/Secret': ['data', 'stringData', 'type', 'immutable'],
  '/ServiceAccount': ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  '/Event': ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'series', 'action', 'related', 'reportingComponent', 'reportingInstance'],
  '/Endpoints': ['subsets'],
  '/PodTemplate': ['template'],
  'discovery.k8s.io/EndpointSlice': ['addressType', 'endpoints', 'ports'],
  'rbac.authorization.k8s.io/Role': ['rules'],
  'rbac.authorization.k8s.io/ClusterRole': ['rules', 'aggregationRule'],
  'rbac.authorization.k8s.io/RoleBinding': ['subjects', 'roleRef'],
  'rbac.authorization.k8s.io/ClusterRoleBinding': ['subjects', 'roleRef'],
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': ['webhooks'],
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': ['webhooks'],
};

/**
 * Unknown top-level and metadata fields of a built-in object (deeper fields are not checked: the
 * emulator carries no built-in schemas). They are dropped, as decoding drops them; under
 * fieldValidation=Strict the request fails with the decoder's 400, under Warn they come back as warnings.
 */
export function checkBuiltinFields(group: string, kind: string, version: string, obj: Obj, fieldValidation: 'Strict' | 'Warn' | 'Ignore'): string[] {
  const allowed = new Set([...COMMON_TOP_LEVEL, ...(TOP_LEVEL_EXTRA[`${group}/${kind}`] ?? [])]);
  const unknown: string[] = [];
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) {
      unknown.push(key);
      delete obj[key];
    }
  }
  if (obj.metadata && typeof obj.metadata === 'object') {
    for (const key of Object.keys(obj.metadata)) {
      if (!OBJECT_META_FIELDS.has(key)) {
        unknown.push(`metadata.${key}`);
        delete obj.metadata[key];
      }
    }
  }
  if (unknown.length === 0 || fieldValidation === 'Ignore') return [];
  const listed = unknown.map((f) => `unknown field "${f}"`);
  if (fieldValidation === 'Strict') throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${listed.join(', ')}`);
  return listed;
}
