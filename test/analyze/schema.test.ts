import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crdValidatorSources } from '../../src/analyze/schema-codegen.js';
import { SCHEMA_KINDS } from '../../src/analyze/analyzers/schema.js';
import { istioCrdDescriptions } from '../../src/operator/istio-crds.js';
import { validateResource } from '../../src/analyze/schema.js';
import { hostProblem } from '../../src/analyze/semantic.js';
import { only, resources } from './helpers.js';

const vs = (spec: string, apiVersion = 'networking.istio.io/v1') => `apiVersion: ${apiVersion}\nkind: VirtualService\nmetadata: {name: r, namespace: default}\nspec:\n${spec}\n`;
const problems = async (yaml: string) => (await validateResource(resources(yaml)[0]!)).map((p) => `${p.level}: ${p.message}`);

describe('IST0106 schema validation (CRD schemas, strict)', () => {
  it('a valid VirtualService has no problems', async () => {
    expect(await problems(vs('  hosts: [reviews]\n  http:\n    - route:\n        - destination: {host: reviews, subset: v1}\n          weight: 80\n        - destination: {host: reviews, subset: v2}\n          weight: 20'))).toEqual([]);
  });
  it('unknown fields are errors, with their path', async () => {
    expect(await problems(vs('  hosts: [reviews]\n  htp: []\n  http:\n    - route: [{destination: {host: reviews, subsett: v1}}]'))).toEqual([
      'Error: unknown field "spec.htp"',
      'Error: unknown field "spec.http[0].route[0].destination.subsett"',
    ]);
  });
  it('wrong types and enums', async () => {
    const out = await problems(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d}\nspec:\n  host: reviews\n  trafficPolicy:\n    tls: {mode: STRICT}\n    connectionPool: {tcp: {maxConnections: lots}}`);
    expect(out.some((m) => m.includes('spec.trafficPolicy.tls.mode: must be one of') && m.includes('"SIMPLE"'))).toBe(true);
    expect(out.some((m) => m.includes('spec.trafficPolicy.connectionPool.tcp.maxConnections'))).toBe(true);
  });
  it('top-level fields outside apiVersion/kind/metadata/spec/status', async () => {
    expect(await problems(vs('  hosts: [r]\n  http: [{route: [{destination: {host: r}}]}]') + 'specs: {}\n')).toEqual(['Error: unknown field "specs"']);
  });
  it('older served versions validate too; unknown versions are reported', async () => {
    expect(await problems(vs('  hosts: [r]\n  http: [{route: [{destination: {host: r}}]}]', 'networking.istio.io/v1alpha3'))).toEqual([]);
    expect(await problems(vs('  hosts: [r]', 'networking.istio.io/v9'))).toEqual(['Error: VirtualService is not served at networking.istio.io/v9']);
  });
});

describe('IST0106 semantic rules', () => {
  it.each([
    ['weights not summing to 100', '  hosts: [r]\n  http:\n    - route:\n        - {destination: {host: a}, weight: 50}\n        - {destination: {host: b}, weight: 20}', 'total destination weight 70 != 100'],
    ['invalid duration', '  hosts: [r]\n  http:\n    - timeout: 10 seconds\n      route: [{destination: {host: a}}]', '"10 seconds" is not a valid duration'],
    ['invalid host', '  hosts: ["bad_host!"]\n  http: [{route: [{destination: {host: a}}]}]', 'is not a valid DNS name'],
    ['invalid regex', '  hosts: [r]\n  http:\n    - match: [{uri: {regex: "(unclosed"}}]\n      route: [{destination: {host: a}}]', 'invalid regular expression'],
    ['route without destination', '  hosts: [r]\n  http:\n    - match: [{uri: {prefix: /}}]', 'must have a route, redirect, directResponse or delegate'],
  ])('%s', async (_n, spec, want) => {
    const out = await problems(vs(spec as string));
    expect(out.some((m) => m.includes(want as string))).toBe(true);
  });
  it('Gateway TLS servers need a credential; ServiceEntry STATIC needs endpoints', async () => {
    const gw = `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: ["a.example.com"]\n      tls: {mode: SIMPLE}\n`;
    expect(await problems(gw)).toEqual(['Error: spec.servers[0].tls: SIMPLE TLS requires a credentialName, or serverCertificate and privateKey']);
    const se = `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: s}\nspec:\n  hosts: [db.internal]\n  resolution: STATIC\n  ports: [{number: 5432, name: tcp, protocol: TCP}]\n`;
    expect(await problems(se)).toEqual(['Error: spec.resolution: STATIC resolution needs endpoints or a workloadSelector']);
  });
  it('host formats', () => {
    expect(hostProblem('*.example.com')).toBeUndefined();
    expect(hostProblem('*')).toBeUndefined();
    expect(hostProblem('reviews')).toBeUndefined();
    expect(hostProblem('a.*.com')).toMatch(/wildcard/);
  });
});

describe('schema.ValidationAnalyzer.<Kind>', () => {
  it('one analyzer per kind: IST0106 per problem of that kind only; null fields are unset; newer Istio fields are known', async () => {
    const yaml = vs('  hosts: [r]\n  htp: []\n  http: [{route: [{destination: {host: r}}], mirrors: [{destination: {host: m}}]}]') + `---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d, namespace: default}\nspec:\n  host: r\n  trafficPolicy: {tls: {mode: FANCY}}\n---\napiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: e, namespace: default}\nspec:\n  configPatches: [{applyTo: HTTP_FILTER, match: null, patch: {operation: INSERT_FIRST, value: {name: x}}}]\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata: {name: t, namespace: default}\nspec: {targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: g}]}\n`;
    expect(await only('schema.ValidationAnalyzer.VirtualService', yaml)).toEqual(['Error [IST0106] (VirtualService default/r :1) Schema validation error: unknown field "spec.htp"']);
    expect(await only('schema.ValidationAnalyzer', yaml)).toEqual([
      expect.stringMatching(/^Error \[IST0106\] \(DestinationRule default\/d :\d+\) Schema validation error: spec.trafficPolicy.tls.mode: must be one of/),
      'Error [IST0106] (VirtualService default/r :1) Schema validation error: unknown field "spec.htp"',
    ]);
  });
  it('ignores non-Istio kinds', async () => {
    expect(await only('schema.ValidationAnalyzer', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nfoo: bar\n')).toEqual([]);
  });
});

describe('precompiled CRD validators (src/analyze/generated/crd)', () => {
  it('are what scripts/gen-crd-validators.ts writes from the current schemas (run npm run gen-schemas after changing them)', () => {
    const dir = 'src/analyze/generated/crd';
    const want = crdValidatorSources();
    expect(readdirSync(dir).sort()).toEqual([...want.keys()].sort());
    for (const [file, code] of want) expect(readFileSync(`${dir}/${file}`, 'utf8') === code, file).toBe(true);
  });
  it('schema.ValidationAnalyzer has one analyzer per Istio CRD kind', () => {
    expect([...SCHEMA_KINDS].sort()).toEqual(istioCrdDescriptions().map((d) => d.kind).sort());
  });
});
