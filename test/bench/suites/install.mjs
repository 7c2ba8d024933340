// install onto a cluster: `sailctl install -y --set profile=demo` as a whole process against a
// fresh in-process Kubernetes API emulator per run. Targets: under 3 s, and fewer than 3 API
// requests per applied object (the emulator counts every request, retries and watches included).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const RUNS = 5;

/** Runs argv to completion without blocking the event loop (the emulator lives in this process). */
function runAsync(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

export default {
  title: 'Install onto a cluster (emulator)',
  async setup(ctx) {
    // The emulator is TypeScript: bundle it once so this plain-Node harness can import it. The
    // bundle goes under node_modules/.cache so its external packages (ws, yaml...) resolve.
    const esbuild = await import('esbuild');
    const outfile = join(ctx.root, 'node_modules', '.cache', 'sailctl-bench', 'kube-emulator.mjs');
    await esbuild.build({
      entryPoints: [join(ctx.root, 'test', 'kube-emulator', 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile,
      logLevel: 'error',
    });
    ctx.emulator = await import(pathToFileURL(outfile).href);
  },
  cases: (ctx) => [
    {
      name: 'install -y --set profile=demo (fresh emulator each run)',
      async measure() {
        const samples = [];
        let perObject = 0;
        let requests = 0;
        for (let i = 0; i <= RUNS; i++) {
          const emu = await ctx.emulator.startEmulator({ tls: false });
          try {
            const kubeconfig = emu.writeKubeconfig(join(ctx.tmp, `kubeconfig-${i}`));
            const start = process.hrtime.bigint();
            const r = await runAsync([ctx.node, ctx.sailctl, '--kubeconfig', kubeconfig, 'install', '-y', '--set', 'profile=demo']);
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            if (r.status !== 0) return { median: ms, status: r.status, stderr: r.stderr };
            // Objects applied: the rendered ones, without the namespace and the install record writes.
            const applied = emu.countRequests({ verb: 'patch' }) - emu.countRequests({ verb: 'patch', resource: 'namespaces' }) - emu.countRequests({ verb: 'patch', name: 'sailctl-install' });
            if (i > 0) {
              samples.push(ms);
              requests = emu.requestCount;
              perObject = requests / applied;
            }
          } finally {
            await emu.stop();
          }
        }
        samples.sort((a, b) => a - b);
        return { median: samples[Math.floor(samples.length / 2)], note: `${requests} API requests for ${Math.round(requests / perObject)} objects: ${perObject.toFixed(2)} requests/object` };
      },
    },
  ],
};
