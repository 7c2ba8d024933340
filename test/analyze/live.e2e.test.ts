/**
 * Live-cluster analysis against the Kubernetes API emulator: resources listed through the
 * cluster layer (paginated), files overlaid on them, namespace targeting, the mesh and injector
 * ConfigMaps, gateway credentials read by name. The real kubectl sets up the cluster where
 * that shows sailctl reads what kubectl wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { analyze, type AnalysisResult } from '../../src/analyze/analyze.js';
import { ClusterSource } from '../../src/analyze/cluster-source.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';

const BOOKSTORE = 'test/analyze/fixtures/bookstore';
const SAILCTL = join(process.cwd(), 'bin/sailctl.js');

/** Istio's CRDs as far as the API server cares: names, scope and served versions. */
function istioCrds() {
  const kinds: [string, string, string[]][] = [
    ['networking.istio.io', 'Gateway', ['v1', 'v1beta1', 'v1alpha3']],
    ['networking.istio.io', 'VirtualService', ['v1', 'v1beta1', 'v1alpha3']],
    ['networking.istio.io', 'DestinationRule', ['v1', 'v1beta1', 'v1alpha3']],
    ['networking.istio.io', 'ServiceEntry', ['v1', 'v1beta1', 'v1alpha3']],
    ['networking.istio.io', 'Sidecar', ['v1', 'v1beta1', 'v1alpha3']],
    ['networking.istio.io', 'EnvoyFilter', ['v1alpha3']],
    ['security.istio.io', 'AuthorizationPolicy', ['v1', 'v1beta1']],
    ['security.istio.io', 'PeerAuthentication', ['v1', 'v1beta1']],
    ['security.istio.io', 'RequestAuthentication', ['v1', 'v1beta1']],
    ['telemetry.istio.io', 'Telemetry', ['v1', 'v1alpha1']],
  ];
  return kinds.map(([group, kind, versions]) => {
    const plural = `${kind.toLowerCase()}${kind.endsWith('y') ? '' : 's'}`.replace(/policys$/, 'policies').replace(/entrys$/, 'entries').replace(/telemetry$/, 'telemetries');
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
        versions: versions.map((name, i) => ({ name, served: true, storage: i === 0, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } })),
      },
    };
  });
}

function source(h: Harness, opts: { fallbackNamespaces?: string[]; pageSize?: number; revision?: string; warn?: (l: string) => void } = {}) {
  return new ClusterSource({ res: h.cluster.res, describe: h.cluster.describe(), istioNamespace: 'istio-system', warn: opts.warn ?? (() => {}), ...opts });
}

const pairs = (r: AnalysisResult) => r.findings.map((f) => `${f.code} ${f.origin}`);

async function run(h: Harness, options: Partial<Parameters<typeof analyze>[0]> & { pageSize?: number } = {}): Promise<AnalysisResult> {
  const { pageSize, ...rest } = options;
  return analyze({ files: [], istioNamespace: 'istio-system', ignoreUnknown: false, warn: () => {}, cluster: source(h, { pageSize, revision: rest.revision }), ...rest });
}

async function sailctl(args: string[], env: Record<string, string> = {}) {
  const r = await execa(process.execPath, [SAILCTL, ...args], { reject: false, env: { NO_COLOR: '1', ...env }, stripFinalNewline: false });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe('analyze against a live cluster (emulator)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    for (const crd of istioCrds()) h.emu.create(crd);
    await h.emu.settle();
    const ns = await h.kubectl(['apply', '-f', `${BOOKSTORE}/namespaces.yaml`]);
    expect(ns.exitCode, ns.stderr).toBe(0);
    const all = await h.kubectl(['apply', '-R', '-f', `${BOOKSTORE}/apps`, '-f', `${BOOKSTORE}/networking`, '-f', `${BOOKSTORE}/security`]);
    expect(all.exitCode, all.stderr).toBe(0);
    // The emulator's controllers turn Deployments into pods.
    await h.emu.waitFor(() => h.emu.list('v1', 'Pod', 'bookstore').length >= 3 || undefined, 5000, 'bookstore pods');
  }, 30_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('what kubectl applied is analysed as the files are; extra findings are facts only the cluster knows', async () => {
    const offline = pairs(await analyze({ files: [BOOKSTORE], istioNamespace: 'istio-system', ignoreUnknown: false, warn: () => {} }));
    const live = await run(h);
    const got = pairs(live);
    expect(got).toEqual(expect.arrayContaining(offline));
    const extra = got.filter((p) => !offline.includes(p));
    // The cluster has no ingress gateway Pods (istioctl adds its default ones offline only), its
    // default namespace is not injected, and the bookstore pods (injection enabled) run without a proxy.
    expect([...new Set(extra.filter((p) => !/^IST0103 Pod (bookstore|payments)\//.test(p)))].sort()).toEqual(['IST0101 Gateway bookstore/bookstore-gateway', 'IST0102 Namespace default']);
    expect(live.findings.filter((f) => f.code === 'IST0101' && f.origin === 'Gateway bookstore/bookstore-gateway').map((f) => f.message)).toEqual(['Referenced selector not found: "istio=ingressgateway"']);
    expect(extra.some((p) => p.startsWith('IST0103 Pod bookstore/reviews-'))).toBe(true);
    // Cluster objects have no file:line.
    expect(live.findings.every((f) => f.reference === undefined)).toBe(true);
  });

  it('lists every kind page by page; Secrets and ConfigMaps are read by name, never listed', async () => {
    h.emu.resetRequestLog();
    const result = await run(h, { pageSize: 2 });
    const services = h.emu.list('v1', 'Service').length;
    expect(services).toBeGreaterThanOrEqual(4);
    expect(h.emu.countRequests({ verb: 'list', resource: 'services' })).toBe(Math.ceil(services / 2));
    expect(h.emu.countRequests({ verb: 'list', resource: 'secrets' })).toBe(0);
    expect(h.emu.countRequests({ verb: 'list', resource: 'configmaps' })).toBe(0);
    expect(h.emu.countRequests({ verb: 'get', resource: 'secrets', name: 'books-example-com' })).toBeGreaterThan(0);
    expect(h.emu.countRequests({ verb: 'get', resource: 'configmaps', namespace: 'istio-system', name: 'istio' })).toBe(1);
    // Pagination lost nothing: the same findings as one page per kind.
    expect(pairs(result)).toEqual(pairs(await run(h)));
  });

  it('files overlay the cluster: a file object replaces the cluster one, and resolves against cluster objects', async () => {
    const dir = h.dir;
    // Fixes the deliberate typo of the cluster's VirtualService; its hosts exist only in the cluster.
    writeFileSync(join(dir, 'frontend.yaml'), `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookstore-frontend
  namespace: bookstore
spec:
  hosts: [books.example.com]
  gateways: [bookstore-gateway]
  http:
    - route:
        - destination:
            host: reviews
            port: {number: 9080}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: new-route
spec:
  hosts: [catalog-preview.example.com]
  http:
    - route:
        - destination:
            host: catalogue
`);
    const result = await run(h, { files: [join(dir, 'frontend.yaml')], namespace: 'bookstore', targetNamespace: 'bookstore' });
    const vs = result.findings.filter((f) => f.origin?.startsWith('VirtualService bookstore/'));
    // The typo is gone; what remains is Istio's note that the reviews subsets do not apply to gateway traffic.
    expect(vs.filter((f) => f.origin === 'VirtualService bookstore/bookstore-frontend').map((f) => f.code)).toEqual(['IST0140']);
    // A file object without a namespace takes the analysed one, and points at its line.
    expect(vs.filter((f) => f.origin === 'VirtualService bookstore/new-route').map((f) => [f.code, f.message, f.reference])).toEqual([
      ['IST0101', 'Referenced host not found: "catalogue"', `${join(dir, 'frontend.yaml')}:24`],
    ]);
    // Cluster objects still analysed, without a file reference.
    expect(result.findings.some((f) => f.origin === 'VirtualService bookstore/reviews' && f.reference === undefined)).toBe(true);
  });

  it('-n reports one namespace (a Namespace counts as in itself); -A reports all', async () => {
    const payments = await run(h, { targetNamespace: 'payments' });
    expect(payments.findings.length).toBeGreaterThan(0);
    expect(payments.findings.every((f) => / payments\//.test(f.origin ?? '') || f.origin === 'Namespace payments')).toBe(true);
    const legacy = await run(h, { targetNamespace: 'legacy' });
    expect(pairs(legacy)).toEqual(['IST0102 Namespace legacy']);
    const all = await run(h);
    expect(new Set(all.findings.map((f) => /^\w+ ([^/]+)\//.exec(f.origin ?? '')?.[1]).filter(Boolean))).toEqual(new Set(['bookstore', 'payments']));
  });

  it('the mesh ConfigMap and the injector ConfigMap of the revision come from istio-system', async () => {
    const mesh = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: "true"\n    ISTIO_META_DNS_AUTO_ALLOCATE: "true"\n' } };
    if (!h.emu.get('v1', 'Namespace', undefined, 'istio-system')) h.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
    h.emu.create(mesh);
    try {
      const withMesh = await run(h, { targetNamespace: 'bookstore' });
      // DNS auto-allocation makes ServiceEntry addresses unnecessary.
      expect(pairs(withMesh)).not.toContain('IST0134 ServiceEntry bookstore/inventory-db');
      // --meshConfigFile replaces the cluster's mesh config.
      writeFileSync(join(h.dir, 'mesh.yaml'), 'rootNamespace: istio-system\n');
      const withFile = await run(h, { targetNamespace: 'bookstore', meshConfigFile: join(h.dir, 'mesh.yaml') });
      expect(pairs(withFile)).toContain('IST0134 ServiceEntry bookstore/inventory-db');
      // A revision reads its own ConfigMaps: istio-canary does not exist, so the defaults apply.
      expect(pairs(await run(h, { targetNamespace: 'bookstore', revision: 'canary' }))).toContain('IST0134 ServiceEntry bookstore/inventory-db');

      const values = { global: { hub: 'docker.io/istio', tag: '1.30.0', proxy: { image: 'proxyv2' } }, sidecarInjectorWebhook: { enableNamespacesByDefault: true } };
      h.emu.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' }, data: { values: JSON.stringify(values), config: '{}' } });
      h.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'old', labels: { 'istio-injection': 'enabled' } } });
      h.emu.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'old' }, spec: { containers: [{ name: 'web', image: 'nginx' }, { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.29.1' }] } });
      const injected = await run(h);
      expect(injected.findings.filter((f) => f.code === 'IST0158').map((f) => [f.origin, f.message])).toEqual([
        ['Namespace old', expect.stringContaining('(pod names: [web])')],
      ]);
      // enableNamespacesByDefault: unlabelled namespaces are injected, so IST0148 replaces IST0102.
      expect(pairs(injected)).toContain('IST0148 Namespace legacy');
      expect(pairs(injected)).not.toContain('IST0102 Namespace legacy');
    } finally {
      h.emu.delete('v1', 'ConfigMap', 'istio-system', 'istio');
      if (h.emu.get('v1', 'ConfigMap', 'istio-system', 'istio-sidecar-injector')) h.emu.delete('v1', 'ConfigMap', 'istio-system', 'istio-sidecar-injector');
      if (h.emu.get('v1', 'Pod', 'old', 'web')) h.emu.delete('v1', 'Pod', 'old', 'web');
      if (h.emu.get('v1', 'Namespace', undefined, 'old')) h.emu.delete('v1', 'Namespace', undefined, 'old');
    }
  });

  it('an injector webhook pointing at a missing istiod is reported whatever namespace is analysed', async () => {
    h.emu.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'istio-sidecar-injector', labels: { app: 'sidecar-injector' } },
      webhooks: [{ name: 'rev.namespace.sidecar-injector.istio.io', clientConfig: { service: { name: 'istiod', namespace: 'istio-system', port: 443 } }, admissionReviewVersions: ['v1'], sideEffects: 'None' }],
    });
    try {
      const result = await run(h, { targetNamespace: 'legacy' });
      expect(pairs(result)).toContain('IST0139 MutatingWebhookConfiguration istio-sidecar-injector');
    } finally {
      h.emu.delete('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined, 'istio-sidecar-injector');
    }
  });

  it('without permission to list across namespaces, reads the analysed namespaces and says so', async () => {
    // First match wins: listing pods and services is allowed in two namespaces only.
    h.emu.setAccessRules([
      { allowed: true, verb: 'list', resource: ['pods', 'services'], namespace: 'bookstore' },
      { allowed: true, verb: 'list', resource: ['pods', 'services'], namespace: 'istio-system' },
      { allowed: false, verb: 'list', resource: ['pods', 'services'] },
    ]);
    try {
      const warnings: string[] = [];
      const result = await analyze({ files: [], istioNamespace: 'istio-system', ignoreUnknown: false, warn: () => {}, targetNamespace: 'bookstore', cluster: source(h, { fallbackNamespaces: ['bookstore', 'istio-system'], warn: (l) => warnings.push(l) }) });
      expect([...warnings].sort()).toEqual([
        'Cannot list pods in all namespaces (forbidden); reading namespaces bookstore, istio-system only.',
        'Cannot list services in all namespaces (forbidden); reading namespaces bookstore, istio-system only.',
      ]);
      expect(pairs(result)).toContain('IST0101 VirtualService bookstore/bookstore-frontend');
    } finally {
      h.emu.setAccessRules([]);
    }
  });

  describe('the binary', () => {
    it('defaults to the kubeconfig context namespace; success and failure name it', async () => {
      const kc = h.emu.writeKubeconfig(join(h.dir, 'kc-legacy'), { namespace: 'legacy' });
      const r = await sailctl(['analyze', '--kubeconfig', kc]);
      expect(r.stdout).toBe(`Info [IST0102] (Namespace legacy) The namespace is not enabled for Istio injection. Run 'kubectl label namespace legacy istio-injection=enabled' to enable it, or 'kubectl label namespace legacy istio-injection=disabled' to explicitly mark it as not needing injection.\n`);
      expect(r.code).toBe(0);
      const fail = await sailctl(['analyze', '--kubeconfig', kc, '-n', 'bookstore', '-o', 'json']);
      expect(fail.code).toBe(79);
      expect(JSON.parse(fail.stdout).every((m: { origin: string }) => m.origin.includes(' bookstore/') || m.origin === 'Namespace bookstore')).toBe(true);
      expect(fail.stderr).toContain('Analyzers found issues when analyzing namespace: bookstore.');
    });

    it('an unknown namespace is an error, not a silent pass', async () => {
      const r = await sailctl(['analyze', '--kubeconfig', h.kubeconfig, '-n', 'nope']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Error: namespace "nope" not found in the cluster/);
    });

    it('-A with files from stdin overlays them on every namespace', async () => {
      const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: extra, namespace: legacy}\nspec:\n  hosts: [books-internal.example.com]\n  http: [{route: [{destination: {host: reviews.bookstore.svc.cluster.local, subset: v1, port: {number: 9080}}}]}]\n';
      const r = await execa(process.execPath, [SAILCTL, 'analyze', '--kubeconfig', h.kubeconfig, '-A', '-', '-o', 'yaml', '--failure-threshold', 'Error'], { input: vs, reject: false, env: { NO_COLOR: '1' } });
      expect(r.exitCode).toBe(79);
      expect(r.stdout).toContain('origin: Namespace default');
      expect(r.stdout).toContain('origin: VirtualService bookstore/reviews');
      // The cross-namespace FQDN and its subset resolve against the cluster: nothing about "extra".
      expect(r.stdout, r.stdout).not.toContain('VirtualService legacy/extra');
    });

    it('--use-kube=false never talks to the cluster', async () => {
      h.emu.resetRequestLog();
      const r = await sailctl(['analyze', '--kubeconfig', h.kubeconfig, '--use-kube=false', `${BOOKSTORE}/namespaces.yaml`, '-n', 'legacy']);
      expect(h.emu.requestCount).toBe(0);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('IST0102');
    });
  });
});
