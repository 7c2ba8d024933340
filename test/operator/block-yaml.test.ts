/** The profile reader gives exactly what the yaml library gives, or nothing (then the library is used). */
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseBlockYaml } from '../../src/operator/block-yaml.js';

const profilesDir = new URL('../../profiles/', import.meta.url);

describe('parseBlockYaml', () => {
  it('reads every built-in profile exactly as the yaml library does', () => {
    const files = readdirSync(profilesDir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const text = readFileSync(new URL(f, profilesDir), 'utf8');
      const fast = parseBlockYaml(text);
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
    ['"quoted.key": 1\n\'single\': 2\nwith-dash_and.dot: 3\n'],
  ])('agrees with the yaml library on %j', (text) => {
    const fast = parseBlockYaml(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(parse(text));
  });

  it.each([
    'a: yes', 'a: On', 'a: True', 'a: NULL', 'a: 1e3', 'a: 0x1F', 'a: 0o17', 'a: 007', 'a: .inf', 'a: -.NaN', 'a: b # comment', 'a: "esc\\n"',
    'a: |\n  text', 'a: >\n  text', 'a: &x 1', 'b: *x', 'a: !!str 1', 'a: [1, [2]]', 'a: ["x, y"]', 'a: [x,]', 'a: {b: 1}', 'a: b: c', '? a\n: b', 'a:\tb', 'a: 1\na: 2',
    '<<: {}', 'a: 1\n---\nb: 2', 'a: 99999999999999999999', 'a: @x', 'a: `x', 'a:\n    b: 1\n  c: 2', 'a: "x" y', "a: 'x' y",
  ])('leaves %j to the full parser', (text) => {
    expect(parseBlockYaml(text)).toBeUndefined();
  });
});
