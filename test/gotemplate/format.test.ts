import { describe, expect, it } from 'vitest';
import { GoFloat } from '../../src/gotemplate/index.js';
import { render, type Case } from './helpers.js';

describe('Go value printing (what lands in YAML)', () => {
  const cases: Case[] = [
    ['{{ .i }}', { i: 15020 }, '15020'],
    ['{{ .i }}', { i: 1000629999 }, '1000629999'],
    ['{{ .i }}', { i: -3 }, '-3'],
    ['{{ .f }}', { f: 0.5 }, '0.5'],
    ['{{ .f }}', { f: 123456.7 }, '123456.7'],
    ['{{ .f }}', { f: 1234567.5 }, '1.2345675e+06'],
    ['{{ .f }}', { f: 0.00001 }, '1e-05'],
    ['{{ .f }}', { f: 0.0001 }, '0.0001'],
    ['{{ .f }}', { f: new GoFloat(1000000) }, '1e+06'],
    ['{{ .f }}', { f: new GoFloat(100000) }, '100000'],
    ['{{ 1e6 }} {{ 1.0 }} {{ 2.50 }} {{ 1e21 }}', {}, '1e+06 1 2.5 1e+21'],
    ['{{ .b }} {{ .c }}', { b: true, c: false }, 'true false'],
    ['{{ .m }}', { m: { b: 2, a: 'x' } }, 'map[a:x b:2]'],
    ['{{ .m }}', { m: { a: { c: [1, 's', null] } } }, 'map[a:map[c:[1 s <nil>]]]'],
    ['{{ .m }}', { m: {} }, 'map[]'],
    ['{{ .l }}', { l: ['a', 'b'] }, '[a b]'],
    ['{{ .l }}', { l: [] }, '[]'],
    ['{{ .l }}', { l: [1.5, true, { k: 'v' }] }, '[1.5 true map[k:v]]'],
    ['{{ print 1 2 "a" 3 "b" "c" }}', {}, '1 2a3bc'],
    ['{{ print nil 1 }}', {}, '<nil> 1'],
    ['{{ println 1 "a" }}', {}, '1 a\n'],
  ];
  it.each(cases)('%j with %j', (t, d, want) => expect(render(t, d)).toBe(want));
});

describe('printf verbs, flags and widths', () => {
  const cases: Case[] = [
    ['{{ printf "%s|%5s|%-5s|%.2s" "x" "x" "x" "hello" }}', {}, 'x|    x|x    |he'],
    ['{{ printf "%d|%05d|%+d|%x|%X|%#x|%o|%b" 42 42 5 255 255 255 8 5 }}', {}, '42|00042|+5|ff|FF|0xff|10|101'],
    ['{{ printf "% d|%-4d|%4d" 5 7 7 }}', {}, ' 5|7   |   7'],
    ['{{ printf "%v|%v|%v" .m nil .l }}', { m: { b: 1, a: 2 }, l: [1, 'x'] }, 'map[a:2 b:1]|<nil>|[1 x]'],
    ['{{ printf "%+v" .m }}', { m: { a: 1 } }, 'map[a:1]'],
    ['{{ printf "%q" "a\\"b\\n" }}', {}, '"a\\"b\\n"'],
    ['{{ printf "%q" .l }}', { l: ['a', 'b'] }, '["a" "b"]'],
    ['{{ printf "%#q" "raw" }}', {}, '`raw`'],
    ['{{ printf "%t|%t" true false }}', {}, 'true|false'],
    ['{{ printf "%f|%.2f|%8.3f|%-8.1f|" 3.14159 3.14159 3.14159 2.0 }}', {}, '3.141590|3.14|   3.142|2.0     |'],
    ['{{ printf "%e|%E|%.2e" 1234.5678 1234.5678 0.000123 }}', {}, '1.234568e+03|1.234568E+03|1.23e-04'],
    ['{{ printf "%g|%g|%g|%.3g" 0.00001234 100000.0 1e6 3.14159 }}', {}, '1.234e-05|100000|1e+06|3.14'],
    ['{{ printf "%f" .port }}', { port: 15020 }, '15020.000000'],
    ['{{ printf "%x|% x|%X" "hi" "hi" "hi" }}', {}, '6869|68 69|6869'],
    ['{{ printf "%c|%U|%q" 65 128512 65 }}', {}, "A|U+1F600|'A'"],
    ['{{ printf "%T %T %T %T %T %T" "s" 1 1.5 .l .m nil }}', { l: [], m: {} }, 'string int float64 []interface {} map[string]interface {} <nil>'],
    ['{{ printf "%[2]s %[1]s" "a" "b" }}', {}, 'b a'],
    ['{{ printf "%*d|%-*d|" 5 42 4 7 }}', {}, '   42|7   |'],
    ['{{ printf "100%%" }}', {}, '100%'],
    ['{{ printf "%6.2f%%" 12.3456 }}', {}, ' 12.35%'],
    // Go's error markers for mismatches, missing and extra operands.
    ['{{ printf "%d" "str" }}', {}, '%!d(string=str)'],
    ['{{ printf "%s" nil }}', {}, '%!s(<nil>)'],
    ['{{ printf "%s" 5 }}', {}, '%!s(int=5)'],
    ['{{ printf "%d" 1.5 }}', {}, '%!d(float64=1.5)'],
    ['{{ printf "%t" "x" }}', {}, '%!t(string=x)'],
    ['{{ printf "%d %d" 1 }}', {}, '1 %!d(MISSING)'],
    ['{{ printf "%d" 1 2 "x" }}', {}, '1%!(EXTRA int=2, string=x)'],
    ['{{ printf "%!" }}', {}, '%!!(MISSING)'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));
});

describe('html, js, urlquery', () => {
  const cases: Case[] = [
    [`{{ html "<a href='x'>&\\"" }}`, {}, '&lt;a href=&#39;x&#39;&gt;&amp;&#34;'],
    ['{{ html 1 2 }}', {}, '1 2'],
    [`{{ js "it's <b>\\"q\\"</b> = \\\\" }}`, {}, `it\\'s \\u003Cb\\u003E\\"q\\"\\u003C/b\\u003E \\u003D \\\\`],
    ['{{ urlquery "a b&c=d/é" }}', {}, 'a+b%26c%3Dd%2F%C3%A9'],
    ['{{ .q | urlquery }}', { q: "x y!*'()" }, 'x+y%21%2A%27%28%29'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));
});

describe('comparison and logic built-ins', () => {
  const cases: Case[] = [
    ['{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ eq "a" "b" "c" }} {{ eq .x 1 }}', { x: 1 }, 'true true false true'],
    ['{{ eq .missing "x" }} {{ ne "a" "b" }} {{ ne 1 1 }}', {}, 'false true false'],
    ['{{ eq true true }} {{ eq .f 0.5 }}', { f: 0.5 }, 'true true'],
    ['{{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1 2 }} {{ lt 1.5 2 }}', {}, 'true true true false true'],
    ['{{ and 1 0 2 }}|{{ and 1 2 }}|{{ or 0 "" "x" }}|{{ or 0 "" }}|{{ not 0 }}|{{ not "x" }}', {}, '0|2|x||true|false'],
    // and/or stop evaluating at the deciding operand.
    ['{{ and false (index .l 99) }} {{ or true (fail "never") }}', { l: [] }, 'false true'],
    ['{{ .v | and true }}', { v: 'piped' }, 'piped'],
    ['{{ len "héllo" }} {{ len .l }} {{ len .m }}', { l: [1, 2], m: { a: 1 } }, '6 2 1'],
    ['{{ index .l 1 }} {{ index .m "a" "b" }} {{ index .ll 1 0 }}', { l: [5, 6], m: { a: { b: 'deep' } }, ll: [[1], [2]] }, '6 deep 2'],
    ['{{ slice "hello" 1 3 }} {{ slice .l 1 }} {{ slice .l }} {{ slice .l 1 2 }}', { l: [1, 2, 3] }, 'el [2 3] [1 2 3] [2]'],
  ];
  it.each(cases)('%j', (t, d, want) => expect(render(t, d)).toBe(want));
});
