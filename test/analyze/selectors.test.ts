import { describe, expect, it } from 'vitest';
import { authorizationNamespaces, jwksFetch, policySelectors, sidecarSelectors, telemetryProviders, telemetrySelectors } from '../../src/analyze/analyzers/selectors.js';
import { findings, messages } from './helpers.js';

const pod = (name: string, labels: string, ns = 'default') => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: ${labels}}\nspec: {containers: [{name: c, image: x}]}\n---\n`;
const sidecar = (name: string, selector?: string, ns = 'default') => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${selector ? `  workloadSelector: {labels: ${selector}}\n` : ''}  egress: [{hosts: ["./*"]}]\n---\n`;
const telemetry = (name: string, selector?: string, body = '  metrics: [{providers: [{name: prometheus}]}]') => `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata: {name: ${name}, namespace: default}\nspec:\n${selector ? `  selector: {matchLabels: ${selector}}\n` : ''}${body}\n---\n`;

describe('sidecar.SelectorAnalyzer (IST0110, IST0111, IST0127)', () => {
  it('two Sidecars without selectors in one namespace', async () => {
    expect(await findings(sidecarSelectors, sidecar('a') + sidecar('b'))).toEqual(['IST0111 Sidecar default/a', 'IST0111 Sidecar default/b']);
    expect((await messages(sidecarSelectors, sidecar('a') + sidecar('b')))[0]).toBe('The Sidecars [a, b] in namespace "default" have no workload selector, which can lead to undefined behavior.');
  });
  it('one Sidecar without selector per namespace is fine', async () => {
    expect(await findings(sidecarSelectors, sidecar('a') + sidecar('b', undefined, 'other'))).toEqual([]);
  });
  it('two Sidecars selecting the same pod', async () => {
    const yaml = pod('web-1', '{app: web, tier: front}') + sidecar('a', '{app: web}') + sidecar('b', '{tier: front}');
    expect(await findings(sidecarSelectors, yaml)).toEqual(['IST0110 Sidecar default/a', 'IST0110 Sidecar default/b']);
  });
  it('selectors on different pods do not conflict', async () => {
    const yaml = pod('web-1', '{app: web}') + pod('api-1', '{app: api}') + sidecar('a', '{app: web}') + sidecar('b', '{app: api}');
    expect(await findings(sidecarSelectors, yaml)).toEqual([]);
  });
  it('selector matching nothing while workloads are known', async () => {
    expect(await findings(sidecarSelectors, pod('web-1', '{app: web}') + sidecar('a', '{app: wbe}'))).toEqual(['IST0127 Sidecar default/a']);
    expect(await findings(sidecarSelectors, sidecar('a', '{app: wbe}'))).toEqual([]);
  });
});

describe('telemetry.SelectorAnalyzer (IST0159, IST0160)', () => {
  it('conflicts and selector-less duplicates', async () => {
    expect(await findings(telemetrySelectors, telemetry('a') + telemetry('b'))).toEqual(['IST0160 Telemetry default/a', 'IST0160 Telemetry default/b']);
    expect(await findings(telemetrySelectors, pod('p', '{app: web}') + telemetry('a', '{app: web}') + telemetry('b', '{app: web}'))).toEqual(['IST0159 Telemetry default/a', 'IST0159 Telemetry default/b']);
  });
});

describe('telemetry.ProviderAnalyzer (IST0157)', () => {
  it('access logging without providers and no mesh default', async () => {
    expect(await findings(telemetryProviders, telemetry('a', undefined, '  accessLogging: [{}]'))).toEqual(['IST0157 Telemetry default/a']);
  });
  it('mesh default provider, explicit provider or disabled are fine', async () => {
    expect(await findings(telemetryProviders, telemetry('a', undefined, '  accessLogging: [{}]'), { mesh: { defaultProviders: { accessLogging: ['envoy'] } } })).toEqual([]);
    expect(await findings(telemetryProviders, telemetry('a', undefined, '  accessLogging: [{providers: [{name: envoy}]}]'))).toEqual([]);
    expect(await findings(telemetryProviders, telemetry('a', undefined, '  accessLogging: [{disabled: true}]'))).toEqual([]);
  });
});

describe('policy.SelectorAnalyzer (IST0127, IST0166)', () => {
  const ap = (selector: string, ns = 'default', extra = '') => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ap, namespace: ${ns}}\nspec:\n  selector: {matchLabels: ${selector}}\n${extra}---\n`;
  it('policy selecting no workload', async () => {
    expect(await findings(policySelectors, pod('p', '{app: web}') + ap('{app: api}'))).toEqual(['IST0127 AuthorizationPolicy default/ap']);
    expect(await findings(policySelectors, pod('p', '{app: web}') + ap('{app: web}'))).toEqual([]);
  });
  it('root-namespace policies apply mesh-wide and are not judged', async () => {
    expect(await findings(policySelectors, pod('p', '{app: web}') + ap('{app: api}', 'istio-system'))).toEqual([]);
  });
  it('selector on a Kubernetes Gateway', async () => {
    const k8sGw = `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: web, namespace: default}\nspec: {gatewayClassName: istio, listeners: []}\n---\n`;
    expect(await findings(policySelectors, k8sGw + ap('{gateway.networking.k8s.io/gateway-name: web}'))).toEqual(['IST0166 AuthorizationPolicy default/ap']);
  });
});

describe('auth.AuthorizationPoliciesAnalyzer (IST0101 namespaces)', () => {
  const ap = (namespaces: string) => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ap, namespace: default}\nspec:\n  rules:\n    - from:\n        - source: {namespaces: ${namespaces}}\n---\n`;
  it.each([
    ['unknown namespace', ap('[storefront]'), ['IST0101 AuthorizationPolicy default/ap']],
    ['namespace of another resource', pod('p', '{a: b}', 'shop') + ap('[shop]'), []],
    ['istio-system always exists', ap('[istio-system]'), []],
    ['globs are not judged', ap('["prod-*"]'), []],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(authorizationNamespaces, yaml as string)).toEqual(want);
  });
});

describe('auth.JwksUriAnalyzer (IST0175)', () => {
  const istiod = (env: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: istiod, namespace: istio-system}\nspec:\n  template:\n    metadata: {labels: {app: istiod}}\n    spec: {containers: [{name: discovery, image: x, env: [${env}]}]}\n---\n`;
  const ra = `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: jwt, namespace: default}\nspec:\n  jwtRules: [{issuer: me, jwksUri: "https://idp.example.com/jwks"}]\n---\n`;
  it('istiod without BLOCKED_CIDRS_IN_JWKS_URIS', async () => {
    expect(await findings(jwksFetch, istiod('') + ra)).toEqual(['IST0175 RequestAuthentication default/jwt']);
    expect(await findings(jwksFetch, istiod('{name: BLOCKED_CIDRS_IN_JWKS_URIS, value: "10.0.0.0/8"}') + ra)).toEqual([]);
    expect(await findings(jwksFetch, ra)).toEqual([]);
  });
});
