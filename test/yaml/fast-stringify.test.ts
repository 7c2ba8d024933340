/**
 * The fast YAML writer. Library style: exactly what `yaml.stringify` writes (or nothing).
 * Manifest style: the library's text for rendered objects, plus quoting that YAML 1.1 readers need.
 */
import { parse, parseDocument, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/core/json.js';
import { allObjects } from '../../src/render/index.js';
import { parseFastYaml, share, type FlowMarks } from '../../src/yaml/fast-parse.js';
import { emitManifestYaml, emitYaml } from '../../src/yaml/fast-stringify.js';
import { render } from '../render/helpers.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const libText = (v: unknown) => stringify(v, { sortMapEntries: true, indentSeq: false, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });

describe('emitManifestYaml', () => {
  it('prints every rendered object exactly as the yaml library would (keys sorted)', async () => {
    for (const profile of ['demo', 'ambient', 'openshift']) {
      for (const obj of allObjects(await render([`profile=${profile}`]))) expect(emitManifestYaml(obj)).toBe(libText(obj));
    }
  });

  it('quotes strings a YAML 1.1 or 1.2 reader would take for something else', () => {
    const tricky = [
      'true', 'False', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'null', '~', '', ' lead', 'trail ', '15014', '-1', '+1', '1.5', '.5', '1e3', '0x1F', '0o17', '012',
      '190:20:30', '2001-12-14', '.inf', '-.Inf', '.NaN', '*', '&a', '!tag', '%x', '@x', '`x', '#c', 'a #b', 'a: b', 'key:', '- x', '-', '? x', '[x]', '{x}', '|', '>',
      "'q'", '"q"', 'tab\there', 'line\nbreak\n', 'two\n\n', 'no-final\nnewline', ' leading\nspace', 'uni é', 'sep\u2028x', 'ctl\u0001x', '<<', '=',
    ];
    const value = { list: tricky, map: Object.fromEntries(tricky.filter(Boolean).map((s, i) => [s, i])) };
    expect(parse(emitManifestYaml(value))).toEqual(value);
    for (const s of tricky) expect(parse(emitManifestYaml({ s })).s).toBe(s);
  });

  it('double-quotes YAML 1.1 words and numbers that the library (YAML 1.2) leaves plain, as kubectl reads YAML 1.1', () => {
    expect(emitManifestYaml({ a: 'on', b: 'yes', c: 'N', d: '190:20', e: '0b11' })).toBe('a: "on"\nb: "yes"\nc: "N"\nd: "190:20"\ne: "0b11"\n');
    expect(stringify({ a: 'on' })).toBe('a: on\n');
  });

  it('writes a subtree met twice at the same depth the same way both times', () => {
    const shared = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`key${i}`, { value: `v${i}`, list: [i, 'on'] }]));
    const v = { a: { x: shared }, b: { x: shared }, c: [{ x: shared }] };
    const copy = JSON.parse(JSON.stringify(v)) as Json;
    expect(emitManifestYaml(v)).toBe(emitManifestYaml(copy));
    expect(emitYaml(v as Json, { indentSeq: false })).toBe(emitYaml(copy, { indentSeq: false }));
  });

  it('keeps plain what needs no quotes, like istioctl prints it', () => {
    expect(emitManifestYaml({ a: '--domain', b: '$(POD_NAMESPACE).svc', c: '100%', d: '1.30.0', e: '500m', f: '/dev/stdout', g: 1, h: false, i: null })).toBe(
      'a: --domain\nb: $(POD_NAMESPACE).svc\nc: 100%\nd: 1.30.0\ne: 500m\nf: /dev/stdout\ng: 1\nh: false\ni: null\n',
    );
  });

  it('handles nesting, empty collections and literal blocks', () => {
    const v = { a: [[1, [2]], { b: [] }, {}, 'x\ny\n'], c: { d: {} }, e: 'multi\nline' };
    expect(emitManifestYaml(v)).toBe(libText(v));
    expect(parse(emitManifestYaml(v))).toEqual(v);
  });
});

describe('emitYaml writes what yaml.stringify writes, or declines', () => {
  it('emitYaml equals yaml.stringify on plain values (both list styles)', () => {
    const values: Json[] = [
      { a: '{}\n', b: '[\n    {"x":1}\n]', c: '{"q":"r"}', d: '', e: '15020', f: 'a: b', g: ' lead', i: 'it\'s "x"', j: [], k: {}, l: null, n: -3, t: true },
      { m: [{ n: 1, o: [1, 2] }, [3, 4], {}, [], null, 'x'], 'key with space': 1, '"q"': 2, 'on': 'off', '1': 'one' },
    ];
    for (const v of values) {
      for (const indentSeq of [true, false]) expect(emitYaml(v, { indentSeq })).toBe(stringify(v, { lineWidth: 0, indentSeq }));
    }
  });

  it('strings taken as simple plain scalars are written plain by the library too', () => {
    const words = ['a', 'x', 'True', 'null', 'NULL', 'yes', 'No', 'on', 'Off', 'y', 'n', 'nan', 'inf', 'e5', 'E', 'a:b', 'a::', 'http://x', 'a-', 'a.', 'a/b:1.2', 'Z_9', 'istio-proxy', 'docker.io/istio/proxyv2:1.30.0', 'kubernetes://apis/apps/v1/namespaces/default/deployments/x', 'a:', 'a.b.c', 'sha256:abc'];
    const r = rng(9);
    const alphabet = 'aZ09_./:-';
    for (let i = 0; i < 3000; i++) {
      let w = 'abcxyzABC'[Math.floor(r() * 9)]!;
      const n = Math.floor(r() * 6);
      for (let j = 0; j < n; j++) w += alphabet[Math.floor(r() * alphabet.length)];
      words.push(w);
    }
    for (const w of words) expect(emitYaml({ k: w }, { indentSeq: false })).toBe(stringify({ k: w }, { lineWidth: 0 }));
  });

  it('digit-only strings are double-quoted as the library does', () => {
    const digits = ['0', '00', '007', '8080', '1'.repeat(40), '9'.repeat(400)];
    for (let i = 0; i < 500; i++) digits.push(String(i * 7919));
    for (const d of digits) expect(emitYaml({ k: d, l: [d] }, { indentSeq: true })).toBe(stringify({ k: d, l: [d] }, { lineWidth: 0 }));
  });

  it('digit-only strings inside flow collections (values and keys) are double-quoted as the library does', () => {
    const digits = ['0', '00', '007', '8080', '1'.repeat(40)];
    for (let i = 0; i < 200; i++) digits.push(String(i * 7919));
    for (const d of digits) {
      // (the digit key first: JavaScript enumerates integer-like keys before all others)
      const text = `k: {"${d}": b, a: "${d}"}\nl: ["${d}", {x: "${d}"}]\n`;
      const flows: FlowMarks = new Map();
      expect(emitYaml(parseFastYaml(text, flows)!, { indentSeq: true, flows })).toBe(parseDocument(text).toString({ lineWidth: 0 }));
    }
  });

  it('a shared value written at several columns, under keys and as list items, is written right at each', () => {
    const container = share({ name: 'istio-proxy', args: ['proxy', 'sidecar'], env: [{ name: 'A', value: '{}\n' }], resources: { limits: { cpu: '2' } } });
    const args = container.args;
    // Each place once in order, then again: the second round reads the kept texts.
    const v = { spec: { containers: [container], again: container, deeper: { list: [{ x: [container] }], args } }, args, top: [container] };
    for (let round = 0; round < 2; round++) {
      for (const indentSeq of [true, false]) {
        for (const sortKeys of [false, true]) expect(emitYaml(v, { indentSeq, sortKeys })).toBe(stringify(v, { lineWidth: 0, indentSeq, sortMapEntries: sortKeys, aliasDuplicateObjects: false }));
      }
    }
  });

  it('sorts keys as sortMapEntries does, and declines what it does not mirror', () => {
    const v: Json = { b: { z: 1, 'Z': [{ y: 'x', a: null }], '10': 'ten', '9': 'nine' }, a: [], 'é': 'e', A: 'line\nbreak' };
    for (const indentSeq of [true, false]) {
      expect(emitYaml(v, { sortKeys: true, indentSeq })).toBe(stringify(v, { lineWidth: 0, indentSeq, sortMapEntries: true }));
    }
    for (const d of [{}, [], 'text', 1, null, { a: 1.5 }, { a: [undefined] }, { a: 2 ** 60 }] as Json[]) expect(emitYaml(d)).toBeUndefined();
  });
});
