/** Shared helpers for the emulator's fidelity tests: the real kubectl against one emulator per file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { it } from 'vitest';
import { findKubectl } from './portforward/testing/kubectl.js';
import type { Emulator } from './index.js';

export const kubectlPath = findKubectl();

/** Under CI a missing kubectl fails loudly; elsewhere the file's kubectl tests skip with a visible message. */
export function requireKubectl(what: string): void {
  if (kubectlPath) return;
  if (process.env.CI === 'true') {
    it('kubectl is installed (required under CI)', () => {
      throw new Error(`kubectl is not on PATH (or $KUBECTL is not executable): ${what} need the real kubectl`);
    });
  } else {
    console.warn(`SKIPPED: kubectl is not on PATH (or $KUBECTL is not executable), so ${what} do not run`);
  }
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface Kubectl {
  dir: string;
  kubeconfig: string;
  run(args: string[], input?: string): Promise<KubectlResult>;
  /** Runs and throws with kubectl's output unless it exits 0. */
  ok(args: string[], input?: string): Promise<string>;
  /** Writes a manifest file in the scratch dir and returns its path. */
  file(name: string, text: string): string;
  cleanup(): void;
}

export function kubectlFor(emu: Emulator): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'emu-kubectl-'));
  const kubeconfig = emu.writeKubeconfig(join(dir, 'kubeconfig'));
  const run = async (args: string[], input?: string): Promise<KubectlResult> => {
    const r = await execa(kubectlPath!, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], {
      reject: false,
      input,
      env: { HOME: dir, KUBECONFIG: '' },
      timeout: 30_000,
      stripFinalNewline: false,
    });
    return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
  };
  return {
    dir,
    kubeconfig,
    run,
    async ok(args, input) {
      const r = await run(args, input);
      if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.exitCode}:\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    },
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Splits kubectl table output into rows of cells (headers included). */
export function tableRows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
}
