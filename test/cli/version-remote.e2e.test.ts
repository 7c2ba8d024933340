/**
 * `sailctl version` against the emulator: control-plane versions from ready istiod pods,
 * data-plane versions from injected pods, and a note (never a failure) when no mesh is there.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../kube-emulator/index.js';
import { sailctl } from '../helpers/cli.js';

let emu: Emulator;
let kubeconfig: string;

function deployment(namespace: string, name: string, labels: Record<string, string>, containers: { name: string; image: string; args?: string[] }[]) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers } } },
  };
}

async function readyPods(namespace: string, selector: (labels: Record<string, string>) => boolean, count: number) {
  await emu.waitFor(() => {
    const ready = emu
      .list('v1', 'Pod', namespace)
      .filter((p) => selector((p.metadata?.labels ?? {}) as Record<string, string>))
      .filter((p) => ((p.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
    return ready.length >= count;
  }, 5000, `${count} ready pods in ${namespace}`);
}

beforeAll(async () => {
  emu = await startEmulator({ readyDelayMs: 5 });
  kubeconfig = emu.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'sailctl-version-')), 'kubeconfig'));
});
afterAll(async () => {
  await emu?.stop();
});

describe('version --remote', () => {
  it('says Istio is not present (on stderr) and still exits 0 on a cluster without a mesh', async () => {
    const r = await sailctl(['version', '--kubeconfig', kubeconfig]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^client version: \S+/);
    expect(r.stdout).not.toContain('control plane version');
    expect(r.stderr).toContain('Istio is not present in the cluster: no ready istiod pods in namespace istio-system');
  });

  it('reads the control plane from istiod image tags and groups proxies by version', async () => {
    emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
    emu.create(deployment('istio-system', 'istiod', { app: 'istiod', istio: 'pilot' }, [{ name: 'discovery', image: 'docker.io/istio/pilot:1.30.0-distroless' }]));
    emu.create(
      deployment('default', 'reviews', { app: 'reviews' }, [
        { name: 'reviews', image: 'example/reviews:v1' },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.29.1', args: ['proxy', 'sidecar'] },
      ]),
    );
    emu.create(deployment('default', 'plain', { app: 'plain' }, [{ name: 'plain', image: 'example/plain:v1' }]));
    await readyPods('istio-system', (l) => l.app === 'istiod', 1);
    await readyPods('default', (l) => l.app === 'reviews' || l.app === 'plain', 2);

    const short = await sailctl(['version', '--kubeconfig', kubeconfig]);
    expect(short.exitCode).toBe(0);
    expect(short.stderr).toBe('');
    expect(short.stdout.split('\n').slice(1)).toEqual(['control plane version: 1.30.0', 'data plane version: 1.29.1 (1 proxy)', '']);

    const json = await sailctl(['version', '--kubeconfig', kubeconfig, '-o', 'json']);
    expect(json.exitCode).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(Object.keys(doc)).toEqual(['clientVersion', 'meshVersion', 'dataPlaneVersion']);
    expect(doc.meshVersion).toHaveLength(1);
    expect(doc.meshVersion[0]).toMatchObject({ Component: 'pilot', Revision: 'default', Info: { version: '1.30.0', tag: '1.30.0' } });
    expect(doc.dataPlaneVersion).toEqual([{ ID: expect.stringMatching(/^reviews-.*\.default$/), IstioVersion: '1.29.1', Type: 'sidecar' }]);
  });

  it('lists each istiod when revisions run different versions, and -r picks one', async () => {
    emu.create(
      deployment('istio-system', 'istiod-canary', { app: 'istiod', istio: 'pilot', 'istio.io/rev': 'canary' }, [
        { name: 'discovery', image: 'docker.io/istio/pilot:1.31.0' },
      ]),
    );
    await readyPods('istio-system', (l) => l.app === 'istiod', 2);

    const all = await sailctl(['version', '--kubeconfig', kubeconfig]);
    const lines = all.stdout.split('\n').filter((l) => l.startsWith('pilot version:'));
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toMatch(/pilot version: 1\.30\.0 \(revision default, pod istiod-/);
    expect(lines.join('\n')).toMatch(/pilot version: 1\.31\.0 \(revision canary, pod istiod-canary-/);

    const canary = await sailctl(['version', '--kubeconfig', kubeconfig, '-r', 'canary', '-o', 'yaml']);
    expect(canary.exitCode).toBe(0);
    expect(canary.stdout).toContain('version: 1.31.0');
    expect(canary.stdout).not.toContain('version: 1.30.0');
  });

  it('--remote=false never contacts the cluster', async () => {
    const before = emu.requestCount;
    const r = await sailctl(['version', '--remote=false', '--kubeconfig', kubeconfig]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(emu.requestCount).toBe(before);
  });
});
