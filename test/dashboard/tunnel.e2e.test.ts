/**
 * The tunnel under load and under change, through the library against the emulator (HTTPS, token):
 * concurrent connections, large bodies both ways, half-closes, per-connection errors, local ports, and
 * what happens when the pod goes away with and without a replacement.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCluster, type Cluster } from '../../src/kube/cluster.js';
import { openDashboard, type DashboardRequest } from '../../src/dashboard/index.js';
import { UserError } from '../../src/core/errors.js';
import { addDeployment, addPod, freePort, httpGet, readyPods, startDashboardEnv, startStandIn, type DashboardEnv, type StandIn } from './helpers.js';

let env: DashboardEnv;
let conn: Cluster;
let kiali: StandIn;

beforeAll(async () => {
  env = await startDashboardEnv();
  conn = await openCluster({ kubeconfig: env.kubeconfig, timeoutMs: 5000 });
  kiali = await startStandIn('kiali');
  await addDeployment(env.emu, { namespace: 'istio-system', name: 'kiali', labels: { app: 'kiali' }, port: 20001, standIn: kiali });
});

afterAll(async () => {
  await env?.stop();
  await kiali?.close();
});

function open(req: Partial<DashboardRequest> = {}, logs: string[] = []) {
  return openDashboard(conn, {
    dashboard: 'kiali',
    address: 'localhost',
    localPort: 0,
    istioNamespace: 'istio-system',
    namespace: 'default',
    checkIntervalMs: 50,
    reconnectTimeoutMs: 2000,
    log: (m) => logs.push(m),
    ...req,
  });
}

/** Writes `payload`, half-closes, and collects the answer until the far side closes. */
function halfCloseRoundTrip(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('end', () => {
      socket.end();
      resolve(text);
    });
    socket.on('error', reject);
    socket.end(payload);
  });
}

describe('tunnel traffic', () => {
  it('50 concurrent requests all succeed, each on its own forwarded connection', async () => {
    const d = await open();
    try {
      env.emu.resetRequestLog();
      const started = performance.now();
      const pages = await Promise.all(Array.from({ length: 50 }, (_, i) => httpGet(`${d.url}/page/${i}`)));
      const ms = performance.now() - started;
      pages.forEach((p, i) => expect({ status: p.status, body: p.body.toString() }).toEqual({ status: 200, body: `kiali /kiali/page/${i}` }));
      expect(env.emu.countRequests({ subresource: 'portforward' })).toBe(50);
      expect(ms).toBeLessThan(10_000);
    } finally {
      d.tunnel.close();
    }
  });

  it('carries a 4 MiB body both ways byte for byte', async () => {
    const d = await open();
    try {
      const payload = crypto.randomBytes(4 << 20);
      const r = await httpGet(`${d.url}/upload`, { method: 'POST', body: payload });
      expect(r.status).toBe(200);
      expect(r.body.equals(payload)).toBe(true);
    } finally {
      d.tunnel.close();
    }
  });

  it('a slow reader gets a 16 MiB answer whole, with no warnings', async () => {
    const d = await open();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const size = 16 << 20;
      const received = await new Promise<number>((resolve, reject) => {
        http.get(`${d.url}/big/${size}`, { agent: false }, (res) => {
          let n = 0;
          res.pause();
          // Read in bursts with pauses, like a slow network.
          const tick = setInterval(() => (res.isPaused() ? res.resume() : res.pause()), 20);
          res.on('data', (c: Buffer) => (n += c.length));
          res.on('end', () => {
            clearInterval(tick);
            resolve(n);
          });
          res.on('error', reject);
        }).on('error', reject);
      });
      expect(received).toBe(size);
      expect(warnings.map((w) => w.message)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      d.tunnel.close();
    }
  });

  it('a client that half-closes after its request still gets the whole answer', async () => {
    const d = await open();
    try {
      const answer = await halfCloseRoundTrip(d.tunnel.localPort, 'GET /half HTTP/1.0\r\nHost: x\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(answer.endsWith('kiali /half')).toBe(true);
    } finally {
      d.tunnel.close();
    }
  });

  it('a refused connection inside the pod fails that connection only, and says why', async () => {
    const logs: string[] = [];
    // Port 20002 has no stand-in: the "container" refuses it, as a kubelet would report.
    const d = await open({ uiPort: 20002 }, logs);
    try {
      await expect(httpGet(d.url)).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(logs.join('\n')).toMatch(/port 20002 failed: error forwarding port 20002 to pod .*connection refused/);
      // The tunnel is still up and serves the next connection the same way.
      await expect(httpGet(d.url)).rejects.toThrow();
      expect(d.tunnel.localPort).toBeGreaterThan(0);
    } finally {
      d.tunnel.close();
    }
  });

  it('close() stops the listener: new connections are refused', async () => {
    const d = await open();
    const port = d.tunnel.localPort;
    expect((await httpGet(d.url)).status).toBe(200);
    d.tunnel.close();
    await d.tunnel.done;
    await expect(httpGet(`http://127.0.0.1:${port}/`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('local port', () => {
  it('takes the dashboard port when free, otherwise a free one, and says which', async () => {
    const logs: string[] = [];
    const preferred = await freePort();
    const first = await open({ localPort: undefined, uiPort: preferred }, logs);
    try {
      expect(first.tunnel.localPort).toBe(preferred);
      const second = await open({ localPort: undefined, uiPort: preferred }, logs);
      second.tunnel.close();
      expect(second.tunnel.localPort).not.toBe(preferred);
      expect(logs).toContain(`Port ${preferred} is in use on localhost; using port ${second.tunnel.localPort} instead.`);
    } finally {
      first.tunnel.close();
    }
  });

  it('an explicit --port that is taken is an error suggesting --port', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const err = (await open({ localPort: port }).catch((e: unknown) => e)) as UserError;
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toBe(`local port ${port} is already in use on localhost`);
      expect(err.hint).toMatch(/--port/);
    } finally {
      busy.close();
    }
  });

  it('--address 127.0.0.1 is in the URL; an address of another machine is a clear error', async () => {
    const d = await open({ address: '127.0.0.1' });
    d.tunnel.close();
    expect(d.url).toBe(`http://127.0.0.1:${d.tunnel.localPort}/kiali`);
    const err = (await open({ address: '192.0.2.1' }).catch((e: unknown) => e)) as UserError;
    expect(err.message).toBe('cannot listen on address 192.0.2.1: it is not an address of this machine');
  });
});

describe('when the pod goes away', () => {
  it('moves to the replacement pod and the same URL keeps working', async () => {
    const logs: string[] = [];
    const d = await open({}, logs);
    try {
      const before = d.target.name;
      expect((await httpGet(`${d.url}/one`)).status).toBe(200);
      env.emu.delete('v1', 'Pod', 'istio-system', before);
      // Requests made while the replacement starts wait for it instead of failing.
      const during = await httpGet(`${d.url}/two`);
      expect(during.body.toString()).toBe('kiali /kiali/two');
      const replacement = d.tunnel.pod.name;
      expect(replacement).not.toBe(before);
      expect(logs.join('\n')).toContain(`Now forwarding to pod istio-system/${replacement}.`);
      env.emu.resetRequestLog();
      expect((await httpGet(`${d.url}/three`)).body.toString()).toBe('kiali /kiali/three');
      expect(env.emu.countRequests({ subresource: 'portforward', name: replacement })).toBe(1);
    } finally {
      d.tunnel.close();
    }
  });

  it('with no replacement, the tunnel ends with an error naming the pod and the wait', async () => {
    const lone = await startStandIn('lone');
    env.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'solo' } });
    await addPod(env.emu, { namespace: 'solo', name: 'kiali-solo', labels: { app: 'kiali' }, port: 20001, standIn: lone });
    const logs: string[] = [];
    const d = await open({ istioNamespace: 'solo', reconnectTimeoutMs: 300 }, logs);
    try {
      expect((await httpGet(d.url)).status).toBe(200);
      env.emu.delete('v1', 'Pod', 'solo', 'kiali-solo');
      const err = (await d.tunnel.done.catch((e: unknown) => e)) as UserError;
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toBe('pod solo/kiali-solo was deleted and no ready replacement appeared within 300ms; the tunnel is closed');
      expect(err.hint).toBe('Check the workload with: kubectl get pods -n solo -l app=kiali');
      await expect(httpGet(d.url)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      d.tunnel.close();
      await lone.close();
    }
  });

  it('an API server that stops answering for a while does not end the tunnel', async () => {
    const logs: string[] = [];
    const d = await open({ reconnectTimeoutMs: 5000 }, logs);
    try {
      const name = d.target.name;
      // Every request already retries dropped connections (5 retries, rest.ts): drop more than one
      // check's worth so the tunnel's own recovery is what gets tested.
      conn.client.backoffBaseMs = 1;
      env.emu.failNext({ verb: 'get', resource: 'pods', name, drop: true, times: 9 });
      await env.emu.waitFor(() => logs.some((l) => l.includes('is ready again')), 5000, 'recovery');
      expect(logs[0]).toMatch(new RegExp(`^Pod istio-system/${name} could not be checked \\(.+\\); looking for a ready replacement\\.\\.\\.$`));
      expect(d.tunnel.pod.name).toBe(name);
      expect((await httpGet(d.url)).status).toBe(200);
    } finally {
      d.tunnel.close();
      env.emu.clearFaults();
      conn.client.backoffBaseMs = 100;
    }
  });

  it('a pod that only turns unready and comes back keeps the tunnel on it', async () => {
    const logs: string[] = [];
    const d = await open({}, logs);
    try {
      const name = d.target.name;
      const pod = env.emu.get('v1', 'Pod', 'istio-system', name)!;
      const setReady = (status: 'True' | 'False') => {
        pod.status.conditions = pod.status.conditions.map((c: { type: string }) => (c.type === 'Ready' ? { ...c, status } : c));
        env.emu.api.writeStatus(env.emu.type('', 'pods'), env.emu.api.tryGet(env.emu.type('', 'pods'), 'istio-system', name)!, pod.status, 'kubelet');
      };
      setReady('False');
      await env.emu.waitFor(() => logs.some((l) => l.includes('is no longer ready')), 3000, 'unready noticed');
      setReady('True');
      await env.emu.waitFor(() => logs.some((l) => l.includes('is ready again')), 3000, 'ready again');
      expect(d.tunnel.pod.name).toBe(name);
      expect((await httpGet(d.url)).status).toBe(200);
      expect(readyPods(env.emu, 'istio-system', { app: 'kiali' })).toHaveLength(1);
    } finally {
      d.tunnel.close();
    }
  });
});
