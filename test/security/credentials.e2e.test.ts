/**
 * No credential from the kubeconfig appears in anything sailctl prints: a password in the
 * server URL, a bearer token, a basic-auth password, a client key. Failing runs of every
 * cluster command, with --verbose (stack traces) and -o json, are grepped for each secret.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact, redactUrl } from '../../src/core/redact.js';
import { sailctl } from '../helpers/cli.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';

const URL_PASSWORD = 'Url-Pa55word-9f8e7d';
const TOKEN = 'tok-4c1e6a0b9d8f7e6d5c4b3a29';
const BASIC_PASSWORD = 'Basic-Pa55-0a9b8c7d6e';
const KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7fakefakefakefakefake';
const KEY_PEM = `-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----\n`;
const SECRETS = [URL_PASSWORD, TOKEN, BASIC_PASSWORD, KEY_BODY, Buffer.from(KEY_PEM).toString('base64').slice(0, 40)];

let dir: string;
let h: Harness;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sailctl-secrets-'));
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(name: string, server: string, user: Record<string, string>): string {
  const f = join(dir, name);
  writeFileSync(
    f,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: c',
      '  cluster:',
      `    server: ${server}`,
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: u',
      '  user:',
      ...Object.entries(user).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
      'contexts:',
      '- name: x',
      '  context: {cluster: c, user: u}',
      'current-context: x',
    ].join('\n') + '\n',
  );
  return f;
}

const COMMANDS = [
  ['version'],
  ['version', '-o', 'json'],
  ['verify-install', '-o', 'json'],
  ['verify-install', '-v'],
  ['precheck', '-o', 'json'],
  ['analyze', '-o', 'json'],
  ['analyze', '-v'],
  ['install', '--dry-run', '-v', '--set', 'profile=minimal'],
  ['uninstall', '--purge', '-y', '-v'],
  ['dashboard', 'kiali', '--browser=false', '-v'],
  ['kube-inject', '-f', 'APP', '-v'],
];

describe('secrets never reach stdout or stderr', () => {
  it('redact() masks URL userinfo, bearer/basic credentials and PEM private keys', () => {
    expect(redactUrl(`https://admin:${URL_PASSWORD}@10.0.0.1:6443`)).toBe('https://[REDACTED]@10.0.0.1:6443');
    expect(redact(`Authorization: Bearer ${TOKEN}`)).toBe('Authorization: Bearer [REDACTED]');
    expect(redact(`key:\n${KEY_PEM}done`)).toBe('key:\n[REDACTED]\ndone');
  });

  it.each([
    ['an unreachable server with a password in its URL and a token', () => kubeconfig('refused', `https://admin:${URL_PASSWORD}@127.0.0.1:1`, { token: TOKEN })],
    ['basic auth and a client key against an unreachable server', () => kubeconfig('basic', 'https://127.0.0.1:1', { username: 'admin', password: BASIC_PASSWORD, 'client-key-data': Buffer.from(KEY_PEM).toString('base64'), 'client-certificate-data': Buffer.from('not a cert').toString('base64') })],
    ['a live API server that refuses the token (401)', () => kubeconfig('refused-token', h.kubeconfig.length > 0 ? serverOf(h) : '', { token: TOKEN })],
    ['a live API server reached with a password in its URL', () => kubeconfig('url-userinfo', serverOf(h).replace('://', `://admin:${URL_PASSWORD}@`), { token: h.emu.token })],
  ])('%s', async (_name, makeConfig) => {
    const config = makeConfig();
    const app = join(dir, 'app.yaml');
    writeFileSync(app, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx\n');
    const results = await Promise.all(COMMANDS.map((args) => sailctl(['--kubeconfig', config, '--kubeclient-timeout', '3s', ...args.map((a) => (a === 'APP' ? app : a))], { env: { HOME: dir } })));
    let failures = 0;
    for (const [i, r] of results.entries()) {
      const all = r.stdout + r.stderr;
      for (const secret of SECRETS) expect(all, `${COMMANDS[i]!.join(' ')} printed a secret:\n${all}`).not.toContain(secret);
      if (r.exitCode !== 0) failures++;
    }
    expect(failures).toBeGreaterThan(0); // the runs did fail, so their error paths were exercised
  }, 120_000);
});

function serverOf(harness: Harness): string {
  return /server: (\S+)/.exec(harness.emu.kubeconfig())![1]!;
}
