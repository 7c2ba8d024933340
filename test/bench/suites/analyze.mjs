// analyze and validate: offline analysis of 1k, 5k and 10k generated resources (services,
// deployments, virtual services, destination rules, gateways in 5-resource apps), to show the
// cost per resource stays flat (linear scaling), and validate -f throughput.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const SIZES = [1000, 5000, 10000];
const APPS_PER_NAMESPACE = 100;

function app(i) {
  const ns = `shop-${Math.floor(i / APPS_PER_NAMESPACE)}`;
  const name = `app-${i}`;
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}-v1, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${name}, version: v1}}
  template:
    metadata: {labels: {app: ${name}, version: v1}}
    spec:
      containers: [{name: app, image: example/app:1.0, ports: [{containerPort: 8080}]}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}-gw, namespace: ${ns}}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [${name}.example.com]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: [${name}.example.com]
  gateways: [${name}-gw]
  http:
    - match: [{uri: {prefix: /api}}]
      timeout: 5s
      route: [{destination: {host: ${name}, subset: v1, port: {number: 80}}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: ${ns}}
spec:
  host: ${name}.${ns}.svc.cluster.local
  trafficPolicy: {connectionPool: {tcp: {maxConnections: 100}}}
  subsets: [{name: v1, labels: {version: v1}}]
`;
}

function corpus(resources) {
  const apps = resources / 5;
  const namespaces = Math.ceil(apps / APPS_PER_NAMESPACE);
  const parts = [];
  for (let n = 0; n < namespaces; n++) parts.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: shop-${n}, labels: {istio-injection: enabled}}\n`);
  // The ingress gateway the Gateways select, with a Service exposing port 80.
  parts.push('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: istio-ingressgateway, namespace: istio-system}\nspec:\n  selector: {matchLabels: {istio: ingressgateway}}\n  template:\n    metadata: {labels: {istio: ingressgateway, app: istio-ingressgateway, sidecar.istio.io/inject: "true"}}\n    spec: {containers: [{name: istio-proxy, image: auto}]}\n');
  parts.push('apiVersion: v1\nkind: Service\nmetadata: {name: istio-ingressgateway, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  ports: [{name: http2, port: 80, targetPort: 8080, protocol: TCP}]\n');
  for (let i = 0; i < apps; i++) parts.push(app(i));
  return parts.join('---\n');
}

/** CPU time (user + system, ms) of this process's reaped children; Linux only, else undefined. */
function childCpuMs() {
  try {
    // /proc/self/stat fields 16 and 17 (after the parenthesised command name): cutime, cstime in ticks of 10 ms.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Median wall time of a whole process over `runs` runs (after one warm-up), and its median
 * CPU time, which a busy machine inflates far less than wall time.
 */
function time(argv, runs, okStatus = [0]) {
  const samples = [];
  const cpu = [];
  let last;
  for (let i = 0; i <= runs; i++) {
    const cpu0 = childCpuMs();
    const start = process.hrtime.bigint();
    last = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    if (i > 0) {
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (cpu0 !== undefined) cpu.push(childCpuMs() - cpu0);
    }
  }
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const status = okStatus.includes(last.status) ? 0 : last.status;
  return { median: samples[Math.floor(samples.length / 2)], cpu: cpu.length ? cpu[Math.floor(cpu.length / 2)] : undefined, status, stderr: last.stderr.toString() };
}

const cpuNote = (r) => (r.cpu === undefined ? '' : `CPU ${(r.cpu / 1000).toFixed(2)} s`);

const medians = new Map();

/** The Istio CRDs as the API server needs them (names, scope, served versions). */
function crds() {
  const kinds = [['Gateway', 'gateways'], ['VirtualService', 'virtualservices'], ['DestinationRule', 'destinationrules']];
  return kinds
    .map(([kind, plural]) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${plural}.networking.istio.io}
spec:
  group: networking.istio.io
  scope: Namespaced
  names: {kind: ${kind}, plural: ${plural}, singular: ${kind.toLowerCase()}, listKind: ${kind}List}
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
`)
    .join('---\n');
}

const LIVE_RESOURCES = 1000;
let emulator;

/** Starts the Kubernetes API emulator and loads LIVE_RESOURCES generated resources with kubectl. */
async function startLiveCluster(ctx) {
  const tsx = `${ctx.root}/node_modules/.bin/tsx`;
  if (!existsSync(tsx) || spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0) return undefined;
  const kubeconfig = `${ctx.tmp}/kubeconfig`;
  // One process (tsx as a loader), so teardown's kill reaches the server itself.
  emulator = spawn(ctx.node, ['--import', 'tsx', `${ctx.root}/test/kube-emulator/main.ts`, '--kubeconfig', kubeconfig, '--http', '--ready-delay-ms', '1'], { stdio: ['ignore', 'pipe', 'ignore'], cwd: ctx.root });
  await new Promise((resolve, reject) => {
    emulator.stdout.once('data', resolve);
    emulator.once('exit', (code) => reject(new Error(`kube-emulator exited with ${code}`)));
  });
  const kubectl = (file) => {
    const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'create', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`kubectl create -f ${file}: ${r.stderr}`);
  };
  writeFileSync(`${ctx.tmp}/crds.yaml`, crds());
  kubectl(`${ctx.tmp}/crds.yaml`);
  const all = corpus(LIVE_RESOURCES).split('---\n');
  writeFileSync(`${ctx.tmp}/live-ns.yaml`, ['apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n', ...all.filter((d) => d.includes('kind: Namespace'))].join('---\n'));
  writeFileSync(`${ctx.tmp}/live-rest.yaml`, all.filter((d) => !d.includes('kind: Namespace')).join('---\n'));
  kubectl(`${ctx.tmp}/live-ns.yaml`);
  kubectl(`${ctx.tmp}/live-rest.yaml`);
  return kubeconfig;
}

export default {
  title: 'analyze / validate',
  teardown() {
    emulator?.kill('SIGKILL');
  },
  async setup(ctx) {
    for (const n of SIZES) writeFileSync(`${ctx.tmp}/r${n}.yaml`, corpus(n));
  },
  cases: (ctx) => [
    ...SIZES.map((n) => ({
      name: `analyze --use-kube=false ${n.toLocaleString('en-US')} resources`,
      units: { count: n, unit: 'resources' },
      measure: () => {
        const r = time([ctx.node, ctx.sailctl, 'analyze', '--use-kube=false', '-o', 'json', `${ctx.tmp}/r${n}.yaml`], n >= 10000 ? 3 : 5, [0, 79]);
        medians.set(n, r.median);
        const base = medians.get(SIZES[0]);
        const perResource = `${((r.median / n) * 1000).toFixed(0)} µs/resource`;
        const scaling = n === SIZES[0] ? '' : `${(r.median / base).toFixed(2)}× the ${SIZES[0] / 1000}k time for ${n / SIZES[0]}× the resources`;
        return { ...r, note: [perResource, scaling, cpuNote(r)].filter(Boolean).join('; ') };
      },
    })),
    {
      name: `analyze -A, live: ${LIVE_RESOURCES.toLocaleString('en-US')} resources (+ controller-made pods) in the API emulator`,
      units: { count: LIVE_RESOURCES, unit: 'resources' },
      measure: async () => {
        const kubeconfig = await startLiveCluster(ctx);
        if (!kubeconfig) return { median: 0, status: 0, note: 'skipped: needs kubectl and tsx' };
        const r = time([ctx.node, ctx.sailctl, 'analyze', '-A', '--kubeconfig', kubeconfig, '-o', 'json'], 5, [0, 79]);
        return { ...r, note: cpuNote(r) };
      },
    },
    {
      name: 'validate -f 10,000 resources',
      units: { count: 10000, unit: 'resources' },
      measure: () => {
        const r = time([ctx.node, ctx.sailctl, 'validate', '-f', `${ctx.tmp}/r10000.yaml`], 3);
        return { ...r, note: cpuNote(r) };
      },
    },
  ],
};
