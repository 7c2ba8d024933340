/**
 * `upgrade` as a user runs it: the built binary against the emulator (injection through a
 * stand-in istiod), kubectl judging the result. istioctl's lines are istioctl.md §3 step 4.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';
import { startFakeIstiod, type FakeIstiod } from '../helpers/fake-istiod.js';

let h: Harness;
let istiod: FakeIstiod;
let overlay: string;
const run = (args: string[]) => sailctl(['--kubeconfig', h.kubeconfig, ...args]);
const image = async (deploy: string) => (await h.kubectl(['get', 'deploy', '-n', 'istio-system', deploy, '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout;

beforeAll(async () => {
  h = await startHarness({ admissionWebhooks: true });
  istiod = await startFakeIstiod(h.emu);
  overlay = join(h.dir, 'istiod.yaml');
  writeFileSync(overlay, istiod.istiodOverlay());
}, 30_000);
afterAll(async () => {
  await istiod?.close();
  await h?.stop();
});

describe('upgrade', () => {
  it('in place from 1.28.0: istioctl’s warning lines, the proxies still on the revision, then the install', async () => {
    expect((await run(['install', '-y', '--set', 'profile=minimal', '--set', 'tag=1.28.0', '-f', overlay])).exitCode).toBe(0);
    await h.kubectl(['create', 'namespace', 'app']);
    await h.kubectl(['label', 'namespace', 'app', 'istio-injection=enabled']);
    expect((await h.kubectl(['run', 'web', '-n', 'app', '--image=nginx'])).exitCode).toBe(0);
    const r = await run(['upgrade', '-y', '--set', 'profile=minimal', '-f', overlay]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(
      "WARNING: Istio is being upgraded from 1.28.0 to 1.30.0.\nRunning this command will overwrite it; use revisions to upgrade alongside the existing version.\nBefore upgrading, you may wish to use 'sailctl x precheck' to check for upgrade warnings.\n",
    );
    expect(r.stderr).toContain('✔ Istio supports this in-place upgrade (1.28.0 → 1.30.0)\n');
    expect(r.stderr).toContain('⚠ no proxy depends on revision "default" in istio-system\n    1 proxy in 1 namespace (app) run on this revision and keep their current version until their workloads restart\n');
    expect(r.stderr).toMatch(/✔ Installation complete/);
    expect(await image('istiod')).toBe('docker.io/istio/pilot:1.30.0');
    // The running pod keeps its proxy until it restarts.
    expect((await h.kubectl(['get', 'pod', '-n', 'app', 'web', '-o', 'jsonpath={.spec.containers[?(@.name=="istio-proxy")].image}'])).stdout).toBe('docker.io/istio/proxyv2:1.28.0');
    const again = await run(['upgrade', '-y', '--set', 'profile=minimal', '-f', overlay]);
    expect(again.stderr).toContain('✔ revision "default" already runs 1.30.0: the upgrade re-applies it\n');
    expect(again.stderr).not.toContain('WARNING: Istio is being');
  });

  it('more than two minor versions at once is refused unless --force; a revision with nothing to upgrade installs', async () => {
    expect((await run(['install', '-y', '--set', 'profile=minimal', '--set', 'tag=1.26.1', '-r', 'old'])).exitCode).toBe(0);
    const r = await run(['upgrade', '-y', '--set', 'profile=minimal', '-r', 'old']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('✖ Istio supports this in-place upgrade (1.26.1 → 1.30.0)\n    1.26.1 → 1.30.0 skips 3 minor versions; Istio upgrades at most two minor versions at a time\n');
    expect(r.stderr).toMatch(/Error: upgrade checks failed: .*\n.*Pass --force to upgrade anyway\.\n$/);
    expect(await image('istiod-old')).toBe('docker.io/istio/pilot:1.26.1');
    expect((await run(['upgrade', '-y', '--force', '--set', 'profile=minimal', '-r', 'old'])).exitCode).toBe(0);
    expect(await image('istiod-old')).toBe('docker.io/istio/pilot:1.30.0');
    const fresh = await run(['upgrade', '-y', '--set', 'profile=minimal', '-r', 'new']);
    expect(fresh.exitCode).toBe(0);
    expect(fresh.stderr).toContain('✔ nothing to upgrade in place: no control plane of revision "new" in istio-system yet, so this installs one\n');
  });
});
