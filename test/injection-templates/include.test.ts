/** The load-time include that pastes shared blocks into the built-in injection templates. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATE_NAMES, builtinTemplates } from '../../src/injection-templates/builtin.js';
import { expandBlocks, parseBlocks } from '../../src/injection-templates/include.js';

const SHARED = `{{- /* comments outside blocks are ignored */ -}}
{{ define "env" }}
- name: A
  value: {{ if .x }}1{{ else }}2{{ end }}
{{- with .y }}

- name: B
{{- end }}
{{ end }}
{{ define "outer" }}
- a
{{ template "env" . }}
{{ end }}
`;

describe('parseBlocks', () => {
  it('reads each define up to its matching {{ end }}, nested blocks included', () => {
    const blocks = parseBlocks(SHARED, 'shared.tpl');
    expect([...blocks.keys()]).toEqual(['env', 'outer']);
    expect(blocks.get('env')).toBe('- name: A\n  value: {{ if .x }}1{{ else }}2{{ end }}\n{{- with .y }}\n\n- name: B\n{{- end }}');
  });

  it('names the file and line of a block that never closes, is defined twice, or opens with trim markers', () => {
    expect(() => parseBlocks('x\n{{ define "a" }}\n{{- if .b }}\n{{ end }}\n', 'f.tpl')).toThrow('f.tpl:2: block "a" must close with a line holding only {{ end }}');
    expect(() => parseBlocks('{{ define "a" }}\nx\n{{ end }}\n{{ define "a" }}\ny\n{{ end }}', 'f.tpl')).toThrow('f.tpl:4: block "a" is defined twice');
    expect(() => parseBlocks('{{- define "a" }}\nx\n{{- end }}', 'f.tpl')).toThrow('f.tpl:1:');
  });
});

describe('expandBlocks', () => {
  const blocks = parseBlocks(SHARED, 'shared.tpl');

  it('replaces a use line by the block, indented like the use line; blank lines stay blank', () => {
    const got = expandBlocks('env:\n    {{ template "env" . }}\nnext: 1\n', blocks, 't.tpl');
    expect(got).toBe('env:\n    - name: A\n      value: {{ if .x }}1{{ else }}2{{ end }}\n    {{- with .y }}\n\n    - name: B\n    {{- end }}\nnext: 1\n');
  });

  it('expands blocks used inside blocks', () => {
    expect(expandBlocks('  {{ template "outer" . }}', blocks, 't.tpl')).toBe('  - a\n  - name: A\n    value: {{ if .x }}1{{ else }}2{{ end }}\n  {{- with .y }}\n\n  - name: B\n  {{- end }}');
  });

  it("leaves Go's own template calls alone", () => {
    const text = '{{- template "env" . }}\n  {{ template "local" . }}\n{{ template "env" $root }}\n';
    expect(expandBlocks(text, blocks, 't.tpl')).toBe(text);
  });

  it('refuses an empty block, naming the use line', () => {
    const empty = parseBlocks('{{ define "e" }}\n{{ end }}\n', 's.tpl');
    expect(() => expandBlocks('a: 1\n  {{ template "e" . }}\n', empty, 't.tpl')).toThrow('t.tpl:2: block "e" is empty');
  });

  it('refuses a block that includes itself', () => {
    const loop = parseBlocks('{{ define "a" }}\n{{ template "b" . }}\n{{ end }}\n{{ define "b" }}\n{{ template "a" . }}\n{{ end }}\n', 's.tpl');
    expect(() => expandBlocks('{{ template "a" . }}', loop, 't.tpl')).toThrow('block "a" includes itself (a -> b -> a)');
  });
});

describe('the shipped templates', () => {
  const dir = new URL('../../templates/', import.meta.url);
  const shared = parseBlocks(readFileSync(new URL('_shared.tpl', dir), 'utf8'), '_shared.tpl');

  it('are all listed: every templates/*.tpl but the shared file is a built-in template', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.tpl') && f !== '_shared.tpl');
    expect(files.map((f) => f.replace(/\.tpl$/, '')).sort()).toEqual([...BUILTIN_TEMPLATE_NAMES].sort());
  });

  it('are self-contained: every {{ template }} call names a define in the same template', () => {
    for (const [name, text] of Object.entries(builtinTemplates())) {
      const defined = new Set([...text.matchAll(/\{\{-?\s*define "([^"]+)"/g)].map((m) => m[1]));
      const called = [...text.matchAll(/\{\{-?\s*template "([^"]+)"/g)].map((m) => m[1]);
      expect(called.filter((c) => !defined.has(c)), name).toEqual([]);
      for (const block of shared.keys()) expect(defined.has(block), `${name} defines shared block ${block}`).toBe(false);
    }
  });

  it('use every shared block somewhere', () => {
    const sources = BUILTIN_TEMPLATE_NAMES.map((n) => readFileSync(new URL(`${n}.tpl`, dir), 'utf8')).join('\n');
    for (const block of shared.keys()) expect(sources, block).toContain(`{{ template "${block}" . }}`);
  });
});
