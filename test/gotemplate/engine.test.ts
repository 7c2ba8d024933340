import { describe, expect, it } from 'vitest';
import { asStringMap, parseTemplate } from '../../src/gotemplate/index.js';
import { render, type Case } from './helpers.js';

class Greeter {
  Name = 'greeter';
  Greet(s: string): string {
    return `hello ${s}`;
  }
}

const people = { users: [{ name: 'ann', age: 31 }, { name: 'bob', age: 0 }], m: { zeta: 1, alpha: 2, mid: 3 } };

describe('text, actions and whitespace trimming', () => {
  const cases: Case[] = [
    ['plain text only', {}, 'plain text only'],
    ['Hello, {{.name}}!', { name: 'world' }, 'Hello, world!'],
    ['a  {{- .x -}}  b', { x: 1 }, 'a1b'],
    ['a \n\t {{- .x}} \n b', { x: 1 }, 'a1 \n b'],
    ['a {{.x -}} \n\n b', { x: 1 }, 'a 1b'],
    ['{{- .x -}}', { x: 'only' }, 'only'],
    ['x{{/* a comment */}}y', {}, 'xy'],
    ['x {{- /* trimmed comment */ -}} y', {}, 'xy'],
    ['x{{/* multi\nline */}}y', {}, 'xy'],
    ['{{-3}}', {}, '-3'],
    ['{{ "a" }}{{ `raw\\n` }}{{ "esc\\t\\u00e9" }}', {}, 'araw\\nesc\té'],
    ["{{ 'a' }}", {}, '97'],
    ['{{ 0x1F }} {{ 017 }} {{ 1_000 }} {{ -5 }}', {}, '31 15 1000 -5'],
    ['{{ true }} {{ false }}', {}, 'true false'],
    ['{{ . }}', 'dot', 'dot'],
    ['{{\n  .x\n}}', { x: 'newlines inside actions' }, 'newlines inside actions'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));
});

describe('fields, variables, pipelines', () => {
  const cases: Case[] = [
    ['{{.a.b.c}}', { a: { b: { c: 'deep' } } }, 'deep'],
    ['{{ (index .users 0).name }}', people, 'ann'],
    ['{{ $u := index .users 1 }}{{ $u.name }}/{{ $u.age }}', people, 'bob/0'],
    ['{{ $x := 1 }}{{ $x = 2 }}{{ $x }}', {}, '2'],
    ['{{ $ }}', 'root', 'root'],
    ['{{ with .a }}{{ $.top }}-{{ .b }}{{ end }}', { top: 'T', a: { b: 'B' } }, 'T-B'],
    ['{{ .name | printf "%s!" }}', { name: 'hi' }, 'hi!'],
    ['{{ "abc" | len | printf "%d chars" }}', {}, '3 chars'],
    ['{{ (print "a" "b") }}', {}, 'ab'],
    ['{{ print (len .users) (.m.alpha) }}', people, '2 2'],
    // A Go struct field name reads the JSON-style key of a Kubernetes object.
    ['{{ range .Spec.Containers }}{{ .Name }}:{{ .ImagePullPolicy }} {{ end }}', { spec: { containers: [{ name: 'app', imagePullPolicy: 'Always' }] } }, 'app:Always '],
    ['{{ .TypeMeta.APIVersion }} {{ .Meta.UID }} {{ .P.HostIP }}', { TypeMeta: { apiVersion: 'apps/v1' }, Meta: { uid: 'u1' }, P: { hostIP: '1.2.3.4' } }, 'apps/v1 u1 1.2.3.4'],
    // A method of a class instance is invoked with its arguments, as a Go method.
    ['{{ .Greet "x" }} {{ .Name }}', new Greeter(), 'hello x greeter'],
    ['{{ call .f 2 3 }}', { f: (a: number, b: number) => a * b }, '6'],
    // Variables declared inside a control structure end with it.
    ['{{ $v := "outer" }}{{ if true }}{{ $v := "inner" }}{{ $v }}{{ end }} {{ $v }}', {}, 'inner outer'],
    ['{{ $v := "outer" }}{{ if true }}{{ $v = "changed" }}{{ end }}{{ $v }}', {}, 'changed'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));
});

describe('nil and missing values (missingkey=default)', () => {
  const cases: Case[] = [
    ['{{ .missing }}', {}, '<no value>'],
    ['{{ .a.b.c }}', {}, '<no value>'],
    ['{{ .n }}', { n: null }, '<no value>'],
    ['{{ print .missing }} {{ print .n }}', { n: null }, '<nil> <nil>'],
    ['{{ printf "%v" .missing }}', {}, '<nil>'],
    ['{{ index .m "nope" }}', { m: { a: 1 } }, '<no value>'],
    ['[{{ index .labels "nope" }}]', { labels: asStringMap({ a: 'x' }) }, '[]'],
    ['{{ if .missing }}yes{{ else }}no{{ end }}', {}, 'no'],
    ['{{ .missing | default "dflt" }}', {}, 'dflt'],
    ['{{ (index .m "nope").deeper }}', { m: {} }, '<no value>'],
    ['{{ $x := .missing }}{{ $x.field }}', {}, '<no value>'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));

  it('missingkey=zero gives the zero value of the map element', () => {
    expect(render('[{{ .m.nope }}]', { m: asStringMap({}) }, { missingKey: 'zero' })).toBe('[]');
    expect(render('[{{ .nope }}]', {}, { missingKey: 'zero' })).toBe('[<no value>]');
  });
});

describe('truthiness and if/else chains', () => {
  const cases: Case[] = [
    ['{{ if "" }}T{{ else }}F{{ end }}', {}, 'F'],
    ['{{ if 0 }}T{{ else }}F{{ end }}', {}, 'F'],
    ['{{ if .f }}T{{ else }}F{{ end }}', { f: 0.0 }, 'F'],
    ['{{ if .l }}T{{ else }}F{{ end }}', { l: [] }, 'F'],
    ['{{ if .m }}T{{ else }}F{{ end }}', { m: {} }, 'F'],
    ['{{ if .m }}T{{ else }}F{{ end }}', { m: { a: 0 } }, 'T'],
    ['{{ if false }}T{{ else }}F{{ end }}', {}, 'F'],
    ['{{ if .n }}T{{ else }}F{{ end }}', { n: null }, 'F'],
    ['{{ if "x" }}T{{ end }}', {}, 'T'],
    ['{{ if eq .v 1 }}one{{ else if eq .v 2 }}two{{ else if eq .v 3 }}three{{ else }}many{{ end }}', { v: 3 }, 'three'],
    ['{{ if eq .v 1 }}one{{ else if eq .v 2 }}two{{ else }}many{{ end }}', { v: 9 }, 'many'],
    ['{{ if $x := .v }}got {{ $x }}{{ end }}', { v: 'it' }, 'got it'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));
});

describe('with', () => {
  const cases: Case[] = [
    ['{{ with .a }}[{{ . }}]{{ end }}', { a: 'x' }, '[x]'],
    ['{{ with .a }}[{{ . }}]{{ else }}none{{ end }}', { a: '' }, 'none'],
    ['{{ with .a }}A{{ else with .b }}B={{ . }}{{ else }}none{{ end }}', { b: 7 }, 'B=7'],
    ['{{ with $v := .a }}{{ $v }}{{ end }}', { a: 'decl' }, 'decl'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));
});

describe('range', () => {
  const cases: Case[] = [
    ['{{ range .l }}<{{ . }}>{{ end }}', { l: ['a', 'b'] }, '<a><b>'],
    ['{{ range $i, $v := .l }}{{ $i }}={{ $v }} {{ end }}', { l: ['a', 'b'] }, '0=a 1=b '],
    ['{{ range $v := .l }}{{ $v }}{{ end }}', { l: ['a', 'b'] }, 'ab'],
    // Maps iterate in sorted key order, as Go does.
    ['{{ range $k, $v := .m }}{{ $k }}={{ $v }} {{ end }}', people, 'alpha=2 mid=3 zeta=1 '],
    ['{{ range .m }}{{ . }}{{ end }}', people, '231'],
    ['{{ range .l }}x{{ else }}empty{{ end }}', { l: [] }, 'empty'],
    ['{{ range .missing }}x{{ else }}empty{{ end }}', {}, 'empty'],
    ['{{ range .m }}x{{ else }}empty{{ end }}', { m: {} }, 'empty'],
    // Go 1.22 range over an integer.
    ['{{ range 3 }}{{ . }}{{ end }}', {}, '012'],
    ['{{ range $i := .n }}[{{ $i }}]{{ end }}', { n: 2 }, '[0][1]'],
    ['{{ range 0 }}x{{ else }}none{{ end }}', {}, 'none'],
    ['{{ range .l }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}', { l: [1, 2, 3, 4, 5] }, '13'],
    ['{{ range $i, $c := .users }}{{ range $.m }}{{ end }}{{ $c.name }}{{ end }}', people, 'annbob'],
    ['{{ range .outer }}{{ range . }}{{ . }}{{ end }};{{ end }}', { outer: [[1, 2], [3]] }, '12;3;'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));
});

describe('define, template, block', () => {
  const cases: Case[] = [
    ['{{ define "item" }}<{{ . }}>{{ end }}{{ template "item" "x" }}{{ template "item" 2 }}', {}, '<x><2>'],
    ['{{ define "noarg" }}[{{ . }}]{{ end }}{{ template "noarg" }}', { a: 1 }, '[<no value>]'],
    ['{{ template "later" .v }}{{ define "later" }}defined after use: {{ . }}{{ end }}', { v: 1 }, 'defined after use: 1'],
    ['{{ block "b" .v }}default {{ . }}{{ end }}', { v: 'body' }, 'default body'],
    ['{{ define "rec" }}{{ if . }}{{ len . }}{{ template "rec" (slice . 1) }}{{ end }}{{ end }}{{ template "rec" .l }}', { l: [1, 2, 3] }, '321'],
    // $ inside a called template is that template's data.
    ['{{ define "root" }}{{ $ }}{{ end }}{{ template "root" "inner" }}', 'outer', 'inner'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));

  it('executeTemplate runs a defined template by name', () => {
    const t = parseTemplate('set', '{{ define "a" }}A{{ . }}{{ end }}{{ define "b" }}B{{ end }}main');
    expect(t.execute(null)).toBe('main');
    expect(t.executeTemplate('a', 1)).toBe('A1');
  });
});

describe('caching', () => {
  it('returns the same compiled template for the same name and text', () => {
    const a = parseTemplate('cache-test', '{{ . }}');
    expect(parseTemplate('cache-test', '{{ . }}')).toBe(a);
    expect(parseTemplate('cache-test', '{{ . }}!')).not.toBe(a);
  });

  it('keeps templates compiled with different function maps apart', () => {
    const f1 = { greet: () => 'one' };
    const f2 = { greet: () => 'two' };
    expect(parseTemplate('c', '{{ greet }}', { funcs: f1 }).execute({})).toBe('one');
    expect(parseTemplate('c', '{{ greet }}', { funcs: f2 }).execute({})).toBe('two');
  });

  it('lets options.funcs override built-in, Sprig and Istio functions', () => {
    expect(render('{{ upper "x" }}', {}, { funcs: { upper: () => 'overridden' } })).toBe('overridden');
  });
});
