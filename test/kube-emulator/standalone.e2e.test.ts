/**
 * The standalone emulator (`npm run kube-emulator -- --kubeconfig PATH`): prints the kubeconfig path
 * once it is serving, answers the real kubectl, and serves until killed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { kubectlPath, requireKubectl } from './test-helpers.js';

requireKubectl('the standalone emulator tests');

const dir = mkdtempSync(join(tmpdir(), 'emu-standalone-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run kube-emulator', () => {
  it('without --kubeconfig prints its usage and exits 64', async () => {
    const r = await execa('npm', ['run', '-s', 'kube-emulator'], { reject: false, cwd: process.cwd() });
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain('usage: npm run kube-emulator -- --kubeconfig PATH');
  });

  it.skipIf(!kubectlPath)('prints the kubeconfig path once serving, serves kubectl, and stops on SIGTERM', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    // Its own process group, so the whole npm → tsx → node chain is ended by this test's kill.
    const child = spawn('npm', ['run', '-s', 'kube-emulator', '--', '--kubeconfig', kubeconfig, '--ready-delay-ms', '5'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 0 : null))));
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no path printed in 20 s: ${out}`)), 20_000);
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) {
            clearTimeout(timer);
            resolve(out.split('\n')[0]);
          }
        });
      });
      expect(firstLine).toBe(kubeconfig);
      expect(existsSync(kubeconfig)).toBe(true);
      const run = (args: string[]) => execa(kubectlPath!, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { env: { HOME: dir }, reject: false });
      const ns = await run(['get', 'ns', '-o', 'name']);
      expect(ns.stdout.split('\n')).toEqual(['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']);
      const created = await run(['create', 'namespace', 'by-hand']);
      expect(created.stdout).toBe('namespace/by-hand created');
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
    expect(await exited).not.toBeNull();
  }, 40_000);
});
