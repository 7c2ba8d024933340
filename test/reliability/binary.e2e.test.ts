/**
 * Through the built binary (`npm run build` first): bad flag values and combinations are usage
 * errors (exit 64) naming the flag, found before any cluster is contacted; and a sample of the
 * input corpus, from files and from stdin, gives the same answers as in-process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl, type CliResult } from '../helpers/cli.js';
import { checkOutcome, COMMANDS, JS_ERRORS, writeCase } from './checks.js';
import { BASE, CASES } from './corpus.js';

let dir: string;
let app: string;
let env: Record<string, string>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sailctl-flags-'));
  app = join(dir, 'app.yaml');
  writeFileSync(app, BASE.workload.join('\n') + '\n');
  // no cluster anywhere: a flag error must not depend on one
  env = { KUBECONFIG: join(dir, 'none'), HOME: dir };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** [arguments, what stderr must name]; every one exits 64. `APP` is a valid workload file. */
const BAD_FLAGS: [string[], RegExp][] = [
  [['--vklog', 'bogus', 'version', '--remote=false'], /--vklog/],
  [['--vklog=-1', 'version', '--remote=false'], /--vklog/],
  [['--vklog=2.5', 'version', '--remote=false'], /--vklog/],
  [['--kubeclient-timeout', 'soon', 'version', '--remote=false'], /--kubeclient-timeout/],
  [['--kubeclient-timeout', '10', 'version', '--remote=false'], /--kubeclient-timeout/],
  [['--context'], /--context/],
  [['-n'], /--namespace/],
  [['--nosuch', 'version'], /--nosuch/],
  [['version', '--nosuch'], /--nosuch/],
  [['nosuch'], /unknown command "nosuch"/],
  [['version', '-o', 'xml', '--remote=false'], /--output/],
  [['version', '--remote=maybe'], /--remote/],
  [['install', '--readiness-timeout', 'bogus', '--dry-run'], /--readiness-timeout/],
  [['install', '--readiness-timeout', '5 m', '-y'], /--readiness-timeout/],
  [['install', '--set', 'profile'], /--set profile: no "="/],
  [['install', '--set', 'values.__proto__.x=1', '--dry-run'], /--set values\.__proto__\.x=1: "__proto__" is not allowed/],
  [['install', '--set', 'values.constructor.prototype.hostNetwork=true', '--dry-run'], /--set .*"constructor" is not allowed/],
  [['install', 'extra'], /arg/],
  [['install', '-f'], /--filename/],
  [['install', '-r', 'Bad_Rev', '--dry-run'], /revision/],
  [['manifest', 'generate', '--set', '=demo'], /--set =demo/],
  [['manifest', 'generate', '--set', 'values.x[abc]=1'], /--set values\.x\[abc\]=1/],
  [['manifest', 'generate', '--set', 'bogus=1'], /--set bogus=1/],
  [['manifest', 'generate', '--set', 'values.pilot.replicaCount=100000000000000000000'], /--set value 100000000000000000000/],
  [['manifest', 'generate', '--set', 'components.pilot[0]=1'], /--set components\.pilot\[0\]=1/],
  [['manifest', 'generate', 'extra'], /positional/],
  [['manifest', 'generate', '-o'], /--output/],
  [['manifest', 'generate', '--nosuch'], /--nosuch/],
  [['profile', 'dump', '-o', 'toml'], /--output/],
  [['profile', 'list', '-o', 'xml'], /--output/],
  [['profile', 'dump', 'demo', 'minimal'], /too many positional arguments/],
  [['profile', 'dump', 'demo', '-f', 'APP'], /cannot specify both profile name and filename/],
  [['profile', 'dump', '--set', 'profile'], /--set profile/],
  [['profile', 'dump', '-p', 'bogus.path'], /bogus/],
  [['profile', 'diff', 'default'], /diff requires two profiles/],
  [['profile', 'diff', 'default', 'demo', 'minimal'], /diff requires two profiles/],
  [['analyze', '-S', 'bogus', '--use-kube=false', 'APP'], /--suppress/],
  [['analyze', '-S', 'IST0102', '--use-kube=false', 'APP'], /--suppress/],
  [['analyze', '-o', 'xml', '--use-kube=false', 'APP'], /--output/],
  [['analyze', '--output-threshold', 'loud', '--use-kube=false', 'APP'], /--output-threshold/],
  [['analyze', '--failure-threshold', 'x', '--use-kube=false', 'APP'], /--failure-threshold/],
  [['analyze', '--use-kube=maybe', 'APP'], /--use-kube/],
  [['analyze', '--color=maybe', '--use-kube=false', 'APP'], /--color/],
  [['analyze', '--timeout', 'forever', '--use-kube=false', 'APP'], /--timeout/],
  [['analyze', '--analyzer', 'nosuch', '--use-kube=false', 'APP'], /analyzer "nosuch"/],
  [['analyze', '--use-kube=false'], /nothing to analyze/],
  [['validate'], /--filename/],
  [['validate', 'APP'], /argument/],
  [['validate', '-o', 'xml', '-f', 'APP'], /--output/],
  [['kube-inject'], /--filename/],
  [['kube-inject', '-f'], /--filename/],
  [['kube-inject', '-f', 'APP', 'extra'], /argument/],
  [['dashboard', 'nosuch'], /unknown dashboard "nosuch"/],
  [['dashboard', 'kiali', '--port', '99999'], /port number 99999/],
  [['dashboard', 'kiali', '--port', 'abc'], /--port/],
  [['dashboard', 'kiali', '--port=-5'], /port number -5/],
  [['dashboard', 'proxy', 'x', '--ui-port', '0'], /port number 0/],
  [['dashboard', 'controlz', 'x', '--ctrlz_port', '70000'], /port number 70000/],
  [['dashboard', 'kiali', '-o', 'yaml'], /--output/],
  [['dashboard', 'kiali', '--browser=maybe'], /--browser/],
  [['dashboard', 'proxy'], /specify a pod or --selector/],
  [['dashboard', 'controlz', 'istiod-x', '-r', 'canary'], /only one of name, --selector, or --revision/],
  [['verify-install', '-o', 'xml'], /--output/],
  [['verify-install', 'extra'], /argument/],
  [['precheck', '-o', 'xml'], /--output/],
  [['precheck', '--output-threshold', 'x'], /--output-threshold/],
  [['precheck', '-f', '2'], /invalid version 2/],
  [['x', 'precheck', 'extra'], /argument/],
  [['completion', 'tcsh'], /unsupported shell "tcsh"/],
  [['completion'], /shell/],
  [['uninstall'], /--revision.*--filename.*--purge/],
  [['uninstall', 'extra', '--purge'], /argument/],
];

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

function expectUsageError(r: CliResult, names: RegExp, args: string[]): void {
  const context = `sailctl ${args.join(' ')}\nstderr:\n${r.stderr}`;
  expect(r.exitCode, context).toBe(64);
  expect(r.stdout, context).toBe('');
  expect(r.stderr.match(/^Error:/gm) ?? [], context).toHaveLength(1);
  expect(r.stderr, context).toMatch(names);
  expect(r.stderr, context).not.toMatch(/^\s+at /m);
  expect(r.stderr, context).not.toMatch(JS_ERRORS);
}

describe('bad flag values and combinations: exit 64 naming the flag', () => {
  it(`all ${BAD_FLAGS.length} cases`, async () => {
    const results = await inBatches(BAD_FLAGS, 4, async ([args, names]) => {
      const real = args.map((a) => (a === 'APP' ? app : a));
      return { args: real, names, r: await sailctl(real, { env }) };
    });
    for (const { args, names, r } of results) expectUsageError(r, names, args);
  }, 120_000);
});

describe('the input corpus through the binary (a sample of each kind)', () => {
  const sample = ['bom-crlf', 'json-tabs', 'depth-flow-seq-10000', 'alias-billion-laughs', 'duplicate-key', 'utf8-stray-byte', 'utf16-with-bom', 'proto-key', 'syntax-tab-indentation'];
  const cases = CASES.filter((c) => sample.includes(c.id));
  it('kube-inject, validate and manifest generate, from a file and from stdin', async () => {
    const runs = COMMANDS.filter((c) => ['kube-inject -f', 'validate -f', 'manifest generate -f'].includes(c.name)).flatMap((cmd) =>
      cases.flatMap((c) => {
        const { file, expect: e } = writeCase(dir, c, cmd.shape);
        return [
          { cmd, file, e, args: cmd.args(file), input: undefined as Buffer | undefined },
          { cmd, file: '<stdin>', e, args: cmd.args('-'), input: readFileSync(file) },
        ];
      }),
    );
    const results = await inBatches(runs, 4, async (run) => ({ run, r: await sailctl(run.args, { env, ...(run.input ? { input: run.input } : {}) }) }));
    for (const { run, r } of results) {
      checkOutcome(r, run.file, run.e, run.cmd.prints);
      if (run.e.code !== 0) expect(r.stdout).toBe('');
    }
  }, 120_000);
});
