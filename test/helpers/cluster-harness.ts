/** Shared set-up for the cluster tests: an emulator, a kubeconfig for it, and a sailctl cluster handle. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startEmulator, type Emulator, type EmulatorOptions } from '../kube-emulator/index.js';
import { openCluster, type Cluster } from '../../src/kube/cluster.js';
import { plainProgress } from '../../src/cli/progress.js';
import type { InstallIO } from '../../src/lifecycle/install.js';

export interface Harness {
  emu: Emulator;
  kubeconfig: string;
  dir: string;
  cluster: Cluster;
  kubectl(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  stop(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ tls: false, readyDelayMs: 5, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'sailctl-cluster-'));
  const kubeconfig = emu.writeKubeconfig(join(dir, 'kubeconfig'));
  const cluster = await openCluster({ kubeconfig, timeoutMs: 5000 });
  cluster.client.backoffBaseMs = 5;
  return {
    emu,
    kubeconfig,
    dir,
    cluster,
    async kubectl(args) {
      const r = await execa('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kcache'), ...args], { reject: false });
      return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
    },
    async stop() {
      cluster.close();
      await emu.stop();
    },
  };
}

/** Captures what install/uninstall tell the user. */
export function captureIO(answer?: boolean): InstallIO & { out(text: string): void; text(): string; stdout(): string } {
  const lines: string[] = [];
  const outs: string[] = [];
  return {
    note: (t) => lines.push(t.endsWith('\n') ? t : `${t}\n`),
    progress: plainProgress((s) => lines.push(s)),
    confirm: answer === undefined ? undefined : async (q) => {
      lines.push(q);
      return answer;
    },
    out: (t) => outs.push(t),
    text: () => lines.join(''),
    stdout: () => outs.join(''),
  };
}
