/**
 * install, verify-install, precheck and uninstall as a user runs them: the built binary
 * (`npm run build` first) against the emulator, the real kubectl checking what landed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const run = (args: string[]) => sailctl(['--kubeconfig', h.kubeconfig, ...args]);

function expectCleanError(r: { stderr: string; stdout: string; exitCode: number }, message: RegExp) {
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
  expect(r.stdout).toBe('');
}

describe('sailctl install / verify-install / precheck / uninstall (binary, emulator)', () => {
  it('precheck on the empty cluster: safe to install, -o json is one document', async () => {
    const text = await run(['x', 'precheck']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('✔ no Istio control plane installed yet');
    expect(text.stderr).toContain('✔ No issues found when checking the cluster. Istio is safe to install or upgrade!');
    const json = await run(['precheck', '-o', 'json']);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ success: true });
    expect(json.stderr).toBe('');
  });

  it('verify-install on the empty cluster: one line, exit 1', async () => {
    const r = await run(['verify-install']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('✖ no Istio control plane found in istio-system\n');
    const json = await run(['verify-install', '-o', 'json']);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout).success).toBe(false);
  });

  it('refuses to install without -y when stdin is not a terminal, and changes nothing', async () => {
    h.emu.resetRequestLog();
    const r = await run(['install', '--set', 'profile=minimal']);
    expectCleanError(r, /Error: refusing to install without confirmation: standard input is not a terminal\n.*-y\/--skip-confirmation/);
    expect(r.stderr).toContain('profile:     minimal'); // the summary came first
    expect(h.emu.countRequests({ verb: 'patch' })).toBe(0);
  });

  it('bad flag values are usage errors (exit 64) before any cluster call', async () => {
    h.emu.resetRequestLog();
    const r = await run(['install', '-y', '--readiness-timeout', 'soon']);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toMatch(/^Error: invalid duration "soon" for --readiness-timeout/);
    expect((await run(['verify-install', '-o', 'xml'])).exitCode).toBe(64);
    expect(h.emu.requestCount).toBe(0);
  });

  it('install -y: progress per component on stderr, then the same run again changes nothing', async () => {
    const r = await run(['install', '-y', '--set', 'profile=minimal']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/- Processing resources for Istio core\.\n✔ Istio core installed ⛵️ \(\d+\.\ds\)\n/);
    expect(r.stderr).toMatch(/✔ Istiod installed 🧠 \(\d+\.\ds\)\n/);
    expect(r.stderr).toMatch(/✔ Installation complete \(\d+ of \d+ objects created or changed\)\n$/);
    expect(r.stderr).not.toMatch(/Remov/);
    const deploy = await h.kubectl(['get', 'deploy', '-n', 'istio-system', 'istiod', '-o', 'jsonpath={.status.readyReplicas}']);
    expect(deploy.stdout).toBe('1');

    const again = await run(['install', '-y', '--verify', '--set', 'profile=minimal']);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/✔ No changes: all \d+ objects already match this install \(revision "default"\)/);
    // --verify: the verify-install report of what was installed, on stdout.
    expect(again.stdout).toContain('✔ Deployment istio-system/istiod is available (1/1 ready)');
    expect(again.stdout).toMatch(/Status check results are ✔ \(\d+ passed\)\n$/);
  });

  it('--dry-run against the cluster shows what would change and changes nothing', async () => {
    const before = (await h.kubectl(['get', 'deploy', '-A', '-o', 'name'])).stdout;
    const r = await run(['install', '--dry-run', '--set', 'profile=demo']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('Would install Istio');
    // minimal → demo: the gateways are new, istiod's config changes, and demo has no istiod HPA.
    expect(r.stderr).toMatch(/Dry run: 10 to create, 4 to change, \d+ unchanged, 1 to remove\. Nothing was changed\./);
    expect(r.stderr).toMatch(/ {2}create:\n(.*\n)* {4}Deployment istio-system\/istio-egressgateway\n/);
    expect(r.stderr).toMatch(/ {2}change:\n(.*\n)* {4}Deployment istio-system\/istiod\n/);
    expect(r.stderr).toMatch(/ {2}remove \(after the new objects are ready\):\n {4}HorizontalPodAutoscaler istio-system\/istiod\n/);
    expect(r.stderr).not.toContain('Proceed?');
    expect((await h.kubectl(['get', 'deploy', '-A', '-o', 'name'])).stdout).toBe(before);
  });

  it('precheck before an upgrade: warnings print but do not fail; --output-threshold Error hides them', async () => {
    const r = await run(['x', 'precheck', '--from-version', '1.26']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('✔ installed control planes: revision default (Istio 1.30.0, istio-system)');
    expect(r.stdout).toMatch(/⚠ upgrade from 1\.26 is supported\n {4}1\.26 → 1\.30\.0 skips 3 minor versions/);
    expect(r.stdout).toMatch(/✔ no deprecated Istio fields in use \(0 resources checked\)/);
    expect(r.stderr).toBe('✔ Istio is safe to install or upgrade, but read the 1 warning above first.\n');
    const quiet = await run(['x', 'precheck', '--from-version', '1.26', '--output-threshold', 'Error']);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stdout).not.toContain('⚠');
    expect((await run(['x', 'precheck', '--output-threshold', 'Loud'])).exitCode).toBe(64);
    const bad = await run(['x', 'precheck', '--from-version', '2.1']);
    expect(bad.exitCode).toBe(64); // a malformed flag value is a usage error
    expect(bad.stderr).toMatch(/^Error: invalid version 2\.1: expected major version 1/);
  });

  it('verify-install on the healthy install, in each output format', async () => {
    const text = await run(['verify-install']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('✔ Deployment istio-system/istiod is available (1/1 ready)');
    expect(text.stdout).toMatch(/Status check results are ✔ \(\d+ passed\)\n$/);
    const short = await run(['verify-install', '-o', 'short']);
    expect(short.exitCode).toBe(0);
    expect(short.stdout).toMatch(/^Status check results are ✔ \(\d+ passed\)\n$/);
    const json = await run(['verify-install', '-o', 'json']);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout).categories.map((c: { categoryName: string }) => c.categoryName)).toEqual(['cluster', 'CRDs', 'control plane', 'webhooks', 'revision tags', 'data plane']);
  });

  it('--readiness-timeout: the error names the resource and the pod\'s reason, exit 1, no stack', async () => {
    h.emu.failImages(/^bad\.example\/istio\//);
    const r = await run(['install', '-y', '--revision', 'broken', '--readiness-timeout', '1s', '--set', 'profile=minimal', '--set', 'hub=bad.example/istio']);
    expectCleanError(r, /Error: Istiod: not ready after 1s:\n {2}Deployment istio-system\/istiod-broken: 0\/1 ready, pod istiod-broken-\S+ ImagePullBackOff: Back-off pulling image "bad\.example\/istio\/pilot:1\.30\.0"\n/);
    expect(r.stderr).toMatch(/✘ Istiod encountered an error/);
    expect(r.stderr).toMatch(/raise --readiness-timeout/);
  });

  it('verify-install on a partly broken cluster: exit 1, the failure and its hint', async () => {
    const r = await run(['verify-install', '-r', 'broken', '-o', 'short']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/⚠ the last install of revision broken completed\n {4}the install started \S+ did not finish/);
    expect(r.stdout).toMatch(/✖ Deployment istio-system\/istiod-broken is available\n {4}0\/1 ready, pod istiod-broken-\S+ ImagePullBackOff/);
    expect(r.stdout).not.toContain('✔');
    expect(r.stdout).toMatch(/Status check results are ✖ \(\d+ failed/);
  });

  it('uninstall refuses without -y off a terminal; -y removes one revision and leaves the other', async () => {
    const refused = await run(['uninstall', '--revision', 'broken']);
    expectCleanError(refused, /Error: refusing to uninstall without confirmation: standard input is not a terminal/);
    expect((await h.kubectl(['get', 'deploy', '-n', 'istio-system', 'istiod-broken'])).exitCode).toBe(0);

    const none = await run(['uninstall']);
    expect(none.exitCode).toBe(64); // a missing selection flag is a usage error
    expect(none.stderr).toMatch(/^Error: at least one of the --revision \(or --set revision=<revision>\), --filename or --purge flags must be set/);

    const r = await run(['uninstall', '-y', '--revision', 'broken']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('  Removed Deployment istio-system/istiod-broken\n');
    expect(r.stderr).toMatch(/✔ Uninstall complete \(\d+ objects removed\)/);
    expect((await h.kubectl(['get', 'deploy', '-n', 'istio-system', '-o', 'name'])).stdout).toBe('deployment.apps/istiod');
    expect((await run(['verify-install'])).exitCode).toBe(0);
  });

  it('--purge -y removes everything; verify-install then finds no control plane', async () => {
    const r = await run(['uninstall', '--purge', '-y']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('--purge removes every Istio resource, including the Istio CRDs');
    expect((await h.kubectl(['get', 'crd', '-o', 'name'])).stdout).not.toContain('istio.io');
    expect((await run(['verify-install'])).stdout).toBe('✖ no Istio control plane found in istio-system\n');
  });
});

describe('an unreachable cluster', () => {
  it('every cluster command fails with one sentence naming the cluster, exit 1, no stack', async () => {
    const kubeconfig = join(h.dir, 'dead-kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: dead, cluster: {server: "http://127.0.0.1:9", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: dead, context: {cluster: dead, user: u}}]
current-context: dead
`);
    const runs = await Promise.all([
      ['install', '-y', '--set', 'profile=minimal'],
      ['install', '--dry-run'],
      ['verify-install'],
      ['x', 'precheck'],
      ['uninstall', '-y', '--purge'],
    ].map((args) => sailctl(['--kubeconfig', kubeconfig, ...args])));
    for (const r of runs) {
      expectCleanError(r, /^Error: reading the Kubernetes version: cannot reach the Kubernetes cluster context "dead" \(http:\/\/127\.0\.0\.1:9\): connection refused\n/);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('Error:'))).toHaveLength(1);
    }
  });
});
