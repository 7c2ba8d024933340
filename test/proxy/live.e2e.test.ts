/**
 * `sailctl pc <type> <pod>` against the emulator: the pod's Envoy admin port is a fake admin
 * (test/helpers/fake-envoy-admin.ts) serving a real dump, reached through the API server's
 * port-forward. Checks the bytes printed (same as offline), the exact admin path istioctl
 * asks for, pod resolution, and errors. The real kubectl port-forward judges the plumbing.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';
import { startFakeEnvoyAdmin, type FakeEnvoyAdmin } from '../helpers/fake-envoy-admin.js';
import { findKubectl, kubectlPortForward } from '../kube-emulator/portforward/testing/kubectl.js';
import { startDashboardEnv, waitPodReady, type DashboardEnv } from '../dashboard/helpers.js';
import * as X from './expected.js';

const POD = 'httpbin-794b576b6c-qx6pf';
const FULL = readFileSync(join(X.DUMPS, 'sidecar-full.json'), 'utf8');
const SECRETS = readFileSync(join(X.DUMPS, 'secrets-istio.json'), 'utf8');

let env: DashboardEnv;
let admin: FakeEnvoyAdmin;
let other: FakeEnvoyAdmin;

async function addProxyPod(name: string, forwards: Record<number, FakeEnvoyAdmin>, opts: { proxy?: boolean; labels?: Record<string, string> } = {}) {
  env.emu.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: 'default',
      name,
      labels: opts.labels ?? { app: 'httpbin' },
      annotations: Object.fromEntries(Object.entries(forwards).map(([port, fake]) => [`kube-emulator/forward-${port}`, `127.0.0.1:${fake.port}`])),
    },
    spec: { containers: [{ name: 'httpbin', image: 'kennethreitz/httpbin' }, ...(opts.proxy === false ? [] : [{ name: 'istio-proxy', image: 'istio/proxyv2:1.24.0' }])] },
  });
  await waitPodReady(env.emu, 'default', name);
}

beforeAll(async () => {
  env = await startDashboardEnv();
  const clusters = readFileSync(join(import.meta.dirname, 'fixtures', 'clusters.json'), 'utf8');
  const logging = readFileSync(join(import.meta.dirname, 'fixtures', 'logging.txt'), 'utf8');
  admin = await startFakeEnvoyAdmin({ dump: FULL, clusters, logging });
  other = await startFakeEnvoyAdmin({ dump: SECRETS });
  await addProxyPod(POD, { 15000: admin, 15001: admin });
  await addProxyPod('sleep-1', { 15000: other }, { labels: { app: 'sleep' } });
  await addProxyPod('plain-1', { 15000: admin }, { proxy: false, labels: { app: 'plain' } });
  await addProxyPod('noadmin-1', {}, { labels: { app: 'noadmin' } });
  // A Deployment whose selector picks the pod above (no replicas of its own).
  env.emu.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace: 'default', name: 'httpbin' },
    spec: { replicas: 0, selector: { matchLabels: { app: 'httpbin' } }, template: { metadata: { labels: { app: 'httpbin' } }, spec: { containers: [{ name: 'httpbin', image: 'x' }] } } },
  });
}, 30_000);

afterAll(async () => {
  await env?.stop();
  await Promise.all([admin?.close(), other?.close()]);
});

const pc = (args: string[]) => sailctl(['--kubeconfig', env.kubeconfig, 'pc', ...args], { env: { SAILCTL_TEST_NOW: '2025-01-01T00:00:00Z' } });

describe('through the port-forward', () => {
  it.each([
    [['cluster', POD], X.SIDECAR_CLUSTERS, 'GET /config_dump?mask=dynamic_active_clusters,dynamic_warming_clusters,static_clusters'],
    [['listener', POD], X.SIDECAR_LISTENERS, 'GET /config_dump?mask=dynamic_listeners,static_listeners'],
    [['route', POD], X.SIDECAR_ROUTES, 'GET /config_dump?mask=dynamic_route_configs,static_route_configs'],
    [['bootstrap', POD, '-o', 'short'], X.SIDECAR_BOOTSTRAP_SHORT, 'GET /config_dump?mask=bootstrap'],
    [['all', POD], X.SIDECAR_ALL, 'GET /config_dump?include_eds=true'],
    [['endpoint', POD], X.ENDPOINTS, 'GET /clusters?format=json'],
    [['secret', 'sleep-1'], X.SECRETS_ISTIO, 'GET /config_dump?mask=dynamic_active_secrets,dynamic_warming_secrets'],
  ])('pc %j prints what the offline read prints, and asks istioctl\'s path', async (args, expected, path) => {
    const fake = args[1] === 'sleep-1' ? other : admin;
    const before = fake.requests.length;
    const r = await pc(args);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(expected);
    expect(r.exitCode).toBe(0);
    expect(fake.requests.slice(before)).toEqual([path]);
  });

  it('all -o json is the admin response byte for byte', async () => {
    const r = await pc(['all', POD, '-o', 'json']);
    expect(r.stdout).toBe(FULL + '\n');
  });

  it('ecds and eds ask for the dump with EDS', async () => {
    const before = admin.requests.length;
    // Envoy-internal endpoints print as envoy://listener/id; the static one sorts after (host prometheus_stats).
    expect((await pc(['eds', POD])).stdout).toBe(
      X.table([50, 12, 13], [
        ['NAME', 'STATUS', 'LOCALITY', 'CLUSTER'],
        ['envoy://connect_originate/192.168.195.248:800', 'HEALTHY', '', 'inbound-vip|8100|http|httpbin.default.svc.cluster.local'],
        ['127.0.0.1:15000', 'HEALTHY', '', 'prometheus_stats'],
      ]),
    );
    const ecds = await pc(['ecds', POD]);
    expect(ecds.stderr).toBe('Error: config dump has no configuration type type.googleapis.com/envoy.admin.v3.EcdsConfigDump\n');
    expect(admin.requests.slice(before)).toEqual(['GET /config_dump?include_eds=true', 'GET /config_dump?include_eds=true']);
  });

  it('finds the pod as name.namespace, deployment/name and -n; the admin port comes from --proxy-admin-port', async () => {
    expect((await pc(['cluster', `${POD}.default`])).stdout).toBe(X.SIDECAR_CLUSTERS);
    expect((await pc(['cluster', 'deployment/httpbin'])).stdout).toBe(X.SIDECAR_CLUSTERS);
    expect((await pc(['cluster', 'deploy/httpbin.default', '--proxy-admin-port', '15001'])).stdout).toBe(X.SIDECAR_CLUSTERS);
    expect((await sailctl(['--kubeconfig', env.kubeconfig, '-n', 'default', 'pc', 'c', POD])).stdout).toBe(X.SIDECAR_CLUSTERS);
  });

  it('log reads and sets levels with POSTs to /logging', async () => {
    const before = admin.requests.length;
    const read = await pc(['log', POD]);
    expect(read.stdout).toBe(`${POD}.default:\n${readFileSync(join(import.meta.dirname, 'fixtures', 'logging.txt'), 'utf8')}`);
    const set = await pc(['log', POD, '--level', 'http:debug']);
    expect(set.exitCode).toBe(0);
    expect(set.stdout).toMatch(/\n {2}http: debug\n/);
    expect(set.stdout).toMatch(/\n {2}admin: warning\n/);
    const all = await pc(['o', '-l', 'app=httpbin', '--level', 'warn']);
    expect(all.stdout).toMatch(/^httpbin-794b576b6c-qx6pf\.default:\nactive loggers:\n {2}admin: warning\n/);
    expect(admin.requests.slice(before)).toEqual(['POST /logging', 'POST /logging', 'POST /logging', 'POST /logging?http=debug', 'POST /logging', 'POST /logging?level=warning']);
    const bad = await pc(['log', POD, '--level', 'nosuchlogger:debug']);
    expect(bad.stderr).toBe('Error: unrecognized logger name: nosuchlogger\n');
    expect(bad.exitCode).toBe(1);
    expect((await pc(['log', POD, '--level', 'loud'])).stderr).toBe('Error: unrecognized logging level: loud\n');
  });

  it('rootca-compare compares the two pods\' ROOTCA', async () => {
    const r = await pc(['rc', POD, 'sleep-1']);
    expect(r.stdout).toBe(`Both [${POD}.default] and [sleep-1.default] have the identical ROOTCA, theoretically the connectivity between them is available\n`);
    expect(r.exitCode).toBe(0);
  });
});

describe('errors, one sentence each, exit 1', () => {
  it.each([
    [['cluster', 'nope'], /^Error: failed to execute command on nope\.default sidecar: pods "nope" not found in the "default" namespace\n/],
    [['cluster', 'deployment/nope'], /^Error: failed retrieving: deployments\.apps "nope" not found in the "default" namespace\n/],
    [['cluster', 'plain-1'], /^Error: failed to execute command on plain-1\.default sidecar: the pod has no istio-proxy container/],
    [['cluster', 'noadmin-1'], /^Error: failed to execute command on noadmin-1\.default sidecar: failure running port forward process: .*connection refused/],
    [['endpoint', 'sleep-1'], /^Error: failed to execute command on Envoy: unexpected status code: 404\n/],
  ])('pc %j', async (args, message) => {
    const r = await pc(args);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.exitCode).toBe(1);
  });
});

const kubectl = findKubectl();
describe.skipIf(!kubectl)('the real kubectl port-forward carries the same bytes', () => {
  it('GET /config_dump?include_eds=true through kubectl returns the dump unchanged', async () => {
    const pf = await kubectlPortForward(kubectl!, env.kubeconfig, `pod/${POD}`, [':15000']);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: pf.localPorts[0], path: '/config_dump?include_eds=true', agent: false }, (res) => {
          let b = '';
          res.on('data', (c) => (b += c));
          res.on('end', () => resolve(b));
        }).on('error', reject);
      });
      expect(body).toBe(FULL);
      expect((await pc(['all', POD, '-o', 'json'])).stdout).toBe(body + '\n');
    } finally {
      await pf.stop();
    }
  }, 30_000);
});
