/**
 * The built binary, offline: a bookstore-style repository of configs, every output format,
 * every exit code, thresholds, suppression, stdin, and validate -f.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { ALL_ANALYZERS, implementedCodes } from '../../src/analyze/analyzers/index.js';

const SAILCTL = join(process.cwd(), 'bin/sailctl.js');
const BOOKSTORE = 'test/analyze/fixtures/bookstore';
const tmp = mkdtempSync(join(tmpdir(), 'sailctl-analyze-'));

async function sailctl(args: string[], input?: string) {
  const r = await execa(process.execPath, [SAILCTL, ...args], { reject: false, input, env: { NO_COLOR: '1', KUBECONFIG: join(tmp, 'none') }, stripFinalNewline: false });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}
// Identical runs are made once (the machine is shared; each run of the bookstore costs ~0.5 s).
const runs = new Map<string, ReturnType<typeof sailctl>>();
const offline = (...args: string[]) => {
  const key = args.join('\u0000');
  if (!runs.has(key)) runs.set(key, sailctl(['analyze', '--use-kube=false', ...args]));
  return runs.get(key)!;
};

describe('analyze --use-kube=false over a repository', () => {
  it('log: istioctl lines with file:line, errors first; exit 79 with the target named', async () => {
    const r = await offline(BOOKSTORE);
    expect(r.code).toBe(79);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Error [IST0101] (AuthorizationPolicy bookstore/catalog-readers ${BOOKSTORE}/security/policies.yaml:38) Referenced namespace not found: "storefront"`);
    expect(lines).toContain(`Error [IST0101] (VirtualService bookstore/bookstore-frontend ${BOOKSTORE}/networking/virtualservices.yaml:26) Referenced host not found: "reviewz"`);
    expect(lines.map((l) => l.split(' ')[0])).toEqual([...lines.map((l) => l.split(' ')[0])].sort((a, b) => ['Error', 'Warning', 'Info'].indexOf(a!) - ['Error', 'Warning', 'Info'].indexOf(b!)));
    // The deliberate mistakes, and Istio's IST0140 (the gateway route bypasses the catalog canary split);
    // cross-namespace FQDNs, exportTo and the gateway credential in the Istio namespace resolve.
    expect(lines.map((l) => /\[(IST\d+)\] \((\w+ [^ )]+)/.exec(l)!.slice(1).join(' '))).toEqual([
      'IST0101 AuthorizationPolicy bookstore/catalog-readers',
      'IST0101 VirtualService bookstore/bookstore-frontend',
      'IST0101 VirtualService bookstore/reviews',
      'IST0173 DestinationRule bookstore/reviews',
      'IST0128 DestinationRule bookstore/book-covers',
      'IST0134 ServiceEntry bookstore/inventory-db',
      'IST0140 VirtualService bookstore/bookstore-frontend',
      'IST0102 Namespace legacy',
      'IST0118 Service bookstore/reviews',
    ]);
    expect(r.stderr).toBe(`Error: Analyzers found issues when analyzing ${BOOKSTORE}.\nSee https://istio.io/v1.30/docs/reference/config/analysis for more information about causes and resolutions.\n`);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('json and yaml: one document on stdout in istioctl shape, and exit 79 like log', async () => {
    const [json, yaml, log] = await Promise.all([offline(BOOKSTORE, '-o', 'json'), offline(BOOKSTORE, '-o', 'yaml'), offline(BOOKSTORE)]);
    expect(json.code).toBe(79);
    expect(yaml.code).toBe(79);
    const msgs = JSON.parse(json.stdout);
    expect(json.stdout.split('\n')[1]).toMatch(/^\t\{$/); // tab-indented, as istioctl
    expect(msgs).toHaveLength(log.stdout.trimEnd().split('\n').length);
    expect(Object.keys(msgs[0])).toEqual(['code', 'level', 'origin', 'reference', 'message', 'documentationUrl']);
    expect(msgs[0]).toMatchObject({ code: 'IST0101', level: 'Error', reference: `${BOOKSTORE}/security/policies.yaml:38`, documentationUrl: 'https://istio.io/v1.30/docs/reference/config/analysis/ist0101/?ref=istioctl-analyze' });
    expect(parse(yaml.stdout)).toEqual(msgs);
    expect(json.stderr).toMatch(/^Error: Analyzers found issues/);
  });

  it('sarif and github: code scanning and workflow annotations with file and line', async () => {
    const [sarif, gh] = await Promise.all([offline(BOOKSTORE, '-o', 'sarif'), offline(BOOKSTORE, '-o', 'github', '--output-threshold', 'Error')]);
    const doc = JSON.parse(sarif.stdout);
    expect(doc.version).toBe('2.1.0');
    expect(doc.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: `${BOOKSTORE}/security/policies.yaml` }, region: { startLine: 38 } });
    expect(doc.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['IST0101', 'IST0102', 'IST0118', 'IST0128', 'IST0134', 'IST0140', 'IST0173']);
    expect(gh.stdout.split('\n')[0]).toBe(`::error file=${BOOKSTORE}/security/policies.yaml,line=38,title=IST0101 ReferencedResourceNotFound::[IST0101] (AuthorizationPolicy bookstore/catalog-readers) Referenced namespace not found: "storefront"`);
    expect(gh.stdout.trimEnd().split('\n').every((l) => l.startsWith('::error '))).toBe(true);
    expect(sarif.code).toBe(79);
  });

  it('--color paints the level words as istioctl does', async () => {
    const r = await offline(BOOKSTORE, '--color');
    expect(r.stdout).toContain('\u001b[1;31mError\u001b[0m [IST0101]');
    expect(r.stdout).toContain('\u001b[33mWarning\u001b[0m [IST0128]');
    expect(r.stdout).toContain('\nInfo [IST0102]');
  });

  describe('thresholds', () => {
    const legacy = [`${BOOKSTORE}/namespaces.yaml`, '-n', 'legacy'];
    it('Info findings below the failure threshold: printed, exit 0', async () => {
      const r = await offline(...legacy);
      expect(r.code).toBe(0);
      // The line of metadata.name, where istioctl points this message.
      expect(r.stdout).toMatch(/^Info \[IST0102\] \(Namespace legacy test\/analyze\/fixtures\/bookstore\/namespaces.yaml:19\)/);
    });
    it('--failure-threshold counts findings hidden by --output-threshold, in every format', async () => {
      for (const format of ['log', 'json']) {
        const r = await offline(...legacy, '--failure-threshold', 'info', '--output-threshold', 'Warning', '-o', format);
        expect(r.code).toBe(79);
        expect(r.stdout).toBe(format === 'json' ? '[]\n' : '');
      }
    });
    it('--output-threshold Error prints errors only', async () => {
      const r = await offline(BOOKSTORE, '--output-threshold', 'Error');
      expect(r.stdout.trimEnd().split('\n').every((l) => l.startsWith('Error '))).toBe(true);
      expect(r.code).toBe(79);
    });
    it('-n on files reports only that namespace', async () => {
      const r = await offline(BOOKSTORE, '-n', 'legacy', '-o', 'json');
      expect(JSON.parse(r.stdout).map((m: { origin: string }) => m.origin)).toEqual(['Namespace legacy']);
      expect(r.code).toBe(0);
    });
  });

  describe('suppression', () => {
    it('-S code=Kind glob, both name forms; a suppressed run says it is clean', async () => {
      const r = await offline(BOOKSTORE, '-S', 'IST0101=* bookstore/*', '-S', 'IST0173=DestinationRule reviews.bookstore', '-S', 'IST0102=Namespace leg*', '--output-threshold', 'Error');
      expect(r.stdout).toBe('');
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(`\u2714 No validation issues found when analyzing ${BOOKSTORE}.\n`);
    });
    it('an unknown code warns and the run goes on; a value without "=" is an error', async () => {
      const r = await offline(`${BOOKSTORE}/namespaces.yaml`, '-S', 'IST9999=Namespace x', '-n', 'legacy');
      expect(r.stderr).toContain("Warning: supplied message code 'IST9999' is an unknown message code and will not have any effect");
      expect(r.code).toBe(0);
      const bad = await offline(BOOKSTORE, '-S', 'IST0102');
      expect(bad.code).toBe(64); // a malformed flag value is a usage error
      expect(bad.stdout).toBe('');
    });
    it('the galley.istio.io/analyze-suppress annotation silences codes on that resource only', async () => {
      const ns = (name: string, anno = '') => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n${anno}---\n`;
      const input = ns('quiet', '  annotations:\n    galley.istio.io/analyze-suppress: "IST0118, IST0102"\n') + ns('loud') + ns('all', '  annotations: {galley.istio.io/analyze-suppress: "*"}\n');
      const out = await sailctl(['analyze', '--use-kube=false', '-', '-o', 'json'], input);
      expect(JSON.parse(out.stdout).map((m: { origin: string; reference: string }) => `${m.origin} ${m.reference}`)).toEqual(['Namespace loud <stdin>:11']);
    });
  });

  describe('inputs', () => {
    it('stdin: every document of a kustomize-style stream, file:line against <stdin>', async () => {
      const stream = ['namespaces.yaml', 'networking/virtualservices.yaml'].map((f) => readFileSync(join(BOOKSTORE, f), 'utf8')).join('---\n');
      const r = await sailctl(['analyze', '--use-kube=false', '-'], stream);
      expect(r.stdout).toContain('(VirtualService bookstore/bookstore-frontend <stdin>:');
      expect(r.stdout).toContain('(Namespace legacy <stdin>:19)');
      expect(r.code).toBe(79);
      expect(r.stderr).toContain('when analyzing stdin.');
    });
    it('JSON files and List objects; files in other formats are skipped with a note', async () => {
      const dir = mkdtempSync(join(tmp, 'json-'));
      writeFileSync(join(dir, 'list.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b', labels: { 'istio-injection': 'enabled' } } }] }, null, 2));
      writeFileSync(join(dir, 'README.md'), '# not config\n');
      const r = await offline(dir, '-R');
      expect(r.stdout).toMatch(/^Info \[IST0102\] \(Namespace a .*list\.json:9\)/);
      expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`Skipping file ${join(dir, 'README.md')}, recognized file extensions are: [.json .yaml .yml]`);
      expect(r.code).toBe(0);
    });
    it('unparseable input: exit 65 naming file:line:col, nothing on stdout; --ignore-unknown skips it and says so', async () => {
      const dir = mkdtempSync(join(tmp, 'bad-'));
      writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels: [\n');
      writeFileSync(join(dir, 'good.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ok, labels: {istio-injection: enabled}}\n');
      const r = await offline(dir);
      expect(r.code).toBe(65);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^Error: Some files couldn't be parsed:\\n  ${join(dir, 'bad.yaml')}:\\d+:\\d+: `));
      const skip = await offline(dir, '--ignore-unknown');
      expect(skip.code).toBe(0);
      expect(skip.stderr).toContain('(but 1 file(s) could not be parsed).');
    });
    it('empty input is an error, never a silent pass', async () => {
      const r = await sailctl(['analyze', '--use-kube=false', '-'], '');
      expect(r.code).toBe(65);
      expect(r.stderr).toMatch(/^Error: no Kubernetes resources found in <stdin>: nothing was analyzed/);
    });
    it('usage errors exit 64: unknown format, bad level, no files offline', async () => {
      const [fmt, level, none] = await Promise.all([offline(BOOKSTORE, '-o', 'xml'), offline(BOOKSTORE, '--failure-threshold', 'bogus'), offline()]);
      expect([fmt.code, level.code, none.code]).toEqual([64, 64, 64]);
      expect(level.stderr).toMatch(/invalid level option "bogus"/);
      expect(fmt.stdout + level.stdout + none.stdout).toBe('');
    });
  });

  it('live mode (the default) without a kubeconfig: one error that points at --use-kube=false', async () => {
    const r = await sailctl(['analyze', BOOKSTORE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: no kubeconfig found/);
    expect(r.stderr).toContain('To analyze the files without a cluster, pass --use-kube=false.');
  });

  it("--list-analyzers: every analyzer under Istio's name, sorted, each with its description", async () => {
    const r = await sailctl(['analyze', '-L']);
    expect(r.code).toBe(0);
    const names = [...r.stdout.matchAll(/^\* (\S+):$/gm)].map((m) => m[1]);
    expect(names).toEqual(ALL_ANALYZERS.map((a) => a.name));
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['annotations.K8sAnalyzer', 'applicationUID.Analyzer', 'deprecation.DeprecationAnalyzer', 'destinationrule.SubsetSelectPodAnalyzer', 'injection.ImageAnalyzer', 'k8sgateway.CRDVersionAnalyzer', 'authn.BlockedCIDRsAnalyzer', 'conditions.ConditionAnalyzer', 'serviceentry.Analyzer', 'telemetry.LightstepAnalyzer', 'services.MultiClusterServiceAnalyzer', 'schema.ValidationAnalyzer.VirtualService']));
    expect(r.stdout.split('\n').filter((l) => l.startsWith('    ')).length).toBe(names.length);
    expect(implementedCodes().has('IST0136')).toBe(true); // annotations.AlphaAnalyzer, precheck's, named on request
  });

  it('--analyzer: Istio names (any case) and older sailctl names select; an unknown one is a usage error', async () => {
    const input = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: plain}\n';
    const [istio, legacy, unknown] = await Promise.all([
      sailctl(['analyze', '--use-kube=false', '-', '--analyzer', 'injection.analyzer', '-o', 'json'], input),
      sailctl(['analyze', '--use-kube=false', '-', '--analyzer', 'deprecation.FieldAnalyzer', '--analyzer', 'injection.Analyzer', '-o', 'json'], input),
      sailctl(['analyze', '--use-kube=false', '-', '--analyzer', 'bogus.Analyzer'], input),
    ]);
    expect(JSON.parse(istio.stdout).map((m: { code: string }) => m.code)).toEqual(['IST0102']);
    expect(JSON.parse(legacy.stdout).map((m: { code: string }) => m.code)).toEqual(['IST0102']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/unknown analyzer "bogus.Analyzer"/);
  });
});

describe('validate -f', () => {
  const bad = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: {host: reviews, subset: v1}
          weight: 50
        - destination: {host: reviews, subset: v2}
          weight: 20
      timout: 5s
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports:
    - port: 80
      name: web
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;
  it('errors name file:line, the resource and the field; exit 1; advisories are not errors', async () => {
    const file = join(tmp, 'bad.yaml');
    writeFileSync(file, bad);
    const r = await sailctl(['validate', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`"${file}" has warnings: \n\t* ${file}:29: Deployment/default/web: may not provide Istio metrics and telemetry labels: the pod template has no version label`);
    expect(r.stderr).toContain(`Error: 3 errors occurred:
\t* ${file}:9: VirtualService/default/reviews: spec.http[0].route: total destination weight 70 != 100
\t* ${file}:13: VirtualService/default/reviews: unknown field "spec.http[0].timout"
\t* ${file}:21: Service/shop/web: port "web" does not follow the Istio naming convention`);
  });
  it('valid files and stdin: exit 0 with istioctl\'s lines', async () => {
    const r = await sailctl(['validate', '-f', `${BOOKSTORE}/networking`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`"${BOOKSTORE}/networking/virtualservices.yaml" is valid`);
    const stdin = await sailctl(['validate', '-f', '-'], 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]\n');
    expect(stdin.code).toBe(0);
    expect(stdin.stderr).toBe('validation succeed\n');
  });
  it('-o json: every problem with file and line on stdout', async () => {
    const file = join(tmp, 'bad2.yaml');
    writeFileSync(file, bad);
    const r = await sailctl(['validate', '-f', file, '-o', 'json']);
    expect(r.code).toBe(1);
    const problems = JSON.parse(r.stdout);
    expect(problems.map((p: { level: string; line: number }) => `${p.level}:${p.line}`)).toEqual(['Error:9', 'Error:13', 'Error:21', 'Warning:29']);
  });
  it('without -f: an error that says what to pass', async () => {
    const r = await sailctl(['validate']);
    expect(r.code).toBe(64); // a missing required flag is a usage error
    expect(r.stderr).toMatch(/^Error: you must specify resources by --filename/);
  });
});
