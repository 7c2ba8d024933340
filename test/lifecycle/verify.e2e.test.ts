/**
 * verify-install and precheck against the emulator: healthy, partly broken and empty
 * clusters, in the human, short and JSON formats.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { prepareInstall } from '../../src/lifecycle/prepare.js';
import { installToCluster } from '../../src/lifecycle/install.js';
import { verifyInstall } from '../../src/lifecycle/verify.js';
import { precheck } from '../../src/lifecycle/precheck.js';
import { formatReport, type CheckReport } from '../../src/core/check-report.js';
import { palette } from '../../src/core/terminal.js';
import { captureIO, startHarness, type Harness } from '../helpers/cluster-harness.js';

const plain = palette({ isTTY: false } as NodeJS.WriteStream);
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function install(harness: Harness, sets: string[], revision?: string) {
  const p = await prepareInstall({ sets, revision });
  await installToCluster(harness.cluster, { iop: p.iop, plan: p.plan, skipConfirmation: true, readinessTimeoutMs: 10_000 }, captureIO());
  return p.plan;
}

function failed(report: CheckReport): string[] {
  return report.categories.flatMap((c) => c.checks.filter((k) => k.result === 'error').map((k) => `${c.categoryName}: ${k.description}`));
}

/** A pod with an injected proxy of the given version, as the injector would have left it. */
function injectedPod(name: string, version: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { app: name, 'security.istio.io/tlsMode': 'istio' } },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'istio-proxy', image: `docker.io/istio/proxyv2:${version}`, args: ['proxy', 'sidecar'] }] },
  };
}

describe('verify-install', () => {
  it('an empty cluster gets one clear line, not a list of missing objects', async () => {
    h = await startHarness();
    const r = await verifyInstall(h.cluster, { istioNamespace: 'istio-system' });
    expect(r.nothingInstalled).toBe('no Istio control plane found in istio-system');
    expect(r.report.success).toBe(false);
    expect(failed(r.report)).toEqual(['control plane: an Istio control plane is installed']);
    const json = JSON.parse(formatReport(r.report, 'json', plain));
    expect(json.success).toBe(false);
    expect(json.categories.map((c: { categoryName: string }) => c.categoryName)).toEqual(['cluster', 'control plane']);
  });

  it('a healthy demo install passes every check, in each format, with one list per kind', async () => {
    h = await startHarness();
    await install(h, ['profile=demo']);
    h.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    h.emu.create(injectedPod('cart', '1.30.0'));
    h.emu.resetRequestLog();
    const r = await verifyInstall(h.cluster, { istioNamespace: 'istio-system' });
    expect(failed(r.report)).toEqual([]);
    expect(r.report.success).toBe(true);
    expect(h.emu.requestCount).toBeLessThan(25); // lists, not one GET per object

    const text = formatReport(r.report, 'text', plain);
    for (const category of ['cluster', 'CRDs', 'control plane', 'webhooks', 'gateways', 'data plane']) expect(text).toContain(`\n${category}\n`.slice(text.startsWith(category) ? 1 : 0));
    expect(text).toContain('✔ all 15 Istio CRDs exist');
    expect(text).toContain('✔ Deployment istio-system/istiod is available (1/1 ready)');
    expect(text).toContain('✔ Deployment istio-system/istio-egressgateway is available (1/1 ready)');
    expect(text).toContain('✔ MutatingWebhookConfiguration istio-sidecar-injector points at a live service');
    expect(text).toMatch(/✔ 1 injected pod run proxies matching the control plane: 1\.30\.0 \(1 proxies\)/);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^Status check results are ✔ \(\d+ passed\)$/);

    // -o short: nothing to show but the verdict.
    expect(formatReport(r.report, 'short', plain)).toMatch(/^Status check results are ✔ \(\d+ passed\)\n$/);
    // -o json: one document.
    const json = JSON.parse(formatReport(r.report, 'json', plain));
    expect(json.success).toBe(true);
    expect(json.categories.find((c: { categoryName: string }) => c.categoryName === 'gateways').checks.every((c: { result: string }) => c.result === 'success')).toBe(true);
  });

  it('a partly broken install names exactly what is wrong, with a hint under each failure', async () => {
    h = await startHarness();
    await install(h, ['profile=demo']);
    expect((await h.kubectl(['delete', 'deploy', '-n', 'istio-system', 'istio-egressgateway'])).exitCode).toBe(0);
    expect((await h.kubectl(['delete', 'crd', 'telemetries.telemetry.istio.io'])).exitCode).toBe(0);
    expect((await h.kubectl(['scale', 'deploy', '-n', 'istio-system', 'istiod', '--replicas=0'])).exitCode).toBe(0);
    await h.emu.waitFor(() => h!.emu.list('v1', 'Pod', 'istio-system').filter((p) => (p.metadata.labels as Record<string, string>)?.app === 'istiod').length === 0, 5000, 'istiod pods gone');
    h.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    h.emu.create(injectedPod('legacy', '1.28.1'));

    const r = await verifyInstall(h.cluster, { istioNamespace: 'istio-system' });
    expect(r.report.success).toBe(false);
    expect(failed(r.report).sort()).toEqual([
      'CRDs: all 15 Istio CRDs exist',
      'control plane: Deployment istio-system/istiod is available',
      'gateways: gateway objects exist (10)',
      // The default tag (install-made) is served by the same broken istiod.
      'revision tags: MutatingWebhookConfiguration istio-revision-tag-default points at a live service',
      'webhooks: MutatingWebhookConfiguration istio-sidecar-injector points at a live service',
      'webhooks: ValidatingWebhookConfiguration istio-validator-istio-system points at a live service',
    ]);
    const text = formatReport(r.report, 'text', plain);
    expect(text).toMatch(/✖ all 15 Istio CRDs exist\n {4}1 missing:\n {6}telemetries\.telemetry\.istio\.io\n {4}hint: /);
    expect(text).toMatch(/✖ Deployment istio-system\/istiod is available\n {4}scaled to 0 replicas; the install renders 1/);
    expect(text).toMatch(/✖ gateway objects exist \(10\)\n {4}1 missing:\n {6}Deployment istio-system\/istio-egressgateway/);
    expect(text).toContain('no ready pod behind Service istio-system/istiod');
    // An old proxy is a warning: it does not fail the run on its own.
    expect(text).toMatch(/⚠ 1 injected pod run proxies matching the control plane\n {4}1 run another proxy version than the control plane \(1\.30\.0\)/);
    expect(text).toContain('      shop/legacy: 1.28.1');
    expect(text).toMatch(/Status check results are ✖ \(6 failed, \d+ passed, 1 warning\)\n$/);

    // -o short lists only the problems; the passing checks are left out.
    const short = formatReport(r.report, 'short', plain);
    expect(short).not.toContain('✔ Deployment istio-system/istio-ingressgateway');
    expect(short.match(/^✖ /gm)).toHaveLength(6);
    expect(short.match(/^⚠ /gm)).toHaveLength(1);
    const json = JSON.parse(formatReport(r.report, 'json', plain));
    const crd = json.categories.find((c: { categoryName: string }) => c.categoryName === 'CRDs').checks[0];
    expect(crd).toMatchObject({ result: 'error', details: ['telemetries.telemetry.istio.io'] });
    expect(crd.hint).toBeTruthy();
  });

  it('checks each recorded revision, or only the one asked for', async () => {
    h = await startHarness();
    await install(h, ['profile=minimal']);
    await install(h, ['profile=minimal'], 'canary');
    expect((await h.kubectl(['delete', 'deploy', '-n', 'istio-system', 'istiod-canary'])).exitCode).toBe(0);
    const all = await verifyInstall(h.cluster, { istioNamespace: 'istio-system' });
    expect(failed(all.report)).toEqual([
      'control plane: control plane objects exist (revision canary) (16)',
      'webhooks: ValidatingWebhookConfiguration istio-validator-canary-istio-system points at a live service',
      'webhooks: MutatingWebhookConfiguration istio-sidecar-injector-canary points at a live service',
    ]);
    expect(formatReport(all.report, 'text', plain)).toContain('      Deployment istio-system/istiod-canary');
    const onlyDefault = await verifyInstall(h.cluster, { istioNamespace: 'istio-system', revision: 'default' });
    expect(failed(onlyDefault.report)).toEqual([]);
  });

  it('without a record, a running istiod is verified against -f/--set', async () => {
    h = await startHarness();
    await install(h, ['profile=minimal']);
    expect((await h.kubectl(['delete', 'configmap', '-n', 'istio-system', 'sailctl-install'])).exitCode).toBe(0);
    const bare = await verifyInstall(h.cluster, { istioNamespace: 'istio-system' });
    expect(bare.nothingInstalled).toBeUndefined();
    expect(formatReport(bare.report, 'text', plain)).toMatch(/⚠ the install is recorded\n {4}istiod runs in istio-system \(revision default\) but sailctl has no install record there/);
    const { plan } = await prepareInstall({ sets: ['profile=minimal'] });
    const withPlan = await verifyInstall(h.cluster, { istioNamespace: 'istio-system', plan });
    expect(withPlan.report.success).toBe(true);
    // Verifying against a different profile shows what that profile would add.
    const demo = await prepareInstall({ sets: ['profile=demo'] });
    const mismatch = await verifyInstall(h.cluster, { istioNamespace: 'istio-system', plan: demo.plan });
    expect(failed(mismatch.report)).toContain('gateways: gateway objects exist (10)');
  });
});

describe('precheck', () => {
  it('a fresh cluster is safe to install into', async () => {
    h = await startHarness();
    const { plan, iop } = await prepareInstall({});
    const report = await precheck(h.cluster, { plan, iop });
    expect(report.success).toBe(true);
    const text = formatReport(report, 'text', plain);
    expect(text).toContain('✔ no Istio control plane installed yet');
    expect(text).toMatch(/✔ you have the permissions to install Istio \(\d+ checked\)/);
  });

  it('names missing permissions, existing revisions and a clashing injector', async () => {
    h = await startHarness();
    await install(h, ['profile=minimal']);
    // Another injector that selects the same pods as the default revision's (served by its default tag), under another name.
    const mwc = h.emu.get('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined, 'istio-revision-tag-default')!;
    h.emu.create({ apiVersion: mwc.apiVersion, kind: mwc.kind, metadata: { name: 'other-injector', labels: { 'istio.io/rev': 'old' } }, webhooks: mwc.webhooks });
    h.emu.setAccessRules([{ allowed: false, verb: ['create'], group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations' }]);
    const { plan, iop } = await prepareInstall({});
    const report = await precheck(h.cluster, { plan, iop, fromVersion: '1.26' });
    expect(report.success).toBe(false);
    const text = formatReport(report, 'text', plain);
    expect(text).toMatch(/✖ you have the permissions to install Istio\n {4}missing 1 of \d+ permissions:\n {6}create mutatingwebhookconfigurations\.admissionregistration\.k8s\.io \(cluster-wide\)/);
    expect(text).toContain('✔ installed control planes: revision default (Istio 1.30.0, istio-system)');
    expect(text).toMatch(/✖ no other sidecar injector selects the same pods\n {4}two injectors would both inject new pods:\n {6}MutatingWebhookConfiguration other-injector \(revision old\)/);
    expect(text).toMatch(/⚠ upgrade from 1\.26 is supported\n {4}1\.26 → 1\.30\.0 skips 3 minor versions/);
    const json = JSON.parse(formatReport(report, 'json', plain));
    expect(json.categories.map((c: { categoryName: string }) => c.categoryName)).toEqual(['cluster', 'permissions', 'Istio installations', 'webhooks', 'configuration', 'upgrade']);
  });

  it("reports the precheck-only findings analyze leaves out: Gateway API CRD versions (IST0156, IST0172) and alpha annotations (IST0136)", async () => {
    h = await startHarness();
    const crd = (kind: string, plural: string, versions: string[]) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.gateway.networking.k8s.io` },
      spec: { group: 'gateway.networking.k8s.io', scope: 'Namespaced', names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` }, versions: versions.map((name, i) => ({ name, served: true, storage: i === 0, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } })) },
    });
    h.emu.create(crd('HTTPRoute', 'httproutes', ['v1alpha2']));
    h.emu.create(crd('GRPCRoute', 'grpcroutes', ['v1alpha2']));
    h.emu.create(crd('Gateway', 'gateways', ['v1', 'v1beta1']));
    h.emu.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tuned', namespace: 'default', annotations: { 'sidecar.istio.io/proxyCPU': '200m', 'sidecar.istio.io/inject': 'true' } }, spec: { containers: [{ name: 'a', image: 'a' }] } });
    const { plan, iop } = await prepareInstall({});
    const report = await precheck(h.cluster, { plan, iop, namespace: 'default' });
    expect(report.success).toBe(false); // IST0156 is an error
    const text = formatReport(report, 'text', plain);
    expect(text).toMatch(/✖ Gateway API CRDs serve the versions Istio reads \(3 CRDs checked\)\n {4}1 Gateway API CRD without a supported version:\n {6}IST0156 \(CustomResourceDefinition httproutes\.gateway\.networking\.k8s\.io\) The Gateway API CRD version v1alpha2 is lower than the minimum version: v1beta1\n {6}IST0172 \(CustomResourceDefinition grpcroutes\.gateway\.networking\.k8s\.io\)/);
    expect(text).toContain('IST0172 (CustomResourceDefinition httproutes.gateway.networking.k8s.io)');
    expect(text).toMatch(/⚠ no alpha-phase Istio annotations in namespace default \(\d+ resources? checked\)\n {4}1 alpha-phase annotation:\n {6}IST0136 \(Pod default\/tuned\) Annotation "sidecar\.istio\.io\/proxyCPU" is part of an alpha-phase feature and may be incompletely supported\./);
  });

  it('before an upgrade, runs the deprecation analyzers over the Istio config in the cluster', async () => {
    h = await startHarness();
    await install(h, ['profile=minimal']);
    h.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    h.emu.create({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'cart', namespace: 'shop' },
      spec: { hosts: ['cart'], http: [{ route: [{ destination: { host: 'cart' } }], mirror: { host: 'cart-v2' }, mirrorPercent: 10, fault: { delay: { percent: 5, fixedDelay: '1s' } } }] },
    });
    const { plan, iop } = await prepareInstall({});
    const report = await precheck(h.cluster, { plan, iop });
    expect(report.success).toBe(true); // a warning does not fail
    const text = formatReport(report, 'text', plain);
    // Istio's deprecation analyzer: fault.delay.percent is reported, mirrorPercent is not.
    expect(text).toMatch(/⚠ no deprecated Istio fields in use \(1 resource checked\)\n {4}1 use of deprecated fields:\n {6}IST0002 \(VirtualService shop\/cart\) Deprecated: HTTPRoute\.fault\.delay\.percent is deprecated; use HTTPRoute\.fault\.delay\.percentage\n/);
  });
});
