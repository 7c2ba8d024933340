#!/usr/bin/env node
// Benchmark harness: times whole-process commands over repeated runs and prints medians,
// the ratio to `node -e 0` (the floor of any Node CLI) and throughput where a case has units.
// Usage: node test/bench/run.mjs [suite-name...]   (suites live in test/bench/suites/*.mjs)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const sailctl = join(root, 'bin', 'sailctl.js');
const wanted = process.argv.slice(2);

/** Runs argv `runs` times (after one warm-up) and returns the median wall time in ms. */
export function timeCommand(argv, { runs = 15, stdin, env } = {}) {
  const samples = [];
  for (let i = 0; i <= runs; i++) {
    const input = stdin ? openSync(stdin, 'r') : 'ignore';
    const start = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { stdio: [input, 'ignore', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (stdin) closeSync(input);
    if (r.error) throw new Error(`${argv.join(' ')}: ${r.error.message}`);
    if (i > 0) samples.push({ ms, status: r.status, stderr: r.stderr?.toString() ?? '' });
  }
  const failed = samples.find((s) => s.status !== 0);
  samples.sort((a, b) => a.ms - b.ms);
  return { median: samples[Math.floor(samples.length / 2)].ms, status: failed ? failed.status : 0, stderr: failed?.stderr ?? '' };
}

function hasCommand(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

async function main() {
  const suiteFiles = readdirSync(join(here, 'suites')).filter((f) => f.endsWith('.mjs')).sort();
  const selected = suiteFiles.filter((f) => wanted.length === 0 || wanted.includes(basename(f, '.mjs')));
  const floor = timeCommand([process.execPath, '-e', '0']).median;
  const kubectl = hasCommand('kubectl', ['version', '--client']) ? timeCommand(['kubectl', 'version', '--client'], { runs: 7 }).median : undefined;
  console.log(`Node ${process.version}; floor \`node -e 0\` = ${fmt(floor)}; \`kubectl version --client\` = ${kubectl ? fmt(kubectl) : 'n/a (kubectl not installed)'}\n`);
  console.log('| suite | case | median | × node -e 0 | × kubectl | throughput |');
  console.log('|---|---|---|---|---|---|');
  let failures = 0;
  for (const file of selected) {
    const suite = (await import(pathToFileURL(join(here, 'suites', file)).href)).default;
    const tmp = mkdtempSync(join(tmpdir(), `sailctl-bench-${basename(file, '.mjs')}-`));
    const ctx = { tmp, sailctl, root, node: process.execPath };
    try {
      if (suite.setup) await suite.setup(ctx);
      for (const c of suite.cases(ctx)) {
        // A case either gives argv (timed here) or its own async `measure(ctx)` returning
        // { median, status?, stderr?, note? } (for cases that need an in-process server).
        const r = c.measure ? { status: 0, ...(await c.measure(ctx)) } : timeCommand(c.argv, { runs: c.runs ?? 15, stdin: c.stdin, env: c.env });
        if (r.status !== 0 && !(c.okStatus ?? [0]).includes(r.status)) {
          failures++;
          console.log(`| ${suite.title} | ${c.name} | FAILED (exit ${r.status}) | | | ${r.stderr.split('\n')[0]} |`);
          continue;
        }
        const tput = [c.units ? `${Math.round(c.units.count / (r.median / 1000)).toLocaleString('en-US')} ${c.units.unit}/s` : '', r.note ?? '']
          .filter(Boolean)
          .join('; ');
        const vsKubectl = c.compareKubectl && kubectl ? `${(r.median / kubectl).toFixed(2)}×` : '';
        console.log(`| ${suite.title} | ${c.name} | ${fmt(r.median)} | ${(r.median / floor).toFixed(2)}× | ${vsKubectl} | ${tput} |`);
      }
    } finally {
      if (suite.teardown) await suite.teardown(ctx);
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (failures > 0) process.exitCode = 1;
}

await main();
