// proxy-config: `pc cluster` offline from a real sidecar dump (-f), and live through an in-process API
// emulator whose pod's admin port 15000 is forwarded to a local server answering /config_dump as Envoy.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const RUNS = 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function run(ctx, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(ctx.node, [ctx.sailctl, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => (status === 0 ? resolve() : reject(new Error(`exit ${status}: ${err}`))));
  });
}

export default {
  title: 'proxy-config',
  async setup(ctx) {
    ctx.dump = join(ctx.root, 'test', 'proxy', 'fixtures', 'dumps', 'sidecar-full.json');
    const text = readFileSync(ctx.dump, 'utf8');
    ctx.admin = http.createServer((req, res) => res.end(req.url.startsWith('/config_dump') ? text : ''));
    await new Promise((r) => ctx.admin.listen(0, '127.0.0.1', r));
    const esbuild = await import('esbuild');
    const outfile = join(ctx.root, 'node_modules', '.cache', 'sailctl-bench', 'kube-emulator-pc.mjs');
    await esbuild.build({ entryPoints: [join(ctx.root, 'test', 'kube-emulator', 'index.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'error' });
    const { startEmulator } = await import(pathToFileURL(outfile).href);
    ctx.emu = await startEmulator({ readyDelayMs: 1 });
    ctx.emu.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'default', name: 'httpbin-1', annotations: { 'kube-emulator/forward-15000': `127.0.0.1:${ctx.admin.address().port}` } },
      spec: { containers: [{ name: 'httpbin', image: 'kennethreitz/httpbin' }, { name: 'istio-proxy', image: 'istio/proxyv2' }] },
    });
    await ctx.emu.waitFor(() => ctx.emu.get('v1', 'Pod', 'default', 'httpbin-1')?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    ctx.kubeconfig = ctx.emu.writeKubeconfig(join(ctx.tmp, 'kubeconfig'));
  },
  async teardown(ctx) {
    await ctx.emu?.stop();
    ctx.admin?.closeAllConnections();
    ctx.admin?.close();
  },
  cases: (ctx) => [
    { name: 'pc cluster -f sidecar dump (target: 3× node -e 0)', argv: [ctx.node, ctx.sailctl, 'pc', 'cluster', '-f', ctx.dump] },
    { name: 'pc all -f sidecar dump -o yaml', argv: [ctx.node, ctx.sailctl, 'pc', 'all', '-f', ctx.dump, '-o', 'yaml'] },
    {
      name: 'pc cluster <pod> through the emulator (target: 1.5 s)',
      async measure() {
        const samples = [];
        for (let i = 0; i <= RUNS; i++) {
          const start = process.hrtime.bigint();
          await run(ctx, ['--kubeconfig', ctx.kubeconfig, 'pc', 'cluster', 'httpbin-1']);
          if (i > 0) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
        }
        return { median: median(samples) };
      },
    },
  ],
};
