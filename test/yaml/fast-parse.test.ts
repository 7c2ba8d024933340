/** The fast reader gives exactly what the yaml library gives, or nothing (then the library is used). */
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseFastYaml, parseSharedYaml } from '../../src/yaml/fast-parse.js';

/** What the `yaml` library makes of the text, or 'error'. */
function reference(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return 'error';
  }
}

/** The fast reader must give exactly the library's value, or decline (undefined). */
function expectAgreement(text: string): 'agreed' | 'declined' {
  const fast = parseFastYaml(text);
  if (fast === undefined) return 'declined';
  expect({ text, value: fast }).toEqual({ text, value: reference(text) });
  return 'agreed';
}

// A small deterministic PRNG so failures reproduce.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = [
  '1', '-12', '+3', '012', '0', '1.5', '.5', '1e3', '0x1F', '0o17', '.inf', '-.Inf', '.nan', 'true', 'False', 'TRUE', 'yes', 'no', 'on',
  'null', '~', 'Null', 'nginx', 'a b', 'x:y', 'a: b', 'a #b', 'a#b', '#c', '-p', '- x', '--domain', '$(POD_NAMESPACE).svc', '*', '&a', '!t', '|', '>',
  '%x', '@x', '`x', '"q"', '"a\\nb"', '"\\x41"', '"\\u00e9"', '"un', "'s'", "'it''s'", "'a'b'", '{}', '[]', '[a]', '{a: 1}', '"{}\\n"', '2024-01-01',
  '1_000', '9007199254740993', 'ü', 'x ', 'k:', '?', ':', ',x', '[', 'a,b',
];
// What templates and manifests mostly hold; drawn most of the time so the subset is exercised.
const COMMON = ['1', '15001', 'nginx', '"15001"', '"-p"', 'true', 'false', '"{}\\n"', 'docker.io/istio/proxyv2:1.30.0', '{}', '[]', '100m', "'*'", 'a b', '-p', '--domain'];
const KEYS = ['a', 'name', 'image', 'k-1', 'x.y/z', 'on', '1', 'a b', '"q"', "'s'", '- k', 'k#', '? k', 'dup'];

type Gen = () => number;

function pick<T>(r: Gen, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

function scalarText(r: Gen): string {
  return r() < 0.7 ? pick(r, COMMON) : pick(r, SCALARS);
}

/** Block YAML text for a random tree, in the styles templates and users write. */
function block(r: Gen, depth: number, indent: number, seqUnderKey: boolean): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  if (depth > 0 && r() < 0.3) {
    const n = 1 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) {
      const roll = r();
      if (roll < 0.4) lines.push(`${pad}- ${scalarText(r)}`);
      else if (roll < 0.75) {
        const inner = block(r, depth - 1, indent + 2, seqUnderKey);
        if (inner.length === 0 || inner[0]!.trimStart().startsWith('- ')) lines.push(`${pad}-`, ...inner);
        else lines.push(`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1));
      } else lines.push(`${pad}-`);
    }
    return lines;
  }
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const key = r() < 0.7 ? pick(r, ['name', 'image', 'args', 'env', 'value']) : pick(r, KEYS);
    const roll = r();
    if (depth === 0 || roll < 0.45) lines.push(`${pad}${key}: ${scalarText(r)}`);
    else if (roll < 0.55) lines.push(`${pad}${key}:`);
    else {
      const childIndent = seqUnderKey || r() < 0.5 ? indent + 2 : indent;
      const inner = block(r, depth - 1, childIndent, seqUnderKey);
      // a mapping child must be indented further than its key
      if (childIndent === indent && inner.length > 0 && !inner[0]!.trimStart().startsWith('-')) lines.push(`${pad}${key}:`, ...inner.map((l) => `  ${l}`));
      else lines.push(`${pad}${key}:`, ...inner);
    }
  }
  return lines;
}

/** Small edits that often make the text invalid or change its meaning. */
function mutate(r: Gen, lines: string[]): string[] {
  const out = [...lines];
  const i = Math.floor(r() * out.length);
  const roll = r();
  if (roll < 0.25) out[i] = ` ${out[i]}`;
  else if (roll < 0.4) out[i] = out[i]!.replace(/^ {1,2}/, '');
  else if (roll < 0.5) out.splice(i, 0, `${' '.repeat(Math.floor(r() * 6))}# note`);
  else if (roll < 0.6) out[i] = `${out[i]} # trailing`;
  else if (roll < 0.7) out[i] = out[i]!.replace(' ', '\t');
  else if (roll < 0.8) out.splice(i, 0, '');
  else if (roll < 0.9) out.push(out[i]!);
  else out[i] = `${out[i]}:`;
  return out;
}

describe('parseFastYaml agrees with the yaml library or declines', () => {
  it('a sequence at its key’s indentation, then a sibling key', () => {
    expect(parseFastYaml('a:\n- b: 1\nc: 2\n')).toEqual({ a: [{ b: 1 }], c: 2 });
  });

  it('declines what the yaml library rejects: a key after an indented sequence at the sequence’s column', () => {
    // `c` sits where the list items sit, so it is neither a list item nor a sibling of `a`.
    expect(reference('a:\n  - b: 1\n  c: 2\n')).toBe('error');
    expect(parseFastYaml('a:\n  - b: 1\n  c: 2\n')).toBeUndefined();
  });

  it('reads rendered-template shapes itself (no fallback for the common case)', () => {
    const text = 'spec:\n  containers:\n  - name: x\n    args:\n    - "-p"\n    - "15001"\n    env:\n    - name: A\n      value: "{}\\n"\n  volumes:\n  - name: v\n    emptyDir:\n  - name: w\n';
    expect(expectAgreement(text)).toBe('agreed');
  });

  it('matches the library on 10,000 generated documents and their mutations', () => {
    const r = rng(20261123);
    let agreed = 0;
    for (let n = 0; n < 5_000; n++) {
      const lines = block(r, 4, 0, r() < 0.5);
      if (expectAgreement(`${lines.join('\n')}\n`) === 'agreed') agreed++;
      if (expectAgreement(`${mutate(r, lines).join('\n')}\n`) === 'agreed') agreed++;
    }
    // The generator mostly produces the subset; a reader that declined everything would be useless.
    expect(agreed).toBeGreaterThan(2_500);
  });

  it('repeated texts (memoised lines) give independent values: merging into one result leaves the next intact', () => {
    const text = 'a:\n  b: {}\n  c: []\n  d: "x"\n';
    const first = parseFastYaml(text) as { a: { b: Record<string, unknown>; c: unknown[] } };
    first.a.b.k = 1;
    first.a.c.push(2);
    expect(parseFastYaml(text)).toEqual({ a: { b: {}, c: [], d: 'x' } });
  });

  it('declines tabs, CRs and non-space whitespace instead of guessing', () => {
    for (const text of ['a:\tb\n', 'a: b\r\n', '\u00a0a: b\n', 'a: b\u00a0\n', 'a:\n\t- b\n']) {
      expect(expectAgreement(text), JSON.stringify(text)).toBe('declined');
    }
  });
});

describe('parseSharedYaml: blocks read before are reused, never a different value', () => {
  it('agrees with parseFastYaml on generated documents read repeatedly, shifted and spliced together', () => {
    const r = rng(20261206);
    const docs: string[][] = [];
    for (let n = 0; n < 300; n++) docs.push(block(r, 4, 0, r() < 0.5));
    let reused = 0;
    for (let n = 0; n < 6_000; n++) {
      // Texts that share blocks with earlier ones: the same document, one cut short or grown
      // by lines of another (so a known block may go on further), mutations, two spliced.
      const a = pick(r, docs);
      const roll = r();
      const lines = roll < 0.3 ? a : roll < 0.5 ? a.slice(0, 1 + Math.floor(r() * a.length)) : roll < 0.7 ? mutate(r, a) : [...a, ...pick(r, docs).map((l) => (r() < 0.5 ? `  ${l}` : l))];
      const text = `${lines.join('\n')}${r() < 0.9 ? '\n' : ''}`;
      const shared = parseSharedYaml(text);
      expect({ text, value: shared }).toEqual({ text, value: parseFastYaml(text) });
      if (shared !== null && typeof shared === 'object' && Object.isFrozen(shared)) reused++;
    }
    expect(reused).toBeGreaterThan(100);
  });

  it('gives the value read before, frozen, so no caller can change what the next one gets', () => {
    const text = 'spec:\n  containers:\n  - name: proxy\n    args:\n    - run\n  - name: app\n    image: "x"\n';
    const first = parseSharedYaml(text) as { spec: { containers: object[] } };
    const again = parseSharedYaml(text.replace('image: "x"', 'image: "y"')) as { spec: { containers: object[] } };
    expect(again.spec.containers[0]).toBe(first.spec.containers[0]);
    expect(again.spec.containers[1]).toEqual({ name: 'app', image: 'y' });
    expect(Object.isFrozen(first.spec.containers[0])).toBe(true);
    expect(() => {
      (first.spec.containers[0] as { name: string }).name = 'other';
    }).toThrow(TypeError);
  });

  it('a known block followed by more of its own lines is read afresh', () => {
    parseSharedYaml('a:\n  - x: 1\n  - y: 2\nb: 1\n');
    expect(parseSharedYaml('a:\n  - x: 1\n  - y: 2\n  - z: 3\nb: 1\n')).toEqual({ a: [{ x: 1 }, { y: 2 }, { z: 3 }], b: 1 });
    parseSharedYaml('k:\n  m: 1\nn: 2\n');
    expect(parseSharedYaml('k:\n  m: 1\n  o: 3\n')).toEqual({ k: { m: 1, o: 3 } });
  });
});

const profilesDir = new URL('../../profiles/', import.meta.url);

describe('parseFastYaml on profiles and hand-written files', () => {
  it('reads every built-in profile itself, exactly as the yaml library does', () => {
    const files = readdirSync(profilesDir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const text = readFileSync(new URL(f, profilesDir), 'utf8');
      const fast = parseFastYaml(text);
      expect(fast, `${f} should stay inside the fast subset`).toBeDefined();
      expect(fast, f).toEqual(parse(text));
    }
  });

  it.each([
    ['a: 1\nb: -2\nc: 1.5\nd: .5\ne: true\nf: null\ng: ~\nh: ""\ni: \'it\'\'s\'\nj: {}\nk: []\n'],
    ['tag: 1.30.0\ncpu: 10m\nversion: 1.2\nport: 15021\naddr: istiod.istio-system.svc:15012\npath: /dev/stdout\nvar: $(POD_NAMESPACE)\n'],
    ['list:\n- a\n- b\nnested:\n  - name: x\n    value: "1"\n  - name: z\n    deeper:\n      - 1\n      - 2\n'],
    ['- a\n- k: v\n  k2:\n    x: 1\n-\n  z: 2\n'],
    ['a:\n  b:\nc: 3\n'],
    ['values: ["true", 1, x, \'y z\']\nempty: []\n'],
    ['"quoted.key": 1\n\'single\': 2\nwith-dash_and.dot: 3\n"": 4\n\'it\'\'s\': 5\n"esc\\"q": 6\n'],
    ['a: yes\nb: On\nc: True\nd: NULL\ne: "esc\\n"\nf: 1.\ng: -0.5\nh: +.5\n'],
    ['- [a, "b c", \'d\', 1, 1.5, true, ~, -x, a b]\n- k: ["x"]\n'],
    ['a: [1, [2]]\nb: {c: 1, d: [x, {e: f}]}\nc: [?x, a:b]\nd: { padded: true }\ne:\n- {name: x, value: "1"}\n- [ ]\n'.replace('[ ]', '[]')],
  ])('agrees with the yaml library on %j', (text) => {
    const fast = parseFastYaml(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(parse(text));
  });

  it.each([
    'a: 1e3', 'a: 0x1F', 'a: 0o17', 'a: 007', 'a: .inf', 'a: -.NaN', 'a: b # comment', 'a: "\\x41"', '"a" : 1', '"a":1', '__proto__: {}', '"constructor": 1',
    'a: |\n  text', 'a: >\n  text', 'a: &x 1', 'b: *x', 'a: !!str 1', 'a: [ spaced ,  items ]', 'a: {b:  1}', 'a: { b: 1}', 'a: {b: 1, b: 2}', 'a: {__proto__: 1}', 'a: [x:]', 'a: [x,]', 'a: [,]', 'a: [ ]', 'a: [x: y]', 'a: [x, #y]', 'a: [a,\n  b]', 'a: [a] x', 'a: {b: 1} x',
    'a: b: c', '? a\n: b', 'a:\tb', 'a: 1\na: 2', '<<: {}', 'a: 1\n---\nb: 2', '---\na: 1', 'a: 99999999999999999999', 'a: @x', 'a: `x',
    'a:\n    b: 1\n  c: 2', 'a: "x" y', "a: 'x' y", 'a: b\r\n',
  ])('leaves %j to the library', (text) => {
    expect(parseFastYaml(text)).toBeUndefined();
  });

  it('one-line lists of generated scalars: agrees with the library or declines', () => {
    const r = rng(7);
    const items = [...SCALARS, ...COMMON, '"a,b"', "'c, d'", '"[x]"', "'{y}'", ' spaced ', '', 'a:b', 'a#b', '"q" ', '-1', '-x'];
    let agreed = 0;
    for (let n = 0; n < 3_000; n++) {
      const list = Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(r, items));
      const text = r() < 0.5 ? `k: [${list.join(', ')}]\n` : `- [${list.join(',')}]\n`;
      if (expectAgreement(text) === 'agreed') agreed++;
    }
    expect(agreed).toBeGreaterThan(500);
  });

  it('one-line flow collections of generated scalars, nested: agrees with the library or declines', () => {
    const r = rng(21);
    const items = [...SCALARS, ...COMMON, '"a,b"', "'c, d'", '"[x]"', "'{y}'", 'a:b', '-x', 'http://h:80/p'];
    const value = (depth: number): string => {
      const roll = r();
      if (depth > 0 && roll < 0.2) return collection(depth - 1);
      return pick(r, items);
    };
    const collection = (depth: number): string => {
      const n = Math.floor(r() * 4);
      const pad = r() < 0.5 ? ' ' : '';
      if (r() < 0.5) return n === 0 ? '[]' : `[${pad}${Array.from({ length: n }, () => value(depth)).join(', ')}${pad}]`;
      return n === 0 ? '{}' : `{${pad}${Array.from({ length: n }, (_, i) => `${pick(r, ['a', 'name', '"q"', 'k-1', 'x.y/z', 'on', '1'])}${i}: ${value(depth)}`).join(', ')}${pad}}`;
    };
    let agreed = 0;
    for (let n = 0; n < 3_000; n++) {
      const text = r() < 0.5 ? `k: ${collection(2)}\n` : `- ${collection(2)}\n- x\n`;
      if (expectAgreement(text) === 'agreed') agreed++;
    }
    expect(agreed).toBeGreaterThan(800);
  });

  it('gives every reader of a memoised one-line list its own array', () => {
    const first = parseFastYaml('a: [x, y]\n') as { a: string[] };
    first.a.push('z');
    expect(parseFastYaml('a: [x, y]\n')).toEqual({ a: ['x', 'y'] });
  });
});
