/**
 * The fast path (plain values, yaml/fast-stringify's emitYaml) must write exactly the bytes the yaml Document path
 * writes, for every document it accepts; documents it declines go the Document way.
 */
import { describe, expect, it } from 'vitest';
import { kubeInject } from '../../src/inject/kube-inject.js';
import { deployment, testConfig } from './helpers.js';

const config = testConfig();
const nativeConfig = testConfig({ native: true });

function bothPaths(text: string, cfg = config) {
  const fast = kubeInject(text, 'in.yaml', cfg);
  const slow = kubeInject(text, 'in.yaml', cfg, { fastPath: false });
  expect(slow.fastPath).toBe(0);
  expect(fast.output).toBe(slow.output);
  expect(fast.warnings).toEqual(slow.warnings);
  return fast;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const NAMES = ['web', 'a-b', 'x1', 'api-v2'];
const VALUES = ['"1"', '"true"', 'v1', '"8080"', "'quoted'", '"with: colon"', '""', '"yes"', 'plain text', '"{\\"a\\":1}"', '"line\\nbreak"'];
const ANNOTATIONS = [
  'sidecar.istio.io/proxyCPU: "200m"',
  'sidecar.istio.io/inject: "false"',
  'prometheus.io/scrape: "true"\n        prometheus.io/port: "9000"',
  'traffic.sidecar.istio.io/excludeOutboundPorts: "25,465"',
  'sidecar.istio.io/nativeSidecar: "true"',
  'proxy.istio.io/config: "holdApplicationUntilProxyStarts: true"',
  'sidecar.istio.io/userVolume: \'{"extra":{"emptyDir":{}}}\'',
  'status.sidecar.istio.io/port: "0"',
];

/** A random Deployment-like workload in either list style, sometimes with things the fast path declines. */
function workload(r: () => number, i: number): string {
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const step = r() < 0.5 ? 0 : 2; // sequences under their key, or indented by two
  const d = ' '.repeat(6 + step); // container dash
  const k = ' '.repeat(8 + step); // container keys
  const pd = ' '.repeat(8 + 2 * step); // dash of lists inside a container
  const kind = pick(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet']);
  const annotation = r() < 0.6 ? `      annotations:\n        ${pick(ANNOTATIONS)}\n` : '';
  const extra = [
    r() < 0.3 ? `${k}env:\n${pd}- name: A\n${pd}  value: ${pick(VALUES)}\n` : '',
    r() < 0.3 ? `${k}readinessProbe:\n${k}  httpGet: {path: /r, port: 8080}\n` : '',
    r() < 0.3 ? `${k}livenessProbe:\n${k}  tcpSocket:\n${k}    port: http\n` : '',
    r() < 0.2 ? `${k}args: # keep\n${pd}- --flag\n` : '',
    r() < 0.2 ? `${k}resources: {}\n` : '',
  ].join('');
  const volumes = r() < 0.2 ? `      volumes:\n${d}- name: data\n${d}  emptyDir: {}\n` : '';
  const second = r() < 0.3 ? `${d}- name: second\n${k}image: busybox\n` : '';
  return `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${pick(NAMES)}-${i}
  labels:
    team: ${pick(VALUES)}
spec:
  template:
    metadata:
      labels:
        app: ${pick(NAMES)}
${annotation}    spec:
      containers:
${d}- name: main
${k}image: nginx:1.${i}
${k}ports:
${pd}- containerPort: 8080
${pd}  name: http
${extra}${second}${volumes}`;
}

/** Values and annotations mostly quoted as the library would write them (others send a document the slow way). */
const FLOW_VALUES = ['"1"', '"true"', 'v1', '"8080"', '""', 'plain text', '"with: colon"', '"a,b"', "'quoted'"];
const FLOW_ANNOTATIONS = [
  'sidecar.istio.io/proxyCPU: 200m',
  'sidecar.istio.io/inject: "false"',
  'prometheus.io/scrape: "true", prometheus.io/port: "9000"',
  'traffic.sidecar.istio.io/excludeOutboundPorts: "25,465"',
  'sidecar.istio.io/nativeSidecar: "true"',
  'status.sidecar.istio.io/port: "0"',
  'proxy.istio.io/config: "holdApplicationUntilProxyStarts: true"',
];

/** The same kind of workload written with flow collections, as many users and tools write them. */
function flowWorkload(r: () => number, i: number): string {
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const pad = r() < 0.5 ? ' ' : '';
  const map = (body: string) => `{${pad}${body}${pad}}`;
  const seq = (body: string) => `[${pad}${body}${pad}]`;
  const annotation = r() < 0.5 ? `      annotations: ${map(pick(FLOW_ANNOTATIONS))}\n` : '';
  const env = r();
  const resources = r();
  const extra = [
    env < 0.4 ? `        env: ${seq(`${map(`name: A, value: ${pick(FLOW_VALUES)}`)}, ${map('name: B, value: x')}`)}\n` : '',
    env >= 0.4 && env < 0.7 ? `        env:\n        - ${map(`name: A, value: ${pick(FLOW_VALUES)}`)}\n` : '',
    r() < 0.4 ? `        readinessProbe:\n          httpGet: ${map('path: /r, port: 8080')}\n` : '',
    r() < 0.3 ? `        livenessProbe: ${map(`tcpSocket: ${map('port: http')}`)}\n` : '',
    r() < 0.3 ? `        args: ${seq('--flag, --v=2')}\n` : '',
    resources < 0.3 ? `        resources: {}\n` : '',
    resources >= 0.3 && resources < 0.6 ? `        resources: ${map(`limits: ${map('cpu: 1000m, memory: 1024Mi')}`)}\n` : '',
  ].join('');
  const proxy = r() < 0.25 ? `      - ${map(`name: istio-proxy, image: auto, resources: {}, securityContext: ${map('runAsUser: 2000')}`)}\n` : '';
  const podSecurity = r() < 0.25 ? `      securityContext: {}\n` : '';
  const template = r() < 0.2 ? `        inject.istio.io/templates: gateway\n` : '';
  return `apiVersion: apps/v1
kind: ${pick(['Deployment', 'StatefulSet', 'DaemonSet'])}
metadata:
  name: ${pick(NAMES)}-${i}
  labels: ${map(`team: ${pick(FLOW_VALUES)}`)}
spec:
  selector:
    matchLabels: ${map('app: x')}
  template:
    metadata:
      labels: ${map(`app: ${pick(NAMES)}, version: v${i % 3}`)}
${template ? `      annotations:\n${template}` : annotation}    spec:
${podSecurity}      containers:
      - name: main
        image: nginx:1.${i}
        ports: ${seq(`${map('containerPort: 8080, name: http')}, ${map('containerPort: 9090')}`)}
${extra}${proxy}      volumes: ${seq(map('name: data, emptyDir: {}'))}
`;
}

describe('fast path writes what the yaml Document path writes', () => {
  it('on the test deployments, each kind, Lists and re-injection', () => {
    const inputs = [
      deployment(),
      deployment({ annotations: { 'sidecar.istio.io/proxyImage': 'example.com/proxy:1' }, labels: { version: 'v2' } }),
      deployment({ extra: '        readinessProbe:\n          httpGet: {path: /r, port: 8080}\n' }),
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n',
      'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cj\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            image: i\n',
      `apiVersion: v1\nkind: List\nitems:\n- ${deployment().replace(/\n/g, '\n  ').trimEnd()}\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s\n`,
    ];
    let fast = 0;
    for (const text of inputs) {
      for (const cfg of [config, nativeConfig]) {
        const once = bothPaths(text, cfg);
        fast += once.fastPath;
        fast += bothPaths(once.output, cfg).fastPath; // re-injection
      }
    }
    // The helpers quote label values ("hello"), which the library would not: only re-injections and plain inputs qualify.
    expect(fast).toBeGreaterThanOrEqual(4);
  });

  it('on 300 generated workloads in flow style, classic and native (most on the fast path)', () => {
    const r = rng(9);
    for (const cfg of [config, nativeConfig]) {
      const docs: string[] = [];
      for (let i = 0; i < 150; i++) docs.push(flowWorkload(r, i));
      const result = bothPaths(docs.join('---\n'), cfg);
      // Quoting the library would write differently (e.g. 'quoted') sends a document the slow way.
      expect(result.fastPath).toBeGreaterThan(100);
      const again = bothPaths(result.output, cfg);
      expect(again.output).toBe(result.output);
    }
  });

  it('on 150 generated workloads (some declined: comments, flow maps, quoting)', () => {
    const r = rng(5);
    const docs: string[] = [];
    for (let i = 0; i < 150; i++) docs.push(workload(r, i));
    const result = bothPaths(docs.join('---\n'));
    expect(result.fastPath).toBeGreaterThan(30);
    expect(result.fastPath).toBeLessThan(150);
  });
});
