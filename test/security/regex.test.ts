/**
 * The template regex functions follow Go's regexp (RE2): same syntax, same results, and time
 * linear in the input, so a catastrophic pattern in an injector ConfigMap cannot hang
 * kube-inject. Expected values are those Go's documentation gives for the same calls.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTemplate } from '../../src/gotemplate/index.js';
import { runInProcess } from '../reliability/harness.js';

const run = (text: string, data: unknown = {}) => parseTemplate(`t${Math.random()}`, text).execute(data);

describe('Go semantics (examples from the regexp package documentation)', () => {
  it.each([
    ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "T" }}', '-T-T-'],
    ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1" }}', '--xx-'],
    ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}', '---'], // $1W names group "1W": empty
    ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', '-W-xxW-'],
    ['{{ regexReplaceAll "a(?P<x>x*)b" "-ab-axxb-" "${x}W" }}', '-W-xxW-'],
    ['{{ regexReplaceAll "b*" "abc" "-" }}', '-a-c-'], // no empty match right after a match
    ['{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', '-${1}-${1}-'],
    ['{{ regexSplit "a*" "abaabaccadaaae" 5 | join "," }}', ',b,b,c,cadaaae'],
    ['{{ regexSplit "" "abc" -1 | join "," }}', 'a,b,c'],
    ['{{ regexSplit "a" "" -1 | len }}', '1'],
    ['{{ regexFindAll "a." "paranormal" -1 | join "," }}', 'ar,an,al'],
    ['{{ regexFindAll "a." "paranormal" 2 | join "," }}', 'ar,an'],
    ['{{ regexFindAll "b*" "abc" -1 | len }}', '3'],
    ['{{ regexFind "a.b" "aaxbb" }}', 'axb'],
    ['{{ regexMatch "(?i)^HELLO" "hello world" }}', 'true'],
    ['{{ regexMatch "(?U)a+" "aaa" }}', 'true'],
    ['{{ regexFind "(?U)a+" "aaa" }}', 'a'],
    ['{{ regexMatch "^\\\\pL+$" "héllo" }}', 'true'],
    ['{{ regexMatch "(" "x" }}', 'false'], // Sprig's regexMatch swallows the compile error
    ['{{ regexQuoteMeta "1.5-2.0?" }}', '1\\.5-2\\.0\\?'],
  ])('%s → %s', (text, want) => {
    expect(run(text)).toBe(want);
  });

  it('RE2 refuses what it does not support, with Go\'s message', () => {
    expect(() => run('{{ regexFind "(?=x)" "x" }}')).toThrow(/error parsing regexp: invalid or unsupported Perl syntax: `\(\?=`/);
    expect(() => run('{{ regexFind "(a" "a" }}')).toThrow(/error parsing regexp: missing closing \): `\(a`/);
    expect(() => run('{{ regexFind "(a)\\\\1" "aa" }}')).toThrow(/error parsing regexp: invalid escape sequence: `\\1`/);
  });
});

describe('linear time', () => {
  it.each([
    ['(a+)+$', 'a'.repeat(100_000) + '!'],
    ['^(a|aa)+$', 'a'.repeat(100_000) + '!'],
    ['(x+x+)+y', 'x'.repeat(50_000)],
    ['^(\\w+\\s?)*$', 'an ordinary sentence that goes on '.repeat(2000) + '!'],
  ])('%s on %#', (pattern, input) => {
    const started = performance.now();
    expect(run('{{ regexMatch .p .s }} {{ regexReplaceAll .p .s "" | len }}', { p: pattern, s: input })).toMatch(/^false \d+$/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  describe('kube-inject with a catastrophic pattern in --injectConfigFile', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'sailctl-redos-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('finishes in seconds with the answer Go gives', async () => {
      const app = join(dir, 'app.yaml');
      writeFileSync(app, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    payload: "${'a'.repeat(50_000)}!"\nspec:\n  containers:\n    - name: c\n      image: nginx\n`);
      const config = join(dir, 'inject.yaml');
      writeFileSync(
        config,
        'templates:\n  sidecar: |\n    metadata:\n      annotations:\n        checked: "{{ regexMatch "^(a+)+$" (index .ObjectMeta.Annotations "payload") }}"\n',
      );
      const values = join(dir, 'values.json');
      writeFileSync(values, '{}');
      const mesh = join(dir, 'mesh.yaml');
      writeFileSync(mesh, '{}');
      const started = performance.now();
      const r = await runInProcess(['kube-inject', '-f', app, '--injectConfigFile', config, '--valuesFile', values, '--meshConfigFile', mesh]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/checked: "false"/);
      expect(performance.now() - started).toBeLessThan(10_000);
    });
  });
});
