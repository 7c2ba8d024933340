import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeconfigFiles, resolveKubeconfig } from '../../src/kube/kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'sailctl-kubeconfig-'));

function write(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

function config(opts: { cluster: string; server: string; context: string; user?: string; ns?: string; current?: string; ca?: string }): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: ${opts.cluster}
  cluster:
    server: ${opts.server}
${opts.ca ? `    certificate-authority: ${opts.ca}\n` : ''}users:
- name: ${opts.user ?? 'admin'}
  user:
    token: t-${opts.cluster}
contexts:
- name: ${opts.context}
  context:
    cluster: ${opts.cluster}
    user: ${opts.user ?? 'admin'}
${opts.ns ? `    namespace: ${opts.ns}\n` : ''}${opts.current ? `current-context: ${opts.current}\n` : ''}`;
}

const a = write('a.yaml', config({ cluster: 'a', server: 'https://a.example:6443', context: 'ctx-a', current: 'ctx-a', ns: 'team-a', ca: 'certs/ca.crt' }));
const b = write('b.yaml', config({ cluster: 'b', server: 'https://b.example:6443', context: 'ctx-b', current: 'ctx-b' }));
const shadow = write('shadow.yaml', config({ cluster: 'a', server: 'https://shadow.example', context: 'ctx-a', current: 'ctx-a' }));
const home = join(dir, 'home');
mkdirSync(join(home, '.kube'), { recursive: true });
writeFileSync(join(home, '.kube', 'config'), config({ cluster: 'h', server: 'https://home.example', context: 'ctx-home', current: 'ctx-home' }));
const empty = { env: {}, home: join(dir, 'nohome') };

describe('kubeconfig resolution (kubectl order)', () => {
  it('--kubeconfig wins over KUBECONFIG and the home file', () => {
    const r = resolveKubeconfig({ kubeconfig: b, env: { KUBECONFIG: a }, home });
    expect(r.server).toBe('https://b.example:6443');
    expect(r.context).toBe('ctx-b');
  });

  it('KUBECONFIG wins over ~/.kube/config', () => {
    expect(resolveKubeconfig({ env: { KUBECONFIG: a }, home }).server).toBe('https://a.example:6443');
  });

  it('falls back to ~/.kube/config', () => {
    expect(resolveKubeconfig({ env: {}, home }).server).toBe('https://home.example');
  });

  it('merges a KUBECONFIG list: first file to define a name or current-context wins', () => {
    const r = resolveKubeconfig({ env: { KUBECONFIG: [a, shadow, b].join(':') }, home });
    expect(r.context).toBe('ctx-a');
    expect(r.server).toBe('https://a.example:6443');
    // a context only the later file defines is still reachable
    expect(resolveKubeconfig({ env: { KUBECONFIG: [a, b].join(':') }, context: 'ctx-b', home }).server).toBe('https://b.example:6443');
  });

  it('skips missing files in KUBECONFIG and de-duplicates entries', () => {
    expect(kubeconfigFiles({ env: { KUBECONFIG: `${a}::${a}:${join(dir, 'missing.yaml')}` } })).toEqual([a, join(dir, 'missing.yaml')]);
    expect(resolveKubeconfig({ env: { KUBECONFIG: `${join(dir, 'missing.yaml')}:${b}` }, home }).context).toBe('ctx-b');
  });

  it('--context picks a context and its namespace; default namespace otherwise', () => {
    expect(resolveKubeconfig({ kubeconfig: a, context: 'ctx-a' }).namespace).toBe('team-a');
    expect(resolveKubeconfig({ kubeconfig: b }).namespace).toBe('default');
  });

  it('resolves relative certificate paths against the file that holds them', () => {
    const r = resolveKubeconfig({ env: { KUBECONFIG: a }, home });
    expect((r.config.clusters[0]!.cluster as Record<string, string>)['certificate-authority']).toBe(join(dir, 'certs/ca.crt'));
  });

  it('an unknown --context is a clear error listing the contexts', () => {
    expect(() => resolveKubeconfig({ kubeconfig: a, context: 'nope' })).toThrow(/context "nope" does not exist.*a\.yaml/);
    try {
      resolveKubeconfig({ kubeconfig: a, context: 'nope' });
    } catch (err) {
      expect((err as { hint?: string }).hint).toContain('ctx-a');
    }
  });

  it('a missing --kubeconfig file is an error, not a silent fallback', () => {
    expect(() => resolveKubeconfig({ kubeconfig: join(dir, 'nope.yaml'), env: { KUBECONFIG: a }, home })).toThrow(/nope\.yaml \(from --kubeconfig\) does not exist/);
  });

  it('no kubeconfig anywhere says where it looked', () => {
    expect(() => resolveKubeconfig(empty)).toThrow(/no kubeconfig found \(looked at .*nohome\/\.kube\/config\)/);
  });

  it('a malformed file names the file and line', () => {
    const bad = write('bad.yaml', 'apiVersion: v1\nclusters:\n  - name: x\n   cluster: [\n');
    expect(() => resolveKubeconfig({ kubeconfig: bad })).toThrow(/invalid kubeconfig .*bad\.yaml:\d+:\d+/);
    const wrongShape = write('shape.yaml', 'clusters: {a: 1}\n');
    expect(() => resolveKubeconfig({ kubeconfig: wrongShape })).toThrow(/"clusters" must be a list/);
  });

  it('a context pointing at an undefined cluster is an error', () => {
    const dangling = write('dangling.yaml', 'contexts:\n- name: c\n  context: {cluster: ghost, user: u}\ncurrent-context: c\n');
    expect(() => resolveKubeconfig({ kubeconfig: dangling })).toThrow(/cluster "ghost", which the kubeconfig does not define/);
  });

  it('uses the in-cluster service account when no kubeconfig exists and runs in a pod', () => {
    const sa = join(dir, 'sa');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'tok');
    writeFileSync(join(sa, 'namespace'), 'istio-system\n');
    const r = resolveKubeconfig({ env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, home: join(dir, 'nohome'), serviceAccountDir: sa });
    expect(r.source.kind).toBe('in-cluster');
    expect(r.server).toBe('https://10.0.0.1:443');
    expect(r.namespace).toBe('istio-system');
  });
});
