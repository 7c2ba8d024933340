import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { crdSchemaFor, istioCrds } from '../../src/operator/istio-crds.js';

type Schema = Record<string, unknown>;
const JUNCTORS = ['allOf', 'anyOf', 'oneOf', 'not'];

/**
 * The Kubernetes structural-schema rules (apiextensions.k8s.io/v1) that an API server
 * enforces when a CRD is created. Returns one message per violation.
 */
function structuralViolations(node: Schema, path: string, inJunctor = false, outerProperties?: object): string[] {
  const out: string[] = [];
  const open = node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-int-or-string'] === true;
  if ('$ref' in node) out.push(`${path}: $ref is not allowed`);
  if (!inJunctor && !open && typeof node.type !== 'string') out.push(`${path}: missing type`);
  if (inJunctor) {
    for (const k of ['type', 'nullable', 'default', 'description', 'additionalProperties']) {
      if (k in node) out.push(`${path}: ${k} inside a junctor`);
    }
  }
  if (node.properties && node.additionalProperties !== undefined) out.push(`${path}: properties and additionalProperties together`);
  if (node.additionalProperties === false) out.push(`${path}: additionalProperties: false`);
  if (node['x-kubernetes-preserve-unknown-fields'] === false) out.push(`${path}: preserve-unknown-fields false`);
  if (node['x-kubernetes-int-or-string'] && node.type) out.push(`${path}: int-or-string with a type`);
  for (const [k, v] of Object.entries((node.properties as Record<string, Schema> | undefined) ?? {})) {
    out.push(...structuralViolations(v, `${path}.${k}`, inJunctor));
  }
  if (node.items && typeof node.items === 'object') out.push(...structuralViolations(node.items as Schema, `${path}[]`, inJunctor));
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    out.push(...structuralViolations(node.additionalProperties as Schema, `${path}{}`, inJunctor));
  }
  // inside nested junctors the fields must exist in the nearest structural node
  const structuralProps = inJunctor ? outerProperties : (node.properties as object | undefined);
  for (const j of JUNCTORS) {
    const sub = node[j];
    const list = Array.isArray(sub) ? (sub as Schema[]) : sub ? [sub as Schema] : [];
    for (const s of list) {
      out.push(...structuralViolations(s, `${path}/${j}`, true, structuralProps));
      // fields named inside a junctor must also be specified outside it
      for (const field of Object.keys((s.properties as object | undefined) ?? {})) {
        if (!Object.hasOwn(structuralProps ?? {}, field)) out.push(`${path}/${j}: field ${field} only inside the junctor`);
      }
    }
  }
  return out;
}

function openApiAjv(): Ajv {
  // Junctor sub-schemas may not repeat the type (a Kubernetes rule) and list fields
  // defined one level up, so ajv's strictTypes/strictRequired do not apply; unknown
  // keywords and formats still fail.
  const ajv = new Ajv({ strict: true, strictRequired: false, strictTypes: false, allErrors: true });
  ajv.addKeyword({ keyword: 'x-kubernetes-preserve-unknown-fields', schemaType: 'boolean' });
  ajv.addKeyword({ keyword: 'x-kubernetes-int-or-string', schemaType: 'boolean' });
  for (const f of ['int32', 'int64', 'double', 'float', 'binary', 'byte']) ajv.addFormat(f, true);
  return ajv;
}

// profiles.md §5: name, kind, versions (storage first marked *), short names
const EXPECTED: [string, string, string[], string, string[]][] = [
  ['trafficextensions.extensions.istio.io', 'TrafficExtension', ['v1alpha1'], 'v1alpha1', []],
  ['wasmplugins.extensions.istio.io', 'WasmPlugin', ['v1alpha1'], 'v1alpha1', []],
  ['destinationrules.networking.istio.io', 'DestinationRule', ['v1', 'v1alpha3', 'v1beta1'], 'v1', ['dr']],
  ['envoyfilters.networking.istio.io', 'EnvoyFilter', ['v1alpha3'], 'v1alpha3', []],
  ['gateways.networking.istio.io', 'Gateway', ['v1', 'v1alpha3', 'v1beta1'], 'v1', ['gw']],
  ['proxyconfigs.networking.istio.io', 'ProxyConfig', ['v1beta1'], 'v1beta1', []],
  ['serviceentries.networking.istio.io', 'ServiceEntry', ['v1', 'v1alpha3', 'v1beta1'], 'v1', ['se']],
  ['sidecars.networking.istio.io', 'Sidecar', ['v1', 'v1alpha3', 'v1beta1'], 'v1', []],
  ['virtualservices.networking.istio.io', 'VirtualService', ['v1', 'v1alpha3', 'v1beta1'], 'v1', ['vs']],
  ['workloadentries.networking.istio.io', 'WorkloadEntry', ['v1', 'v1alpha3', 'v1beta1'], 'v1', ['we']],
  ['workloadgroups.networking.istio.io', 'WorkloadGroup', ['v1', 'v1alpha3', 'v1beta1'], 'v1', ['wg']],
  ['authorizationpolicies.security.istio.io', 'AuthorizationPolicy', ['v1', 'v1beta1'], 'v1', ['ap']],
  ['peerauthentications.security.istio.io', 'PeerAuthentication', ['v1', 'v1beta1'], 'v1', ['pa']],
  ['requestauthentications.security.istio.io', 'RequestAuthentication', ['v1', 'v1beta1'], 'v1', ['ra']],
  ['telemetries.telemetry.istio.io', 'Telemetry', ['v1', 'v1alpha1'], 'v1alpha1', ['telemetry']],
];

describe('Istio CRDs', () => {
  const crds = istioCrds();

  it('are the 15 CRDs of profiles.md §5 with their versions, storage version and short names', () => {
    expect(crds.map((c) => [c.metadata.name, c.spec.names.kind, c.spec.versions.map((v) => v.name), c.spec.versions.find((v) => v.storage)?.name, c.spec.names.shortNames ?? []])).toEqual(EXPECTED);
    for (const crd of crds) {
      expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
      expect(crd.kind).toBe('CustomResourceDefinition');
      expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.${crd.spec.group}`);
      expect(crd.spec.scope).toBe('Namespaced');
      expect(crd.spec.names.categories).toEqual(['istio-io', crd.spec.group.replaceAll('.', '-')]);
      expect(crd.spec.names.listKind).toBe(`${crd.spec.names.kind}List`);
      expect(crd.spec.versions.filter((v) => v.storage)).toHaveLength(1);
      for (const v of crd.spec.versions) {
        expect(v.served).toBe(true);
        expect(v.subresources).toEqual({ status: {} });
      }
    }
  });

  it('every version schema is structural and compiles as a JSON Schema', () => {
    const ajv = openApiAjv();
    for (const crd of crds) {
      for (const v of crd.spec.versions) {
        const where = `${crd.metadata.name}/${v.name}`;
        expect(structuralViolations(v.schema.openAPIV3Schema, where)).toEqual([]);
        expect(() => ajv.compile(v.schema.openAPIV3Schema), where).not.toThrow();
      }
    }
  });

  it('the structural check itself catches what an API server rejects', () => {
    const bad = {
      type: 'object',
      properties: {
        a: { properties: { x: { type: 'string' } } },
        b: { type: 'object', properties: { y: { type: 'string' } }, additionalProperties: { type: 'string' } },
        c: { type: 'object', properties: { z: { type: 'string' } }, oneOf: [{ type: 'object', required: ['z'] }, { properties: { w: { type: 'string' } } }] },
        d: { $ref: '#/x' },
      },
    };
    expect(structuralViolations(bad, 'x')).toEqual([
      'x.a: missing type',
      'x.b: properties and additionalProperties together',
      'x.c/oneOf: type inside a junctor',
      'x.c/oneOf.w: type inside a junctor',
      'x.c/oneOf: field w only inside the junctor',
      'x.d: $ref is not allowed',
      'x.d: missing type',
    ]);
  });

  it('schemas come from the model package, not empty placeholders', () => {
    const vs = crdSchemaFor('networking.istio.io/v1', 'VirtualService') as { properties: { spec: { properties: Record<string, unknown> } } };
    expect(Object.keys(vs.properties.spec.properties)).toEqual(expect.arrayContaining(['hosts', 'gateways', 'http', 'tcp', 'tls', 'exportTo']));
  });

  it('crdSchemaFor validates real objects and rejects wrong ones', () => {
    const ajv = openApiAjv();
    const gw = ajv.compile(crdSchemaFor('networking.istio.io/v1', 'Gateway')!);
    const good = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'g' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } };
    expect(gw(good)).toBe(true);
    const bad = { ...good, spec: { servers: [{ port: { number: 'eighty' }, hosts: 'x' }] } };
    expect(gw(bad)).toBe(false);
    expect(gw.errors!.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/spec/servers/0/port/number', '/spec/servers/0/hosts']));
    const pa = ajv.compile(crdSchemaFor('security.istio.io/v1', 'PeerAuthentication')!);
    expect(pa({ spec: { mtls: { mode: 'STRICT' } } })).toBe(true);
    expect(pa({ spec: { mtls: { mode: 'SOMETIMES' } } })).toBe(false);
  });

  it('crdSchemaFor answers undefined for unknown kinds and versions', () => {
    expect(crdSchemaFor('networking.istio.io/v2', 'Gateway')).toBeUndefined();
    expect(crdSchemaFor('apps/v1', 'Deployment')).toBeUndefined();
    expect(crdSchemaFor('Gateway', 'Gateway')).toBeUndefined();
    expect(crdSchemaFor('telemetry.istio.io/v1', 'Telemetry')).toBeDefined();
  });

  it('returns fresh objects each call', () => {
    const a = istioCrds();
    a[0]!.metadata.name = 'changed';
    expect(istioCrds()[0]!.metadata.name).toBe('trafficextensions.extensions.istio.io');
  });
});

describe('pre-emitted CRD spec text (schemas/crds/*.spec.yaml)', () => {
  it('is exactly what the emitter prints for each CRD spec (else run: npx tsx scripts/gen-schemas-crd-yaml.ts)', async () => {
    const { emitManifestYaml } = await import('../../src/yaml/fast-stringify.js');
    const { crdSpecYaml } = await import('../../src/operator/istio-crds.js');
    for (const crd of istioCrds()) {
      expect(crdSpecYaml(crd.metadata.name), crd.metadata.name).toBe(emitManifestYaml({ spec: crd.spec }).replace(/^spec:\n/, ''));
    }
  });
});
