/** The fast YAML emitter: same text as the `yaml` library for our objects, and safe round trips. */
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { allObjects } from '../../src/render/index.js';
import { emitYaml } from '../../src/render/yaml-emit.js';
import { render } from './helpers.js';

const libText = (v: unknown) => stringify(v, { sortMapEntries: true, indentSeq: false, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });

describe('emitYaml', () => {
  it('prints every rendered object exactly as the yaml library would (keys sorted)', async () => {
    for (const profile of ['demo', 'ambient', 'openshift']) {
      for (const obj of allObjects(await render([`profile=${profile}`]))) expect(emitYaml(obj)).toBe(libText(obj));
    }
  });

  it('quotes strings a YAML 1.1 or 1.2 reader would take for something else', () => {
    const tricky = [
      'true', 'False', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'null', '~', '', ' lead', 'trail ', '15014', '-1', '+1', '1.5', '.5', '1e3', '0x1F', '0o17', '012',
      '190:20:30', '2001-12-14', '.inf', '-.Inf', '.NaN', '*', '&a', '!tag', '%x', '@x', '`x', '#c', 'a #b', 'a: b', 'key:', '- x', '-', '? x', '[x]', '{x}', '|', '>',
      "'q'", '"q"', 'tab\there', 'line\nbreak\n', 'two\n\n', 'no-final\nnewline', ' leading\nspace', 'uni é', 'sep\u2028x', 'ctl\u0001x', '<<', '=',
    ];
    const value = { list: tricky, map: Object.fromEntries(tricky.filter(Boolean).map((s, i) => [s, i])) };
    expect(parse(emitYaml(value))).toEqual(value);
    for (const s of tricky) expect(parse(emitYaml({ s })).s).toBe(s);
  });

  it('keeps plain what needs no quotes, like istioctl prints it', () => {
    expect(emitYaml({ a: '--domain', b: '$(POD_NAMESPACE).svc', c: '100%', d: '1.30.0', e: '500m', f: '/dev/stdout', g: 1, h: false, i: null })).toBe(
      'a: --domain\nb: $(POD_NAMESPACE).svc\nc: 100%\nd: 1.30.0\ne: 500m\nf: /dev/stdout\ng: 1\nh: false\ni: null\n',
    );
  });

  it('handles nesting, empty collections and literal blocks', () => {
    const v = { a: [[1, [2]], { b: [] }, {}, 'x\ny\n'], c: { d: {} }, e: 'multi\nline' };
    expect(emitYaml(v)).toBe(libText(v));
    expect(parse(emitYaml(v))).toEqual(v);
  });
});
