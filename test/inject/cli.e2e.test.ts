/**
 * `sailctl kube-inject` as a user runs it (the built binary): the manifest generate round
 * trip, the pipeline into `kubectl apply --dry-run=server` against the emulator, and the
 * errors with their exit codes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';
import { container, docs, envOf, podSpec } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sailctl-inject-'));
// No kubeconfig anywhere: the offline paths.
const offline = { env: { HOME: dir, KUBECONFIG: '' } };
const inject = (args: string[], options: Parameters<typeof sailctl>[1] = {}) => sailctl(['kube-inject', ...args], { ...offline, ...options });

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, version: v1}
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: 8080
        readinessProbe:
          httpGet: {path: /ready, port: 8080}
`;
const appFile = join(dir, 'app.yaml');
writeFileSync(appFile, APP);

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** `manifest generate` → the injector and mesh ConfigMaps' keys as the three kube-inject files. */
async function extractedConfig(sets: string[], tag: string): Promise<string[]> {
  const r = await sailctl(['manifest', 'generate', ...sets.flatMap((s) => ['--set', s])]);
  expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' });
  const objects = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter((o) => o?.kind === 'ConfigMap');
  const injector = objects.find((o) => o.metadata.name === 'istio-sidecar-injector');
  const mesh = objects.find((o) => o.metadata.name === 'istio');
  return [
    '--injectConfigFile', write(`${tag}-config.yaml`, injector.data.config),
    '--valuesFile', write(`${tag}-values.json`, injector.data.values),
    '--meshConfigFile', write(`${tag}-mesh.yaml`, mesh.data.mesh),
  ];
}

describe('manifest generate round trip', () => {
  it('the default profile’s ConfigMaps fed back as files inject exactly like the built-in path', async () => {
    const files = await extractedConfig([], 'default');
    const fromFiles = await inject(['-f', appFile, ...files]);
    const builtin = await inject(['-f', appFile]);
    expect(fromFiles.exitCode).toBe(0);
    expect(fromFiles.stderr).toBe('');
    expect(builtin.stderr).toContain("no cluster is configured: using the built-in default profile's templates, values, mesh config");
    expect(fromFiles.stdout).toBe(builtin.stdout);
    expect(container(podSpec(docs(fromFiles.stdout)[0]), 'istio-proxy')).toBeDefined();
  });

  it('with --set flags: the extracted files inject like --operatorFileName with the same settings', async () => {
    const sets = ['values.global.proxy.logLevel=debug', 'meshConfig.defaultConfig.holdApplicationUntilProxyStarts=true', 'values.global.imagePullPolicy=Always', 'values.global.proxy.resources.requests.cpu=250m'];
    const files = await extractedConfig(sets, 'custom');
    const iop = write('iop.yaml', `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  meshConfig:
    defaultConfig:
      holdApplicationUntilProxyStarts: true
  values:
    global:
      imagePullPolicy: Always
      proxy:
        logLevel: debug
        resources:
          requests:
            cpu: 250m
`);
    const fromFiles = await inject(['-f', appFile, ...files]);
    const fromOperator = await inject(['-f', appFile, '--operatorFileName', iop]);
    expect(fromFiles.exitCode).toBe(0);
    expect(fromOperator.stderr).toBe('');
    expect(fromFiles.stdout).toBe(fromOperator.stdout);
    // ...and the settings really took effect (so equality is not trivially "both default").
    const spec = podSpec(docs(fromFiles.stdout)[0]);
    const proxy = container(spec, 'istio-proxy');
    expect(spec.containers[0].name).toBe('istio-proxy'); // hold: proxy first
    expect(proxy.args).toContain('--proxyLogLevel=debug');
    expect(proxy.imagePullPolicy).toBe('Always');
    expect(proxy.resources.requests.cpu).toBe('250m');
    expect(JSON.parse(envOf(proxy).PROXY_CONFIG)).toEqual({ holdApplicationUntilProxyStarts: true });
  });
});

describe('errors: one message and exit code; documents before the failing one are written', () => {
  const cases: { name: string; text: string; code: number; message: RegExp; stdout?: string }[] = [
    {
      name: 'malformed YAML names file, line and document',
      text: 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  labels: {a: [}\n',
      code: 65,
      message: /^Error: .*bad\.yaml:9:\d+: malformed YAML in document 2: [^\n]*\nFix the YAML syntax at that position\. The 1 document before it went to standard output\.$/m,
      stdout: 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n',
    },
    {
      name: 'a bad annotation value names the workload',
      text: `${APP.replace('labels: {app: web, version: v1}', 'labels: {app: web}\n      annotations: {traffic.sidecar.istio.io/excludeOutboundIPRanges: "10.0.0.0/33"}')}`,
      code: 1,
      message: /^Error: .*bad\.yaml: document 1 \(line 1\): Deployment "web": invalid value '10\.0\.0\.0\/33' for annotation 'traffic\.sidecar\.istio\.io\/excludeOutboundIPRanges': /m,
    },
    {
      name: 'a wrongly typed pod field names the field',
      text: APP.replace('      containers:\n', '      volumes: {a: 1}\n      containers:\n'),
      code: 1,
      message: /^Error: .*Deployment "web": spec\.template\.spec\.volumes: expected a list, got an object/m,
    },
    {
      name: 'an unquoted boolean annotation is refused like the API server would',
      text: APP.replace('labels: {app: web, version: v1}', 'labels: {app: web}\n      annotations: {sidecar.istio.io/rewriteAppHTTPProbers: false}'),
      code: 1,
      message: /annotations\.sidecar\.istio\.io\/rewriteAppHTTPProbers: expected a string, got a boolean \(false\) \(quote the value\)/,
    },
    {
      name: 'a workload without a pod template',
      text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: empty}\nspec: {}\n',
      code: 1,
      message: /Deployment "empty": spec\.template is required value/,
    },
    { name: 'empty input', text: '\n\n', code: 65, message: /no input: the file is empty/ },
    { name: 'binary input', text: '\u0000\u0001\u0002', code: 65, message: /binary data is not YAML/ },
    { name: 'text after ---', text: 'a: 1\n--- b: 2\n', code: 65, message: /bad\.yaml:2: unexpected content after the document separator/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await inject(['-f', write('bad.yaml', c.text)]);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).toBe(c.stdout ?? '');
      expect(r.exitCode).toBe(c.code);
    });
  }

  it('no -f is a usage error (64); a missing file is exit 65; -o is not written on failure', async () => {
    const none = await inject([]);
    expect(none.exitCode).toBe(64);
    expect(none.stderr).toBe('Error: filename not specified (see --filename or -f)\n');
    const missing = await inject(['-f', join(dir, 'nope.yaml')]);
    expect(missing.exitCode).toBe(65);
    expect(missing.stderr).toMatch(/nope\.yaml/);
    const out = join(dir, 'out.yaml');
    writeFileSync(out, 'previous\n');
    const failed = await inject(['-f', write('bad.yaml', 'a: [\n'), '-o', out]);
    expect(failed.exitCode).toBe(65);
    expect(readFileSync(out, 'utf8')).toBe('previous\n');
  });

  it('unknown kinds and kind-less documents pass through unchanged (as istioctl copies them)', async () => {
    const text = 'apiVersion: example.com/v1\nkind: Frobnicator\nspec: {x: 1}\n---\nnot: a resource   # kept\n';
    const r = await inject(['-f', write('unknown.yaml', text)]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('apiVersion: example.com/v1\nkind: Frobnicator\nspec: {x: 1}\n---\nnot: a resource   # kept\n---\n');
  });

  it('-f - reads stdin and -o writes the file', async () => {
    const out = join(dir, 'stdin-out.yaml');
    const r = await inject(['-f', '-', '-o', out], { input: APP });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe((await inject(['-f', appFile])).stdout);
  });
});

describe('streaming: one document at a time', () => {
  it('stdin: the first document comes out before the input ends', async () => {
    const { spawn } = await import('node:child_process');
    const { SAILCTL } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, [SAILCTL, 'kube-inject', '-f', '-'], { env: { ...process.env, ...offline.env } });
    let out = '';
    child.stdout.setEncoding('utf8');
    const first = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('istio-proxy')) resolve();
      });
    });
    child.stdin.write(`${APP}---\n`);
    await first; // the input is still open here
    child.stdin.end(APP.replace('name: web\n', 'name: web2\n'));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out.split(/^---$/m).length - 1).toBe(2);
  });

  it('a stalled reader (a full pipe) stops the input being read, instead of sailctl holding the output', async () => {
    const { spawn } = await import('node:child_process');
    const { SAILCTL } = await import('../helpers/cli.js');
    const input = Array.from({ length: 3000 }, (_, i) => APP.replace('name: web\n', `name: web-${i}\n`)).join('---\n');
    const expected = await inject(['-f', write('stalled.yaml', input)]);
    expect(expected.exitCode).toBe(0);
    for (const workers of ['0', '2']) {
      const child = spawn(process.execPath, [SAILCTL, 'kube-inject', '-f', '-'], { env: { ...process.env, ...offline.env, SAILCTL_INJECT_WORKERS: workers } });
      child.stdout.pause();
      child.stdin.write(input);
      child.stdin.end();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Nobody reads stdout: sailctl has stopped taking input, so most of it still waits on our side.
      expect(child.stdin.writableLength).toBeGreaterThan(input.length / 2);
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stdout.resume();
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(Buffer.concat(chunks).toString('utf8')).toBe(expected.stdout);
    }
  });

  it('a failure in document 3 keeps documents 1 and 2 on stdout; -o leaves its file alone', async () => {
    const bad = write('third-bad.yaml', `${APP}---\n${APP}---\napiVersion: v1\nkind: Pod\nmetadata: {name: x\n`);
    const r = await inject(['-f', bad]);
    expect(r.exitCode).toBe(65);
    expect(r.stderr).toMatch(/third-bad\.yaml:\d+:\d+: malformed YAML in document 3/);
    expect(r.stderr).toMatch(/The 2 documents before it went to standard output\./);
    expect(r.stdout.split(/^---$/m).length - 1).toBe(2);
    const out = write('kept.yaml', 'old content\n');
    const o = await inject(['-f', bad, '-o', out]);
    expect(o.exitCode).toBe(65);
    expect(o.stderr).toMatch(/Nothing was written to .*kept\.yaml\./);
    expect(readFileSync(out, 'utf8')).toBe('old content\n');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir).filter((f) => f.includes('.sailctl-'))).toEqual([]);
  });

  it('worker threads (large inputs) write exactly what the main thread alone writes, also up to a failure', async () => {
    const many = Array.from({ length: 600 }, (_, i) => (i % 5 === 4 ? `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}   # kept\n` : APP.replace('name: web\n', `name: web-${i}\n`)));
    const file = write('many.yaml', many.join('---\n'));
    const parallel = await inject(['-f', file, '-v'], { env: { ...offline.env, SAILCTL_INJECT_WORKERS: '2' } });
    const single = await inject(['-f', file], { env: { ...offline.env, SAILCTL_INJECT_WORKERS: '0' } });
    expect(parallel.exitCode).toBe(0);
    expect(parallel.stdout).toBe(single.stdout);
    // The worker threads really ran (their bundle loads and serves batches), not only the main thread.
    const onWorkers = Number(/, (\d+) of them on 2 worker threads/.exec(parallel.stderr)?.[1] ?? 0);
    expect(onWorkers).toBeGreaterThan(300);
    expect(parallel.stdout.split(/^---$/m).length - 1).toBe(600);
    const broken = write('many-bad.yaml', [...many.slice(0, 500), 'apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n', ...many.slice(500)].join('---\n'));
    const failed = await inject(['-f', broken], { env: { ...offline.env, SAILCTL_INJECT_WORKERS: '2' } });
    expect(failed.exitCode).toBe(65);
    expect(failed.stderr).toMatch(/malformed YAML in document 501/);
    expect(failed.stdout).toBe(single.stdout.split(/^---\n/m).slice(0, 500).map((d) => `${d}---\n`).join(''));
  });

  it('a document over the size limit is exit 65 naming the limit and how to raise it', async () => {
    const big = write('big.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  x: "${'a'.repeat(1024 * 1024 + 10)}"\n`);
    const r = await inject(['-f', big], { env: { ...offline.env, SAILCTL_MAX_DOCUMENT_MB: '1' } });
    expect(r.exitCode).toBe(65);
    expect(r.stderr).toMatch(/big\.yaml:1: document 1 is larger than 1 MiB \(the per-document limit, raised with SAILCTL_MAX_DOCUMENT_MB=<MiB>\)/);
  });

  it('runaway nesting is one clear error, never JavaScript text', async () => {
    const r = await inject(['-f', write('deep.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: ${'['.repeat(20000)}${']'.repeat(20000)}\n`)]);
    expect(r.exitCode).toBe(65);
    expect(r.stderr).not.toMatch(/Maximum call stack|Invalid string length|RangeError/);
    expect(r.stderr).toMatch(/deep\.yaml:\d+/);
  });

  it('CRLF files ending in a quoted value, and integers beyond 2^53, come through as written', async () => {
    const crlf = 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\ndata:\r\n  k: "v"\r\n---\r\n' + APP.replace(/\n/g, '\r\n').replace('image: nginx', 'image: "nginx"');
    const r = await inject(['-f', write('crlf.yaml', crlf)]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.startsWith('apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\ndata:\r\n  k: "v"\r\n---\n')).toBe(true);
    expect(container(podSpec(docs(r.stdout)[1]), 'istio-proxy')).toBeDefined();
    const big = APP.replace('spec:\n  selector', 'spec:\n  progressDeadlineSeconds: 9223372036854775807\n  revisionHistoryLimit: 123456789012345678901234567890123\n  selector');
    const b = await inject(['-f', write('big.yaml', big)]);
    expect(b.exitCode).toBe(0);
    expect(b.stdout).toContain('progressDeadlineSeconds: 9223372036854775807\n');
    expect(b.stdout).toContain('revisionHistoryLimit: 123456789012345678901234567890123\n');
  });
});

describe('kube-inject | kubectl apply --dry-run=server (emulator)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const MULTI = `# The shop: every kind kube-inject knows, and some it does not.
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings   # not a workload
data:
  a: "1"
---
---
# a comment-only document
---
${APP}---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels: {app: solo}
spec:
  containers:
  - name: solo
    image: busybox
    command: [sleep, "3600"]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: fluentd}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: once, image: busybox}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: nightly, image: busybox}]
---
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: listed}
  spec:
    selector: {matchLabels: {app: listed}}
    template:
      metadata: {labels: {app: listed}}
      spec:
        containers: [{name: listed, image: nginx}]
- apiVersion: v1
  kind: Service
  metadata: {name: listed}
  spec:
    ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: host}
spec:
  selector: {matchLabels: {app: host}}
  template:
    metadata: {labels: {app: host}}
    spec:
      hostNetwork: true
      containers: [{name: host, image: nginx}]
`;

  it('the server accepts every document: nothing dropped or corrupted', async () => {
    const file = write('multi.yaml', MULTI);
    const injected = await inject(['-f', file]);
    expect(injected.exitCode).toBe(0);
    expect(injected.stderr).toMatch(/\n\n===> Skipping injection because Deployment "\/host" has host networking enabled\n$/);
    // Comments and the ConfigMap survive byte for byte.
    expect(injected.stdout.startsWith(MULTI.slice(0, MULTI.indexOf('---\n')))).toBe(true);
    expect(injected.stdout).toContain('---\n# a comment-only document\n---\n');

    const kubectl = (args: string[], input: string) =>
      execa('kubectl', ['--kubeconfig', h.kubeconfig, '--cache-dir', join(h.dir, 'kcache'), 'apply', '--dry-run=server', '-n', 'default', ...args, '-f', '-'], { input, reject: false });
    const all = [
      'configmap/settings created (server dry run)',
      'cronjob.batch/nightly created (server dry run)',
      'daemonset.apps/agent created (server dry run)',
      'deployment.apps/host created (server dry run)',
      'deployment.apps/listed created (server dry run)',
      'deployment.apps/web created (server dry run)',
      'job.batch/once created (server dry run)',
      'pod/solo created (server dry run)',
      'service/listed created (server dry run)',
      'service/web created (server dry run)',
      'statefulset.apps/db created (server dry run)',
    ];
    // The emulator serves no /openapi/v2, which kubectl needs to validate a List client-side
    // (/work/notes/emulator-bugs.md): the whole stream once without client validation (the
    // server still validates every object), and everything but the List with it.
    const applied = await kubectl(['--validate=false'], injected.stdout);
    expect(applied.stderr).toBe('');
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout.trim().split('\n').sort()).toEqual(all);
    const withoutList = injected.stdout.split(/^---\n/m).filter((d) => !d.includes('kind: List\n')).join('---\n');
    const validated = await kubectl([], withoutList);
    expect(validated.stderr).toBe('');
    expect(validated.stdout.trim().split('\n').sort()).toEqual(all.filter((l) => !l.includes('listed')));

    // Every workload but the host-network one carries the sidecar.
    const objects = docs(injected.stdout).flatMap((o) => (o.kind === 'List' ? o.items : [o]));
    const workloads = objects.filter((o) => !['ConfigMap', 'Service'].includes(o.kind));
    expect(workloads.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/web', 'Pod/solo', 'StatefulSet/db', 'DaemonSet/agent', 'Job/once', 'CronJob/nightly', 'Deployment/listed', 'Deployment/host']);
    for (const w of workloads) expect(Boolean(container(podSpec(w), 'istio-proxy'))).toBe(w.metadata.name !== 'host');
  });
});
