/**
 * OpenAPI v3, as much as kubectl uses: an index of group-versions with content hashes, and per
 * group-version documents whose PATCH operations accept `fieldValidation` (so kubectl leaves
 * validation to the server instead of failing with "failed to download openapi"). Custom resources
 * also get their CRD schema, which makes `kubectl explain` work for them. Built-in kinds get no
 * schemas: kubectl then computes strategic merge patches from its compiled-in types, as intended.
 */
import { createHash } from 'node:crypto';
import type { Obj } from './errors.js';
import type { Registry, ResourceType } from './registry.js';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(t: ResourceType, version: string): string {
  return `${t.group.split('.').reverse().join('.')}.${version}.${t.kind}`;
}

const objectMetaSchema = {
  type: 'object',
  description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
  properties: {
    name: { type: 'string', description: 'Name must be unique within a namespace.' },
    generateName: { type: 'string', description: 'An optional prefix used by the server to generate a unique name.' },
    namespace: { type: 'string', description: 'Namespace defines the space within which each name must be unique.' },
    labels: { type: 'object', additionalProperties: { type: 'string', default: '' }, description: 'Map of string keys and values that can be used to organize and categorize objects.' },
    annotations: { type: 'object', additionalProperties: { type: 'string', default: '' }, description: 'Annotations is an unstructured key value map stored with a resource.' },
    uid: { type: 'string', description: 'UID is the unique in time and space value for this object.' },
    resourceVersion: { type: 'string', description: 'An opaque value that represents the internal version of this object.' },
    generation: { type: 'integer', format: 'int64', description: 'A sequence number representing a specific generation of the desired state.' },
    creationTimestamp: { type: 'string', format: 'date-time', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    deletionTimestamp: { type: 'string', format: 'date-time', description: 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.' },
    finalizers: { type: 'array', items: { type: 'string', default: '' }, description: 'Must be empty before the object is deleted from the registry.' },
  },
};

function crSchema(t: ResourceType, version: string): Obj {
  const source = t.crd?.schemas[version] ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const properties: Obj = {
    ...(source.properties ?? {}),
    apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
    kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
    metadata: { allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }], description: 'Standard object\'s metadata.' },
  };
  return {
    ...source,
    type: 'object',
    properties,
    'x-kubernetes-group-version-kind': [{ group: t.group, version, kind: t.kind }],
  };
}

export function openAPIDocument(registry: Registry, group: string, version: string): Obj | undefined {
  const types = registry.served(group, version);
  if (types.length === 0) return undefined;
  const paths: Obj = {};
  const schemas: Obj = {};
  for (const t of types) {
    const gvk = { group: t.group, version, kind: t.kind };
    const base = `/${gvPath(group, version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
    const ref = t.crd ? { $ref: `#/components/schemas/${schemaName(t, version)}` } : { type: 'object' };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const params = [
      { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
    ];
    paths[`${base}/{name}`] = {
      get: { operationId: `read${t.kind}`, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk, responses: ok },
      put: { operationId: `replace${t.kind}`, 'x-kubernetes-action': 'put', 'x-kubernetes-group-version-kind': gvk, parameters: params, responses: ok },
      patch: { operationId: `patch${t.kind}`, 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': gvk, parameters: [...params, { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } }], responses: ok },
    };
    paths[base] = {
      post: { operationId: `create${t.kind}`, 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': gvk, parameters: params, responses: ok },
    };
    if (t.crd) schemas[schemaName(t, version)] = crSchema(t, version);
  }
  if (Object.keys(schemas).length > 0) schemas[OBJECT_META] = objectMetaSchema;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

function hashOf(doc: Obj): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

type OpenAPIIndex = { index: Obj; docs: Map<string, { doc: Obj; hash: string }> };
const cache = new WeakMap<Registry, { generation: number; value: OpenAPIIndex }>();

/** The index, and the rendered documents keyed by "api/v1" / "apis/g/v"; rebuilt only when the registry changes. */
export function openAPIIndex(registry: Registry): OpenAPIIndex {
  const hit = cache.get(registry);
  if (hit && hit.generation === registry.generation) return hit.value;
  const value = buildOpenAPIIndex(registry);
  cache.set(registry, { generation: registry.generation, value });
  return value;
}

function buildOpenAPIIndex(registry: Registry): OpenAPIIndex {
  const docs = new Map<string, { doc: Obj; hash: string }>();
  const paths: Obj = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const doc = openAPIDocument(registry, g.name, v);
      if (!doc) continue;
      const p = gvPath(g.name, v);
      const hash = hashOf(doc);
      docs.set(p, { doc, hash });
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
    }
  }
  return { index: { paths }, docs };
}


/**
 * An OpenAPI v2 document without definitions, in JSON or in gnostic's protobuf encoding (what
 * kubectl asks for). kubectl falls back to it to validate kinds the v3 index does not list (a
 * `kind: List` document); with no definitions it skips client-side schema checks and the server's
 * own validation applies.
 */
export function openAPIV2(protobuf: boolean): Buffer | Obj {
  if (!protobuf) return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions: {} };
  const field = (no: number, payload: Buffer) => Buffer.concat([Buffer.from([(no << 3) | 2, payload.length]), payload]);
  const info = Buffer.concat([field(1, Buffer.from('Kubernetes')), field(2, Buffer.from('v1.32.0'))]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info)]);
}
