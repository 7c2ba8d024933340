// kube-inject throughput, whole process: 1k and 10k generated Deployments (~1 KB each, ~10 MB for
// 10k), offline built-in configuration. The practical floor is a plain parse-and-serialise of the
// same file with the `yaml` package; each case reports its ratio to that floor and ms/document, so
// linear cost shows as equal ms/document at 1k and 10k. Target: 10k Deployments in under 5 s.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function deployment(i) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-${i}
  namespace: team-${i % 17}
  labels:
    app: shop-${i}
    version: v${i % 3}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: shop-${i}
  template:
    metadata:
      labels:
        app: shop-${i}
        version: v${i % 3}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: shop
      containers:
      - name: shop
        image: registry.example.com/shop:1.${i % 50}.0
        ports:
        - containerPort: 8080
          name: http
        - containerPort: 9090
          name: metrics
        env:
        - name: LOG_LEVEL
          value: info
        - name: SHOP_ID
          value: "${i}"
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            cpu: "1"
            memory: 512Mi
        readinessProbe:
          httpGet:
            path: /ready
            port: http
          periodSeconds: 5
        livenessProbe:
          tcpSocket:
            port: 8080
        volumeMounts:
        - name: cache
          mountPath: /var/cache/shop
      volumes:
      - name: cache
        emptyDir: {}
`;
}

/** Median wall time of `runs` runs after one warm-up (the suite needs the numbers itself for the ratios). */
function time(argv, runs) {
  const samples = [];
  let failure;
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: '/nonexistent', KUBECONFIG: '' }, maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) failure = { status: r.status ?? 1, stderr: r.stderr?.toString() ?? String(r.error) };
    if (i > 0) samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], ...(failure ?? {}) };
}

const floors = {};
const perDoc = {};

export default {
  title: 'kube-inject',
  async setup(ctx) {
    for (const n of [1000, 10000]) {
      const parts = [];
      for (let i = 0; i < n; i++) parts.push(deployment(i));
      writeFileSync(join(ctx.tmp, `${n}.yaml`), parts.join('---\n'));
    }
    const yamlUrl = pathToFileURL(createRequire(join(ctx.root, 'package.json')).resolve('yaml')).href;
    writeFileSync(
      join(ctx.tmp, 'floor.mjs'),
      `import yaml from '${yamlUrl}';\nimport { readFileSync } from 'node:fs';\n` +
        `const docs = yaml.parseAllDocuments(readFileSync(process.argv[2], 'utf8'));\n` +
        `process.stdout.write(docs.map((d) => d.toString({ lineWidth: 0 })).join('---\\n'));\n`,
    );
  },
  cases: (ctx) => {
    const cases = [];
    for (const [n, runs] of [[1000, 3], [10000, 2]]) {
      const file = join(ctx.tmp, `${n}.yaml`);
      const label = n === 1000 ? '1k' : '10k';
      cases.push({
        name: `yaml parse+serialise of ${label} Deployments (floor)`,
        units: { count: n, unit: 'docs' },
        measure: () => {
          const r = time([ctx.node, join(ctx.tmp, 'floor.mjs'), file], runs);
          floors[n] = r.median;
          return { ...r, note: `${(r.median / n).toFixed(2)} ms/doc` };
        },
      });
      cases.push({
        name: `kube-inject -f ${label} Deployments`,
        units: { count: n, unit: 'docs' },
        measure: () => {
          const r = time([ctx.node, ctx.sailctl, 'kube-inject', '-f', file], runs);
          perDoc[n] = r.median / n;
          const linear = n === 10000 && perDoc[1000] ? `; ${(perDoc[n] / perDoc[1000]).toFixed(2)}× the 1k cost per doc` : '';
          return { ...r, note: `${perDoc[n].toFixed(2)} ms/doc; ${(r.median / floors[n]).toFixed(2)}× the yaml floor${linear}` };
        },
      });
    }
    return cases;
  },
};
