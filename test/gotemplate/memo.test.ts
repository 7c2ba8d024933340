/** `{{template "name" X}}` remembered by X's content (memo.ts): never a different output than running it. */
import { describe, expect, it } from 'vitest';
import { asStringMap, GoFloat, markStable, parseTemplate } from '../../src/gotemplate/index.js';

const define = '{{ define "t" }}[{{ kindOf .a }} {{ .a }}{{ range $k, $v := .m }} {{ $k }}={{ $v }}{{ end }}]{{ end }}';

describe('template calls remembered by their data', () => {
  it('the same data gives the same text; any difference in value, type, key or map kind gives its own', () => {
    const t = parseTemplate('memo-1', `${define}{{ range .calls }}{{ template "t" . }}{{ end }}`);
    const calls = [
      { a: 1, m: { x: 'y' } },
      { a: 1, m: { x: 'y' } },
      { a: '1', m: { x: 'y' } },
      { a: new GoFloat(1), m: { x: 'y' } },
      { a: 1, m: { x: 'z' } },
      { a: 1, m: { w: 'y' } },
      { a: 1, m: asStringMap({ x: 'y' }) },
      { a: 1 },
      { a: 1, m: { x: 'y' } },
    ];
    expect(t.execute({ calls })).toBe('[int 1 x=y][int 1 x=y][string 1 x=y][float64 1 x=y][int 1 x=z][int 1 w=y][int 1 x=y][int 1][int 1 x=y]');
  });

  it('a set whose templates change data (set, unset, merge) is never remembered', () => {
    // One call site run three times, the data changed in place between the runs.
    const t = parseTemplate('memo-2', `${define}{{ $d := dict "a" 0 }}{{ range $i := list 1 2 3 }}{{ template "t" $d }}{{ $_ := set $d "a" $i }}{{ end }}`);
    expect(t.execute({})).toBe('[int 0][int 1][int 2]');
    const u = parseTemplate('memo-2u', `${define}{{ $d := dict "a" 0 }}{{ range $i := list 1 2 }}{{ template "t" $d }}{{ $_ := unset $d "a" }}{{ end }}`);
    expect(u.execute({})).toBe('[int 0][invalid <no value>]');
  });

  it('a call that fails is not remembered: the same data fails again with the template error', () => {
    const t = parseTemplate('memo-4', '{{ define "f" }}{{ if .bad }}{{ fail "bad block" }}{{ end }}ok{{ end }}{{ template "f" . }}');
    for (let round = 0; round < 3; round++) {
      expect(t.execute({ bad: false })).toBe('ok');
      expect(() => t.execute({ bad: true })).toThrow(/bad block/);
    }
  });

  it('a stable object counts by identity; data too large to describe simply runs', () => {
    const config = { hub: 'docker.io/istio' };
    markStable(config);
    const t = parseTemplate('memo-3', '{{ define "u" }}{{ .c.hub }}:{{ len .big }}{{ end }}{{ range .calls }}{{ template "u" . }} {{ end }}');
    const big = Array.from({ length: 5000 }, (_, i) => i);
    const bigger = [...big, 1];
    expect(t.execute({ calls: [{ c: config, big }, { c: config, big: bigger }, { c: { hub: 'quay.io/x' }, big }] })).toBe('docker.io/istio:5000 docker.io/istio:5001 quay.io/x:5000 ');
  });
});
