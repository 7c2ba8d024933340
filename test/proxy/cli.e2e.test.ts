/**
 * `sailctl pc <type> -f FILE` as a user runs it (the built binary): every dump file, every type,
 * the exact bytes derived in expected.ts, istioctl's errors and exit codes, and no Kubernetes
 * client loaded for offline reads.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { SAILCTL, sailctl } from '../helpers/cli.js';
import * as X from './expected.js';

const dump = (f: string) => join(X.DUMPS, f);
const CLUSTERS = join(import.meta.dirname, 'fixtures', 'clusters.json');
const env = { SAILCTL_TEST_NOW: '2025-01-01T00:00:00Z', KUBECONFIG: '/nonexistent' };

describe('pc -f FILE prints what istioctl prints', () => {
  it.each([
    [['cluster'], 'sidecar-full.json', X.SIDECAR_CLUSTERS],
    [['clusters'], 'describe-http.json', X.DESCRIBE_HTTP_CLUSTERS],
    [['listener'], 'sidecar-full.json', X.SIDECAR_LISTENERS],
    [['l', '--verbose=false'], 'sidecar-full.json', X.SIDECAR_LISTENERS_SHORT],
    [['route'], 'sidecar-full.json', X.SIDECAR_ROUTES],
    [['routes'], 'routes-empty-gateway.json', X.ROUTES_EMPTY_GATEWAY],
    [['r'], 'routes-istio-gateway-http-route-prefix.json', X.ROUTES_ISTIO_GATEWAY],
    [['route'], 'routes-k8s-gateway-http-route-path-prefix.json', X.ROUTES_K8S_GATEWAY],
    [['route'], 'describe-http.json', X.DESCRIBE_HTTP_ROUTES],
    [['secret'], 'secrets-istio.json', X.SECRETS_ISTIO],
    [['s'], 'secrets-spire.json', X.SECRETS_SPIRE],
    [['bootstrap', '-o', 'short'], 'bootstrap-only.json', X.BOOTSTRAP_ONLY_SHORT],
    [['bootstrap'], 'bootstrap-only.json', X.BOOTSTRAP_ONLY_JSON],
    [['ecds'], 'ecds.json', X.ECDS_SHORT],
    [['all'], 'sidecar-full.json', X.SIDECAR_ALL],
    [['eds', '--port', '53'], 'endpoints.json', X.EDS_PORT_53],
    [['cluster', '--fqdn', 'agent', '-o', 'json'], 'sidecar-full.json', X.AGENT_CLUSTER_JSON],
    [['c', '--fqdn=agent', '-o', 'yaml'], 'sidecar-full.json', X.AGENT_CLUSTER_YAML],
  ])('pc %j -f %s', async (args, file, expected) => {
    const r = await sailctl(['pc', ...args, '-f', dump(file)], { env });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(expected);
  });

  it('endpoint reads a saved clusters?format=json', async () => {
    expect((await sailctl(['proxy-config', 'endpoints', '-f', CLUSTERS], { env })).stdout).toBe(X.ENDPOINTS);
    expect((await sailctl(['pc', 'ep', '-f', CLUSTERS, '--cluster', 'sds-grpc', '-o', 'json'], { env })).stdout).toBe(X.ENDPOINTS_SDS_JSON);
  });

  it('all -o json passes the dump through unchanged; -f - reads stdin', async () => {
    const text = readFileSync(dump('sidecar-full.json'), 'utf8');
    expect((await sailctl(['pc', 'all', '-o', 'json', '-f', dump('sidecar-full.json')], { env })).stdout).toBe(text + '\n');
    expect((await sailctl(['pc', 'cluster', '-f', '-'], { env, input: text })).stdout).toBe(X.SIDECAR_CLUSTERS);
  });

  it('every dump file and type either prints or fails with one sentence and exit 1, never a crash', async () => {
    const files = readdirSync(X.DUMPS).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(11);
    const runs = files.flatMap((file) => ['cluster', 'listener', 'route', 'secret', 'bootstrap', 'ecds', 'eds', 'all'].map((type) => ({ file, type, output: type === 'cluster' || type === 'route' ? 'json' : 'short' })));
    // Four at a time: each is a process start.
    for (let i = 0; i < runs.length; i += 4) {
      await Promise.all(
        runs.slice(i, i + 4).map(async ({ file, type, output }) => {
          const r = await sailctl(['pc', type, '-f', dump(file), '-o', output], { env });
          if (r.exitCode === 0) {
            expect(r.stdout.length, `${type} ${file} -o ${output}`).toBeGreaterThan(0);
            if (output === 'json') expect(() => JSON.parse(r.stdout), `${type} ${file}`).not.toThrow();
          } else {
            expect(r.exitCode, `${type} ${file} -o ${output}: ${r.stderr}`).toBe(1);
            expect(r.stderr.trim().split('\n')[0], `${type} ${file}`).toMatch(/^Error: (config dump has no configuration type|no (clusters|listeners|routes) found|listener dump|endpoints not found|sidecar doesn't support secrets)/);
            expect(r.stderr).not.toMatch(/\n\s+at /);
          }
        }),
      );
    }
  }, 120_000);
});

describe('errors', () => {
  it.each([
    [['pc', 'cluster'], /^Error: cluster requires pod name or --file parameter\n/],
    [['pc', 'endpoint'], /^Error: endpoints requires pod name or --file parameter\n/],
    [['pc', 'cluster', 'a', 'b'], /^Error: cluster requires pod name or --file parameter\n/],
    [['pc', 'cluster', 'pod', '-f', 'x.json'], /^Error: cluster requires pod name or --file parameter\n/],
    [['pc', 'cluster', '-f', dump('sidecar-full.json'), '-o', 'table'], /^Error: output format "table" not supported\n/],
    [['pc', 'log'], /^Error: log requires pod name or --selector\n/],
    [['pc', 'log', 'p', '--level', 'debug', '-r'], /^Error: --level cannot be combined with --reset\n/],
    [['pc', 'log', 'p', '-o', 'json'], /^Error: --output is not applicable for this command\n/],
    [['pc', 'rootca-compare', 'a'], /^Error: rootca-compare requires 2 pods as an argument\n/],
    [['pc', 'cluster', '-f', dump('sidecar-full.json'), '--proxy-admin-port', '70000'], /^Error: port number 70000 must be in the range 1..65535\n/],
    [['pc', 'cluster', '-f', dump('bootstrap-only.json')], /^Error: config dump has no configuration type type.googleapis.com\/envoy.admin.v3.ClustersConfigDump\n/],
    [['pc', 'eds', '-f', dump('sidecar-full.json').replace('sidecar-full', 'routes-empty-gateway')], /^Error: endpoints not found \(was include_eds=true used\?\)/],
  ])('%j', async (args, message) => {
    const r = await sailctl(args, { env });
    expect(r.stderr).toMatch(message);
    // Wrong arguments and flag values are usage errors (64); a dump without what was asked for is a failure (1).
    expect(r.exitCode).toBe(/requires|not supported|cannot be combined|not applicable|must be in the range/.test(String(message)) ? 64 : 1);
    expect(r.stdout).toBe('');
  });

  // sailctl's convention for unreadable input (README compat table): exit 65, where istioctl exits 1.
  describe('an unreadable -f file is exit 65, one line naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sailctl-pc-'));
    const file = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const bad = file('bad.json', '{\n  "configs": [\n    {"@type": "x",}\n  ]\n}\n');
    const empty = file('empty.json', '\n');
    const list = file('list.json', '[1, 2]\n');
    it.each([
      [['pc', 'cluster', '-f', '/nonexistent/dump.json'], 'Error: cannot read /nonexistent/dump.json: no such file'],
      [['pc', 'cluster', '-f', dir], `Error: cannot read ${dir}: is a directory`],
      [['pc', 'cluster', '-f', bad], `Error: ${bad}:3:19: invalid JSON (Expected double-quoted property name) (expected an Envoy config dump)`],
      [['pc', 'endpoint', '-f', bad], `Error: ${bad}:3:19: invalid JSON (Expected double-quoted property name) (expected an Envoy clusters response)`],
      [['pc', 'all', '-f', empty], `Error: ${empty}: empty (expected an Envoy config dump)`],
      [['pc', 'route', '-f', list], `Error: ${list}: not a config dump (an object with a "configs" list) (expected an Envoy config dump)`],
    ])('%j', async (args, message) => {
      const r = await sailctl(args, { env });
      expect(r.stderr).toBe(`${message}\n`);
      expect(r.exitCode).toBe(65);
      expect(r.stdout).toBe('');
    });
  });

  it('a bad --port is a flag error (exit 64)', async () => {
    const r = await sailctl(['pc', 'cluster', '-f', dump('sidecar-full.json'), '--port', 'http'], { env });
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toMatch(/invalid argument "http" for "--port" flag/);
    // judged before the dump is read, as istioctl's flag parsing does
    const unread = await sailctl(['pc', 'cluster', '-f', join(tmpdir(), 'no-such-dump.json'), '--port', 'http'], { env });
    expect(unread.exitCode).toBe(64);
    expect(unread.stderr).toMatch(/invalid argument "http" for "--port" flag/);
  });

  it("listener's own --verbose is not sailctl's: no stack trace; the global -v still gives one", async () => {
    const own = await sailctl(['pc', 'listener', '-f', dump('sidecar-full.json'), '--verbose', '--port', 'http'], { env });
    expect(own.exitCode).toBe(64);
    expect(own.stderr.split('\n').filter((l) => l.trim().startsWith('at '))).toEqual([]);
    const global = await sailctl(['-v', 'pc', 'listener', '-f', dump('sidecar-full.json'), '--port', 'http'], { env });
    expect(global.exitCode).toBe(64);
    expect(global.stderr).toMatch(/\n\s+at /);
  });
});

describe('offline stays offline', () => {
  it('pc -f never imports @kubernetes/client-node', async () => {
    const trace = join(import.meta.dirname, '..', 'cli', 'fixtures', 'trace-imports.mjs');
    const file = join(mkdtempSync(join(tmpdir(), 'sailctl-trace-')), 'imports.txt');
    for (const args of [['pc', 'cluster', '-f', dump('sidecar-full.json')], ['pc', 'all', '-f', dump('sidecar-full.json'), '-o', 'yaml'], ['pc', 'ep', '-f', CLUSTERS, '-o', 'json']]) {
      await execa(process.execPath, ['--import', trace, SAILCTL, ...args], { reject: false, env: { SAILCTL_TRACE_FILE: file, HOME: tmpdir(), KUBECONFIG: '' }, stdin: 'ignore' });
      const loaded = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
      expect(loaded.some((u) => u.includes('bin/sailctl.js'))).toBe(true);
      expect(loaded.filter((u) => u.includes('@kubernetes/client-node'))).toEqual([]);
    }
  });
});
