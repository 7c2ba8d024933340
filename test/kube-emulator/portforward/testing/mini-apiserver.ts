/**
 * Just enough API server for port-forward clients, to test the port-forward handler on its own: /version,
 * legacy discovery of pods, GET pod, and the portforward upgrade. HTTP or HTTPS (a fresh self-signed
 * certificate for 127.0.0.1), and a kubeconfig file pointing at it that both kubectl and client-node accept.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type net from 'node:net';
import selfsigned from 'selfsigned';
import { handlePortForwardUpgrade, type TargetResolver } from '../index.js';

export interface MiniPod {
  namespace: string;
  name: string;
  phase?: string;
  /** Pod port → target; defaults to the server-wide resolver. */
  resolveTarget?: TargetResolver;
}

export interface MiniApiServerOptions {
  tls?: boolean;
  pods: MiniPod[];
}

export interface RecordedRequest {
  method: string;
  url: string;
  upgrade?: string;
  protocols?: string;
}

export interface MiniApiServer {
  url: string;
  kubeconfigPath: string;
  /** Every request seen, in order (upgrades included). */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const PORT_FORWARD_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/;
const POD_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/;

export async function startMiniApiServer(options: MiniApiServerOptions): Promise<MiniApiServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const findPod = (ns: string, name: string): MiniPod | undefined => options.pods.find((p) => p.namespace === ns && p.name === name);

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const json = (code: number, body: unknown): void => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (pathname === '/version') {
      return json(200, { major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: '0', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64' });
    }
    if (pathname === '/api') return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (pathname === '/apis') return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (pathname === '/api/v1') {
      return json(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'v1',
        resources: [
          { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] },
          { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
        ],
      });
    }
    const podMatch = POD_PATH.exec(pathname);
    if (podMatch && req.method === 'GET') {
      const pod = findPod(podMatch[1], podMatch[2]);
      if (!pod) return json(404, notFound(podMatch[2]));
      return json(200, {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name: pod.name, namespace: pod.namespace, uid: crypto.randomUUID(), resourceVersion: '1' },
        spec: { containers: [{ name: 'app', image: 'example/app', ports: [{ containerPort: 80 }] }] },
        status: { phase: pod.phase ?? 'Running' },
      });
    }
    json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
  };

  const onUpgrade = (req: http.IncomingMessage, socket: net.Socket, head: Buffer): void => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', upgrade: req.headers.upgrade, protocols: req.headers['sec-websocket-protocol'] ?? (req.headers['x-stream-protocol-version'] as string | undefined) });
    const match = PORT_FORWARD_PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const pod = match ? findPod(match[1], match[2]) : undefined;
    if (!pod?.resolveTarget) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n' + JSON.stringify(notFound(match?.[2] ?? '')));
      return;
    }
    handlePortForwardUpgrade(req, socket, head, { namespace: pod.namespace, name: pod.name }, pod.resolveTarget);
  };

  let server: http.Server;
  let caPem: string | undefined;
  if (options.tls) {
    const keyPair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const pems = selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyPair,
      days: 2,
      algorithm: 'sha256',
      extensions: [{ name: 'basicConstraints', cA: true }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    } as selfsigned.SelfsignedOptions);
    caPem = pems.cert;
    server = https.createServer({ key: pems.private, cert: pems.cert }, onRequest);
  } else {
    server = http.createServer(onRequest);
  }
  server.on('upgrade', onUpgrade);
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-kubeconfig-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const cluster = caPem
    ? `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}\n`
    : '    insecure-skip-tls-verify: true\n';
  fs.writeFileSync(
    kubeconfigPath,
    'apiVersion: v1\nkind: Config\nclusters:\n- name: emulator\n  cluster:\n' +
      `    server: ${url}\n${cluster}` +
      'users:\n- name: tester\n  user:\n    token: test-token\n' +
      'contexts:\n- name: emulator\n  context:\n    cluster: emulator\n    user: tester\n    namespace: default\n' +
      'current-context: emulator\n',
  );

  return {
    url,
    kubeconfigPath,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function notFound(name: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `pods "${name}" not found`, reason: 'NotFound', details: { name, kind: 'pods' }, code: 404 };
}
