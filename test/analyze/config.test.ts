import { describe, expect, it } from 'vitest';
import { deprecatedFields } from '../../src/analyze/analyzers/deprecation.js';
import { envoyFilterPatches } from '../../src/analyze/analyzers/envoyfilter.js';
import { gatewayApiCrds } from '../../src/analyze/analyzers/gatewayapi.js';
import { addressesRequired, conflictingProtocols } from '../../src/analyze/analyzers/serviceentry.js';
import { negativeConditions } from '../../src/analyze/analyzers/status.js';
import { webhooks } from '../../src/analyze/analyzers/webhook.js';
import { findings } from './helpers.js';

const se = (name: string, spec: string, ns = 'default') => `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec}\n---\n`;

describe('serviceentry.ProtocolAddressesAnalyzer (IST0134)', () => {
  it.each([
    ['TCP port without addresses', se('db', '  hosts: [db.example.com]\n  ports: [{number: 5432, name: tcp, protocol: TCP}]'), ['IST0134 ServiceEntry default/db']],
    ['unset protocol without addresses', se('db', '  hosts: [db.example.com]\n  ports: [{number: 5432, name: db}]'), ['IST0134 ServiceEntry default/db']],
    ['TCP port with addresses', se('db', '  hosts: [db.example.com]\n  addresses: [10.1.2.3]\n  ports: [{number: 5432, name: tcp, protocol: TCP}]'), []],
    ['HTTP port needs none', se('api', '  hosts: [api.example.com]\n  ports: [{number: 80, name: http, protocol: HTTP}]'), []],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(addressesRequired, yaml as string)).toEqual(want);
  });
  it('DNS auto-allocation makes addresses unnecessary', async () => {
    const yaml = se('db', '  hosts: [db.example.com]\n  ports: [{number: 5432, name: tcp, protocol: TCP}]');
    expect(await findings(addressesRequired, yaml, { mesh: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } } } })).toEqual([]);
  });
});

describe('serviceentry.ConflictingProtocolAnalyzer (IST0177)', () => {
  it('same host and port with different protocols', async () => {
    const yaml = se('a', '  hosts: [api.example.com]\n  ports: [{number: 443, name: https, protocol: HTTPS}]') + se('b', '  hosts: [api.example.com]\n  ports: [{number: 443, name: tls, protocol: TLS}]');
    expect(await findings(conflictingProtocols, yaml)).toEqual(['IST0177 ServiceEntry default/a', 'IST0177 ServiceEntry default/b']);
  });
  it('agreeing protocols', async () => {
    const yaml = se('a', '  hosts: [api.example.com]\n  ports: [{number: 443, name: tls, protocol: TLS}]') + se('b', '  hosts: [api.example.com]\n  ports: [{number: 443, name: tls, protocol: TLS}]');
    expect(await findings(conflictingProtocols, yaml)).toEqual([]);
  });
});

describe('envoyfilter.EnvoyPatchAnalyzer (IST0151-IST0155)', () => {
  const ef = (patches: string, extra = '') => `apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: ef, namespace: default}\nspec:\n${extra}  configPatches:\n${patches}\n---\n`;
  const patch = (applyTo: string, op: string, match = '') => `    - applyTo: ${applyTo}\n${match}      patch: {operation: ${op}, value: {}}`;
  it.each([
    ['relative operation without priority', ef(patch('HTTP_FILTER', 'INSERT_BEFORE')), ['IST0151 EnvoyFilter default/ef']],
    ['relative operation with priority', ef(patch('HTTP_FILTER', 'INSERT_BEFORE'), '  priority: 10\n'), []],
    ['INSERT_FIRST is safe', ef(patch('HTTP_FILTER', 'INSERT_FIRST')), []],
    ['REPLACE on a cluster', ef(patch('CLUSTER', 'REPLACE')), ['IST0152 EnvoyFilter default/ef']],
    ['ADD on a route configuration', ef(patch('ROUTE_CONFIGURATION', 'ADD')), ['IST0153 EnvoyFilter default/ef']],
    ['REMOVE on an HTTP route', ef(patch('HTTP_ROUTE', 'REMOVE')), ['IST0154 EnvoyFilter default/ef']],
    ['relative operation with proxyVersion', ef(patch('NETWORK_FILTER', 'INSERT_AFTER', '      match: {proxy: {proxyVersion: "^1\\\\.2.*"}}\n')), ['IST0155 EnvoyFilter default/ef']],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(envoyFilterPatches, yaml as string)).toEqual(want);
  });
});

describe('webhook.Analyzer (IST0139, IST0163, IST0164)', () => {
  const mwc = (clientConfig: string) => `apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: {name: istio-sidecar-injector, labels: {app: sidecar-injector}}\nwebhooks:\n  - name: rev.namespace.sidecar-injector.istio.io\n    clientConfig: ${clientConfig}\n---\n`;
  const istiod = `apiVersion: v1\nkind: Service\nmetadata: {name: istiod, namespace: istio-system}\nspec:\n  ports: [{name: https-webhook, port: 443}]\n---\n`;
  it.each([
    ['service exists', istiod + mwc('{service: {name: istiod, namespace: istio-system, port: 443}}'), []],
    ['service missing', istiod + mwc('{service: {name: istiod-canary, namespace: istio-system}}'), ['IST0139 MutatingWebhookConfiguration istio-sidecar-injector']],
    ['service namespace not in view', mwc('{service: {name: istiod-canary, namespace: istio-system}}'), []],
    ['external control plane by hostname', mwc('{url: "https://istiod.example.com:15017/inject"}'), []],
    ['external control plane by IP', mwc('{url: "https://203.0.113.7:15017/inject"}'), ['IST0164 MutatingWebhookConfiguration istio-sidecar-injector']],
    ['invalid URL', mwc('{url: "not a url"}'), ['IST0163 MutatingWebhookConfiguration istio-sidecar-injector']],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(webhooks, yaml as string)).toEqual(want);
  });
});

describe('crd.GatewayAPIVersionAnalyzer (IST0156, IST0172, IST0176)', () => {
  const crd = (bundle: string, versions: string) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: gateways.gateway.networking.k8s.io, annotations: {gateway.networking.k8s.io/bundle-version: "${bundle}"}}\nspec:\n  group: gateway.networking.k8s.io\n  names: {kind: Gateway, plural: gateways}\n  versions: ${versions}\n---\n`;
  it.each([
    ['current', crd('v1.3.0', '[{name: v1, served: true}]'), []],
    ['unsupported', crd('v0.8.0', '[{name: v1, served: true}]'), ['IST0156 CustomResourceDefinition gateways.gateway.networking.k8s.io']],
    ['soon unsupported', crd('v1.1.0', '[{name: v1, served: true}]'), ['IST0172 CustomResourceDefinition gateways.gateway.networking.k8s.io']],
    ['no v1 served', crd('v1.3.0', '[{name: v1beta1, served: true}]'), ['IST0176 CustomResourceDefinition gateways.gateway.networking.k8s.io']],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(gatewayApiCrds, yaml as string)).toEqual(want);
  });
});

describe('status.NegativeConditionAnalyzer (IST0171)', () => {
  const httpRoute = (status: string) => `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: default}\nspec: {}\nstatus:\n  parents:\n    - parentRef: {name: gw}\n      conditions: [{type: ResolvedRefs, status: "${status}", reason: BackendNotFound, message: "backend not found"}]\n---\n`;
  it('negative and positive conditions', async () => {
    expect(await findings(negativeConditions, httpRoute('False'))).toEqual(['IST0171 HTTPRoute default/r']);
    expect(await findings(negativeConditions, httpRoute('True'))).toEqual([]);
  });
});

describe('deprecation.FieldAnalyzer (IST0002)', () => {
  it('deprecated VirtualService fields', async () => {
    const yaml = `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r, namespace: default}\nspec:\n  hosts: [r]\n  http:\n    - mirrorPercent: 10\n      route: [{destination: {host: r}}]\n---\n`;
    expect(await findings(deprecatedFields, yaml)).toEqual(['IST0002 VirtualService default/r']);
    expect(await findings(deprecatedFields, yaml.replace('mirrorPercent: 10', 'mirrorPercentage: {value: 10}'))).toEqual([]);
  });
});
