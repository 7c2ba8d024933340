/** sidecar.SelectorAnalyzer (IST0101, IST0110, IST0111, IST0167) and the telemetry analyzers (IST0101, IST0157, IST0159, IST0160, IST0002). */
import { describe, expect, it } from 'vitest';
import { docLine, lineOf, only } from '../helpers.js';

const pod = (name: string, ns: string, labels: string, annotations = '') => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: {${labels}}${annotations ? `, annotations: {${annotations}}` : ''}}\nspec: {containers: [{name: c, image: c}]}\n---\n`;
const sidecar = (name: string, ns: string, labels?: string) => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${labels ? `  workloadSelector:\n    labels:\n${labels}\n` : ''}  egress: [{hosts: ["./*"]}]\n---\n`;

describe('sidecar.SelectorAnalyzer', () => {
  it('selectors match Pods of their own namespace; a Pod selected twice names each Sidecar, per Pod', async () => {
    const yaml =
      pod('worker-0', 'jobs', 'app: worker, tier: batch') + pod('worker-1', 'jobs', 'app: worker, tier: batch') + pod('api-0', 'web', 'app: api') +
      sidecar('by-app', 'jobs', '      app: worker') + sidecar('by-tier', 'jobs', '      tier: batch') + sidecar('ghost', 'jobs', '      app: ghost\n      zone: x') + sidecar('elsewhere', 'jobs', '      app: api');
    const conflict = (sc: string, p: string) => `Error [IST0110] (Sidecar jobs/${sc} :${lineOf(yaml, `name: ${sc}`)}) The Sidecars [by-app by-tier] in namespace "jobs" select the same workload pod "${p}", which can lead to undefined behavior.`;
    expect(await only('sidecar.SelectorAnalyzer', yaml)).toEqual([
      `Error [IST0101] (Sidecar jobs/elsewhere :${lineOf(yaml, 'app: api', lineOf(yaml, 'name: elsewhere'))}) Referenced selector not found: "app=api"`,
      `Error [IST0101] (Sidecar jobs/ghost :${lineOf(yaml, 'app: ghost')}) Referenced selector not found: "app=ghost,zone=x"`,
      conflict('by-app', 'worker-0'),
      conflict('by-app', 'worker-1'),
      conflict('by-tier', 'worker-0'),
      conflict('by-tier', 'worker-1'),
    ]);
  });

  it('selector-less Sidecars: two in a namespace conflict; in an ambient namespace, or selecting an ambient Pod, they have no effect', async () => {
    const yaml =
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: lite, labels: {istio.io/dataplane-mode: ambient}}\n---\n` +
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: mixed, labels: {istio.io/dataplane-mode: ambient, istio-injection: enabled}}\n---\n` +
      pod('zt', 'apps', 'app: zt', 'ambient.istio.io/redirection: enabled') +
      sidecar('one', 'apps') + sidecar('two', 'apps') + sidecar('lite-default', 'lite') + sidecar('m1', 'mixed') + sidecar('m2', 'mixed') + sidecar('zt-scope', 'apps', '      app: zt');
    const bare = (ns: string, sc: string, names: string) => `Error [IST0111] (Sidecar ${ns}/${sc} :${docLine(yaml, `name: ${sc}`)}) The Sidecars [${names}] in namespace "${ns}" have no workload selector, which can lead to undefined behavior.`;
    expect(await only('sidecar.SelectorAnalyzer', yaml)).toEqual([
      bare('apps', 'one', 'one two'),
      bare('apps', 'two', 'one two'),
      bare('mixed', 'm1', 'm1 m2'),
      bare('mixed', 'm2', 'm1 m2'),
      `Warning [IST0167] (Sidecar apps/zt-scope :${docLine(yaml, 'name: zt-scope')}) The policy has no impact: selected workload is in ambient mode, the policy has no impact.`,
      `Warning [IST0167] (Sidecar lite/lite-default :${docLine(yaml, 'name: lite-default')}) The policy has no impact: namespace is in ambient mode, the policy has no impact.`,
    ]);
  });

  it('our offline improvement: a Deployment whose Pods are not given stands in for them', async () => {
    const yaml = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker, namespace: jobs}\nspec:\n  selector: {matchLabels: {app: worker}}\n  template:\n    metadata: {labels: {app: worker}}\n    spec: {containers: [{name: c, image: c}]}\n---\n` + sidecar('by-app', 'jobs', '      app: worker');
    expect(await only('sidecar.SelectorAnalyzer', yaml)).toEqual([]);
  });
});

const telemetry = (name: string, ns: string, spec: string) => `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec}\n---\n`;

describe('telemetry analyzers', () => {
  it('telemetry.SelectorAnalyzer: unmatched selectors and Pods selected twice', async () => {
    const yaml = pod('cart-0', 'shop', 'app: cart') + telemetry('t1', 'shop', '  selector:\n    matchLabels: {app: cart}') + telemetry('t2', 'shop', '  selector:\n    matchLabels: {app: cart}') + telemetry('t3', 'shop', '  selector:\n    matchLabels:\n      app: basket');
    expect(await only('telemetry.SelectorAnalyzer', yaml)).toEqual([
      `Error [IST0101] (Telemetry shop/t3 :${lineOf(yaml, 'app: basket')}) Referenced selector not found: "app=basket"`,
      `Error [IST0159] (Telemetry shop/t1 :${lineOf(yaml, 'name: t1')}) The Telemetries [t1 t2] in namespace "shop" select the same workload pod "cart-0", which can lead to undefined behavior.`,
      `Error [IST0159] (Telemetry shop/t2 :${lineOf(yaml, 'name: t2')}) The Telemetries [t1 t2] in namespace "shop" select the same workload pod "cart-0", which can lead to undefined behavior.`,
    ]);
  });

  it('telemetry.DefaultSelectorAnalyzer: only an absent selector counts as none (targetRef does not exempt)', async () => {
    const yaml = telemetry('a', 'shop', '  tracing: [{randomSamplingPercentage: 1}]') + telemetry('b', 'shop', '  targetRef: {kind: Gateway, group: gateway.networking.k8s.io, name: gw}') + telemetry('c', 'shop', '  selector: {matchLabels: {}}');
    const msg = (n: string) => `Error [IST0160] (Telemetry shop/${n} :${docLine(yaml, `name: ${n},`)}) The Telemetries [a b] in namespace "shop" have no workload selector, which can lead to undefined behavior.`;
    expect(await only('telemetry.DefaultSelectorAnalyzer', yaml)).toEqual([msg('a'), msg('b')]);
  });

  it('telemetry.ProviderAnalyzer: access logging with no providers, unless disabled or the mesh has default access logging', async () => {
    const yaml = telemetry('logs', 'shop', '  accessLogging:\n  - {}\n  - {disabled: true}\n  tracing: [{}]');
    const msg = `Warning [IST0157] (Telemetry shop/logs :1) The Telemetry logs in namespace "shop" with empty providers will be ignored.`;
    expect(await only('telemetry.ProviderAnalyzer', yaml)).toEqual([msg]);
    expect(await only('telemetry.ProviderAnalyzer', yaml, { mesh: 'defaultProviders: {accessLogging: [envoy]}\n' })).toEqual([]);
  });

  it('telemetry.LightstepAnalyzer: tracing to a Lightstep provider of the mesh config is deprecated', async () => {
    const yaml = telemetry('trace', 'shop', '  tracing:\n  - providers: [{name: ls}, {name: otel}]\n  - providers: [{name: ls}]');
    const mesh = 'extensionProviders:\n- name: ls\n  lightstep: {service: ls.obs.svc.cluster.local, port: 8443, accessToken: t}\n- name: otel\n  opentelemetry: {service: otel.obs.svc.cluster.local, port: 4317}\n';
    expect(await only('telemetry.LightstepAnalyzer', yaml, { mesh })).toEqual(['Warning [IST0002] (Telemetry shop/trace :1) Deprecated: The Lightstep provider ls is deprecated, please migrate to OpenTelemetry provider.']);
    expect(await only('telemetry.LightstepAnalyzer', yaml)).toEqual([]);
  });
});
