/**
 * The WebSocket channel protocol (`v4.channel.k8s.io`) of the port-forward handler: through
 * @kubernetes/client-node 1.4.0's PortForward, and on the wire with a bare WebSocket client.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMiniApiServer, type MiniApiServer } from './portforward/testing/mini-apiserver.js';
import type { TargetResolver } from './portforward/index.js';

class Collector extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let echo: net.Server;
let greeter: net.Server;
let refusedPort: number;
const targets: net.Socket[] = [];
let plain: MiniApiServer;
let tls: MiniApiServer;

beforeAll(async () => {
  echo = net.createServer({ allowHalfOpen: true }, (s) => {
    targets.push(s);
    s.pipe(s);
  });
  // Says hello and hangs up: shows server-first data and the close that follows the target's close.
  greeter = net.createServer((s) => s.end('hello from the pod\n'));
  await Promise.all([new Promise<void>((r) => echo.listen(0, '127.0.0.1', r)), new Promise<void>((r) => greeter.listen(0, '127.0.0.1', r))]);
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  refusedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const resolveTarget: TargetResolver = (port) => {
    if (port === 7) return { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port };
    if (port === 80) return { host: '127.0.0.1', port: (greeter.address() as net.AddressInfo).port };
    if (port === 81) return { host: '127.0.0.1', port: refusedPort };
    return { error: `no target for port ${port}` };
  };
  const pods = [{ namespace: 'default', name: 'web-0', resolveTarget }];
  [plain, tls] = await Promise.all([startMiniApiServer({ pods }), startMiniApiServer({ pods, tls: true })]);
});

afterAll(async () => {
  await Promise.all([plain?.close(), tls?.close()]);
  for (const s of targets) s.destroy();
  await Promise.all([new Promise((r) => echo?.close(r)), new Promise((r) => greeter?.close(r))]);
});

describe('@kubernetes/client-node 1.4.0 PortForward', () => {
  const forward = async (api: MiniApiServer, port: number) => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(api.kubeconfigPath);
    const out = new Collector();
    const err = new Collector();
    const input = new PassThrough();
    const ws = (await new k8s.PortForward(kc).portForward('default', 'web-0', [port], out, err, input)) as WebSocket;
    return { out, err, input, ws };
  };

  it('round-trips bytes to the pod port over HTTP and HTTPS', async () => {
    for (const api of [plain, tls]) {
      const { out, err, input, ws } = await forward(api, 7);
      expect(ws.protocol).toBe('v4.channel.k8s.io');
      const payload = crypto.randomBytes(256 * 1024);
      input.write(payload);
      await until(() => out.bytes.length >= payload.length, 'the echo');
      expect(out.bytes.equals(payload)).toBe(true);
      expect(err.bytes.length).toBe(0);
      input.end();
      await until(() => ws.readyState === WebSocket.CLOSED, 'close');
    }
  });

  it('delivers server-first data, then the socket closes when the target hangs up', async () => {
    const { out, ws } = await forward(plain, 80);
    await until(() => ws.readyState === WebSocket.CLOSED, 'close after the target ends');
    expect(out.bytes.toString()).toBe('hello from the pod\n');
  });

  it('reports a refused target on the error channel', async () => {
    const { out, err, ws } = await forward(plain, 81);
    await until(() => err.bytes.length > 0, 'the error text');
    expect(err.bytes.toString()).toBe(
      `error forwarding port 81 to pod default/web-0, uid : failed to connect to 127.0.0.1:${refusedPort} inside the pod network namespace: dial tcp4 127.0.0.1:${refusedPort}: connect: connection refused`,
    );
    expect(out.bytes.length).toBe(0);
    await until(() => ws.readyState === WebSocket.CLOSED, 'close');
  });

  it('handles 20 concurrent forwarded connections', async () => {
    const conns = await Promise.all(Array.from({ length: 20 }, () => forward(plain, 7)));
    conns.forEach((c, i) => c.input.write(`connection ${i}`));
    await until(() => conns.every((c, i) => c.out.bytes.toString() === `connection ${i}`), 'every echo');
    for (const c of conns) c.input.end();
  });
});

describe('v4.channel.k8s.io on the wire', () => {
  const open = (api: MiniApiServer, query: string, protocols: string[]) => {
    const ws = new WebSocket(`${api.url.replace('http', 'ws')}/api/v1/namespaces/default/pods/web-0/portforward${query}`, protocols);
    const messages: (Buffer | string)[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => messages.push(isBinary ? Buffer.from(data) : data.toString()));
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    const opened = new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode, body })));
      });
      ws.on('error', reject);
    });
    return { ws, messages, closed, opened };
  };

  it('selects v4.channel.k8s.io from the client list and opens each channel with the port, little-endian', async () => {
    const c = open(plain, '?ports=7', ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'channel.k8s.io']);
    await c.opened;
    expect(c.ws.protocol).toBe('v4.channel.k8s.io');
    await until(() => c.messages.length >= 2, 'port prefixes');
    expect(c.messages.slice(0, 2)).toEqual([Buffer.from([0, 7, 0]), Buffer.from([1, 7, 0])]);
    c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('abc')]));
    await until(() => c.messages.length >= 3, 'echo');
    expect(c.messages[2]).toEqual(Buffer.from([0, ...Buffer.from('abc')]));
    c.ws.close();
  });

  it('forwards several ports on one socket: data on channel 2i, errors on 2i+1, close when all are done', async () => {
    const c = open(plain, '?ports=80,81', ['v4.channel.k8s.io']);
    await c.opened;
    expect(await c.closed).toBe(1000);
    const byChannel = (ch: number) => Buffer.concat(c.messages.filter((m): m is Buffer => Buffer.isBuffer(m) && m[0] === ch).map((m) => m.subarray(1)));
    expect(byChannel(0)).toEqual(Buffer.concat([Buffer.from([80, 0]), Buffer.from('hello from the pod\n')]));
    expect(byChannel(1)).toEqual(Buffer.from([80, 0]));
    expect(byChannel(2)).toEqual(Buffer.from([81, 0]));
    expect(byChannel(3).subarray(0, 2)).toEqual(Buffer.from([81, 0]));
    expect(byChannel(3).subarray(2).toString()).toMatch(/^error forwarding port 81 to pod default\/web-0, uid : .*connection refused$/);
  });

  it('speaks the base64 variant in text messages', async () => {
    const c = open(plain, '?ports=7', ['v4.base64.channel.k8s.io']);
    await c.opened;
    expect(c.ws.protocol).toBe('v4.base64.channel.k8s.io');
    c.ws.send('0' + Buffer.from('text mode').toString('base64'));
    await until(() => c.messages.length >= 3, 'echo');
    expect(c.messages[0]).toBe('0' + Buffer.from([7, 0]).toString('base64'));
    expect(c.messages[2]).toBe('0' + Buffer.from('text mode').toString('base64'));
    c.ws.close();
  });

  it('refuses bad ports and unsupported subprotocols with 400 and a Status', async () => {
    for (const [query, protocols, message] of [
      ['', ['v4.channel.k8s.io'], 'query parameter "ports" is required'],
      ['?ports=http', ['v4.channel.k8s.io'], 'unable to parse "http" as a port'],
      ['?ports=0', ['v4.channel.k8s.io'], 'port "0" must be > 0'],
      ['?ports=7', ['v5.channel.k8s.io'], 'requested protocol(s) are not supported: [v5.channel.k8s.io]'],
    ] as const) {
      const c = open(plain, query, [...protocols]);
      const err = await c.opened.then(() => undefined, (e: { statusCode: number; body: string }) => e);
      expect(err?.statusCode).toBe(400);
      expect(JSON.parse(err!.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400, message: expect.stringContaining(message) });
    }
  });
});
