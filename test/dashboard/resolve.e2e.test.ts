/**
 * Which pod, port and URL path each dashboard opens (istioctl.md §2.8), through the library against the
 * emulator: every case forwards a real HTTP request to the stand-in that plays that dashboard's container.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCluster, type Cluster } from '../../src/kube/cluster.js';
import { openDashboard, type DashboardRequest } from '../../src/dashboard/index.js';
import { parsePodArg } from '../../src/kube/pod-target.js';
import { UserError } from '../../src/core/errors.js';
import { addDeployment, addPod, httpGet, startDashboardEnv, startStandIn, type DashboardEnv, type StandIn } from './helpers.js';

let env: DashboardEnv;
let conn: Cluster;
const standIns: Record<string, StandIn> = {};

beforeAll(async () => {
  env = await startDashboardEnv({ tls: false });
  conn = await openCluster({ kubeconfig: env.kubeconfig, timeoutMs: 5000 });
  const { emu } = env;
  for (const name of ['kiali', 'prometheus', 'grafana', 'jaeger', 'zipkin', 'skywalking', 'envoy', 'canary-envoy', 'ctrlz', 'ctrlz-canary', 'debug', 'debug-canary', 'monitoring-grafana']) {
    standIns[name] = await startStandIn(name);
  }
  emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
  emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  const sys = 'istio-system';
  await Promise.all([
    addPod(emu, { namespace: sys, name: 'kiali-7d9f', labels: { app: 'kiali' }, port: 20001, standIn: standIns.kiali! }),
    addPod(emu, { namespace: sys, name: 'prometheus-5b6c', labels: { 'app.kubernetes.io/name': 'prometheus' }, port: 9090, standIn: standIns.prometheus! }),
    addPod(emu, { namespace: 'monitoring', name: 'grafana-1', labels: { 'app.kubernetes.io/name': 'grafana' }, port: 3000, standIn: standIns['monitoring-grafana']! }),
    addPod(emu, { namespace: sys, name: 'jaeger-1', labels: { app: 'jaeger' }, port: 16686, standIn: standIns.jaeger! }),
    addPod(emu, { namespace: sys, name: 'zipkin-1', labels: { app: 'zipkin' }, port: 9411, standIn: standIns.zipkin! }),
    addPod(emu, { namespace: sys, name: 'skywalking-ui-1', labels: { app: 'skywalking-ui' }, port: 8080, standIn: standIns.skywalking! }),
    addPod(emu, { namespace: sys, name: 'istiod-6f8', labels: { app: 'istiod', 'istio.io/rev': 'default' }, port: 9876, standIn: standIns.ctrlz!, annotations: { 'kube-emulator/forward-15014': `127.0.0.1:${standIns.debug!.port}` } }),
    addPod(emu, {
      namespace: sys,
      name: 'istiod-canary-2c1',
      labels: { app: 'istiod', 'istio.io/rev': 'canary' },
      port: 9876,
      standIn: standIns['ctrlz-canary']!,
      // istiod-debug reads the monitoring port from this annotation when it is there.
      annotations: { 'prometheus.io/port': '15020', 'kube-emulator/forward-15020': `127.0.0.1:${standIns['debug-canary']!.port}` },
    }),
    addDeployment(emu, { namespace: 'shop', name: 'productpage', labels: { app: 'productpage' }, port: 15000, standIn: standIns.envoy! }),
    addPod(emu, { namespace: 'default', name: 'ratings-1', labels: { app: 'ratings' }, port: 15000, standIn: standIns['canary-envoy']! }),
  ]);
});

afterAll(async () => {
  await env?.stop();
  await Promise.all(Object.values(standIns).map((s) => s.close()));
});

const base = { address: 'localhost', localPort: 0, istioNamespace: 'istio-system', namespace: 'default', log: () => undefined } as const;

/** Opens the dashboard, fetches its URL through the tunnel, closes it; returns what the user would see. */
async function visit(req: Partial<DashboardRequest> & Pick<DashboardRequest, 'dashboard'>) {
  const d = await openDashboard(conn, { ...base, ...req });
  try {
    const page = await httpGet(d.url);
    return { url: d.url, pod: `${d.target.namespace}/${d.target.name}`, status: page.status, body: page.body.toString() };
  } finally {
    d.tunnel.close();
  }
}

describe('dashboard pod, port and path per dashboard', () => {
  it.each([
    ['kiali', 'istio-system/kiali-7d9f', '/kiali', 'kiali /kiali'],
    ['prometheus', 'istio-system/prometheus-5b6c', '', 'prometheus /'],
    ['jaeger', 'istio-system/jaeger-1', '', 'jaeger /'],
    ['zipkin', 'istio-system/zipkin-1', '', 'zipkin /'],
    ['skywalking', 'istio-system/skywalking-ui-1', '', 'skywalking /'],
  ] as const)('%s: forwards to %s, URL path "%s"', async (dashboard, pod, path, body) => {
    const r = await visit({ dashboard });
    expect(r.url).toMatch(new RegExp(`^http://localhost:\\d+${path}$`));
    expect(r.pod).toBe(pod);
    expect(r).toMatchObject({ status: 200, body });
  });

  it('grafana: not in the Istio namespace, found in -n (istioctl tries -i, then -n)', async () => {
    const r = await visit({ dashboard: 'grafana', namespace: 'monitoring' });
    expect(r).toMatchObject({ pod: 'monitoring/grafana-1', status: 200, body: 'monitoring-grafana /' });
  });

  it('proxy: name.namespace, deployment/name with -n, -l selector, and the envoy alias', async () => {
    const [shopPod] = env.emu.list('v1', 'Pod', 'shop');
    const byName = await visit({ dashboard: 'proxy', podArg: `${shopPod!.metadata.name}.shop` });
    expect(byName).toMatchObject({ pod: `shop/${shopPod!.metadata.name}`, body: 'envoy /' });
    expect(byName.url).toMatch(/^http:\/\/localhost:\d+$/);

    const byWorkload = await visit({ dashboard: 'proxy', podArg: 'deployment/productpage', namespace: 'shop' });
    expect(byWorkload).toMatchObject({ pod: `shop/${shopPod!.metadata.name}`, body: 'envoy /' });

    const bySelector = await visit({ dashboard: 'proxy', selector: 'app=ratings' });
    expect(bySelector).toMatchObject({ pod: 'default/ratings-1', body: 'canary-envoy /' });

    const envoy = await visit({ dashboard: 'envoy', podArg: 'ratings-1' });
    expect(envoy).toMatchObject({ pod: 'default/ratings-1', body: 'canary-envoy /' });
  });

  it('controlz: pod argument, -r revision (app=istiod appended), -l selector', async () => {
    expect(await visit({ dashboard: 'controlz', podArg: 'istiod-6f8' })).toMatchObject({ pod: 'istio-system/istiod-6f8', body: 'ctrlz /' });
    expect(await visit({ dashboard: 'controlz', revision: 'canary' })).toMatchObject({ pod: 'istio-system/istiod-canary-2c1', body: 'ctrlz-canary /' });
    expect(await visit({ dashboard: 'controlz', selector: 'istio.io/rev=canary' })).toMatchObject({ pod: 'istio-system/istiod-canary-2c1' });
    // istio/istio#30262: controlz ignored --address.
    const onAddress = await visit({ dashboard: 'controlz', revision: 'default', address: '127.0.0.1' });
    expect(onAddress.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(onAddress.body).toBe('ctrlz /');
  });

  it('istiod-debug: /debug on 15014, or on the pod\'s prometheus.io/port; no argument means the default revision', async () => {
    const plain = await visit({ dashboard: 'istiod-debug' });
    expect(plain.url).toMatch(/^http:\/\/localhost:\d+\/debug$/);
    expect(plain).toMatchObject({ pod: 'istio-system/istiod-6f8', body: 'debug /debug' });
    expect(await visit({ dashboard: 'istiod-debug', revision: 'canary' })).toMatchObject({ pod: 'istio-system/istiod-canary-2c1', body: 'debug-canary /debug' });
  });

  it('a selector matching several pods uses the first ready one and says so', async () => {
    const logs: string[] = [];
    const r = await visit({ dashboard: 'proxy', selector: 'app=istiod', namespace: 'istio-system', uiPort: 9876, log: (m) => logs.push(m) });
    expect(r.pod).toMatch(/^istio-system\/istiod-/);
    expect(logs).toEqual([`2 pods match app=istiod; using ${r.pod}.`]);
  });

  it('--ui-port overrides the remote port; --address is in the URL', async () => {
    const r = await visit({ dashboard: 'proxy', podArg: 'istiod-6f8.istio-system', uiPort: 9876, address: '127.0.0.1' });
    expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(r.body).toBe('ctrlz /');
  });
});

describe('dashboard errors a user can act on', () => {
  const failure = async (req: Partial<DashboardRequest> & Pick<DashboardRequest, 'dashboard'>): Promise<UserError> => {
    const err = await openDashboard(conn, { ...base, ...req }).then(
      (d) => {
        d.tunnel.close();
        throw new Error('expected a failure');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  };

  it('missing addon: the selector, the namespaces searched, and how to install it', async () => {
    const env2 = await startDashboardEnv({ tls: false });
    const conn2 = await openCluster({ kubeconfig: env2.kubeconfig, timeoutMs: 5000 });
    try {
      const err = await openDashboard(conn2, { ...base, dashboard: 'kiali' }).catch((e: UserError) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toBe('no pods found with selector app=kiali in namespace istio-system or default');
      expect((err as UserError).hint).toMatch(/Kiali addon is not installed.*\n\s+kubectl apply -f https:\/\/raw\.githubusercontent\.com\/istio\/istio\/release-1\.\d+\/samples\/addons\/kiali\.yaml/s);
      expect((err as UserError).exitCode).toBe(1);
    } finally {
      await env2.stop();
    }
  });

  it('pod not ready: shows its status', async () => {
    env.emu.failImages(/broken/);
    await addPod(env.emu, { namespace: 'default', name: 'sick-1', labels: { app: 'sick' }, port: 15000, standIn: standIns.envoy!, image: 'example/broken:1' });
    await env.emu.waitFor(() => env.emu.get('v1', 'Pod', 'default', 'sick-1')?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff', 5000);
    const err = await failure({ dashboard: 'proxy', podArg: 'sick-1' });
    expect(err.message).toMatch(/^pod default\/sick-1 is not ready: Pending \(main: ImagePullBackOff/);
  });

  it('proxy/controlz argument rules use istioctl\'s messages', async () => {
    expect((await failure({ dashboard: 'proxy' })).message).toBe('specify a pod or --selector');
    expect((await failure({ dashboard: 'envoy', podArg: 'a', selector: 'app=a' })).message).toBe('name cannot be provided when a selector is specified');
    expect((await failure({ dashboard: 'controlz' })).message).toBe('specify a pod, --selector, or --revision');
    expect((await failure({ dashboard: 'controlz', podArg: 'a', revision: 'r' })).message).toBe('only one of name, --selector, or --revision can be specified');
    expect((await failure({ dashboard: 'proxy', podArg: 'nope.shop' })).message).toBe('pod nope not found in namespace shop');
    expect((await failure({ dashboard: 'proxy', selector: 'app=nothing' })).message).toBe('no pods found with selector app=nothing in namespace default');
    expect((await failure({ dashboard: 'proxy', podArg: 'deployment/nothing' })).message).toBe('deployment/nothing not found in namespace default');
  });

  it('no permission to port-forward: names the RBAC verb and resource, and the request is never attempted', async () => {
    env.emu.setAccessRules([{ allowed: false, verb: 'create', resource: 'pods', subresource: 'portforward', namespace: 'istio-system' }]);
    try {
      env.emu.resetRequestLog();
      const err = await failure({ dashboard: 'kiali' });
      expect(err.message).toMatch(/not allowed to port-forward to pods in namespace istio-system/);
      expect(err.hint).toContain('"create" on resource "pods/portforward"');
      expect(env.emu.countRequests({ subresource: 'portforward' })).toBe(0);
    } finally {
      env.emu.setAccessRules([]);
    }
  });
});

describe('parsePodArg', () => {
  it('splits [type/]name[.namespace]', () => {
    expect(parsePodArg('productpage-123.shop')).toEqual({ type: undefined, name: 'productpage-123', namespace: 'shop' });
    expect(parsePodArg('deployment/productpage')).toEqual({ type: 'deployment', name: 'productpage' });
    expect(parsePodArg('pod/istiod-1.istio-system')).toEqual({ type: 'pod', name: 'istiod-1', namespace: 'istio-system' });
    expect(parsePodArg('ratings')).toEqual({ type: undefined, name: 'ratings' });
  });
});
