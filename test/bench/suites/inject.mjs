// kube-inject throughput and memory, whole process, offline built-in configuration:
// - 1k, 10k and 50k generated Deployments (~1.2 KB each) in block style, and 1k and 10k in flow
//   style (`labels: {app: x}`, `ports: [{containerPort: 8080}]`); each reports ms/document (equal
//   ms/document from 1k to 50k means linear cost), its ratio to a plain parse-and-serialise of the
//   same file with the `yaml` package, and peak memory (ru_maxrss of the process and its threads).
// - one Deployment, against `node -e 0`.
// - 50k Deployments written into a pipe (as `| kubectl apply -f -`): peak memory while a reader drains it.
// Targets: 10k Deployments under 3 s in either style, linear, peak memory under 250 MB at 50k,
// one Deployment within 2.5× node -e 0.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function blockDeployment(i) {
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

/** The same Deployment with flow collections where people commonly write them. */
function flowDeployment(i) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-${i}
  namespace: team-${i % 17}
  labels: {app: shop-${i}, version: v${i % 3}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: shop-${i}}
  template:
    metadata:
      labels: {app: shop-${i}, version: v${i % 3}}
      annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9090"}
    spec:
      serviceAccountName: shop
      containers:
      - name: shop
        image: registry.example.com/shop:1.${i % 50}.0
        ports: [{containerPort: 8080, name: http}, {containerPort: 9090, name: metrics}]
        env:
        - {name: LOG_LEVEL, value: info}
        - {name: SHOP_ID, value: "${i}"}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: "1", memory: 512Mi}
        readinessProbe:
          httpGet: {path: /ready, port: http}
          periodSeconds: 5
        livenessProbe:
          tcpSocket: {port: 8080}
        volumeMounts:
        - {name: cache, mountPath: /var/cache/shop}
      volumes:
      - name: cache
        emptyDir: {}
`;
}

const SIZES = [
  ['block', 1000, 3],
  ['block', 10000, 3],
  ['block', 50000, 1],
  ['flow', 1000, 3],
  ['flow', 10000, 3],
];
const label = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));
const mib = (kb) => `${(kb / 1024).toFixed(0)} MiB`;

/**
 * Median wall time of `runs` runs after one warm-up, and the largest peak memory seen. Peak
 * memory comes from /usr/bin/time -v when installed (ru_maxrss of the process tree), else from
 * a wrapper that reports process.resourceUsage() of the child.
 */
function time(ctx, argv, runs) {
  const samples = [];
  let peakKb = 0;
  let failure;
  const haveTime = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { stdio: 'ignore' }).status === 0;
  for (let i = 0; i <= runs; i++) {
    const cmd = haveTime ? ['/usr/bin/time', '-f', 'maxrss=%M', ...argv] : [ctx.node, join(ctx.tmp, 'rss.mjs'), ...argv];
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: '/nonexistent', KUBECONFIG: '' }, maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const stderr = r.stderr?.toString() ?? String(r.error);
    if (r.status !== 0) failure = { status: r.status ?? 1, stderr };
    const m = /maxrss=(\d+)/.exec(stderr);
    if (m) peakKb = Math.max(peakKb, Number(m[1]));
    if (i > 0) samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], peakKb, ...(failure ?? {}) };
}

const floors = {};
const perDoc = {};

export default {
  title: 'kube-inject',
  async setup(ctx) {
    for (const [style, n] of SIZES) {
      const make = style === 'flow' ? flowDeployment : blockDeployment;
      const parts = [];
      for (let i = 0; i < n; i++) parts.push(make(i));
      writeFileSync(join(ctx.tmp, `${style}-${n}.yaml`), parts.join('---\n'));
    }
    writeFileSync(join(ctx.tmp, 'one.yaml'), blockDeployment(0));
    const yamlUrl = pathToFileURL(createRequire(join(ctx.root, 'package.json')).resolve('yaml')).href;
    writeFileSync(
      join(ctx.tmp, 'floor.mjs'),
      `import yaml from '${yamlUrl}';\nimport { readFileSync } from 'node:fs';\n` +
        `const docs = yaml.parseAllDocuments(readFileSync(process.argv[2], 'utf8'));\n` +
        `process.stdout.write(docs.map((d) => d.toString({ lineWidth: 0 })).join('---\\n'));\n`,
    );
    writeFileSync(
      join(ctx.tmp, 'rss.mjs'),
      `import { spawnSync } from 'node:child_process';\n` +
        `const r = spawnSync(process.argv[2], process.argv.slice(3), { stdio: 'inherit' });\n` +
        `process.stderr.write('maxrss=' + process.resourceUsage().maxRSS + '\\n');\nprocess.exit(r.status ?? 1);\n`,
    );
  },
  cases: (ctx) => {
    const cases = [
      {
        name: 'kube-inject -f one Deployment',
        units: { count: 1, unit: 'docs' },
        measure: () => {
          const r = time(ctx, [ctx.node, ctx.sailctl, 'kube-inject', '-f', join(ctx.tmp, 'one.yaml')], 9);
          const floor = time(ctx, [ctx.node, '-e', '0'], 9).median;
          return { ...r, note: `${(r.median / floor).toFixed(2)}× node -e 0 (target ≤ 2.5×); peak ${mib(r.peakKb)}` };
        },
      },
    ];
    for (const [style, n, runs] of SIZES) {
      const file = join(ctx.tmp, `${style}-${n}.yaml`);
      const key = `${style}-${n}`;
      if (n <= 10000) {
        cases.push({
          name: `yaml parse+serialise of ${label(n)} ${style} Deployments (floor)`,
          units: { count: n, unit: 'docs' },
          measure: () => {
            const r = time(ctx, [ctx.node, join(ctx.tmp, 'floor.mjs'), file], runs);
            floors[key] = r.median;
            return { ...r, note: `${(r.median / n).toFixed(2)} ms/doc` };
          },
        });
      }
      cases.push({
        name: `kube-inject -f ${label(n)} ${style} Deployments`,
        units: { count: n, unit: 'docs' },
        measure: () => {
          const r = time(ctx, [ctx.node, ctx.sailctl, 'kube-inject', '-f', file], runs);
          perDoc[key] = r.median / n;
          const notes = [`${perDoc[key].toFixed(2)} ms/doc`, `peak ${mib(r.peakKb)}`];
          if (floors[key]) notes.push(`${(r.median / floors[key]).toFixed(2)}× the yaml floor`);
          const base = perDoc[`${style}-1000`];
          if (n > 1000 && base) notes.push(`${(perDoc[key] / base).toFixed(2)}× the 1k cost per doc`);
          if (n === 10000) notes.push('target < 3 s');
          if (n === 50000) notes.push('target peak < 250 MiB');
          return { ...r, note: notes.join('; ') };
        },
      });
    }
    cases.push({
      name: 'kube-inject -f - (stdin) 10k block Deployments, main thread only',
      units: { count: 10000, unit: 'docs' },
      measure: () => {
        const r = time(ctx, ['/bin/sh', '-c', `SAILCTL_INJECT_WORKERS=0 ${ctx.node} ${ctx.sailctl} kube-inject -f - < ${join(ctx.tmp, 'block-10000.yaml')}`], 1);
        return { ...r, note: `${(r.median / 10000).toFixed(2)} ms/doc; peak ${mib(r.peakKb)}` };
      },
    });
    cases.push({
      name: 'kube-inject -f 50k block Deployments, stdout a pipe to a reader',
      units: { count: 50000, unit: 'docs' },
      measure: () => {
        const r = time(ctx, ['/bin/sh', '-c', `${ctx.node} ${ctx.sailctl} kube-inject -f ${join(ctx.tmp, 'block-50000.yaml')} | cat > /dev/null`], 1);
        return { ...r, note: `${(r.median / 50000).toFixed(2)} ms/doc; peak ${mib(r.peakKb)} (target < 250 MiB)` };
      },
    });
    return cases;
  },
};
