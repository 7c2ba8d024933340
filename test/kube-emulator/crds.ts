/**
 * CustomResourceDefinitions: turning a CRD into a served type, and checking custom objects against
 * the version's structural schema as kube-apiserver does: unknown fields pruned (or rejected under
 * fieldValidation=Strict), `default:` values filled in, then OpenAPI validation (ajv) with 422 causes.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ApiError, badRequest, invalid, type Obj, type StatusCause } from './errors.js';
import { isPlainObject } from './patch/json-patches.js';
import { schemaTreeFromOpenAPI } from './patch/schema-tree.js';
import { sortVersions, type ResourceType } from './registry.js';

export function typeFromCRD(crd: Obj): ResourceType {
  const spec = crd.spec;
  const served: Obj[] = (spec.versions ?? []).filter((v: Obj) => v.served);
  const storage: Obj = (spec.versions ?? []).find((v: Obj) => v.storage) ?? served[0];
  const versions = sortVersions(served.map((v) => v.name));
  const schemas: Record<string, Obj | undefined> = {};
  for (const v of spec.versions ?? []) schemas[v.name] = v.schema?.openAPIV3Schema;
  const scale = storage?.subresources?.scale;
  return {
    group: spec.group,
    versions,
    storageVersion: storage?.name ?? versions[0],
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    plural: spec.names.plural,
    singular: spec.names.singular ?? String(spec.names.kind).toLowerCase(),
    namespaced: spec.scope === 'Namespaced',
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    statusSubresource: !!storage?.subresources?.status,
    scale: scale ? { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, labelSelectorPath: scale.labelSelectorPath } : undefined,
    tree: schemaTreeFromOpenAPI(schemas[storage?.name]),
    columns: storage?.additionalPrinterColumns,
    crd: { crdName: crd.metadata.name, schemas, established: false, terminating: false },
  };
}

/** The CRD schema rewritten for ajv: int-or-string, no metadata constraints, Kubernetes extensions dropped. */
function toAjvSchema(schema: unknown, depth = 0): unknown {
  if (!isPlainObject(schema)) return schema;
  const out: Obj = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-kubernetes-') || k === 'description' || k === 'example' || k === 'externalDocs') continue;
    if (k === 'properties' && isPlainObject(v)) {
      out.properties = {};
      for (const [pk, pv] of Object.entries(v)) {
        out.properties[pk] = depth === 0 && pk === 'metadata' ? { type: 'object' } : toAjvSchema(pv, depth + 1);
      }
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') out[k] = toAjvSchema(v, depth + 1);
    else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) out[k] = v.map((s) => toAjvSchema(s, depth + 1));
    else out[k] = v;
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [...(out.anyOf ?? []), { type: 'integer' }, { type: 'string' }];
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new WeakMap<Obj, ValidateFunction<unknown>>();

function validatorFor(schema: Obj): ValidateFunction<unknown> {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile<unknown>(toAjvSchema(schema) as Obj);
    compiled.set(schema, v);
  }
  return v;
}

/** Removes fields the schema does not declare, filling `default:` values on the way; returns the removed paths. */
function pruneAndDefault(value: unknown, schema: Obj | undefined, path: string, unknown: string[], isRoot: boolean): void {
  if (!schema || !isPlainObject(schema)) return;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) pruneAndDefault(item, schema.items, `${path}[${i}]`, unknown, false);
    return;
  }
  if (!isPlainObject(value)) return;
  const props: Obj | undefined = schema.properties;
  if (props) {
    for (const [k, s] of Object.entries(props)) {
      if (value[k] === undefined && isPlainObject(s) && s.default !== undefined) value[k] = structuredClone(s.default);
    }
  }
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of Object.keys(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (isRoot && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
    const childSchema = props?.[key] ?? (isPlainObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (childSchema) pruneAndDefault(value[key], childSchema, childPath, unknown, false);
    else if (!preserve && schema.additionalProperties !== true && (props || schema.type === 'object')) {
      unknown.push(childPath);
      delete value[key];
    }
  }
}

function causeFor(err: ErrorObject, obj: Obj): StatusCause {
  const field = err.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  let actual: unknown = obj;
  for (const part of err.instancePath.split('/').slice(1)) actual = (actual as Obj)?.[part];
  const shown = JSON.stringify(actual);
  switch (err.keyword) {
    case 'required': {
      const missing = field ? `${field}.${err.params.missingProperty}` : String(err.params.missingProperty);
      return { reason: 'FieldValueRequired', message: 'Required value', field: missing };
    }
    case 'type':
      return { reason: 'FieldValueTypeInvalid', message: `Invalid value: "${typeName(actual)}": ${field} in body must be of type ${err.params.type}: ${shown}`, field };
    case 'enum':
      return {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${shown}: supported values: ${(err.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        field,
      };
    case 'minimum':
    case 'maximum':
      return { reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: ${field} in body should be ${err.keyword === 'minimum' ? 'greater' : 'less'} than or equal to ${err.params.limit}`, field };
    case 'pattern':
      return { reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: ${field} in body should match '${err.params.pattern}'`, field };
    default:
      return { reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: ${field} in body ${err.message ?? 'is invalid'}`, field };
  }
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * Prunes, defaults and validates a custom object in place. Returns warnings (unknown fields under Warn);
 * throws 400 under Strict with unknown fields and 422 when the schema rejects the object.
 */
export function checkCustomObject(type: ResourceType, version: string, obj: Obj, fieldValidation: FieldValidation): string[] {
  const schema = type.crd?.schemas[version];
  if (!schema) return [];
  const unknownFields: string[] = [];
  pruneAndDefault(obj, schema, '', unknownFields, true);
  if (unknownFields.length > 0 && fieldValidation === 'Strict') {
    const listed = unknownFields.map((f) => `unknown field "${f}"`).join(', ');
    throw badRequest(`${type.kind} in version "${version}" cannot be handled as a ${type.kind}: strict decoding error: ${listed}`);
  }
  const validate = validatorFor(schema);
  const valid: boolean = validate(obj);
  if (!valid) {
    const causes = (validate.errors ?? []).filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if').map((e) => causeFor(e, obj));
    throw invalid(type.kind, type.group, obj.metadata?.name ?? '', dedupe(causes));
  }
  return fieldValidation === 'Warn' ? unknownFields.map((f) => `unknown field "${f}"`) : [];
}

function dedupe(causes: StatusCause[]): StatusCause[] {
  const seen = new Set<string>();
  return causes.filter((c) => {
    const key = `${c.field}|${c.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function crdNotEstablished(type: ResourceType): ApiError {
  return new ApiError(404, 'NotFound', `the server could not find the requested resource (${type.plural}.${type.group})`);
}
