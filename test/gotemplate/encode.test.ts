import { describe, expect, it } from 'vitest';
import { asStruct } from '../../src/gotemplate/index.js';
import { render } from './helpers.js';

const yaml = (v: unknown): string => render('{{ toYaml .v }}', { v });

describe('toYaml writes what sigs.k8s.io/yaml (go-yaml v2) writes', () => {
  it('block style, sorted map keys, sequences not indented under their key', () => {
    expect(yaml({ b: [1, { d: 'x', c: 2 }], a: { z: { w: 1 } }, e: {}, f: [] })).toBe(
      'a:\n  z:\n    w: 1\nb:\n- 1\n- c: 2\n  d: x\ne: {}\nf: []\n',
    );
  });

  it('nested sequences and scalars at the top level', () => {
    expect(yaml([[1, 2], [3]])).toBe('- - 1\n  - 2\n- - 3\n');
    expect(yaml('hello')).toBe('hello\n');
    expect(yaml(null)).toBe('null\n');
    expect(yaml({})).toBe('{}\n');
    expect(yaml(0.5)).toBe('0.5\n');
  });

  it('quotes strings that would read back as another type or are not plain-safe', () => {
    const v = { a: '', b: '123', c: 'yes', d: '*', e: '- x', f: 'a#b', g: 'a #b', h: 'null', i: '1.5', j: "it's", k: '@x', l: 'tab\there', m: 'x: y', t: 'true', o: '0x1F', p: '2024-01-02' };
    expect(yaml(v)).toBe(
      [
        'a: ""',
        'b: "123"',
        'c: "yes"',
        "d: '*'",
        "e: '- x'",
        'f: a#b',
        "g: 'a #b'",
        'h: "null"',
        'i: "1.5"',
        "j: it's",
        "k: '@x'",
        'l: "tab\\there"',
        "m: 'x: y'",
        'o: "0x1F"',
        'p: "2024-01-02"',
        't: "true"',
        '',
      ].join('\n'),
    );
  });

  it('quotes YAML 1.1 booleans such as y/n even as keys', () => {
    expect(yaml({ y: 'n', on: 'off' })).toBe('"on": "off"\n"y": "n"\n');
  });

  it('writes multi-line strings as literal blocks with the right chomping', () => {
    expect(yaml({ k: { s: 'x\ny' }, t: 'end\n' })).toBe('k:\n  s: |-\n    x\n    y\nt: |\n  end\n');
    expect(yaml(['a\nb'])).toBe('- |-\n  a\n  b\n');
  });

  it('keeps struct field order', () => {
    expect(yaml(asStruct({ name: 'p', containerPort: 80 }))).toBe('name: p\ncontainerPort: 80\n');
  });

  it('composes with Istio indent the way injection templates use it', () => {
    const lifecycle = { preStop: { exec: { command: ['a', 'b'] } } };
    expect(render('  lifecycle:\n    {{ toYaml .l | indent 4 }}', { l: lifecycle })).toBe(
      '  lifecycle:\n    preStop:\n      exec:\n        command:\n        - a\n        - b\n    ',
    );
  });
});

describe('toJson writes what Go encoding/json writes', () => {
  it('escapes HTML characters and line separators, sorts keys, prints Go numbers', () => {
    expect(render('{{ toJson .v }}', { v: { s: '<&>\u2028"\\\n\u0001', n: [1, 0.5, 1e21, 1e-7, 0] } })).toBe(
      '{"n":[1,0.5,1e+21,1e-7,0],"s":"\\u003c\\u0026\\u003e\\u2028\\"\\\\\\n\\u0001"}',
    );
  });

  it('toPrettyJson indents by two spaces', () => {
    expect(render('{{ toPrettyJson .v }}', { v: { b: [1], a: {} } })).toBe('{\n  "a": {},\n  "b": [\n    1\n  ]\n}');
  });
});
