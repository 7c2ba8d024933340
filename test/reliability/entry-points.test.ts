/**
 * The same limits and strictness on every other way YAML reaches sailctl: kube-inject's
 * --valuesFile, --meshConfigFile and --injectConfigFile, a kubeconfig, and a profile file in a
 * --manifests directory. Each gets the corpus's hostile kinds (a duplicate key, invalid UTF-8,
 * deep nesting, alias expansion, a __proto__ key) and must answer exit 65 naming file:line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE } from './corpus.js';
import { runInProcess } from './harness.js';
import { checkOutcome } from './checks.js';

interface EntryPoint {
  name: string;
  /** A valid file for this entry point; line 1 holds a top-level key. */
  base: string[];
  /** The command line, given the file (and a scratch directory). */
  args: (file: string, dir: string) => string[];
  /** The file name to write (the profile must be default.yaml in its directory). */
  fileName?: string;
}

let dir: string;
let workload: string;
const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sailctl-entry-'));
  process.env.KUBECONFIG = join(dir, 'no-kubeconfig');
  process.env.HOME = dir;
  workload = join(dir, 'app.yaml');
  writeFileSync(workload, BASE.workload.join('\n') + '\n');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const ENTRY_POINTS: EntryPoint[] = [
  { name: 'kube-inject --valuesFile', base: ['global:', '  hub: docker.io/istio', '  tag: 1.30.0'], args: (f) => ['kube-inject', '-f', workload, '--valuesFile', f] },
  { name: 'kube-inject --meshConfigFile', base: ['defaultConfig:', '  discoveryAddress: istiod.istio-system.svc:15012'], args: (f) => ['kube-inject', '-f', workload, '--meshConfigFile', f] },
  { name: 'kube-inject --injectConfigFile', base: ['policy: enabled', 'templates:', '  sidecar: |', '    spec: {}'], args: (f) => ['kube-inject', '-f', workload, '--injectConfigFile', f] },
  {
    name: 'verify-install --kubeconfig',
    base: ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: c', '  cluster:', '    server: https://127.0.0.1:1', 'contexts:', '- name: x', '  context: {cluster: c}', 'current-context: x'],
    args: (f) => ['verify-install', '--kubeconfig', f],
  },
  {
    name: 'manifest generate --manifests (profile file)',
    base: ['apiVersion: install.istio.io/v1alpha1', 'kind: IstioOperator', 'spec:', '  hub: docker.io/istio'],
    fileName: 'default.yaml',
    args: (_f, d) => ['manifest', 'generate', '--manifests', d],
  },
];

const HOSTILE: { id: string; make(base: string[]): { bytes: Buffer; line: number; rule: string } }[] = [
  {
    id: 'duplicate-key',
    make: (base) => ({ bytes: Buffer.from([base[0]!, base[0]!, ...base.slice(1)].join('\n') + '\n'), line: 2, rule: `duplicate key "${base[0]!.split(':')[0]}" in document 1 \\(first at line 1\\)` }),
  },
  {
    id: 'invalid-utf8',
    make: (base) => {
      const first = Buffer.from(base[0]! + ' ');
      return { bytes: Buffer.concat([first, Buffer.from([0xc3, 0x28]), Buffer.from('\n' + base.slice(1).join('\n') + '\n')]), line: 1, rule: `invalid UTF-8 at byte offset ${first.length} \\(byte 0xc3\\)` };
    },
  },
  {
    id: 'deep-nesting',
    make: (base) => ({ bytes: Buffer.from([...base, `deep: ${'['.repeat(5000)}${']'.repeat(5000)}`].join('\n') + '\n'), line: base.length + 1, rule: 'document 1 nests maps and lists deeper than 256 levels \\(the limit\\)' }),
  },
  {
    id: 'alias-expansion',
    make: (base) => ({
      bytes: Buffer.from([...base, `big: &big "${'x'.repeat(1 << 20)}"`, `uses: [${Array.from({ length: 64 }, () => '*big').join(', ')}]`].join('\n') + '\n'),
      line: base.length + 2,
      rule: 'document 1 expands to more than 32 MiB through its aliases \\(the per-document limit, raised with SAILCTL_MAX_DOCUMENT_MB=<MiB>\\)',
    }),
  },
  {
    id: 'proto-key',
    make: (base) => ({ bytes: Buffer.from([...base, '__proto__:', '  polluted: true'].join('\n') + '\n'), line: base.length + 1, rule: 'key "__proto__" in document 1 is not allowed' }),
  },
];

describe.each(ENTRY_POINTS)('$name', (ep) => {
  it('reads the valid base file (the cases below differ from it only by the hostile part)', async () => {
    if (ep.name.startsWith('verify-install')) return; // no cluster behind it: only the reading is checked below
    const d = join(dir, `${ep.name.replace(/\W+/g, '-')}-base`);
    mkdirSync(d, { recursive: true });
    const file = join(d, ep.fileName ?? 'input.yaml');
    writeFileSync(file, ep.base.join('\n') + '\n');
    const r = await runInProcess(ep.args(file, d));
    expect(r.stderr).not.toMatch(/^Error:/m);
    expect(r.exitCode).toBe(0);
  });
  it.each(HOSTILE.map((h) => [h.id, h] as const))('%s: exit 65 naming file:line', async (id, h) => {
    const d = join(dir, `${ep.name.replace(/\W+/g, '-')}-${id}`);
    mkdirSync(d, { recursive: true });
    const file = join(d, ep.fileName ?? 'input.yaml');
    const { bytes, line, rule } = h.make(ep.base);
    writeFileSync(file, bytes);
    const r = await runInProcess(ep.args(file, d));
    checkOutcome(r, file, { code: 65, message: new RegExp(`FILE:${line}: ${rule}`) }, true);
    expect(r.stdout).toBe('');
  });
});
