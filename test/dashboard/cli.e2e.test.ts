/**
 * `sailctl dashboard` as a user runs it: the built binary (`npm run build` first) against the emulator,
 * with real HTTP servers standing in for the dashboards, stopped with Ctrl+C (SIGINT) at the end. The
 * real `kubectl port-forward` to the same pod must return the same bytes.
 */
import crypto from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAILCTL, sailctl } from '../helpers/cli.js';
import { findKubectl, kubectlPortForward } from '../kube-emulator/portforward/testing/kubectl.js';
import { addDeployment, addPod, httpGet, startDashboardEnv, startStandIn, type DashboardEnv, type StandIn } from './helpers.js';

let env: DashboardEnv;
let kiali: StandIn;
let grafana: StandIn;

beforeAll(async () => {
  env = await startDashboardEnv();
  [kiali, grafana] = await Promise.all([startStandIn('kiali'), startStandIn('grafana')]);
  await addDeployment(env.emu, { namespace: 'istio-system', name: 'kiali', labels: { app: 'kiali' }, port: 20001, standIn: kiali });
  await addPod(env.emu, { namespace: 'istio-system', name: 'grafana-1', labels: { 'app.kubernetes.io/name': 'grafana' }, port: 3000, standIn: grafana });
});

afterAll(async () => {
  await env?.stop();
  await Promise.all([kiali?.close(), grafana?.close()]);
});

interface Running {
  child: ResultPromise;
  /** The first line the command printed on stdout (the URL, or the JSON document). */
  firstLine: string;
  stderr(): string;
  stdout(): string;
  /** Ctrl+C, then the exit code. */
  interrupt(): Promise<number>;
  exited: Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/** Starts `sailctl dashboard ...` and waits until it prints its first stdout line (or exits). */
async function startDashboard(args: string[], extraEnv: Record<string, string> = {}): Promise<Running> {
  const child = execa(process.execPath, [SAILCTL, '--kubeconfig', env.kubeconfig, 'dashboard', ...args], {
    reject: false,
    stdin: 'ignore',
    env: { NO_COLOR: '1', ...extraEnv },
    extendEnv: true,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = child.then((r) => ({ exitCode: r.exitCode ?? -1, stdout: out, stderr: err }));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output within 15s; stderr:\n${err}`)), 15_000);
    child.stdout!.on('data', () => {
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.slice(0, out.indexOf('\n')));
      }
    });
    void exited.then((r) => {
      clearTimeout(timer);
      reject(new Error(`sailctl exited ${r.exitCode} before printing a URL; stderr:\n${r.stderr}`));
    });
  });
  return {
    child,
    firstLine,
    stderr: () => err,
    stdout: () => out,
    exited,
    interrupt: async () => {
      child.kill('SIGINT');
      return (await exited).exitCode;
    },
  };
}

const noStack = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

describe('sailctl dashboard (binary, emulator)', () => {
  it('kiali --browser=false --port 0: prints the URL, serves the pages, 50 concurrent requests; Ctrl+C exits 0 and closes the listener', async () => {
    const run = await startDashboard(['kiali', '--browser=false', '--port', '0']);
    const url = run.firstLine;
    expect(url).toMatch(/^http:\/\/localhost:\d+\/kiali$/);
    expect(Number(new URL(url).port)).not.toBe(0);
    expect((await httpGet(url)).body.toString()).toBe('kiali /kiali');
    const pages = await Promise.all(Array.from({ length: 50 }, (_, i) => httpGet(`${url}/p${i}`)));
    pages.forEach((p, i) => expect(p.body.toString()).toBe(`kiali /kiali/p${i}`));

    expect(await run.interrupt()).toBe(0);
    expect(run.stdout()).toBe(`${url}\n`);
    expect(run.stderr()).toMatch(/Forwarding http:\/\/localhost:\d+\/kiali to pod istio-system\/kiali-/);
    noStack(run.stderr());
    await expect(httpGet(url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('-o json prints {url, pod, localPort} once the tunnel is up; --address is honoured', async () => {
    const run = await startDashboard(['grafana', '--browser=false', '-p', '0', '--address', '127.0.0.1', '-o', 'json']);
    const doc = JSON.parse(run.firstLine) as { url: string; pod: string; localPort: number };
    expect(doc).toEqual({ url: `http://127.0.0.1:${doc.localPort}`, pod: 'grafana-1.istio-system', localPort: expect.any(Number) });
    expect((await httpGet(doc.url)).body.toString()).toBe('grafana /');
    expect(await run.interrupt()).toBe(0);
    expect(run.stdout()).toBe(`${run.firstLine}\n`);
  });

  it('deleting the pod with a replacement available keeps the URL working', async () => {
    const run = await startDashboard(['kiali', '--browser=false', '--port', '0']);
    try {
      const before = env.emu.list('v1', 'Pod', 'istio-system').find((p) => p.metadata.labels?.app === 'kiali')!.metadata.name;
      env.emu.delete('v1', 'Pod', 'istio-system', before);
      expect((await httpGet(`${run.firstLine}/after`)).body.toString()).toBe('kiali /kiali/after');
      expect(run.stderr()).toMatch(new RegExp(`Pod istio-system/${before} was deleted; looking for a ready replacement`));
      expect(run.stderr()).toMatch(/Now forwarding to pod istio-system\/kiali-/);
    } finally {
      expect(await run.interrupt()).toBe(0);
    }
  });

  it('deleting the pod with no replacement exits 1 with a clear message', async () => {
    const lone = await startStandIn('lone');
    try {
      env.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lone' } });
      await addPod(env.emu, { namespace: 'lone', name: 'kiali-lone', labels: { app: 'kiali' }, port: 20001, standIn: lone });
      const run = await startDashboard(['kiali', '--browser=false', '--port', '0', '-i', 'lone'], { SAILCTL_DASHBOARD_RECONNECT_TIMEOUT: '500ms' });
      env.emu.delete('v1', 'Pod', 'lone', 'kiali-lone');
      // Found by the periodic check (every 2 s), or at once by a connection that fails.
      await httpGet(run.firstLine).catch(() => undefined);
      const r = await run.exited;
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('Error: pod lone/kiali-lone was deleted and no ready replacement appeared within 500ms; the tunnel is closed');
      expect(r.stderr).toContain('kubectl get pods -n lone -l app=kiali');
      noStack(r.stderr);
      await expect(httpGet(run.firstLine)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await lone.close();
    }
  });

  it('missing addon: names the addon and how to install it, exit 1, nothing on stdout', async () => {
    const r = await sailctl(['--kubeconfig', env.kubeconfig, 'dashboard', 'jaeger', '--browser=false']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Error: no pods found with selector app=jaeger in namespace istio-system or default');
    expect(r.stderr).toMatch(/The Jaeger addon is not installed\. Install it with:\n\s+kubectl apply -f https:\/\/raw\.githubusercontent\.com\/istio\/istio\/release-[\d.]+\/samples\/addons\/jaeger\.yaml/);
    noStack(r.stderr);
  });

  it('no permission to port-forward: names the RBAC verb and resource, exit 1', async () => {
    env.emu.setAccessRules([{ allowed: false, verb: 'create', resource: 'pods', subresource: 'portforward' }]);
    try {
      const r = await sailctl(['--kubeconfig', env.kubeconfig, 'dashboard', 'kiali', '--browser=false']);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/Error: you are not allowed to port-forward to pods in namespace istio-system/);
      expect(r.stderr).toContain('verb "create" on resource "pods/portforward"');
      noStack(r.stderr);
    } finally {
      env.emu.setAccessRules([]);
    }
  });

  it('argument errors: istioctl messages and exit codes', async () => {
    env.emu.resetRequestLog();
    const run = (args: string[]) => sailctl(['--kubeconfig', env.kubeconfig, 'dashboard', ...args]);
    const [unknown, bare, noPod, both, badUiPort, notNumber, badOutput] = await Promise.all([
      run(['foo']),
      run([]),
      run(['proxy', '--browser=false']),
      run(['controlz', 'istiod-1', '-r', 'canary', '--browser=false']),
      run(['proxy', 'x', '--ui-port', '70000', '--browser=false']),
      run(['kiali', '--port', 'abc', '--browser=false']),
      run(['kiali', '-o', 'yaml', '--browser=false']),
    ]);
    // usage errors (unknown dashboard, missing or conflicting arguments, bad ports) exit 64
    expect(unknown.exitCode).toBe(64);
    expect(unknown.stderr).toContain('Error: unknown dashboard "foo"');
    expect(bare.exitCode).toBe(0);
    expect(bare.stdout).toMatch(/kiali/);
    expect(noPod.exitCode).toBe(64);
    expect(noPod.stderr).toContain('Error: specify a pod or --selector');
    expect(both.exitCode).toBe(64);
    expect(both.stderr).toContain('Error: only one of name, --selector, or --revision can be specified');
    expect(badUiPort.exitCode).toBe(64);
    expect(badUiPort.stderr).toContain('Error: port number 70000 must be in the range 1..65535');
    expect(notNumber.exitCode).toBe(64);
    expect(notNumber.stderr).toContain('Error: invalid argument "abc" for "--port" flag');
    expect(badOutput.exitCode).toBe(64);
    // Flag errors are found before any cluster request.
    expect(env.emu.countRequests({ subresource: 'portforward' })).toBe(0);
    for (const r of [unknown, noPod, both, badUiPort, notNumber, badOutput]) {
      expect(r.stdout).toBe('');
      noStack(r.stderr);
    }
  });

  it('opens the browser without a shell, and without one says how to open the URL and keeps the tunnel up', async () => {
    const bin = join(env.dir, 'fake-bin');
    mkdirSync(bin, { recursive: true });
    const opened = join(env.dir, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const withBrowser = await startDashboard(['grafana', '--port', '0'], { PATH: `${bin}:/usr/bin:/bin`, DISPLAY: ':0' });
    await env.emu.waitFor(() => {
      try {
        return readFileSync(opened, 'utf8') === withBrowser.firstLine;
      } catch {
        return false;
      }
    }, 5000, 'xdg-open called with the URL');
    expect(await withBrowser.interrupt()).toBe(0);

    const empty = join(env.dir, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const headless = await startDashboard(['grafana', '--port', '0'], { PATH: empty });
    await env.emu.waitFor(() => headless.stderr().includes('Could not open a browser'), 5000, 'headless note');
    expect(headless.stderr()).toContain(`open ${headless.firstLine} yourself (the tunnel stays up)`);
    expect((await httpGet(headless.firstLine)).body.toString()).toBe('grafana /');
    expect(await headless.interrupt()).toBe(0);
  });
});

const kubectl = findKubectl();

describe.skipIf(!kubectl)('parity with kubectl port-forward', () => {
  it('the same request returns the same bytes through sailctl and through kubectl', async () => {
    const kubeconfig = env.emu.writeKubeconfig(join(env.dir, 'kubeconfig-istio-system'), { namespace: 'istio-system' });
    const pf = await kubectlPortForward(kubectl!, kubeconfig, 'pod/grafana-1', [':3000']);
    const run = await startDashboard(['grafana', '--browser=false', '--port', '0']);
    try {
      const payload = crypto.randomBytes(2 << 20);
      const viaKubectl = await httpGet(`http://127.0.0.1:${pf.localPorts[0]}/upload`, { method: 'POST', body: payload });
      const viaSailctl = await httpGet(`${run.firstLine}/upload`, { method: 'POST', body: payload });
      expect(viaKubectl.body.equals(payload)).toBe(true);
      expect(viaSailctl.body.equals(viaKubectl.body)).toBe(true);
      const [a, b] = await Promise.all([httpGet(`http://127.0.0.1:${pf.localPorts[0]}/x?y=1`), httpGet(`${run.firstLine}/x?y=1`)]);
      expect(b.body.equals(a.body)).toBe(true);
      expect(b.body.toString()).toBe('grafana /x?y=1');
    } finally {
      await pf.stop();
      expect(await run.interrupt()).toBe(0);
    }
  });
});
