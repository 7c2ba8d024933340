/**
 * `sailctl x check-inject` against the emulator. The injectors are the webhook configurations
 * sailctl's own `manifest generate` renders (default, and revision canary), plus two written by
 * hand for the paths rendering never produces (a deactivated injector, an old-style injector
 * overlapping the default one), all applied with the real kubectl. Every expected row is worked
 * out by hand from istioctl's rules (proxy-debugging.md §2.5): the first webhook whose namespace
 * and object selectors both match decides, with the In/NotIn label that matched; otherwise the
 * reasons "Pod has ... preventing injection", "Namespace has istio-injection=... preventing
 * injection", "deactivated", or "No matching ..." listing the In labels of every webhook.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';
import { renderVerdicts } from '../../src/inject/check-inject.js';

let h: Harness;
const run = (args: string[], env: Record<string, string> = {}) => sailctl(['--kubeconfig', h.kubeconfig, 'x', 'check-inject', ...args], { env });

/** The MutatingWebhookConfigurations in a manifest generate rendering. */
function webhookDocs(manifest: string): string {
  return manifest
    .split(/^---$/m)
    .filter((doc) => /^kind: MutatingWebhookConfiguration$/m.test(doc))
    .join('\n---\n');
}

const HAND_WRITTEN = `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: istio-sidecar-injector-deactivated
  labels: {istio.io/rev: default}
webhooks:
- name: rev.namespace.sidecar-injector.istio.io
  clientConfig: {service: {name: istiod, namespace: istio-system, path: /inject}}
  sideEffects: None
  admissionReviewVersions: [v1]
  namespaceSelector: {matchLabels: {istio.io/deactivated: never-match}}
  objectSelector: {matchLabels: {istio.io/deactivated: never-match}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: legacy-injector
webhooks:
- name: sidecar-injector.istio.io
  clientConfig: {service: {name: istio-sidecar-injector, namespace: istio-system, path: /inject}}
  sideEffects: None
  admissionReviewVersions: [v1]
  namespaceSelector: {matchExpressions: [{key: istio-injection, operator: In, values: [enabled]}]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: not-istio
webhooks:
- name: inject.example.com
  clientConfig: {service: {name: other, namespace: default, path: /inject}}
  sideEffects: None
  admissionReviewVersions: [v1]
`;

const NO_DEFAULT = 'No matching namespace labels (istio.io/rev=default, istio-injection=enabled) or pod labels (istio.io/rev=default, sidecar.istio.io/inject=true)';
const NO_CANARY = 'No matching namespace labels (istio.io/rev=canary) or pod labels (istio.io/rev=canary)';
const NO_LEGACY = 'No matching namespace labels (istio-injection=enabled) or pod labels ()';
const DEACTIVATED = 'The injection webhook is deactivated, and will never match labels.';

interface Case {
  name: string;
  ns: Record<string, string>;
  pod: Record<string, string>;
  /** [default, canary, legacy] verdicts: reason, prefixed with ✔ when injected. */
  rows: [string, string, string];
}

const cases: Case[] = [
  { name: 'no labels', ns: {}, pod: {}, rows: [NO_DEFAULT, NO_CANARY, NO_LEGACY] },
  {
    name: 'namespace istio-injection=enabled',
    ns: { 'istio-injection': 'enabled' },
    pod: {},
    rows: ['✔Namespace label istio-injection=enabled matches', NO_CANARY, '✔Namespace label istio-injection=enabled matches'],
  },
  {
    name: 'namespace istio-injection=disabled',
    ns: { 'istio-injection': 'disabled' },
    pod: {},
    rows: [
      'Namespace has istio-injection=disabled label, preventing injection',
      'Namespace has istio-injection=disabled label, preventing injection',
      'Namespace has istio-injection=disabled label, preventing injection',
    ],
  },
  { name: 'namespace istio.io/rev=canary', ns: { 'istio.io/rev': 'canary' }, pod: {}, rows: [NO_DEFAULT, '✔Namespace label istio.io/rev=canary matches', NO_LEGACY] },
  { name: 'pod istio.io/rev=canary', ns: {}, pod: { 'istio.io/rev': 'canary' }, rows: ['Pod has istio.io/rev=canary label, preventing injection', '✔Pod label istio.io/rev=canary matches', NO_LEGACY] },
  { name: 'pod sidecar.istio.io/inject=true', ns: {}, pod: { 'sidecar.istio.io/inject': 'true' }, rows: ['✔Pod label sidecar.istio.io/inject=true matches', NO_CANARY, NO_LEGACY] },
  {
    name: 'namespace enabled, pod inject=false',
    ns: { 'istio-injection': 'enabled' },
    pod: { 'sidecar.istio.io/inject': 'false' },
    rows: ['Pod has sidecar.istio.io/inject=false label, preventing injection', NO_CANARY, '✔Namespace label istio-injection=enabled matches'],
  },
  {
    name: 'namespace enabled, pod inject=true',
    ns: { 'istio-injection': 'enabled' },
    pod: { 'sidecar.istio.io/inject': 'true' },
    rows: ['✔Namespace label istio-injection=enabled matches, and pod label sidecar.istio.io/inject=true matches', NO_CANARY, '✔Namespace label istio-injection=enabled matches'],
  },
  {
    name: 'namespace rev canary, pod inject=false',
    ns: { 'istio.io/rev': 'canary' },
    pod: { 'sidecar.istio.io/inject': 'false' },
    rows: [NO_DEFAULT, 'Pod has sidecar.istio.io/inject=false label, preventing injection', NO_LEGACY],
  },
];

/** The table istioctl prints for these rows, ANSI escapes removed (widths still count them). */
function expectedTable(c: Case): string {
  const rows = [
    { name: 'istio-sidecar-injector', rev: 'default', v: c.rows[0] },
    { name: 'istio-sidecar-injector-canary', rev: 'canary', v: c.rows[1] },
    { name: 'istio-sidecar-injector-deactivated', rev: 'default', v: DEACTIVATED },
    { name: 'legacy-injector', rev: '', v: c.rows[2] },
  ];
  // Widest cell + 2; the INJECTED column is 12 bytes wide: "\e[32m" + "✔" (3 bytes) + "\e[0m".
  const w0 = 'istio-sidecar-injector-deactivated'.length + 2;
  const w1 = 'REVISION'.length + 2;
  let out = `${'WEBHOOK'.padEnd(w0)}${'REVISION'.padEnd(w1)}INJECTED${' '.repeat(12 - 8 + 2)}REASON\n`;
  for (const r of rows) {
    const injected = r.v.startsWith('✔');
    out += `${r.name.padEnd(w0)}${r.rev.padEnd(w1)}${injected ? '✔' : '✘'}${' '.repeat(12 - 1 + 2)}${injected ? r.v.slice(1) : r.v}\n`;
  }
  const count = rows.filter((r) => r.v.startsWith('✔')).length;
  return count > 1 ? `${out}ERROR: multiple webhooks will inject, which can lead to errors` : out;
}

beforeAll(async () => {
  h = await startHarness();
  const dir = mkdtempSync(join(tmpdir(), 'sailctl-check-inject-'));
  const [def, canary] = await Promise.all([sailctl(['manifest', 'generate']), sailctl(['manifest', 'generate', '-r', 'canary'])]);
  expect(def.exitCode).toBe(0);
  expect(canary.exitCode).toBe(0);
  const file = join(dir, 'webhooks.yaml');
  writeFileSync(file, [webhookDocs(def.stdout), webhookDocs(canary.stdout), HAND_WRITTEN].join('\n---\n'));
  const applied = await h.kubectl(['apply', '-f', file]);
  expect(applied.stderr).toBe('');
  for (const [i, c] of cases.entries()) {
    h.emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `case${i}`, labels: c.ns } });
    h.emu.create({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: `case${i}`, name: 'test1', labels: c.pod }, spec: { containers: [{ name: 'app', image: 'app' }] } });
  }
  h.emu.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'case4', name: 'web' }, spec: { replicas: 0, selector: { matchLabels: { 'istio.io/rev': 'canary' } }, template: { metadata: { labels: { 'istio.io/rev': 'canary' } }, spec: { containers: [{ name: 'app', image: 'app' }] } } } });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

describe('x check-inject over the rendered injectors', () => {
  it('kubectl sees the webhook configurations the cases run against', async () => {
    const r = await h.kubectl(['get', 'mutatingwebhookconfigurations', '-o', 'name']);
    expect(r.stdout.trim().split('\n').sort()).toEqual([
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/istio-sidecar-injector',
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/istio-sidecar-injector-canary',
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/istio-sidecar-injector-deactivated',
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/legacy-injector',
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/not-istio',
    ]);
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('%s: the pod form (name -n ns and name.ns) and the -l form agree', async (_name, i) => {
    const c = cases[i]!;
    const want = expectedTable(c);
    for (const args of [['test1', '-n', `case${i}`], [`test1.case${i}`]]) {
      const r = await run(args);
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(want);
    }
    const labels = Object.entries(c.pod).map(([k, v]) => `${k}=${v}`).join(',');
    if (labels) {
      const r = await run(['-n', `case${i}`, '-l', labels]);
      expect(r.stdout).toBe(want);
    }
  });

  it('a workload resolves to its pod', async () => {
    const r = await run(['deployment/web', '-n', 'case4']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(expectedTable(cases[4]!));
  });

  it('on a terminal (FORCE_COLOR) the marks are coloured exactly as istioctl colours them', async () => {
    const r = await run(['test1', '-n', 'case1'], { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(r.stdout).toContain('istio-sidecar-injector              default   \u001b[32m✔\u001b[0m             Namespace label');
    expect(r.stdout).toContain('\u001b[31m✘\u001b[0m');
    expect(r.stdout.replace(/\u001b\[\d+m/g, '')).toBe(expectedTable(cases[1]!));
  });
});

describe('errors', () => {
  it.each([
    [[], 64, /^Error: check-inject requires only \[<resource-type>\/\]<resource-name>\[\.<namespace>\], or specify labels flag\n/],
    [['a', 'b'], 64, /^Error: check-inject requires only/],
    [['nope', '-n', 'case0'], 1, /^Error: pods "nope" not found in the "case0" namespace\n$/],
    [['-l', 'app=x', '-n', 'missing'], 1, /^Error: namespaces "missing" not found\n$/],
    [['deployment/none', '-n', 'case0'], 1, /^Error: failed retrieving: deployments.apps "none" not found in the "case0" namespace\n$/],
    [['-l', 'a in (', '-n', 'case0'], 64, /^Error: invalid --labels "a in \(": unable to parse requirement/],
  ])('%j exits %i', async (args, code, message) => {
    const r = await run(args as string[]);
    expect(r.stderr).toMatch(message);
    expect(r.exitCode).toBe(code);
    expect(r.stdout).toBe('');
  });
});

describe('renderVerdicts', () => {
  it('with no Istio injector prints istioctl\'s error line', () => {
    expect(renderVerdicts([], false)).toBe('ERROR: no Istio injection hooks present.\n');
  });
});
