import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseSimpleYaml } from '../../src/inject/fast-yaml.js';

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
  const fast = parseSimpleYaml(text);
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

describe('parseSimpleYaml agrees with the yaml library or declines', () => {
  it('a sequence at its key’s indentation, then a sibling key', () => {
    expect(parseSimpleYaml('a:\n- b: 1\nc: 2\n')).toEqual({ a: [{ b: 1 }], c: 2 });
  });

  it('declines what the yaml library rejects: a key after an indented sequence at the sequence’s column', () => {
    // `c` sits where the list items sit, so it is neither a list item nor a sibling of `a`.
    expect(reference('a:\n  - b: 1\n  c: 2\n')).toBe('error');
    expect(parseSimpleYaml('a:\n  - b: 1\n  c: 2\n')).toBeUndefined();
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
    const first = parseSimpleYaml(text) as { a: { b: Record<string, unknown>; c: unknown[] } };
    first.a.b.k = 1;
    first.a.c.push(2);
    expect(parseSimpleYaml(text)).toEqual({ a: { b: {}, c: [], d: 'x' } });
  });

  it('declines tabs, CRs and non-space whitespace instead of guessing', () => {
    for (const text of ['a:\tb\n', 'a: b\r\n', '\u00a0a: b\n', 'a: b\u00a0\n', 'a:\n\t- b\n']) {
      expect(expectAgreement(text), JSON.stringify(text)).toBe('declined');
    }
  });
});
