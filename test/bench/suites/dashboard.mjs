// dashboard: `sailctl dashboard kiali --browser=false --port 0` against an in-process API emulator (HTTPS)
// whose Kiali pod is forwarded to a local HTTP server. Measures the time until the URL is printed, and
// what the tunnel carries once it is up (every connection is its own WebSocket through the API server).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const RUNS = 5;

/** Starts the dashboard; resolves with the URL and a stop() that sends Ctrl+C and waits for the exit. */
function startDashboard(ctx, kubeconfig) {
  const child = spawn(ctx.node, [ctx.sailctl, '--kubeconfig', kubeconfig, 'dashboard', 'kiali', '--browser=false', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('close', (status) => resolve(status)));
  const url = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    exited.then((status) => reject(new Error(`sailctl dashboard exited ${status}: ${err}`)));
  });
  return { url, stop: () => (child.kill('SIGINT'), exited), stderr: () => err };
}

function get(url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: body ? 'POST' : 'GET', agent: false }, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default {
  title: 'Dashboard port-forward (emulator)',
  async setup(ctx) {
    const esbuild = await import('esbuild');
    const outfile = join(ctx.root, 'node_modules', '.cache', 'sailctl-bench', 'kube-emulator-dashboard.mjs');
    await esbuild.build({ entryPoints: [join(ctx.root, 'test', 'kube-emulator', 'index.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'error' });
    const { startEmulator } = await import(pathToFileURL(outfile).href);
    ctx.ui = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => res.end(req.method === 'POST' ? Buffer.concat(chunks) : `kiali ${req.url}`));
    });
    await new Promise((r) => ctx.ui.listen(0, '127.0.0.1', r));
    ctx.emu = await startEmulator({ readyDelayMs: 1 });
    ctx.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
    ctx.emu.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'istio-system', name: 'kiali-0', labels: { app: 'kiali' }, annotations: { 'kube-emulator/forward-20001': `127.0.0.1:${ctx.ui.address().port}` } },
      spec: { containers: [{ name: 'kiali', image: 'quay.io/kiali/kiali' }] },
    });
    await ctx.emu.waitFor(() => ctx.emu.get('v1', 'Pod', 'istio-system', 'kiali-0')?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    ctx.kubeconfig = ctx.emu.writeKubeconfig(join(ctx.tmp, 'kubeconfig'));
  },
  async teardown(ctx) {
    await ctx.emu?.stop();
    ctx.ui?.closeAllConnections();
    ctx.ui?.close();
  },
  cases: (ctx) => [
    {
      name: 'dashboard kiali: start until the URL is printed',
      async measure() {
        const samples = [];
        for (let i = 0; i <= RUNS; i++) {
          const start = process.hrtime.bigint();
          const d = startDashboard(ctx, ctx.kubeconfig);
          try {
            await d.url;
          } catch (e) {
            return { median: 0, status: 1, stderr: String(e) };
          }
          if (i > 0) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
          const status = await d.stop();
          if (status !== 0) return { median: 0, status, stderr: d.stderr() };
        }
        return { median: median(samples) };
      },
    },
    {
      name: 'dashboard kiali: 500 requests, 50 at a time, through the tunnel',
      async measure() {
        const d = startDashboard(ctx, ctx.kubeconfig);
        const url = await d.url;
        await get(url);
        const start = process.hrtime.bigint();
        for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 50 }, (_, i) => get(`${url}/${batch}/${i}`)));
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        const body = Buffer.alloc(32 << 20, 7);
        const t0 = process.hrtime.bigint();
        const n = await get(`${url}/upload`, body);
        const bulkMs = Number(process.hrtime.bigint() - t0) / 1e6;
        const status = await d.stop();
        if (n !== body.length) return { median: ms, status: 1, stderr: `echoed ${n} of ${body.length} bytes` };
        return { median: ms, status, stderr: d.stderr(), note: `${Math.round(500 / (ms / 1000))} requests/s; 32 MiB up+down in ${Math.round(bulkMs)} ms (${((64 / bulkMs) * 1000).toFixed(0)} MiB/s)` };
      },
    },
  ],
};
