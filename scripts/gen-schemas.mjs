// Generates the committed JSON Schemas under schemas/:
//   schemas/istio-operator.schema.json  - IstioOperator (strict values tree) from scripts/iop-values-model.mjs
//   src/operator/generated/iop-validate.mjs - that schema precompiled by ajv (standalone code), so
//                                          the CLI does not spend ~0.5 s compiling it on every run
//   src/operator/generated/values.d.ts   - the values tree as TypeScript types (scripts/values-types.mjs)
//   src/analyze/generated/crd/*.mjs      - the CRD schemas analyze/validate check against, precompiled by
//                                          ajv (scripts/gen-crd-validators.ts)
//   schemas/crds/<group>.<kind>.json     - one CRD description per Istio kind: names, versions and a
//                                          structural OpenAPI v3 schema per served version, converted
//                                          from the JSON Schemas shipped in @kubernetes-models/istio.
// Run: npm run gen-schemas (re-run after upgrading @kubernetes-models/istio; commit the output).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { messages } from './iop-values-model.mjs';
import { VALUES_TYPES_FILE, valuesTypes } from './values-types.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'schemas');
const modelsDir = join(root, 'node_modules', '@kubernetes-models', 'istio');

// ---------------------------------------------------------------------------------------------
// IstioOperator

function fieldSchema(type) {
  if (type.startsWith('[')) return { type: 'array', items: fieldSchema(type.slice(1, -1)) };
  if (type.startsWith('enum:')) return { type: 'string', enum: type.slice(5).split('|') };
  switch (type) {
    case 'bool': return { type: 'boolean' };
    case 'string': return { type: 'string' };
    case 'uint': return { type: ['integer', 'string'], minimum: 0, pattern: '^[0-9]+$' };
    case 'int': return { type: ['integer', 'string'], pattern: '^-?[0-9]+$' };
    case 'double': return { type: ['number', 'string'], pattern: '^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$' };
    case 'duration': return { type: 'string', pattern: '^[-+]?([0-9]*(\\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$|^0$' };
    case 'value': return {};
    case 'struct': return { type: 'object' };
    case 'structs': return { type: 'array', items: { type: 'object' } };
    case 'strings': return { type: 'array', items: { type: 'string' } };
    // Kubernetes quantities are often written unquoted (cpu: 2); accept numbers as well.
    case 'stringMap': return { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };
    case 'intOrString': return { type: ['integer', 'string'] };
    case 'tag': return { type: ['string', 'number'] };
    default:
      if (!messages[type]) throw new Error(`unknown type ${type}`);
      return { $ref: `#/definitions/${type}` };
  }
}

/** protojson accepts both the JSON (lowerCamel) and the original proto field name. */
function camel(name) {
  return name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

function messageSchema(fields) {
  const properties = {};
  for (const [name, type] of Object.entries(fields)) {
    properties[name] = fieldSchema(type);
    if (name.includes('_') && name !== 'proxy_init') properties[camel(name)] = fieldSchema(type);
  }
  return { type: 'object', additionalProperties: false, properties };
}

function istioOperatorSchema() {
  const definitions = {};
  for (const [name, fields] of Object.entries(messages)) definitions[name] = messageSchema(fields);
  const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
  const objects = { type: 'array', items: { type: 'object' } };
  definitions.KubernetesResourceSpec = {
    type: 'object',
    additionalProperties: false,
    properties: {
      affinity: { type: 'object' },
      env: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
      hpaSpec: { type: 'object' },
      imagePullPolicy: { type: 'string', enum: ['Always', 'Never', 'IfNotPresent'] },
      nodeSelector: stringMap,
      podDisruptionBudget: { type: 'object' },
      podAnnotations: stringMap,
      priorityClassName: { type: 'string' },
      readinessProbe: { type: 'object' },
      replicaCount: { type: 'integer', minimum: 0 },
      resources: {
        type: 'object',
        additionalProperties: false,
        properties: {
          limits: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
          requests: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
          claims: objects,
        },
      },
      service: { type: 'object' },
      strategy: { type: 'object' },
      tolerations: objects,
      serviceAnnotations: stringMap,
      securityContext: { type: 'object' },
      volumes: objects,
      volumeMounts: objects,
      overlays: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            name: { type: 'string' },
            patches: {
              type: 'array',
              items: { type: 'object', additionalProperties: false, properties: { path: { type: 'string' }, value: {} } },
            },
          },
        },
      },
    },
  };
  const component = {
    enabled: { type: 'boolean' },
    namespace: { type: 'string' },
    hub: { type: 'string' },
    tag: { type: ['string', 'number'] },
    k8s: { $ref: '#/definitions/KubernetesResourceSpec' },
  };
  definitions.ComponentSpec = { type: 'object', additionalProperties: false, properties: component };
  definitions.GatewaySpec = {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...component,
      name: { type: 'string', pattern: '^[a-z0-9.-]{1,254}$' },
      label: stringMap,
    },
  };
  const gateways = { type: 'array', items: { $ref: '#/definitions/GatewaySpec' } };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://sailctl.dev/schemas/istio-operator.schema.json',
    title: 'IstioOperator (install.istio.io/v1alpha1)',
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind'],
    properties: {
      apiVersion: { const: 'install.istio.io/v1alpha1' },
      kind: { const: 'IstioOperator' },
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        additionalProperties: false,
        properties: {
          profile: { type: 'string' },
          installPackagePath: { type: 'string' },
          hub: { type: 'string' },
          tag: { type: ['string', 'number'] },
          namespace: { type: 'string' },
          revision: { type: 'string' },
          compatibilityVersion: { type: 'string' },
          meshConfig: { type: 'object' },
          components: {
            type: 'object',
            additionalProperties: false,
            properties: {
              base: { $ref: '#/definitions/ComponentSpec' },
              pilot: { $ref: '#/definitions/ComponentSpec' },
              cni: { $ref: '#/definitions/ComponentSpec' },
              ztunnel: { $ref: '#/definitions/ComponentSpec' },
              istiodRemote: { $ref: '#/definitions/ComponentSpec' },
              ingressGateways: gateways,
              egressGateways: gateways,
            },
          },
          values: { $ref: '#/definitions/Values' },
          unvalidatedValues: { type: 'object' },
        },
      },
      status: {},
    },
    definitions,
  };
}

// ---------------------------------------------------------------------------------------------
// CRDs (profiles.md §5). `from` names the model schema used for a version the package lacks
// (Istio serves identical schemas for all versions of a kind).

const CRDS = [
  { group: 'extensions.istio.io', kind: 'TrafficExtension', plural: 'trafficextensions', versions: ['v1alpha1*'] },
  { group: 'extensions.istio.io', kind: 'WasmPlugin', plural: 'wasmplugins', versions: ['v1alpha1*'] },
  { group: 'networking.istio.io', kind: 'DestinationRule', plural: 'destinationrules', versions: ['v1*', 'v1alpha3', 'v1beta1'], shortNames: ['dr'] },
  { group: 'networking.istio.io', kind: 'EnvoyFilter', plural: 'envoyfilters', versions: ['v1alpha3*'] },
  { group: 'networking.istio.io', kind: 'Gateway', plural: 'gateways', versions: ['v1*', 'v1alpha3', 'v1beta1'], shortNames: ['gw'] },
  { group: 'networking.istio.io', kind: 'ProxyConfig', plural: 'proxyconfigs', versions: ['v1beta1*'] },
  { group: 'networking.istio.io', kind: 'ServiceEntry', plural: 'serviceentries', versions: ['v1*', 'v1alpha3', 'v1beta1'], shortNames: ['se'] },
  { group: 'networking.istio.io', kind: 'Sidecar', plural: 'sidecars', versions: ['v1*', 'v1alpha3', 'v1beta1'] },
  { group: 'networking.istio.io', kind: 'VirtualService', plural: 'virtualservices', versions: ['v1*', 'v1alpha3', 'v1beta1'], shortNames: ['vs'] },
  { group: 'networking.istio.io', kind: 'WorkloadEntry', plural: 'workloadentries', versions: ['v1*', 'v1alpha3', 'v1beta1'], shortNames: ['we'] },
  { group: 'networking.istio.io', kind: 'WorkloadGroup', plural: 'workloadgroups', versions: ['v1*', 'v1alpha3', 'v1beta1'], shortNames: ['wg'] },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy', plural: 'authorizationpolicies', versions: ['v1*', 'v1beta1'], shortNames: ['ap'] },
  { group: 'security.istio.io', kind: 'PeerAuthentication', plural: 'peerauthentications', versions: ['v1*', 'v1beta1'], shortNames: ['pa'] },
  { group: 'security.istio.io', kind: 'RequestAuthentication', plural: 'requestauthentications', versions: ['v1*', 'v1beta1'], shortNames: ['ra'] },
  { group: 'telemetry.istio.io', kind: 'Telemetry', plural: 'telemetries', versions: ['v1', 'v1alpha1*'], shortNames: ['telemetry'] },
];

function readModelSchema(group, version, kind) {
  const file = join(modelsDir, group, version, `${kind}.mjs`);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const m = /const schema = (\{[\s\S]*?\n\});\n/.exec(text);
  if (!m) throw new Error(`no schema literal in ${file}`);
  return JSON.parse(m[1]);
}

/** The model schema for a kind and version, else the same kind in the closest other version. */
function modelSchemaFor(group, version, kind) {
  const exact = readModelSchema(group, version, kind);
  if (exact) return { schema: exact, source: `${group}/${version}` };
  const versions = readdirSync(join(modelsDir, group)).filter((v) => /^v\d/.test(v));
  const order = ['v1', 'v1beta1', 'v1alpha3', 'v1alpha1'].filter((v) => versions.includes(v));
  for (const v of order) {
    const other = readModelSchema(group, v, kind);
    if (other) return { schema: other, source: `${group}/${v}` };
  }
  return undefined;
}

const VALUE_VALIDATION = ['oneOf', 'anyOf', 'allOf', 'not'];

/** Rewrites a kubernetes-models JSON Schema node into a structural OpenAPI v3 schema node. */
function structural(node, inValidation = false) {
  if (Array.isArray(node)) return node.map((n) => structural(n, inValidation));
  if (!node || typeof node !== 'object') return node;
  // int-or-string written as anyOf/oneOf of the two types.
  const alt = node.anyOf ?? node.oneOf;
  if (!inValidation && Array.isArray(alt) && alt.length === 2 && alt.every((a) => a.type === 'integer' || a.type === 'string') && alt[0].type !== alt[1].type) {
    return { 'x-kubernetes-int-or-string': true };
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties') {
      const props = {};
      for (const [p, s] of Object.entries(value)) props[p] = structural(s, inValidation);
      if (Object.keys(props).length > 0 || inValidation) out.properties = props;
    } else if (VALUE_VALIDATION.includes(key)) {
      out[key] = structural(value, true);
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] = typeof value === 'object' ? structural(value, inValidation) : value;
    } else if (inValidation && (key === 'type' || key === 'nullable' || key === 'format' || key.startsWith('x-kubernetes'))) {
      continue; // not allowed inside value validations
    } else {
      out[key] = value;
    }
  }
  // An object the model leaves open (google.protobuf.Struct and friends) keeps its content.
  if (!inValidation && out.type === 'object' && !out.properties && !out.additionalProperties) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  if (!inValidation && out.type === undefined && !out['x-kubernetes-preserve-unknown-fields'] && !out['x-kubernetes-int-or-string']) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return out;
}

function crdVersionSchema(model) {
  const spec = model ? structural(model.schema.properties.spec) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  delete spec.nullable;
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec,
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
}

function generateCrds() {
  const dir = join(outDir, 'crds');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const index = [];
  for (const crd of CRDS) {
    const versions = crd.versions.map((v) => {
      const name = v.replace('*', '');
      const model = modelSchemaFor(crd.group, name, crd.kind);
      return {
        name,
        served: true,
        storage: v.endsWith('*'),
        source: model ? `@kubernetes-models/istio ${model.source} ${crd.kind}` : 'none (open spec: the model package has no schema for this kind)',
        schema: crdVersionSchema(model),
      };
    });
    const entry = {
      name: `${crd.plural}.${crd.group}`,
      group: crd.group,
      kind: crd.kind,
      listKind: `${crd.kind}List`,
      plural: crd.plural,
      singular: crd.kind.toLowerCase(),
      shortNames: crd.shortNames ?? [],
      categories: ['istio-io', crd.group.replaceAll('.', '-')],
      scope: 'Namespaced',
      versions,
    };
    const file = `${crd.group}.${crd.kind}.json`;
    writeFileSync(join(dir, file), JSON.stringify(entry) + '\n');
    index.push({ name: entry.name, group: crd.group, kind: crd.kind, versions: versions.map((v) => v.name), file: `crds/${file}` });
  }
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  return index.length;
}

/** verbose: errors carry their parent schema, used to suggest the closest known field. */
const IOP_AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true };

function writeStandaloneValidator(schema) {
  const ajv = new Ajv({ ...IOP_AJV_OPTIONS, code: { source: true, esm: true, optimize: true }, inlineRefs: false });
  const validate = ajv.compile(schema);
  const dir = join(root, 'src', 'operator', 'generated');
  mkdirSync(dir, { recursive: true });
  const header = '/* eslint-disable */\n// Generated by scripts/gen-schemas.mjs from schemas/istio-operator.schema.json. Do not edit.\n';
  writeFileSync(join(dir, 'iop-validate.mjs'), header + standaloneCode(ajv, validate));
  writeFileSync(
    join(dir, 'iop-validate.d.mts'),
    header.replace('/* eslint-disable */\n', '') +
      'export interface IopSchemaError { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string; data?: unknown; schema?: unknown; parentSchema?: { properties?: unknown } }\n' +
      'declare const validate: ((data: unknown) => boolean) & { errors?: IopSchemaError[] | null };\nexport default validate;\n',
  );
}

mkdirSync(outDir, { recursive: true });
const iopSchema = istioOperatorSchema();
writeFileSync(join(outDir, 'istio-operator.schema.json'), JSON.stringify(iopSchema, null, 1) + '\n');
writeStandaloneValidator(iopSchema);
writeFileSync(join(root, VALUES_TYPES_FILE), valuesTypes());
const count = generateCrds();
// The pre-emitted CRD spec YAML comes from the TypeScript emitter, so it runs under tsx.
execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./gen-schemas-crd-yaml.ts', import.meta.url))], { stdio: 'inherit' });
// The CRD validators analyze and validate load, precompiled from the same CRD schemas.
execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./gen-crd-validators.ts', import.meta.url))], { stdio: 'inherit' });
process.stdout.write(`wrote schemas/istio-operator.schema.json and ${count} CRDs (with their spec YAML) under schemas/crds/\n`);
