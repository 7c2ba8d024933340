/**
 * Istio's canary upgrade with revision tags (istio.io "Canary Upgrades", "Stable revision
 * labels"), end to end with sailctl alone, against the emulator calling the injection webhooks of
 * two stand-in istiods (test/helpers/fake-istiod.ts). Every step is confirmed by the real kubectl.
 * Expected texts are istioctl's (proxy-debugging.md §2.2.2 and §2.4, istioctl.md §2.15).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';
import { startFakeIstiod, type FakeIstiod } from '../helpers/fake-istiod.js';

let h: Harness;
let oldIstiod: FakeIstiod;
let newIstiod: FakeIstiod;
const run = (args: string[]) => sailctl(['--kubeconfig', h.kubeconfig, ...args]);
const kubectl = async (args: string[]) => {
  const r = await h.kubectl(args);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const json = async (args: string[]) => JSON.parse(await kubectl([...args, '-o', 'json']));

const APPS = ['details', 'productpage', 'ratings', 'reviews'];
const bookinfo = APPS.map((app) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}-v1, namespace: bookinfo, labels: {app: ${app}, version: v1}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${app}, version: v1}}
  template:
    metadata: {labels: {app: ${app}, version: v1}}
    spec: {containers: [{name: ${app}, image: docker.io/istio/examples-bookinfo-${app}-v1:1.20.2, ports: [{containerPort: 9080}]}]}
`).join('---\n');

/** The bookinfo pods, with the proxy image and the revision their sidecar status names. */
async function bookinfoProxies(): Promise<{ name: string; image: string; revision: string }[]> {
  const pods = (await json(['get', 'pods', '-n', 'bookinfo'])).items.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp);
  return pods.map((p: { metadata: { name: string; annotations?: Record<string, string> }; spec: { containers: { name: string; image: string }[]; initContainers?: { name: string; image: string }[] } }) => ({
    name: p.metadata.name,
    image: [...p.spec.containers, ...(p.spec.initContainers ?? [])].find((c) => c.name === 'istio-proxy')?.image ?? '',
    revision: JSON.parse(p.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}').revision ?? '',
  }));
}

/** proxy-status rows as cells (tabwriter columns end where 2+ spaces start). */
const cells = (table: string) => table.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));

beforeAll(async () => {
  h = await startHarness({ admissionWebhooks: true });
  oldIstiod = await startFakeIstiod(h.emu, { revision: 'default' });
  newIstiod = await startFakeIstiod(h.emu, { revision: 'canary' });
  writeFileSync(join(h.dir, 'old.yaml'), oldIstiod.istiodOverlay());
  writeFileSync(join(h.dir, 'new.yaml'), newIstiod.istiodOverlay());
}, 30_000);
afterAll(async () => {
  await oldIstiod?.close();
  await newIstiod?.close();
  await h?.stop();
});

describe('canary upgrade with revision tags (binary, emulator, real kubectl)', () => {
  it('1. install the old version as the default revision: the default tag takes over injection', async () => {
    const r = await run(['install', '-y', '--set', 'profile=minimal', '--set', 'tag=1.29.0', '-f', join(h.dir, 'old.yaml')]);
    expect(r.stderr).toMatch(/✔ Installation complete/);
    expect(r.exitCode).toBe(0);
    const tag = await json(['get', 'mutatingwebhookconfiguration', 'istio-revision-tag-default']);
    expect(tag.metadata.labels).toMatchObject({ 'istio.io/tag': 'default', 'istio.io/rev': 'default', 'install.operator.istio.io/owning-resource-not-pruned': 'true' });
    expect(tag.webhooks.map((w: { name: string }) => w.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io', 'namespace.sidecar-injector.istio.io', 'object.sidecar-injector.istio.io']);
    // istioctl's DeactivateIstioInjectionWebhook: the revision's own injector selects nothing.
    const injector = await json(['get', 'mutatingwebhookconfiguration', 'istio-sidecar-injector']);
    for (const w of injector.webhooks) expect(w.namespaceSelector).toEqual({ matchLabels: { 'istio.io/deactivated': 'never-match' } });
    expect((await json(['get', 'validatingwebhookconfiguration', 'istiod-default-validator'])).webhooks[0].clientConfig.service.name).toBe('istiod');
    expect((await json(['get', 'service', '-n', 'istio-system', 'istiod-revision-tag-default'])).spec.selector).toEqual({ app: 'istiod', istio: 'pilot' });
    expect(await run(['tag', 'list'])).toMatchObject({ exitCode: 0, stdout: 'TAG     REVISION NAMESPACES\ndefault default  \n' });
  });

  it('2. bookinfo in an istio-injection=enabled namespace: pods injected by the old istiod', async () => {
    await kubectl(['create', 'namespace', 'bookinfo']);
    await kubectl(['label', 'namespace', 'bookinfo', 'istio-injection=enabled']);
    writeFileSync(join(h.dir, 'bookinfo.yaml'), bookinfo);
    await kubectl(['apply', '-f', join(h.dir, 'bookinfo.yaml')]);
    for (const app of APPS) await kubectl(['rollout', 'status', `deployment/${app}-v1`, '-n', 'bookinfo', '--timeout=20s']);
    const proxies = await bookinfoProxies();
    expect(proxies).toHaveLength(4);
    for (const p of proxies) expect(p).toMatchObject({ image: 'docker.io/istio/proxyv2:1.29.0', revision: 'default' });
    expect(oldIstiod.injections.filter((i) => i.injected && i.namespace === 'bookinfo')).toHaveLength(4);
    expect(newIstiod.injections).toHaveLength(0);
  });

  it('3. proxy-status: every bookinfo proxy synced to the old istiod', async () => {
    const r = await run(['proxy-status']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const rows = cells(r.stdout);
    expect(rows[0]).toEqual(['NAME', 'CLUSTER', 'ISTIOD', 'VERSION', 'SUBSCRIBED TYPES']);
    const istiod = (await json(['get', 'pods', '-n', 'istio-system', '-l', 'app=istiod'])).items[0].metadata.name;
    const names = (await bookinfoProxies()).map((p) => `${p.name}.bookinfo`).sort();
    expect(rows.slice(1)).toEqual(names.map((n) => [n, 'Kubernetes', istiod, '1.29.0', '4 (CDS,LDS,EDS,RDS)']));
    // It asked istiod's debug endpoint with a token kube-apiserver issued for audience istio-ca.
    expect(oldIstiod.debugPaths).toContain('/debug/syncz');
    expect(oldIstiod.debugAuth.at(-1)).toMatch(/^Bearer ey/);
  });

  it('4. install the new version as revision canary: the default tag stays on the old one', async () => {
    const r = await run(['install', '-y', '--set', 'profile=minimal', '-r', 'canary', '-f', join(h.dir, 'new.yaml')]);
    expect(r.exitCode).toBe(0);
    expect((await json(['get', 'deployment', '-n', 'istio-system', 'istiod-canary'])).status.readyReplicas).toBe(1);
    expect((await json(['get', 'mutatingwebhookconfiguration', 'istio-revision-tag-default'])).metadata.labels['istio.io/rev']).toBe('default');
    expect((await run(['tag', 'list'])).stdout).toBe('TAG     REVISION NAMESPACES\n        canary   \ndefault default  \n');
  });

  it('5. tag set prod-stable --revision canary: the tag webhook and Service, as istioctl makes them', async () => {
    const r = await run(['tag', 'set', 'prod-stable', '--revision', 'canary']);
    expect(r).toMatchObject({
      exitCode: 0,
      stdout: `Revision tag "prod-stable" created, referencing control plane revision "canary". To enable injection using this\nrevision tag, use 'kubectl label namespace <NAMESPACE> istio.io/rev=prod-stable'\n`,
    });
    const tag = await json(['get', 'mutatingwebhookconfigurations', '-l', 'istio.io/tag=prod-stable']);
    expect(tag.items).toHaveLength(1);
    expect(tag.items[0].metadata.name).toBe('istio-revision-tag-prod-stable');
    expect(tag.items[0].metadata.labels['istio.io/rev']).toBe('canary');
    // A user's tag carries no operator label, so installs and uninstalls leave it alone.
    expect(Object.keys(tag.items[0].metadata.labels).filter((k) => k.includes('operator.istio.io'))).toEqual([]);
    expect(tag.items[0].webhooks.map((w: { name: string; clientConfig: { service: { name: string } } }) => [w.name, w.clientConfig.service.name])).toEqual([
      ['rev.namespace.sidecar-injector.istio.io', 'istiod-canary'],
      ['rev.object.sidecar-injector.istio.io', 'istiod-canary'],
    ]);
    expect(tag.items[0].webhooks[0].namespaceSelector.matchExpressions[0]).toEqual({ key: 'istio.io/rev', operator: 'In', values: ['prod-stable'] });
    expect((await json(['get', 'svc', '-n', 'istio-system', 'istiod-revision-tag-prod-stable'])).spec.selector).toEqual({ app: 'istiod', 'istio.io/rev': 'canary' });
  });

  it('6. relabel bookinfo to the tag and restart it: the controllers re-create the pods through the canary', async () => {
    await kubectl(['label', 'namespace', 'bookinfo', 'istio-injection-', 'istio.io/rev=prod-stable']);
    await kubectl(['rollout', 'restart', 'deployment', '-n', 'bookinfo']);
    for (const app of APPS) await kubectl(['rollout', 'status', `deployment/${app}-v1`, '-n', 'bookinfo', '--timeout=20s']);
    await h.emu.waitFor(() => h.emu.list('v1', 'Pod', 'bookinfo').length === 4, 10_000, 'the old pods to go');
    const proxies = await bookinfoProxies();
    expect(proxies).toHaveLength(4);
    for (const p of proxies) expect(p).toMatchObject({ image: 'docker.io/istio/proxyv2:1.30.0', revision: 'canary' });
    expect(newIstiod.injections.filter((i) => i.injected && i.namespace === 'bookinfo')).toHaveLength(4);
  });

  it('7. proxy-status: the bookinfo proxies are on the canary istiod; -r and -n narrow it', async () => {
    const canaryPod = (await json(['get', 'pods', '-n', 'istio-system', '-l', 'app=istiod,istio.io/rev=canary'])).items[0].metadata.name;
    const names = (await bookinfoProxies()).map((p) => `${p.name}.bookinfo`).sort();
    const all = await run(['ps']);
    expect(all.exitCode).toBe(0);
    expect(cells(all.stdout).slice(1)).toEqual(names.map((n) => [n, 'Kubernetes', canaryPod, '1.30.0', '4 (CDS,LDS,EDS,RDS)']));
    expect(cells((await run(['ps', '-r', 'canary', '-n', 'bookinfo'])).stdout).slice(1).map((r) => r[0])).toEqual(names);
    const old = await run(['ps', '-r', 'default']);
    expect(old).toMatchObject({ exitCode: 1, stdout: '' });
    expect(old.stderr).toMatch(/^Error: no proxies found \(checked 1 istiods\)\n/);
    // version and verify-install see both revisions, the tags, and where the proxies are.
    const version = await run(['version']);
    expect(version.stdout).toContain('data plane version: 1.30.0 (4 proxies)\ndata plane revisions: canary (4 proxies)\nrevision tags: prod-stable -> canary, default -> default\n');
    const verify = await run(['verify-install']);
    expect(verify.stdout).toContain('✔ revision tag "prod-stable" → revision canary (Istio 1.30.0), used by bookinfo\n');
    expect(verify.stdout).toContain("✔ every proxy's revision is installed (revision canary: 4 proxies)\n");
    expect(verify.exitCode).toBe(0);
  });

  it('8. tag set default --revision canary --overwrite: default injection and validation move to the canary', async () => {
    const r = await run(['tag', 'set', 'default', '--revision', 'canary', '--overwrite']);
    expect(r.exitCode).toBe(0);
    expect((await json(['get', 'mutatingwebhookconfiguration', 'istio-revision-tag-default'])).metadata.labels['istio.io/rev']).toBe('canary');
    const validator = await json(['get', 'validatingwebhookconfiguration', 'istiod-default-validator']);
    expect(validator.metadata.labels['istio.io/rev']).toBe('canary');
    expect(validator.webhooks[0].clientConfig.service.name).toBe('istiod-canary');
    // The old revision, left with no tag, lists with an empty TAG (istioctl lists every istio.io/rev webhook and Service).
    expect((await run(['tag', 'list'])).stdout).toBe('TAG         REVISION NAMESPACES\ndefault     canary   \nprod-stable canary   bookinfo\n            default  \n');
  });

  it('9. uninstall -r default: the old control plane goes, the tags stay', async () => {
    const r = await run(['uninstall', '-r', 'default', '-y']);
    expect(r.exitCode).toBe(0);
    expect((await h.kubectl(['get', 'deployment', '-n', 'istio-system', 'istiod'])).exitCode).toBe(1);
    expect((await h.kubectl(['get', 'mutatingwebhookconfiguration', 'istio-sidecar-injector'])).exitCode).toBe(1);
    const tags = (await json(['get', 'mutatingwebhookconfigurations', '-l', 'istio.io/tag'])).items.map((o: { metadata: { name: string } }) => o.metadata.name).sort();
    expect(tags).toEqual(['istio-revision-tag-default', 'istio-revision-tag-prod-stable']);
    expect((await run(['tag', 'list'])).stdout).toBe('TAG         REVISION NAMESPACES\ndefault     canary   \nprod-stable canary   bookinfo\n');
  });

  it('10. verify-install is green; version reports one control plane and the canary proxies', async () => {
    const v = await run(['verify-install']);
    expect(v.stdout).not.toMatch(/✖/);
    expect(v.exitCode).toBe(0);
    const version = await run(['version']);
    expect(version.stdout).toContain('control plane version: 1.30.0\n');
    expect(version.stdout).toContain('data plane version: 1.30.0 (4 proxies)\nrevision tags: default -> canary, prod-stable -> canary\n');
    expect(v.stdout).toContain('✔ revision tag "default" → revision canary (Istio 1.30.0), used by no namespace\n');
  });

  it('11. a new workload in an istio-injection=enabled namespace is injected by the canary (the default tag)', async () => {
    await kubectl(['create', 'namespace', 'legacy']);
    await kubectl(['label', 'namespace', 'legacy', 'istio-injection=enabled']);
    await kubectl(['run', 'sleep', '-n', 'legacy', '--image=curlimages/curl']);
    const pod = await json(['get', 'pod', '-n', 'legacy', 'sleep']);
    expect(pod.spec.containers.map((c: { name: string }) => c.name)).toContain('istio-proxy');
    expect(JSON.parse(pod.metadata.annotations['sidecar.istio.io/status']).revision).toBe('canary');
  });
});
