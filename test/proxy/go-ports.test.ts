/** The Go behaviours istioctl's output depends on, each on small cases worked out by hand from Go's rules. */
import { describe, expect, it } from 'vitest';
import { tabwrite } from '../../src/core/tabwriter.js';
import { goLess, goSortSlice } from '../../src/core/go-sort.js';
import { goFloat, goIndent, goQuote } from '../../src/proxy/go-json.js';
import { jsonToYaml } from '../../src/proxy/go-yaml.js';

describe('text/tabwriter (padchar space, no flags)', () => {
  it('pads every tab-terminated cell to its column block, never the last cell', () => {
    expect(tabwrite('a\tb\tc\naaa\tbb\n', { minwidth: 0, padding: 1 })).toBe('a   b c\naaa bb\n');
  });
  it('a line without the column ends the block', () => {
    expect(tabwrite('x\ty\nno tabs\nlonger\tz\n', { minwidth: 0, padding: 2 })).toBe('x  y\nno tabs\nlonger  z\n');
  });
  it('an empty cell before the last is padded too: trailing spaces', () => {
    expect(tabwrite('a\tb\t\nccc\td\t\n', { minwidth: 0, padding: 1 })).toBe('a   b \nccc d \n');
  });
  it('widths count characters, not bytes', () => {
    expect(tabwrite('é\tx\nab\ty\n', { minwidth: 0, padding: 1 })).toBe('é  x\nab y\n');
  });
});

describe("sort.Slice (pdqsort)", () => {
  it('leaves ties where they are up to 12 elements (insertion sort)', () => {
    const names = ['b', '80', 'a', '443', 'c', '15001', 'd'];
    const numeric = (s: string) => (/^\d+$/.test(s) ? Number(s) : undefined);
    // istioctl's route comparator: only two numbers compare; anything else is "not less".
    const less = (x: string, y: string) => numeric(x) !== undefined && numeric(y) !== undefined && numeric(x)! < numeric(y)!;
    // 443 moves before 80? No: insertion sort only swaps adjacent "less" pairs, and b/a/c/d block them.
    expect(goSortSlice([...names], less)).toEqual(['b', '80', 'a', '443', 'c', '15001', 'd']);
    expect(goSortSlice(['443', '80', '15001'], less)).toEqual(['80', '443', '15001']);
  });
  it('an all-ties slice above 12 elements stays as it is (partial insertion sort finds it sorted)', () => {
    const names = Array.from({ length: 30 }, (_, i) => `r${i}`);
    expect(goSortSlice([...names], () => false)).toEqual(names);
  });
  it('sorts larger slices with a strict order correctly (pdqsort, heapsort fallback)', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (const n of [13, 50, 51, 200, 1000]) {
      const xs = Array.from({ length: n }, () => rnd() % 97);
      expect(goSortSlice([...xs], (a, b) => a < b)).toEqual([...xs].sort((a, b) => a - b));
      expect(goSortSlice([...xs].sort((a, b) => b - a), (a, b) => a < b)).toEqual([...xs].sort((a, b) => a - b));
    }
  });
  it("Go's string < is byte order", () => {
    expect(goLess('Z', 'a')).toBe(true);
    expect(goLess('outbound|9080|v2|x', 'outbound|9080||x')).toBe(true);
    expect(goLess('\u{1F600}', '\uFFFD')).toBe(false);
  });
});

describe('encoding/json', () => {
  it('escapes HTML characters and line separators, control characters as \\u00xx', () => {
    expect(goQuote('<&>\u2028\t\u0001"\\')).toBe('"\\u003c\\u0026\\u003e\\u2028\\t\\u0001\\"\\\\"');
    expect(goQuote('<a>', false)).toBe('"<a>"');
  });
  it('floats: shortest digits, exponent outside [1e-6, 1e21)', () => {
    expect(goFloat(100)).toBe('100');
    expect(goFloat(0.5)).toBe('0.5');
    expect(goFloat(1e21)).toBe('1e+21');
    expect(goFloat(1e-7)).toBe('1e-7');
    expect(goFloat(0.1, 32)).toBe('0.1');
  });
  it('MarshalIndent: empty {} and [] stay on one line', () => {
    expect(goIndent('[{"a":[],"b":{},"c":"x,{"}]', '    ')).toBe('[\n    {\n        "a": [],\n        "b": {},\n        "c": "x,{"\n    }\n]');
  });
});

describe('JSONToYAML (go-yaml v2)', () => {
  it('quotes only what a YAML reader would take for something else', () => {
    const yaml = jsonToYaml(JSON.stringify({ a: 'yes', b: '0.250s', c: '@type', d: 'a: b', e: '1.20', f: '2023-12-26T05:57:09.894Z', g: '', h: 'it\'s', i: '5', j: 'a #b' }));
    expect(yaml).toBe(`a: "yes"\nb: 0.250s\nc: '@type'\nd: 'a: b'\ne: "1.20"\nf: "2023-12-26T05:57:09.894Z"\ng: ""\nh: it's\ni: "5"\nj: 'a #b'\n`);
  });
  it('orders keys naturally: non-letters first, digit runs by value', () => {
    expect(jsonToYaml('{"b":1,"a10":2,"a9":3,"@x":4,"A":5}')).toBe(`'@x': 4\nA: 5\na9: 3\na10: 2\nb: 1\n`);
  });
  it('ints stay ints, floats use %g, text with newlines becomes a | block', () => {
    expect(jsonToYaml('{"i":100,"f":1234567.5,"g":0.5,"t":"one\\ntwo","u":"one\\n"}')).toBe(`f: 1.2345675e+06\ng: 0.5\ni: 100\nt: |-\n  one\n  two\nu: |\n  one\n`);
  });
  it('sequences sit at their key, mappings in sequences start on the dash line', () => {
    expect(jsonToYaml('{"k":[{"a":1,"b":[2]},[]],"m":{}}')).toBe(`k:\n- a: 1\n  b:\n  - 2\n- []\nm: {}\n`);
  });
  it('folds long plain text at 80 columns', () => {
    const words = Array.from({ length: 20 }, () => 'word').join(' ');
    // "key: " + 15 words reaches column 79; the 16th word ends past 80, so the next space breaks.
    expect(jsonToYaml(JSON.stringify({ key: words }))).toBe(`key: ${Array.from({ length: 16 }, () => 'word').join(' ')}\n  word word word word\n`);
  });
});
