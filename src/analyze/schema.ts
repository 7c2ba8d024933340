/**
 * IST0106 schema validation: the Istio CRD OpenAPI schemas (made strict so unknown fields are
 * errors as in istioctl validate; precompiled by ajv at build time, one module per kind)
 * plus Istio's semantic rules that a schema cannot express (semantic.ts).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { crdSchemaFor } from '../operator/istio-crds.js';
import { isObject } from '../core/json.js';
import type { Resource } from './resource.js';
import { semanticProblems, type SchemaProblem } from './semantic.js';

export type { SchemaProblem };


export const ISTIO_GROUPS = new Set(['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io']);
const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

/** The ajv options the CRD validators are compiled with (at build time: schema-codegen.ts). */
export const AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: true };
const compiled = new Map<string, ValidateFunction | null>();

/** Makes every object schema that lists its properties reject others (strict decoding). */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' && isObject(v) ? Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, strict(pv)])) : strict(v);
  if (isObject(schema.properties) && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

const ANY_OBJECT = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const ANY_LIST = { type: 'array', items: ANY_OBJECT };
const POLICY_TARGETS: [string[], string, object][] = [
  [[], 'targetRef', ANY_OBJECT],
  [[], 'targetRefs', ANY_LIST],
];

/**
 * Fields newer Istio releases added that the bundled CRD schemas (from an older release) lack:
 * where they sit in the spec schema (property names, `items` for list elements), and their schema.
 */
const NEWER_FIELDS: Record<string, [string[], string, object][]> = {
  AuthorizationPolicy: [...POLICY_TARGETS, [['rules', 'items', 'from', 'items', 'source'], 'serviceAccounts', { type: 'array', items: { type: 'string' } }], [['rules', 'items', 'from', 'items', 'source'], 'notServiceAccounts', { type: 'array', items: { type: 'string' } }]],
  RequestAuthentication: POLICY_TARGETS,
  Telemetry: POLICY_TARGETS,
  WasmPlugin: POLICY_TARGETS,
  VirtualService: [[['http', 'items'], 'mirrors', ANY_LIST]],
  DestinationRule: [[['trafficPolicy'], 'proxyProtocol', ANY_OBJECT], [['trafficPolicy', 'loadBalancer'], 'warmup', ANY_OBJECT], [['trafficPolicy', 'connectionPool', 'http'], 'maxConcurrentStreams', { type: 'integer' }], [['trafficPolicy'], 'retryBudget', ANY_OBJECT]],
  Gateway: [[['servers', 'items', 'tls'], 'credentialNames', { type: 'array', items: { type: 'string' } }]],
};

/** The spec schema with the newer fields added (a copy; the shared CRD schema is not changed). */
function withNewerFields(kind: string, spec: unknown): unknown {
  const additions = NEWER_FIELDS[kind];
  if (!additions || !isObject(spec)) return spec;
  const copy = structuredClone(spec) as Record<string, unknown>;
  for (const [path, field, schema] of additions) {
    let node: unknown = copy;
    for (const step of path) node = isObject(node) ? (step === 'items' ? node.items : isObject(node.properties) ? node.properties[step] : undefined) : undefined;
    if (isObject(node) && isObject(node.properties) && !(field in node.properties)) (node.properties as Record<string, unknown>)[field] = schema;
  }
  return copy;
}

/** The schema a resource of that kind is validated against: spec strict, with newer fields; metadata and status open. */
export function analysisSchema(apiVersion: string, kind: string): object | undefined {
  const schema = crdSchemaFor(apiVersion, kind) as Record<string, unknown> | undefined;
  if (!schema) return undefined;
  const props = isObject(schema.properties) ? schema.properties : {};
  return { ...schema, properties: { ...props, spec: strict(withNewerFields(kind, props.spec ?? { type: 'object' })), metadata: { type: 'object' }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } };
}

/** A copy without null-valued map entries: Istio decodes `field: null` as the field not set. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

/**
 * The precompiled validator of a kind at a version (src/analyze/generated/crd, written at build
 * time by scripts/gen-crd-validators.ts), or null when the kind is not served at that version.
 */
async function validatorFor(apiVersion: string, kind: string): Promise<ValidateFunction | null> {
  const key = `${apiVersion}|${kind}`;
  if (!compiled.has(key)) {
    const { default: index } = await import('./generated/crd/index.mjs');
    const file = index[key];
    compiled.set(key, file ? ((await import(`./generated/crd/${file}`)) as { default: ValidateFunction }).default : null);
  }
  return compiled.get(key)!;
}

function pathOf(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export function dotted(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function describe(e: ErrorObject): SchemaProblem {
  const path = pathOf(e.instancePath);
  if (e.keyword === 'additionalProperties') {
    const field = (e.params as { additionalProperty: string }).additionalProperty;
    return { level: 'Error', path: [...path, field], message: `unknown field "${dotted([...path, field])}"` };
  }
  const where = dotted(path) || '(root)';
  if (e.keyword === 'enum') return { level: 'Error', path, message: `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
  return { level: 'Error', path, message: `${where}: ${e.message ?? e.keyword}` };
}

/** Schema and semantic problems of one Istio resource, in document order (duplicates removed). */
export async function validateResource(r: Resource): Promise<SchemaProblem[]> {
  const problems: SchemaProblem[] = [];
  for (const key of Object.keys(r.body)) {
    if (!TOP_LEVEL.has(key)) problems.push({ level: 'Error', path: [key], message: `unknown field "${key}"` });
  }
  const validate = await validatorFor(r.apiVersion, r.kind);
  if (validate === null && crdSchemaFor(`${r.group}/v1`, r.kind) === undefined && crdSchemaFor(`${r.group}/v1alpha1`, r.kind) === undefined && crdSchemaFor(`${r.group}/v1beta1`, r.kind) === undefined) {
    problems.push({ level: 'Error', path: ['kind'], message: `unknown kind ${r.kind} in ${r.group}` });
  } else if (validate === null) {
    problems.push({ level: 'Error', path: ['apiVersion'], message: `${r.kind} is not served at ${r.apiVersion}` });
  } else if (!validate(withoutNulls(r.body))) {
    // oneOf failures repeat the branch errors; keep the most specific, one per path and text.
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      // Branch errors of oneOf/anyOf only restate the alternatives; the oneOf error says it once.
      if (/\/(oneOf|anyOf)\/|\/not\//.test(e.schemaPath) || e.keyword === 'anyOf' || e.keyword === 'not') continue;
      const p = e.keyword === 'oneOf' ? { level: 'Error' as const, path: pathOf(e.instancePath), message: `${dotted(pathOf(e.instancePath)) || '(root)'}: set exactly one of the alternative fields` } : describe(e);
      const k = `${dotted(p.path)}|${p.message}`;
      if (!seen.has(k)) {
        seen.add(k);
        problems.push(p);
      }
    }
  }
  // Istio's rules belong to a known kind at a served version; for anything else the
  // "not served"/"unknown kind" error above is the one thing worth saying.
  if (validate !== null && isObject(r.body.spec)) {
    // Name the field, as the schema messages do.
    for (const p of semanticProblems(r)) problems.push({ ...p, message: `${dotted(p.path)}: ${p.message}` });
  }
  return problems;
}
