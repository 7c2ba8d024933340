/**
 * Alias amplification and deep nesting through the built binary, with the heap capped: one
 * 1 MiB anchor used 3,000 times (3 GB expanded) and a billion-laughs document must be refused
 * from their text, in bounded time and memory, with exit 65 and file:line, by every reader.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';

let dir: string;
let env: Record<string, string>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sailctl-amplify-'));
  // 256 MB of heap: expanding any of these inputs would die here instead of answering 65
  env = { KUBECONFIG: join(dir, 'none'), HOME: dir, NODE_OPTIONS: '--max-old-space-size=256' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IOP = ['apiVersion: install.istio.io/v1alpha1', 'kind: IstioOperator', 'spec:', '  values:'];
const POD = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  annotations:'];
const bigAnchor = (indent: string) => [`${indent}big: &big "${'a'.repeat(1 << 20)}"`, `${indent}uses: [${Array.from({ length: 3000 }, () => '*big').join(', ')}]`];
function laughs(indent: string): string[] {
  const lines = [`${indent}l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i <= 9; i++) lines.push(`${indent}l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(',')}]`);
  return lines;
}

describe('alias expansion is bounded by size, not only by count', () => {
  const cases: [string, string[], (f: string) => string[], RegExp][] = [
    ['manifest generate: one 1 MiB anchor × 3000', [...IOP, ...bigAnchor('    ')], (f) => ['manifest', 'generate', '-f', f], /:6: document 1 expands to more than 32 MiB through its aliases/],
    ['profile dump: billion laughs', [...IOP, ...laughs('    ')], (f) => ['profile', 'dump', '-f', f], /:(6|7|8|9|1[0-4]): document 1 expands to more than 32 MiB through its aliases/],
    ['kube-inject: one 1 MiB anchor × 3000', [...POD, ...bigAnchor('    ')], (f) => ['kube-inject', '-f', f], /:7: document 1 expands to more than 32 MiB through its aliases/],
    ['validate: one 1 MiB anchor × 3000', [...POD, ...bigAnchor('    ')], (f) => ['validate', '-f', f], /:7: document 1 expands to more than 32 MiB through its aliases/],
    ['analyze: billion laughs', [...POD, ...laughs('    ')], (f) => ['analyze', '--use-kube=false', f], /:(7|8|9|1[0-5]): document 1 expands to more than 32 MiB through its aliases/],
  ];
  it.each(cases)('%s', async (name, lines, args, message) => {
    const f = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(f, lines.join('\n') + '\n');
    const started = Date.now();
    const r = await sailctl(args(f), { env });
    expect(r.exitCode, r.stderr).toBe(65);
    expect(r.stderr).toMatch(new RegExp(f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + message.source));
    expect(r.stderr).toMatch(/\(the per-document limit, raised with SAILCTL_MAX_DOCUMENT_MB=<MiB>\)/); // how to raise it
    expect(r.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a document larger than the limit is refused before it is built (limit lowered to 1 MiB here)', async () => {
    const f = join(dir, 'large.yaml');
    const items = Array.from({ length: 40_000 }, (_, i) => `    - item-${i}-${'x'.repeat(40)}`);
    writeFileSync(f, ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', '  list:', ...items, '---', 'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: q'].join('\n') + '\n');
    // (kube-inject's own streaming reader has its own per-document limit, tested with it)
    for (const args of [['validate', '-f', f], ['analyze', '--use-kube=false', f]]) {
      const r = await sailctl(args, { env: { ...env, SAILCTL_MAX_DOCUMENT_MB: '1' } });
      expect(r.exitCode, r.stderr).toBe(65);
      expect(r.stderr).toContain(`${f}:1: document 1 is larger than 1 MiB (the per-document limit, raised with SAILCTL_MAX_DOCUMENT_MB=<MiB>)`);
      expect(r.stdout).toBe('');
    }
  });

  it('the limit can be raised for a document that really is large (SAILCTL_MAX_DOCUMENT_MB)', async () => {
    const f = join(dir, 'wide.yaml');
    // 40 uses of a 1 MiB anchor: 40 MiB expanded, over the default 32 MiB
    writeFileSync(f, [...IOP, `    big: &big "${'a'.repeat(1 << 20)}"`, `    uses: [${Array.from({ length: 40 }, () => '*big').join(', ')}]`].join('\n') + '\n');
    const refused = await sailctl(['profile', 'dump', '-f', f, '-p', 'values.uses'], { env: { ...env, NODE_OPTIONS: '' } });
    expect(refused.exitCode).toBe(65);
    const raised = await sailctl(['profile', 'dump', '-f', f, '-o', 'json', '-p', 'values.uses'], { env: { ...env, NODE_OPTIONS: '', SAILCTL_MAX_DOCUMENT_MB: '64' } });
    expect(raised.exitCode, raised.stderr).toBe(0);
    expect(JSON.parse(raised.stdout)).toHaveLength(40);
  }, 60_000);
});
