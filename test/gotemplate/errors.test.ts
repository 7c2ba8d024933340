import { describe, expect, it } from 'vitest';
import { TemplateError, parseTemplate } from '../../src/gotemplate/index.js';
import { errorOf } from './helpers.js';

describe('parse errors carry template:line:col and Go wording', () => {
  const cases: [string, string][] = [
    ['{{ nope }}', 'template: t:1:3: function "nope" not defined'],
    ['{{ $x }}', 'template: t:1:3: undefined variable "$x"'],
    ['{{ $x = 1 }}', 'template: t:1:3: undefined variable "$x"'],
    ['a\n{{ if true }}x', 'template: t:2:14: unexpected EOF'],
    ['{{ end }}', 'template: t:1:3: unexpected {{end}}'],
    ['{{ else }}', 'template: t:1:3: unexpected {{else}}'],
    ['{{ range .l }}{{ end }}{{ break }}', 'template: t:1:26: {{break}} outside {{range}}'],
    ['{{ if }}{{ end }}', 'template: t:1:6: missing value for if'],
    ['{{ .x | 1 }}', 'template: t:1:8: non executable command in pipeline stage 2'],
    ['x\n  {{ .x ', 'template: t:2:2: unclosed action'],
    ['{{ "abc }}', 'template: t:1:3: unterminated quoted string'],
    ['{{ .x ) }}', 'template: t:1:6: unexpected right paren'],
    ['{{ (.x }}', 'template: t:1:7: unclosed left paren'],
    ['{{ 3x }}', 'template: t:1:3: bad number syntax: "3x"'],
    ['{{ .x # }}', 'template: t:1:6: unrecognized character in action: U+0023 \'#\''],
    ['{{/* open', 'template: t:1:0: unclosed comment'],
    ['{{ define "a" }}1{{ end }}{{ define "a" }}2{{ end }}', 'template: t:1:36: multiple definition of template "a"'],
    ['{{ template .x }}', 'template: t:1:12: unexpected ".x" in template clause'],
    ['{{ "a".b }}', 'template: t:1:3: unexpected . after term "\\"a\\""'],
  ];
  it.each(cases)('%j', (t, want) => expect(errorOf(t)).toBe(want));

  it('is a TemplateError with the location fields set', () => {
    try {
      parseTemplate('sidecar', 'line1\nline2 {{ nope }}');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect(e).toMatchObject({ templateName: 'sidecar', line: 2, column: 9 });
    }
  });
});

describe('execution errors name the executing template and node', () => {
  const cases: [string, unknown, string][] = [
    ['line\n\n  {{ .a.b }}', { a: 's' }, 'template: t:3:5: executing "t" at <.a.b>: can\'t evaluate field b in type string'],
    ['{{ .a.b }}', { a: null }, 'template: t:1:3: executing "t" at <.a.b>: nil pointer evaluating interface {}.b'],
    ['{{ .l.x }}', { l: [1] }, 'template: t:1:3: executing "t" at <.l.x>: can\'t evaluate field x in type []interface {}'],
    ['{{ define "inner" }}\n  {{ .x.y }}{{ end }}{{ template "inner" . }}', { x: 1 }, 'template: t:2:5: executing "inner" at <.x.y>: can\'t evaluate field y in type int'],
    ['{{ index .l 5 }}', { l: [] }, 'template: t:1:3: executing "t" at <index .l 5>: error calling index: index out of range: 5'],
    ['{{ index .m 1 }}', { m: {} }, 'template: t:1:3: executing "t" at <index .m 1>: error calling index: value has type int; should be string'],
    ['{{ template "nope" }}', {}, 'template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined'],
    ['{{ .x 1 }}', { x: 'v' }, 'template: t:1:3: executing "t" at <.x>: x is not a method but has arguments'],
    ['{{ 1 2 }}', {}, 'template: t:1:3: executing "t" at <1>: can\'t give argument to non-function 1'],
    ['{{ nil }}', {}, 'template: t:1:3: executing "t" at <nil>: nil is not a command'],
    ['{{ default }}', {}, 'template: t:1:3: executing "t" at <default>: wrong number of args for default: want at least 1 got 0'],
    ['{{ not 1 2 }}', {}, 'template: t:1:3: executing "t" at <not 1 2>: wrong number of args for not: want 1 got 2'],
    ['{{ lower .missing }}', {}, 'template: t:1:9: executing "t" at <.missing>: invalid value; expected string'],
    ['{{ 5 | upper }}', {}, 'template: t:1:7: executing "t" at <upper>: wrong type for value; expected string; got int'],
    ['{{ eq "a" 1 }}', {}, 'template: t:1:3: executing "t" at <eq "a" 1>: error calling eq: incompatible types for comparison'],
    ['{{ lt .m 1 }}', { m: {} }, 'template: t:1:3: executing "t" at <lt .m 1>: error calling lt: invalid type for comparison'],
    ['{{ range .s }}{{ end }}', { s: 'str' }, "template: t:1:9: executing \"t\" at <{{range .s}}>: range can't iterate over str"],
    ['{{ range $i, $v := 3 }}{{ end }}', {}, "template: t:1:9: executing \"t\" at <{{range $i, $v := 3}}>: can't use 3 to iterate over more than one variable"],
    ['{{ div 1 0 }}', {}, 'template: t:1:3: executing "t" at <div 1 0>: error calling div: runtime error: integer divide by zero'],
    ['{{ call .f }}', { f: 'x' }, 'template: t:1:3: executing "t" at <call .f>: error calling call: non-function of type string'],
    ['{{ define "loop" }}{{ template "loop" . }}{{ end }}{{ template "loop" . }}', {}, 'template: t:1:31: executing "loop" at <{{template "loop" .}}>: exceeded maximum template depth (1000)'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(errorOf(t, d)).toBe(want));

  it('missingkey=error reports the missing key', () => {
    expect(errorOf('{{ .m.nope }}', { m: {} }, { missingKey: 'error' })).toBe('template: t:1:3: executing "t" at <.m.nope>: map has no entry for key "nope"');
    expect(errorOf('{{ .a.b }}', {}, { missingKey: 'error' })).toBe('template: t:1:3: executing "t" at <.a.b>: map has no entry for key "a"');
  });

  it('reports byte columns for lines with multi-byte text before the action', () => {
    expect(errorOf('é {{ .a.b }}', { a: 1 })).toBe('template: t:1:6: executing "t" at <.a.b>: can\'t evaluate field b in type int');
  });

  it('writes nothing partial: execute either returns the whole output or throws', () => {
    const t = parseTemplate('partial', 'start {{ .a.b }} end');
    expect(() => t.execute({ a: 1 })).toThrow(TemplateError);
  });
});
