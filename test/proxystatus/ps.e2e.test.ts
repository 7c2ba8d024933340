/**
 * proxy-status as a user runs it: the built binary, the emulator's port-forward to a stand-in
 * istiod's debug port (test/helpers/fake-istiod.ts), and for `ps <pod>` a stand-in Envoy admin.
 * Texts are istioctl's (proxy-debugging.md §2.2); the real kubectl confirms the port-forward
 * carries istiod's answer unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';
import { startFakeIstiod, type FakeIstiod } from '../helpers/fake-istiod.js';

let h: Harness;
let istiod: FakeIstiod;
let envoy: http.Server;
let envoyDump = '';
const run = (args: string[]) => sailctl(['--kubeconfig', h.kubeconfig, ...args]);
const STATUS = JSON.stringify({ initContainers: ['istio-init'], containers: ['istio-proxy'], volumes: [], imagePullSecrets: null, revision: 'default' });

const cluster = (name: string) => ({ cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name, type: 'EDS' } });
const dump = (clusters: string[], routesAt?: string) => ({
  configs: [
    { '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump', version_info: 'v1', dynamic_active_clusters: clusters.map((c) => ({ version_info: 'v1', last_updated: '2026-08-22T10:00:00Z', ...cluster(c) })) },
    { '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump', dynamic_listeners: [{ name: 'virtualInbound', active_state: { version_info: 'v2', listener: { name: 'virtualInbound' } } }] },
    { '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump', dynamic_route_configs: [{ version_info: 'v3', last_updated: routesAt ?? '2026-08-22T10:00:00Z', route_config: { name: '9080' } }] },
  ],
});

function pod(name: string, ns: string, extra: { labels?: Record<string, string>; annotations?: Record<string, string>; image?: string } = {}) {
  h.emu.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: extra.labels ?? { app: name }, annotations: { 'sidecar.istio.io/status': STATUS, ...extra.annotations } },
    spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'istio-proxy', image: extra.image ?? 'docker.io/istio/proxyv2:1.30.0', args: ['proxy', 'sidecar'] }] },
  });
}

beforeAll(async () => {
  h = await startHarness();
  istiod = await startFakeIstiod(h.emu);
  envoy = http.createServer((req, res) => {
    if (req.url === '/config_dump') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(envoyDump);
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => envoy.listen(0, '127.0.0.1', r));
  const debugPort = /forward-15014: "127\.0\.0\.1:(\d+)"/.exec(istiod.istiodOverlay())![1];
  h.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
  h.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  h.emu.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'istiod-6b8d9c-x2x9z', namespace: 'istio-system', labels: { app: 'istiod', 'istio.io/rev': 'default' }, annotations: { 'kube-emulator/forward-15014': `127.0.0.1:${debugPort}` } }, spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.30.0' }] } });
  pod('productpage-v1-7f9c4', 'shop', { annotations: { 'kube-emulator/forward-15000': `127.0.0.1:${(envoy.address() as AddressInfo).port}` } });
  pod('reviews-v2-5d6f8', 'shop', { image: 'docker.io/istio/proxyv2:1.29.1' });
  pod('ztunnel-abcde', 'istio-system', { labels: { app: 'ztunnel' } });
  await h.emu.waitFor(() => h.emu.list('v1', 'Pod').every((p) => p.status?.phase === 'Running'), 5000, 'pods running');
}, 30_000);
afterAll(async () => {
  await istiod?.close();
  await new Promise<void>((r) => (envoy ? envoy.close(() => r()) : r()));
  await h?.stop();
});

describe('proxy-status', () => {
  it('the table, from istiod’s syncz through the port-forward, with a token the API server issued', async () => {
    const r = await run(['proxy-status']);
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(r.stdout).toBe(
      [
        'NAME                           CLUSTER        ISTIOD                  VERSION     SUBSCRIBED TYPES',
        'productpage-v1-7f9c4.shop      Kubernetes     istiod-6b8d9c-x2x9z     1.30.0      4 (CDS,LDS,EDS,RDS)',
        'reviews-v2-5d6f8.shop          Kubernetes     istiod-6b8d9c-x2x9z     1.29.1      4 (CDS,LDS,EDS,RDS)',
        'ztunnel-abcde.istio-system     Kubernetes     istiod-6b8d9c-x2x9z     1.30.0      4 (CDS,LDS,EDS,RDS)',
        '',
      ].join('\n'),
    );
    const token = istiod.debugAuth.at(-1)!.replace(/^Bearer /, '');
    expect(h.emu.reviewToken(token, 'istio-ca')).toMatchObject({ authenticated: true, username: 'system:serviceaccount:istio-system:default' });
  });

  it('the port-forward carries istiod’s answer unchanged (kubectl port-forward + curl)', async () => {
    const pf = execa('kubectl', ['--kubeconfig', h.kubeconfig, 'port-forward', '-n', 'istio-system', 'pod/istiod-6b8d9c-x2x9z', ':15014'], { reject: false });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        pf.stdout!.on('data', (d: Buffer) => {
          const m = /127\.0\.0\.1:(\d+)/.exec(String(d));
          if (m) resolve(Number(m[1]));
        });
        setTimeout(() => reject(new Error('kubectl port-forward did not start')), 10_000);
      });
      const body = await (await fetch(`http://127.0.0.1:${port}/debug/syncz?namespace=shop`)).json();
      expect(body.map((s: { proxy: string }) => s.proxy)).toEqual(['productpage-v1-7f9c4.shop', 'reviews-v2-5d6f8.shop']);
    } finally {
      pf.kill();
    }
  });

  it('-v 1, STALE and NOT SENT from istiod’s nonces; -n; -o json', async () => {
    istiod.overrides.set('reviews-v2-5d6f8.shop', { 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration': { sent: 'n2', acked: 'n1' }, 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig': { sent: '' } });
    try {
      const r = await run(['ps', '-n', 'shop', '-v', '1']);
      expect(r.exitCode).toBe(0);
      const lines = r.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
      expect(lines[0]).toEqual(['NAME', 'CLUSTER', 'CDS', 'ECDS', 'EDS', 'LDS', 'RDS', 'ISTIOD', 'VERSION']);
      expect(lines[1]!.slice(2, 7).map((c) => c.replace(/ \(\d+s\)$/, ''))).toEqual(['SYNCED', 'IGNORED', 'SYNCED', 'SYNCED', 'SYNCED']);
      expect(lines[2]!.slice(2, 7).map((c) => c.replace(/ \(\d+s\)$/, ''))).toEqual(['SYNCED', 'NOT SENT', 'SYNCED', 'SYNCED', 'STALE']);
      expect(lines).toHaveLength(3);
      expect((await run(['ps', '-n', 'shop'])).stdout).toContain('\nreviews-v2-5d6f8.shop         Kubernetes     istiod-6b8d9c-x2x9z     1.29.1      5 (CDS,LDS,EDS,RDS,ECDS)\n');
      const json = JSON.parse((await run(['x', 'ps', '-n', 'shop', '-o', 'json'])).stdout);
      expect(json[0].resources.map((c: { node: { id: string } }) => c.node.id)).toEqual(['productpage-v1-7f9c4.shop', 'reviews-v2-5d6f8.shop']);
      expect(json[0].resources[1].genericXdsConfigs.find((c: { typeUrl: string }) => c.typeUrl.endsWith('RouteConfiguration')).configStatus).toBe('STALE');
    } finally {
      istiod.overrides.clear();
    }
  });

  it('without TokenRequest rights it still asks (the port-forward reaches istiod from localhost)', async () => {
    h.emu.setAccessRules([{ allowed: false, verb: 'create', resource: 'serviceaccounts', subresource: 'token' }]);
    try {
      const r = await run(['ps']);
      expect(r.exitCode).toBe(0);
      expect(istiod.debugAuth.at(-1)).toBe('');
    } finally {
      h.emu.setAccessRules([]);
    }
  });

  it('no istiod: istioctl’s error; bad flags are usage errors', async () => {
    const r = await run(['ps', '-i', 'nowhere']);
    expect(r).toMatchObject({ exitCode: 1, stdout: '' });
    expect(r.stderr).toMatch(/^Error: unable to find any Istiod instances\n/);
    expect((await run(['ps', '--timeout', 'soon'])).exitCode).toBe(64);
    expect((await run(['ps', '-o', 'xml'])).stderr).toMatch(/^Error: unknown output format xml\n/);
  });
});

describe('proxy-status <pod>: Envoy’s config against istiod’s', () => {
  it('matching dumps: Clusters/Listeners/Routes Match, with when RDS was last loaded', async () => {
    istiod.configDumps.set('productpage-v1-7f9c4.shop', JSON.stringify(dump(['outbound|9080||reviews', 'inbound|9080||'])));
    envoyDump = JSON.stringify(dump(['inbound|9080||', 'outbound|9080||reviews'], '2026-08-22T11:52:54Z'));
    const r = await run(['ps', 'productpage-v1-7f9c4.shop']);
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(r.stdout).toBe('Clusters Match\nListeners Match\nRoutes Match (RDS last loaded at Sat, 22 Aug 2026 11:52:54 UTC)\n');
    expect(istiod.debugPaths.at(-1)).toBe('/debug/config_dump?proxyID=productpage-v1-7f9c4.shop');
  });

  it('a cluster Envoy lacks: Clusters Don’t Match and a unified diff, Istiod first', async () => {
    envoyDump = JSON.stringify(dump(['inbound|9080||']));
    const r = await run(['ps', 'productpage-v1-7f9c4', '-n', 'shop']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Clusters Don't Match\n--- Istiod Clusters\n\+\+\+ Envoy Clusters\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);
    // jsonpb's 4-space indent: the list at 8, each cluster's fields at 16.
    expect(r.stdout).toMatch(/\n- {8}\},\n- {8}\{\n- {12}"cluster": \{\n- {16}"@type": "type\.googleapis\.com\/envoy\.config\.cluster\.v3\.Cluster",\n- {16}"name": "outbound\|9080\|\|reviews",/);
    expect(r.stdout).toMatch(/\nListeners Match\nRoutes Match \(RDS last loaded at Sat, 22 Aug 2026 10:00:00 UTC\)\n$/);
  });

  it('--file reads the Envoy dump from a file; a ztunnel pod has no diff', async () => {
    const file = join(h.dir, 'dump.json');
    writeFileSync(file, JSON.stringify(dump(['outbound|9080||reviews', 'inbound|9080||'])));
    expect((await run(['ps', 'productpage-v1-7f9c4.shop', '--file', file])).stdout).toMatch(/^Clusters Match\n/);
    expect(await run(['ps', 'ztunnel-abcde.istio-system'])).toMatchObject({ exitCode: 0, stdout: 'Sync diff is not available for ztunnel pod ztunnel-abcde.istio-system.\n' });
    const notConnected = await run(['ps', 'reviews-v2-5d6f8.shop', '--file', file]);
    expect(notConnected).toMatchObject({ exitCode: 1 });
    expect(notConnected.stderr).toMatch(/^Error: unable to find config dump for proxy reviews-v2-5d6f8\.shop in any discovery instance\n/);
  });
});
