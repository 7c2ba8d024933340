/**
 * No input may reach Object.prototype. Each place that merges, sets or copies keys is given
 * `__proto__`, `constructor` and `prototype` keys (as JSON.parse produces them: own data
 * entries) and must leave every other object in the process untouched; the command entry points
 * refuse the keys with a location instead (exit 65 for files, 64 for --set).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clone, getPath, overlay, overlayInto, setPath, stableJson, withDefaults, type JsonObject } from '../../src/core/json.js';
import { parseTemplate } from '../../src/gotemplate/index.js';
import { strategicMerge } from '../../src/inject/smp.js';
import { applySet, parseSetFlag } from '../../src/operator/set-path.js';
import { applyPathPatch } from '../../src/render/overlays.js';
import { parseYaml } from '../../src/yaml/values.js';
import { runInProcess } from '../reliability/harness.js';

/** What a polluted prototype would show on a fresh object. */
function expectClean(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.hostNetwork).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
}

const hostile = () => JSON.parse('{"__proto__": {"polluted": "yes", "hostNetwork": true}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"polluted": "yes"}}') as JsonObject;

afterEach(() => {
  // a failing case must not poison the ones after it
  for (const k of Object.keys(Object.prototype)) delete (Object.prototype as Record<string, unknown>)[k];
});

describe('core/json.ts: every merge, set and copy keeps such keys as plain data', () => {
  it('overlay / overlayInto (both as the layer and onto a target holding them)', () => {
    const merged = overlay({ a: 1 }, hostile(), hostile());
    expectClean();
    expect(Object.hasOwn(merged, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    const target: JsonObject = {};
    overlayInto(target, hostile());
    overlayInto(target, { constructor: { prototype: { hostNetwork: true } } });
    expectClean();
  });
  it('withDefaults', () => {
    const out = withDefaults(hostile(), hostile());
    expectClean();
    expect((out.__proto__ as unknown as JsonObject)?.polluted).toBe('yes');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
  it('setPath and getPath', () => {
    const root = hostile();
    setPath(root, ['__proto__', 'hostNetwork'], false);
    setPath(root, ['constructor', 'prototype', 'polluted'], 'again');
    expectClean();
    expect(getPath({}, ['constructor', 'prototype'])).toBeUndefined(); // never an inherited member
    expect(getPath(root, ['__proto__', 'hostNetwork'])).toBe(false);
  });
  it('clone and stableJson', () => {
    const copy = clone(hostile());
    expectClean();
    expect(Object.keys(copy)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(JSON.parse(stableJson(hostile()))).toEqual(JSON.parse(JSON.stringify(hostile())));
    expectClean();
  });
});

describe('the other merge and set code', () => {
  it('--set paths through __proto__, constructor or prototype are refused (exit 64)', () => {
    for (const raw of ['values.__proto__.hostNetwork=true', 'values.constructor.prototype.hostNetwork=true', 'components.prototype.x=1', 'values.global[__proto__:x].a=1']) {
      expect(() => parseSetFlag(raw), raw).toThrow(expect.objectContaining({ exitCode: 64 }));
    }
    // applySet on a tree that already holds the keys as data (e.g. from a JSON file) stays in it
    const root: JsonObject = { spec: hostile() };
    applySet(root, parseSetFlag('values.global.hub=x'));
    expectClean();
  });
  it('k8s.overlays patch paths through such keys are refused', () => {
    for (const path of ['__proto__.hostNetwork', 'spec.constructor.prototype.x', 'spec.template.spec.containers.[prototype:x].a']) {
      expect(() => applyPathPatch({ spec: {} }, path, true), path).toThrow(/is not allowed in a path/);
    }
    expectClean();
  });
  it('strategic merge (kube-inject) of a patch holding them', () => {
    const pod = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'app' }] } } as JsonObject;
    const patch = JSON.parse('{"__proto__": {"hostNetwork": true}, "constructor": {"polluted": "yes"}, "spec": {"__proto__": {"hostNetwork": true}}}') as JsonObject;
    const merged = strategicMerge(pod, patch);
    expectClean();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(merged.spec)).toBe(Object.prototype);
    expect((merged.spec as JsonObject).hostNetwork).toBeUndefined();
  });
  it('template functions: Sprig dict, set, merge, mergeOverwrite, deepCopy, pick, omit; Istio mergeMaps, strdict, omitNil, toJsonMap', () => {
    const t = parseTemplate(
      'pollute',
      [
        '{{- $d := dict "__proto__" (dict "polluted" "yes") -}}',
        '{{- $_ := set $d "__proto__" (dict "hostNetwork" true) -}}',
        '{{- $m := merge (dict) $d .hostile -}}',
        '{{- $o := mergeOverwrite (dict) .hostile $d -}}',
        '{{- $c := deepCopy .hostile -}}',
        '{{- $p := pick .hostile "__proto__" "constructor" -}}',
        '{{- $q := omit .hostile "prototype" -}}',
        '{{- $mm := mergeMaps .hostile (dict "a" 1) -}}',
        '{{- $sd := strdict "__proto__" "x" "constructor" "y" -}}',
        '{{- $on := omitNil .hostile -}}',
        '{{ len $m }} {{ len $o }} {{ len $c }} {{ len $p }} {{ len $q }} {{ len $mm }} {{ len $sd }} {{ len $on }} {{ toJsonMap .hostile | len | lt 10 }}',
      ].join('\n'),
    );
    expect(t.execute({ hostile: hostile() })).toBe('3 3 3 2 2 4 2 3 true');
    expectClean();
  });
  it('YAML: a __proto__ key is refused wherever YAML is read, with its line', () => {
    expect(() => parseYaml('a: 1\n__proto__:\n  polluted: yes\n', { source: 'x.yaml' })).toThrow(/x\.yaml:2: key "__proto__" in document 1 is not allowed/);
    expectClean();
  });
});

describe('command entry points refuse the keys with a location', () => {
  let dir: string;
  const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sailctl-proto-'));
    process.env.KUBECONFIG = join(dir, 'none');
    process.env.HOME = dir;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const IOP = 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n';

  it.each([
    ['manifest generate -f (values.__proto__), even with --force', (f: string) => ['manifest', 'generate', '--force', '-f', f], `${IOP}  values:\n    __proto__:\n      hostNetwork: true\n`, /:5: key "__proto__" in document 1 is not allowed/],
    ['install --dry-run -f (constructor.prototype)', (f: string) => ['install', '--dry-run', '-f', f], `${IOP}  values:\n    constructor:\n      prototype:\n        hostNetwork: true\n`, /:5: spec\.values\.constructor: key "constructor" is not allowed/],
    ['profile dump -f (prototype under components)', (f: string) => ['profile', 'dump', '-f', f], `${IOP}  components:\n    prototype:\n      enabled: true\n`, /:5: spec\.components\.prototype: key "prototype" is not allowed/],
    ['manifest generate -f (JSON with __proto__)', (f: string) => ['manifest', 'generate', '-f', f], '{"apiVersion": "install.istio.io/v1alpha1", "kind": "IstioOperator",\n "spec": {"__proto__": {"hostNetwork": true}}}\n', /:2: key "__proto__" in document 1 is not allowed/],
  ])('%s', async (_name, args, text, message) => {
    const f = write(`iop-${Math.random().toString(36).slice(2)}.yaml`, text);
    const r = await runInProcess(args(f));
    expect(r.exitCode).toBe(65);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expectClean();
  });

  it('manifest generate --set values.__proto__.hostNetwork=true: exit 64, nothing rendered', async () => {
    const r = await runInProcess(['manifest', 'generate', '--force', '--set', 'values.__proto__.hostNetwork=true']);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toMatch(/--set values\.__proto__\.hostNetwork=true: "__proto__" is not allowed in a path/);
    expect(r.stdout).toBe('');
    expectClean();
  });

  it('k8s.overlays whose patch path goes through __proto__: refused, nothing rendered', async () => {
    const f = write('overlay.yaml', `${IOP}  components:\n    pilot:\n      k8s:\n        overlays:\n          - kind: Deployment\n            name: istiod\n            patches:\n              - path: spec.__proto__.hostNetwork\n                value: true\n`);
    const r = await runInProcess(['manifest', 'generate', '-f', f]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/overlays\[0\]\.patches\[0\].*"__proto__" is not allowed in a path/);
    expect(r.stdout).toBe('');
    expectClean();
  });

  it('kube-inject --valuesFile and --meshConfigFile holding __proto__: exit 65 naming the file', async () => {
    const app = write('app.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx\n');
    for (const flag of ['--valuesFile', '--meshConfigFile']) {
      const f = write(`proto${flag}.json`, '{\n  "global": {},\n  "__proto__": {"hostNetwork": true}\n}\n');
      const r = await runInProcess(['kube-inject', '-f', app, flag, f]);
      expect(r.exitCode, flag).toBe(65);
      expect(r.stderr).toContain(`${f}:3: key "__proto__" in document 1 is not allowed`);
      expect(r.stdout).toBe('');
    }
    expectClean();
  });

  it('a valid overlay renders no __proto__, constructor or prototype key anywhere', async () => {
    const r = await runInProcess(['manifest', 'generate', '--set', 'profile=demo']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(/__proto__|^\s*(constructor|prototype):/m);
    expect(r.stdout.match(/hostNetwork: true/g) ?? []).toHaveLength(0);
  });
});
