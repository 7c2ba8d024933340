/**
 * @kubernetes/client-node 1.4.0 against the emulator over HTTPS (generated CA, bearer token):
 * KubernetesObjectApi CRUD with every patch type, paginated lists, Watch from a resourceVersion with
 * 410 Gone after compaction, an informer, and PortForward to a target attached to a pod.
 */
import net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.js';

type K8s = typeof import('@kubernetes/client-node');
let k8s: K8s;
let emu: Emulator;
let kc: InstanceType<K8s['KubeConfig']>;
let dir: string;

beforeAll(async () => {
  k8s = await import('@kubernetes/client-node');
  emu = await startEmulator({ readyDelayMs: 5 });
  dir = mkdtempSync(join(tmpdir(), 'emu-client-node-'));
  kc = new k8s.KubeConfig();
  kc.loadFromFile(emu.writeKubeconfig(join(dir, 'kubeconfig')));
});
afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('@kubernetes/client-node 1.4.0', () => {
  it('refuses a wrong token with 401, as an API server with bearer-token auth does', async () => {
    const other = new k8s.KubeConfig();
    other.loadFromString(emu.kubeconfig().replace(emu.token, 'wrong-token'));
    const err = await other.makeApiClient(k8s.CoreV1Api).listNamespace().catch((e) => e);
    expect(err.code).toBe(401);
  });

  it('KubernetesObjectApi: create, read, merge patch, server-side apply (with conflict), list, delete', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    const spec = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cn', namespace: 'default' }, data: { a: '1' } };
    const created = await client.create(spec);
    expect((created.metadata as { uid?: string }).uid).toBeTruthy();
    const read = await client.read<{ data: Record<string, string> } & typeof created>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cn', namespace: 'default' } });
    expect(read.data).toEqual({ a: '1' });
    await client.patch({ ...spec, data: { b: '2' } }, undefined, undefined, 'tests', undefined, k8s.PatchStrategy.MergePatch);
    const applied = await client.patch({ ...spec, data: { c: '3' } }, undefined, undefined, 'sailctl', false, k8s.PatchStrategy.ServerSideApply);
    expect((applied as unknown as { data: object }).data).toEqual({ a: '1', b: '2', c: '3' });
    const conflict = await client.patch({ ...spec, data: { b: 'other' } }, undefined, undefined, 'sailctl', false, k8s.PatchStrategy.ServerSideApply).catch((e) => e);
    expect(conflict.code).toBe(409);
    expect(JSON.parse(conflict.body).message).toBe('Apply failed with 1 conflict: conflict with "tests" using v1: .data.b');
    const list = await client.list('v1', 'ConfigMap', 'default');
    expect(list.items.map((o) => o.metadata?.name)).toContain('cn');
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cn', namespace: 'default' } });
    expect(((await client.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cn', namespace: 'default' } }).catch((e) => e)) as { code: number }).code).toBe(404);
  });

  it('lists with limit/continue pagination', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'pages' } } });
    for (let i = 0; i < 7; i++) await core.createNamespacedConfigMap({ namespace: 'pages', body: { metadata: { name: `p${i}` } } });
    const seen: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({ namespace: 'pages', limit: 3, _continue: cont });
      seen.push(...page.items.map((o) => o.metadata!.name!));
      cont = page.metadata?._continue || undefined;
      pages++;
    } while (cont);
    expect(pages).toBe(3);
    expect(seen.filter((n) => /^p\d$/.test(n))).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  it('Watch from a list resourceVersion sees later changes; after compaction it gets a 410 Expired ERROR event', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const rv = (await core.listNamespacedConfigMap({ namespace: 'pages' })).metadata!.resourceVersion!;
    await core.createNamespacedConfigMap({ namespace: 'pages', body: { metadata: { name: 'later' } } });
    const events: string[] = [];
    const watcher = new k8s.Watch(kc);
    const req = await watcher.watch('/api/v1/namespaces/pages/configmaps', { resourceVersion: rv }, (type, obj) => events.push(`${type} ${obj.metadata.name}`), () => undefined);
    await core.deleteNamespacedConfigMap({ namespace: 'pages', name: 'p0' });
    await emu.waitFor(() => events.length >= 2);
    req.abort();
    expect(events).toEqual(['ADDED later', 'DELETED p0']);

    emu.compactEvents();
    const errors: { type: string; code?: number }[] = [];
    const ended = new Promise<void>((resolve) => {
      void watcher.watch('/api/v1/namespaces/pages/configmaps', { resourceVersion: rv }, (type, obj) => errors.push({ type, code: obj.code }), () => resolve());
    });
    await ended;
    expect(errors).toEqual([{ type: 'ERROR', code: 410 }]);
  });

  it('an informer lists then follows changes, and re-lists after the watch is dropped', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/pages/configmaps', () => core.listNamespacedConfigMap({ namespace: 'pages' }));
    informer.on('error', () => undefined); // stop() reports an AbortError
    await informer.start();
    const names = () => informer.list().map((o) => o.metadata!.name);
    expect(names()).toContain('p1');
    await core.createNamespacedConfigMap({ namespace: 'pages', body: { metadata: { name: 'seen-by-informer' } } });
    await emu.waitFor(() => names().includes('seen-by-informer'), 5000, 'informer add');
    expect(emu.dropWatches()).toBeGreaterThanOrEqual(1);
    await core.createNamespacedConfigMap({ namespace: 'pages', body: { metadata: { name: 'after-drop' } } });
    await emu.waitFor(() => names().includes('after-drop'), 5000, 'informer to resume after the dropped watch');
    await informer.stop();
  });

  it('PortForward (v4.channel.k8s.io) reaches a local server attached to a running pod', async () => {
    const echo = net.createServer((s) => s.on('data', (d) => s.end(`echo:${d}`)));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const port = (echo.address() as net.AddressInfo).port;
    emu.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'dash', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    await emu.waitFor(() => emu.get('v1', 'Pod', 'default', 'dash')?.status?.phase === 'Running');
    emu.attachPortTarget('default', 'dash', 9000, { host: '127.0.0.1', port });
    const input = new PassThrough();
    let received = '';
    const output = new Writable({
      write(chunk, _enc, cb) {
        received += chunk.toString();
        cb();
      },
    });
    const ws = await new k8s.PortForward(kc).portForward('default', 'dash', [9000], output, null, input);
    input.write('hello');
    await emu.waitFor(() => received === 'echo:hello', 5000, 'the echo');
    (ws as unknown as { close(): void }).close();
    echo.close();
  });
});
