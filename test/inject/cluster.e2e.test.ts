/**
 * kube-inject with its configuration from a live cluster (the built binary against the
 * emulator): the ConfigMaps are the ones `sailctl manifest generate` renders, created with the
 * real kubectl; revisions, the default tag, file overrides, missing ConfigMaps and an
 * unreachable cluster.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';
import { container, docs, envOf, podMeta, podSpec } from './helpers.js';

let h: Harness;
let app: string;

/** The ConfigMaps of `manifest generate ARGS`, as one YAML file. */
async function renderedConfigMaps(args: string[], names: string[]): Promise<string> {
  const r = await sailctl(['manifest', 'generate', ...args]);
  expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' });
  const keep = parseAllDocuments(r.stdout).filter((d) => {
    const o = d.toJS() as { kind?: string; metadata?: { name?: string } } | null;
    return o?.kind === 'ConfigMap' && names.includes(o.metadata?.name ?? '');
  });
  expect(keep).toHaveLength(names.length);
  return keep.map((d) => d.toString()).join('---\n');
}

async function kubectlApply(text: string, file: string): Promise<void> {
  const path = join(h.dir, file);
  writeFileSync(path, text);
  const r = await h.kubectl(['apply', '-f', path]);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
}

const run = (args: string[]) => sailctl(['--kubeconfig', h.kubeconfig, 'kube-inject', '-f', app, ...args]);

beforeAll(async () => {
  h = await startHarness();
  app = join(h.dir, 'app.yaml');
  writeFileSync(app, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hello\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: hello}\n    spec:\n      containers:\n      - name: hello\n        image: nginx\n');
  expect((await h.kubectl(['create', 'namespace', 'istio-system'])).exitCode).toBe(0);
  // The default revision: a proxy metadata setting only the cluster knows.
  await kubectlApply(await renderedConfigMaps(['--set', 'meshConfig.defaultConfig.proxyMetadata.FROM_CLUSTER=default-rev'], ['istio', 'istio-sidecar-injector']), 'default.yaml');
  // Revision canary: its own log level and mesh setting.
  await kubectlApply(
    await renderedConfigMaps(['--set', 'revision=canary', '--set', 'values.global.proxy.logLevel=debug', '--set', 'meshConfig.defaultConfig.proxyMetadata.FROM_CLUSTER=canary'], ['istio-canary', 'istio-sidecar-injector-canary']),
    'canary.yaml',
  );
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

function proxyOf(stdout: string) {
  const [d] = docs(stdout);
  return { proxy: container(podSpec(d), 'istio-proxy'), meta: podMeta(d) };
}

describe('kube-inject configuration from the cluster (binary, emulator, ConfigMaps from manifest generate via kubectl)', () => {
  it('reads istio-sidecar-injector and istio from istio-system: two GETs, no notice', async () => {
    h.emu.resetRequestLog();
    const r = await run([]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const { proxy, meta } = proxyOf(r.stdout);
    expect(envOf(proxy).FROM_CLUSTER).toBe('default-rev');
    expect(envOf(proxy).CA_ADDR).toBe('istiod.istio-system.svc:15012');
    expect(proxy.args).toContain('--proxyLogLevel=warning');
    expect(meta.annotations['istio.io/rev']).toBe('default');
    expect(h.emu.countRequests({ resource: 'configmaps', verb: 'get' })).toBe(2);
    expect(h.emu.countRequests({ resource: 'configmaps', verb: 'get', name: 'istio-sidecar-injector' })).toBe(1);
    expect(h.emu.countRequests({ resource: 'configmaps', verb: 'get', name: 'istio' })).toBe(1);
  });

  it('-r canary reads the -canary ConfigMaps: revision in the status, istiod-canary, the revision’s values', async () => {
    const r = await run(['-r', 'canary']);
    expect(r.exitCode).toBe(0);
    const { proxy, meta } = proxyOf(r.stdout);
    expect(proxy.args).toContain('--proxyLogLevel=debug');
    expect(envOf(proxy).FROM_CLUSTER).toBe('canary');
    expect(envOf(proxy).CA_ADDR).toBe('istiod-canary.istio-system.svc:15012');
    expect(meta.annotations['istio.io/rev']).toBe('canary');
    expect(JSON.parse(meta.annotations['sidecar.istio.io/status']).revision).toBe('canary');
  });

  it('--meshConfigFile and --valuesFile override their ConfigMap; the rest still comes from the cluster', async () => {
    const mesh = join(h.dir, 'mesh.yaml');
    writeFileSync(mesh, 'defaultConfig:\n  proxyMetadata:\n    FROM_FILE: "yes"\n');
    h.emu.resetRequestLog();
    const r = await run(['--meshConfigFile', mesh]);
    expect(r.exitCode).toBe(0);
    const env = envOf(proxyOf(r.stdout).proxy);
    expect(env.FROM_FILE).toBe('yes');
    expect(env.FROM_CLUSTER).toBeUndefined();
    expect(h.emu.countRequests({ resource: 'configmaps', name: 'istio' })).toBe(0);
    expect(h.emu.countRequests({ resource: 'configmaps', name: 'istio-sidecar-injector' })).toBe(1);

    const values = join(h.dir, 'values.json');
    const cm = await h.kubectl(['get', 'configmap', '-n', 'istio-system', 'istio-sidecar-injector', '-o', 'jsonpath={.data.values}']);
    const v = JSON.parse(cm.stdout);
    v.global.proxy.logLevel = 'error';
    writeFileSync(values, JSON.stringify(v));
    const withValues = await run(['--valuesFile', values]);
    expect(withValues.exitCode).toBe(0);
    const { proxy } = proxyOf(withValues.stdout);
    expect(proxy.args).toContain('--proxyLogLevel=error');
    expect(envOf(proxy).FROM_CLUSTER).toBe('default-rev');
  });

  it('with all three files no cluster call is made', async () => {
    const dir = h.dir;
    const cm = (name: string, key: string) => h.kubectl(['get', 'configmap', '-n', 'istio-system', name, '-o', `jsonpath={.data.${key}}`]);
    writeFileSync(join(dir, 'inject.yaml'), (await cm('istio-sidecar-injector', 'config')).stdout);
    writeFileSync(join(dir, 'v.json'), (await cm('istio-sidecar-injector', 'values')).stdout);
    writeFileSync(join(dir, 'm.yaml'), (await cm('istio', 'mesh')).stdout);
    h.emu.resetRequestLog();
    const files = await run(['--injectConfigFile', join(dir, 'inject.yaml'), '--valuesFile', join(dir, 'v.json'), '--meshConfigFile', join(dir, 'm.yaml')]);
    expect(files.exitCode).toBe(0);
    expect(h.emu.requestCount).toBe(0);
    expect(files.stdout).toBe((await run([])).stdout);
  });

  it('without -r the default tag’s revision is used', async () => {
    const tag = join(h.dir, 'tag.yaml');
    writeFileSync(tag, 'apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: istio-revision-tag-default\n  labels: {istio.io/tag: default, istio.io/rev: canary}\nwebhooks: []\n');
    expect((await h.kubectl(['apply', '-f', tag])).exitCode).toBe(0);
    try {
      const r = await run([]);
      expect(r.exitCode).toBe(0);
      expect(proxyOf(r.stdout).meta.annotations['istio.io/rev']).toBe('canary');
    } finally {
      await h.kubectl(['delete', '-f', tag]);
    }
  });

  it('a revision that is not installed: one error naming the ConfigMap, exit 1, nothing on stdout', async () => {
    const r = await run(['-r', 'blue']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: ConfigMap istio-system\/istio-sidecar-injector-blue not found on .*\n.*Is Istio revision "blue" installed in namespace istio-system\?/);
    const ns = await sailctl(['--kubeconfig', h.kubeconfig, '-i', 'elsewhere', 'kube-inject', '-f', app]);
    expect(ns.exitCode).toBe(1);
    expect(ns.stderr).toContain('ConfigMap elsewhere/istio-sidecar-injector not found');
  });

  it('an unreachable cluster falls back to the built-in default profile and says so', async () => {
    const dead = join(h.dir, 'dead-kubeconfig');
    writeFileSync(dead, 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:9", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n');
    const r = await sailctl(['--kubeconfig', dead, 'kube-inject', '-f', app]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/the cluster is not reachable \(.*connection refused.*\): using the built-in default profile's templates, values, mesh config/);
    expect(envOf(proxyOf(r.stdout).proxy).FROM_CLUSTER).toBeUndefined();
  });
});
