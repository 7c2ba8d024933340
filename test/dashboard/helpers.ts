/**
 * Shared set-up for the dashboard tests: an emulator, a kubeconfig for it, and real local HTTP servers
 * standing in for the dashboard containers (the emulator forwards a pod port to them through the pod
 * annotation kube-emulator/forward-<port>).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator, type Obj } from '../kube-emulator/index.js';

export interface StandIn {
  port: number;
  /** Requests served, by URL. */
  served: string[];
  close(): Promise<void>;
}

/** An HTTP server answering `<name> <url>` (and echoing POST bodies), like a dashboard UI would. */
export async function startStandIn(name: string): Promise<StandIn> {
  const served: string[] = [];
  const server = http.createServer((req, res) => {
    served.push(req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const big = /\/big\/(\d+)$/.exec(req.url ?? '');
      const body = req.method === 'POST' ? Buffer.concat(chunks) : big ? Buffer.alloc(Number(big[1]), 'x') : Buffer.from(`${name} ${req.url}`);
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    served,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

export interface DashboardEnv {
  emu: Emulator;
  dir: string;
  kubeconfig: string;
  stop(): Promise<void>;
}

export async function startDashboardEnv(options: { tls?: boolean } = {}): Promise<DashboardEnv> {
  const emu = await startEmulator({ tls: options.tls ?? true, readyDelayMs: 5 });
  const dir = mkdtempSync(join(tmpdir(), 'sailctl-dashboard-'));
  const kubeconfig = emu.writeKubeconfig(join(dir, 'kubeconfig'));
  emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
  return {
    emu,
    dir,
    kubeconfig,
    async stop() {
      await emu.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const forwardTo = (port: number, standIn: StandIn): Record<string, string> => ({ [`kube-emulator/forward-${port}`]: `127.0.0.1:${standIn.port}` });

/** A bare pod whose `port` is served by `standIn`; resolves once it is Ready. */
export async function addPod(
  emu: Emulator,
  p: { namespace: string; name: string; labels: Record<string, string>; port: number; standIn: StandIn; annotations?: Record<string, string>; image?: string },
): Promise<Obj> {
  emu.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: p.namespace, name: p.name, labels: p.labels, annotations: { ...forwardTo(p.port, p.standIn), ...p.annotations } },
    spec: { containers: [{ name: 'main', image: p.image ?? 'example/ui:1', ports: [{ containerPort: p.port }] }] },
  });
  if (p.image?.includes('broken')) return emu.get('v1', 'Pod', p.namespace, p.name)!;
  return waitPodReady(emu, p.namespace, p.name);
}

/** A Deployment whose pods serve `port` from `standIn` (so a deleted pod gets a replacement). */
export async function addDeployment(
  emu: Emulator,
  d: { namespace: string; name: string; labels: Record<string, string>; port: number; standIn: StandIn; replicas?: number },
): Promise<Obj[]> {
  emu.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace: d.namespace, name: d.name, labels: d.labels },
    spec: {
      replicas: d.replicas ?? 1,
      selector: { matchLabels: d.labels },
      template: {
        metadata: { labels: d.labels, annotations: forwardTo(d.port, d.standIn) },
        spec: { containers: [{ name: 'main', image: 'example/ui:1', ports: [{ containerPort: d.port }] }] },
      },
    },
  });
  return emu.waitFor(() => {
    const pods = readyPods(emu, d.namespace, d.labels);
    return pods.length >= (d.replicas ?? 1) ? pods : undefined;
  }, 5000, `deployment ${d.name} ready`);
}

export function readyPods(emu: Emulator, namespace: string, labels: Record<string, string>): Obj[] {
  return emu
    .list('v1', 'Pod', namespace)
    .filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v))
    .filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True'));
}

export function waitPodReady(emu: Emulator, namespace: string, name: string): Promise<Obj> {
  return emu.waitFor(() => {
    const pod = emu.get('v1', 'Pod', namespace, name);
    return pod?.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True') ? pod : undefined;
  }, 5000, `pod ${namespace}/${name} ready`);
}

export function httpGet(url: string, init: { method?: string; body?: Buffer } = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A local port that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}
