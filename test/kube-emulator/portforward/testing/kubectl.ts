/** Running the real `kubectl port-forward` from tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';

/** `$KUBECTL` if set (e.g. a specific `kubectl.1.29`), else `kubectl` on PATH; undefined if not executable. */
export function findKubectl(): string | undefined {
  const candidates = process.env.KUBECTL !== undefined
    ? [process.env.KUBECTL]
    : (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'kubectl'));
  return candidates.find((candidate) => {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface KubectlPortForward {
  /** Local ports kubectl listens on, in the order of the port arguments. */
  localPorts: number[];
  output(): string;
  /** Resolves when kubectl exits (it is never rejected). */
  exited: Promise<{ exitCode: number | undefined }>;
  stop(): Promise<void>;
}

/**
 * Starts `kubectl port-forward <resource> <ports...>` and waits until it listens on every port (127.0.0.1).
 * Each run gets its own cache dir, so discovery from other runs never leaks in.
 */
export async function kubectlPortForward(
  kubectl: string,
  kubeconfig: string,
  resource: string,
  ports: string[],
  env: Record<string, string> = {},
): Promise<KubectlPortForward> {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-kubectl-cache-'));
  const child: ResultPromise = execa(kubectl, ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, 'port-forward', resource, ...ports], {
    reject: false,
    all: true,
    stdin: 'ignore',
    env: { ...env, HOME: cacheDir },
  });
  let output = '';
  child.all!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = child.then((r) => ({ exitCode: r.exitCode }));
  const localPorts = await new Promise<number[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubectl port-forward did not start listening in 20s:\n${output}`)), 20_000);
    const check = (): void => {
      const found = new Map<number, number>();
      for (const m of output.matchAll(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g)) found.set(Number(m[2]), Number(m[1]));
      const remote = ports.map((p) => Number(p.split(':').pop()));
      if (remote.every((p) => found.has(p))) {
        clearTimeout(timer);
        resolve(remote.map((p) => found.get(p)!));
      }
    };
    child.all!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`kubectl port-forward exited before listening:\n${output}`));
    });
  });
  return {
    localPorts,
    output: () => output,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}
