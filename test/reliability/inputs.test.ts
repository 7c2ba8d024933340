/**
 * Every command that reads user files × every case of the generated corpus (corpus.ts): the
 * exit code the rules give, one `Error:` line naming file:line and the rule, no stack trace, no
 * JavaScript error text, nothing on stdout for a failure (kube-inject: no earlier document lost,
 * none half written). Runs in-process (harness.ts); binary.e2e.test.ts repeats a sample through
 * the built binary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, SECOND_DOCUMENT_CASES } from './corpus.js';
import { checkOutcome, COMMANDS, writeCase } from './checks.js';
import { runInProcess } from './harness.js';

let dir: string;
const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME, NO_COLOR: process.env.NO_COLOR };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sailctl-reliability-'));
  // no cluster: kube-inject uses its built-in configuration, install --dry-run renders offline
  process.env.KUBECONFIG = join(dir, 'no-kubeconfig');
  process.env.HOME = dir;
  process.env.NO_COLOR = '1';
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe.each(COMMANDS)('$name × the corpus', (cmd) => {
  const cases = CASES.filter((c) => (c.shapes ?? ['workload', 'operator']).includes(cmd.shape));
  for (const c of cases) {
    it(c.id, async () => {
      const { file, expect: e } = writeCase(dir, c, cmd.shape);
      const r = await runInProcess(cmd.args(file));
      checkOutcome(r, file, e, cmd.prints);
      if (e.code !== 0) expect(r.stdout).toBe(''); // a failure prints nothing on stdout
    });
  }
});

describe('a bad document after a good one', () => {
  for (const cmd of COMMANDS.filter((c) => c.shape === 'workload')) {
    for (const c of SECOND_DOCUMENT_CASES) it(`${cmd.name}: ${c.id}`, async () => {
      const { file, expect: e } = writeCase(dir, c, 'workload');
      const r = await runInProcess(cmd.args(file));
      checkOutcome(r, file, e, cmd.prints);
      if (cmd.name.startsWith('kube-inject')) {
        // nothing, or the whole first document injected: never a lost or half-written one
        if (r.stdout !== '') {
          expect(r.stdout).toMatch(/name: first/);
          expect(r.stdout).toMatch(/istio-proxy/);
          expect(r.stdout).not.toMatch(/name: again|- - -/);
        }
      } else {
        expect(r.stdout).toBe('');
      }
    });
  }
});
