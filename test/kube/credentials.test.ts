/**
 * Kubeconfig credentials as kubectl applies them, read by sailctl itself (src/kube/connect.ts):
 * a local API-server stand-in records what each request carried (Authorization, impersonation,
 * the client certificate it was shown), so every case checks what really went over the wire.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { UserError } from '../../src/core/errors.js';
import { openCluster, type Cluster } from '../../src/kube/cluster.js';
import { tlsMaterial } from '../kube-emulator/tls.js';

interface Seen {
  authorization?: string;
  impersonateUser?: string;
  impersonateGroup?: string;
  clientCN?: string;
}

const dir = mkdtempSync(join(tmpdir(), 'sailctl-credentials-'));
const serverTls = tlsMaterial();
const user = selfsigned.generate([{ name: 'commonName', value: 'cert-user' }], { keySize: 2048, algorithm: 'sha256' });
/** Tokens the stand-in rejects with 401, as an API server rejects an expired token. */
const rejected = new Set<string>();
let httpsUrl = '';
let httpUrl = '';
const servers: net.Server[] = [];

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const peer = (req.socket as TLSSocket).getPeerCertificate?.();
  const seen: Seen = {
    authorization: req.headers.authorization,
    impersonateUser: req.headers['impersonate-user'] as string | undefined,
    impersonateGroup: req.headers['impersonate-group'] as string | undefined,
    clientCN: peer && Object.keys(peer).length > 0 ? (peer.subject.CN as string) : undefined,
  };
  const token = req.headers.authorization?.replace(/^Bearer /, '');
  if (token && rejected.has(token)) {
    res.writeHead(401, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(seen));
}

beforeAll(async () => {
  const secure = https.createServer({ key: serverTls.keyPem, cert: serverTls.certPem, ca: [user.cert], requestCert: true, rejectUnauthorized: false }, handler);
  const plain = http.createServer(handler);
  for (const s of [secure, plain]) {
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
  }
  httpsUrl = `https://127.0.0.1:${(secure.address() as net.AddressInfo).port}`;
  httpUrl = `http://127.0.0.1:${(plain.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of servers) {
    (s as http.Server).closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

let n = 0;
function kubeconfig(cluster: Record<string, unknown>, userEntry: Record<string, unknown>): string {
  const file = join(dir, `kubeconfig-${++n}`);
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: httpsUrl, 'certificate-authority-data': Buffer.from(serverTls.caPem).toString('base64'), ...cluster } }],
      users: [{ name: 'u', user: userEntry }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }),
  );
  return file;
}

async function request(file: string): Promise<{ seen: Seen; cluster: Cluster }> {
  const cluster = await openCluster({ kubeconfig: file, timeoutMs: 5000 });
  try {
    return { seen: await cluster.client.json<Seen>({ method: 'GET', path: '/version', what: 'reading the version' }), cluster };
  } finally {
    cluster.close();
  }
}

async function failure(file: string): Promise<UserError> {
  const err = await request(file).then(() => new Error('expected a failure'), (e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

/** An exec plugin: a node script that prints `credential` (or fails), and logs each run's env to runs.jsonl. */
function plugin(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!${process.execPath}\nconst fs = require('node:fs');\nfs.appendFileSync(${JSON.stringify(join(dir, `${name}.runs`))}, JSON.stringify({ info: process.env.KUBERNETES_EXEC_INFO, extra: process.env.EXTRA }) + '\\n');\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}
const runsOf = (name: string) => readFileSync(join(dir, `${name}.runs`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { info: string; extra?: string });
const credential = (status: Record<string, unknown>, apiVersion = 'client.authentication.k8s.io/v1') => `process.stdout.write(${JSON.stringify(JSON.stringify({ apiVersion, kind: 'ExecCredential', status }))});`;

describe('static credentials', () => {
  it('token and tokenFile become a bearer token; the CA verifies the server', async () => {
    expect((await request(kubeconfig({}, { token: 'static-token' }))).seen.authorization).toBe('Bearer static-token');
    writeFileSync(join(dir, 'token-file'), 'from-file\n');
    expect((await request(kubeconfig({}, { tokenFile: join(dir, 'token-file') }))).seen.authorization).toBe('Bearer from-file');
  });

  it('a client certificate and key, from files (relative to the kubeconfig) or data', async () => {
    writeFileSync(join(dir, 'user.crt'), user.cert);
    writeFileSync(join(dir, 'user.key'), user.private);
    const fromFiles = await request(kubeconfig({}, { 'client-certificate': 'user.crt', 'client-key': 'user.key' }));
    expect(fromFiles.seen).toEqual({ clientCN: 'cert-user' });
    const fromData = await request(kubeconfig({}, { 'client-certificate-data': Buffer.from(user.cert).toString('base64'), 'client-key-data': Buffer.from(user.private).toString('base64') }));
    expect(fromData.seen.clientCN).toBe('cert-user');
  });

  it('basic auth and impersonation headers', async () => {
    const { seen } = await request(kubeconfig({}, { username: 'admin', password: 's3cret', as: 'jane', 'as-groups': ['devs'] }));
    expect(seen.authorization).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
    expect(seen.impersonateUser).toBe('jane');
    expect(seen.impersonateGroup).toBe('devs');
  });

  it('an unknown CA fails as a TLS problem; insecure-skip-tls-verify accepts it', async () => {
    const other = selfsigned.generate(undefined, { keySize: 2048 }).cert;
    const err = await failure(kubeconfig({ 'certificate-authority-data': Buffer.from(other).toString('base64') }, { token: 't' }));
    expect(err.message).toMatch(/^reading the version: cannot reach the Kubernetes cluster context "ctx" \(https:\/\/127\.0\.0\.1:\d+\): TLS certificate problem: unable to verify the first certificate \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/);
    expect(err.hint).toContain('certificate-authority');
    const skip = await request(kubeconfig({ 'certificate-authority-data': undefined, 'insecure-skip-tls-verify': true }, { token: 't' }));
    expect(skip.seen.authorization).toBe('Bearer t');
  });

  it('an http:// server needs no TLS settings, as with kubectl', async () => {
    const { seen } = await request(kubeconfig({ server: httpUrl, 'certificate-authority-data': undefined }, { token: 'plain' }));
    expect(seen.authorization).toBe('Bearer plain');
  });

  it('unusable entries are named: a missing file, a key without a certificate, token and password together', async () => {
    const missing = await failure(kubeconfig({}, { 'client-certificate': join(dir, 'nope.crt'), 'client-key': join(dir, 'nope.key') }));
    expect(missing.message).toMatch(/^cannot use the credentials of context "ctx" \(https:\/\/127\.0\.0\.1:\d+\): ENOENT: .*nope\.crt/);
    const half = await failure(kubeconfig({}, { 'client-key-data': Buffer.from(user.private).toString('base64') }));
    expect(half.message).toContain('user "u" has a client key but no certificate');
    const both = await failure(kubeconfig({}, { token: 't', username: 'a', password: 'b' }));
    expect(both.message).toContain('user "u" has both a token and a username/password');
  });
});

describe('exec credential plugins', () => {
  it('runs the plugin with the entry env and KUBERNETES_EXEC_INFO, and sends its token', async () => {
    const cmd = plugin('basic.js', credential({ token: 'from-plugin' }));
    const { seen } = await request(kubeconfig({}, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: cmd, env: [{ name: 'EXTRA', value: 'x' }], interactiveMode: 'Never', provideClusterInfo: true } }));
    expect(seen.authorization).toBe('Bearer from-plugin');
    const [run] = runsOf('basic.js');
    expect(run!.extra).toBe('x');
    const info = JSON.parse(run!.info) as { kind: string; apiVersion: string; spec: { interactive: boolean; cluster: { server: string; 'certificate-authority-data': string } } };
    expect(info).toMatchObject({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: false, cluster: { server: httpsUrl } } });
    expect(Buffer.from(info.spec.cluster['certificate-authority-data'], 'base64').toString()).toBe(serverTls.caPem);
  });

  it('a relative command path is found next to the kubeconfig; a client certificate from the plugin is used', async () => {
    plugin('cert.js', credential({ clientCertificateData: user.cert, clientKeyData: user.private }, 'client.authentication.k8s.io/v1beta1'));
    const { seen } = await request(kubeconfig({}, { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: './cert.js' } }));
    expect(seen).toEqual({ clientCN: 'cert-user' });
  });

  it('asks again when the credential has expired, and once after a 401', async () => {
    const past = new Date(Date.now() - 1000).toISOString();
    const expiring = plugin('expiring.js', credential({ token: 'short', expirationTimestamp: past }));
    const c1 = await openCluster({ kubeconfig: kubeconfig({}, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: expiring } }), timeoutMs: 5000 });
    await c1.client.json({ method: 'GET', path: '/a', what: 'a' });
    await c1.client.json({ method: 'GET', path: '/b', what: 'b' });
    c1.close();
    expect(runsOf('expiring.js')).toHaveLength(3); // opening, then one per request

    // The first token is refused; the plugin's next answer is a new one.
    const runs = JSON.stringify(join(dir, 'rotating.js.runs'));
    const rotating = plugin('rotating.js', `const n = fs.readFileSync(${runs}, 'utf8').trim().split('\\n').length;
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'rot-' + n } }));`);
    rejected.add('rot-1');
    const { seen } = await request(kubeconfig({}, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: rotating } }));
    expect(seen.authorization).toBe('Bearer rot-2');
  });

  it('a plugin that is missing, fails or answers nonsense is named with the user', async () => {
    const exec = (e: Record<string, unknown>) => kubeconfig({}, { exec: { apiVersion: 'client.authentication.k8s.io/v1', ...e } });
    const missing = await failure(exec({ command: 'sailctl-no-such-plugin', installHint: 'Install it with: brew install no-such-plugin' }));
    expect(missing.message).toBe('the credential plugin of kubeconfig user "u" (sailctl-no-such-plugin) was not found');
    expect(missing.hint).toBe('Install it with: brew install no-such-plugin');
    const failing = await failure(exec({ command: plugin('fail.js', 'process.exit(3);') }));
    expect(failing.message).toMatch(/\(.*fail\.js\) failed with exit code 3$/);
    const wrongVersion = await failure(exec({ command: plugin('v1beta1.js', credential({ token: 't' }, 'client.authentication.k8s.io/v1beta1')) }));
    expect(wrongVersion.message).toMatch(/answered with apiVersion client\.authentication\.k8s\.io\/v1beta1, but the kubeconfig asks for client\.authentication\.k8s\.io\/v1$/);
    const empty = await failure(exec({ command: plugin('empty.js', credential({})) }));
    expect(empty.message).toMatch(/returned neither a token nor a client certificate and key$/);
    const always = await failure(exec({ command: plugin('always.js', credential({ token: 't' })), interactiveMode: 'Always' }));
    expect(always.message).toMatch(/needs an interactive terminal \(interactiveMode: Always\)/);
  });
});
