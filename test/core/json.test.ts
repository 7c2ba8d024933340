/** core/json: the one JSON copy and the two merges, each with the null/undefined rule its callers rely on. */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { clone, overlay, overlayInto, stringMap, withDefaults, type Json, type JsonObject } from '../../src/core/json.js';

describe('clone copies parsed YAML like structuredClone', () => {
  it('gives an equal, independent copy with the same key order', () => {
    const value = parse('spec:\n  containers:\n  - name: a\n    ports: [{containerPort: 80}]\n    env: []\n  b: null\n  "1": x\n  z: {}\n') as Json;
    const copy = clone(value);
    expect(copy).toEqual(structuredClone(value));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    (copy as { spec: { containers: { name: string }[] } }).spec.containers[0]!.name = 'changed';
    expect((value as { spec: { containers: { name: string }[] } }).spec.containers[0]!.name).toBe('a');
  });

  it('keeps objects shared by YAML aliases shared, as structuredClone does', () => {
    const value = parse('base: &b {image: x}\nc: [*b, *b]\n', { maxAliasCount: -1 }) as { c: object[] };
    const copy = clone(value as unknown as Json) as unknown as { c: object[] };
    expect(copy.c[0]).toBe(copy.c[1]);
    expect(copy.c[0]).not.toBe(value.c[0]);
  });

  it('keeps a `__proto__` key as data', () => {
    const value = parse('__proto__: {polluted: true}\na: 1\n') as Json;
    const copy = clone(value) as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(Object.keys(value as object));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toEqual(structuredClone(value));
  });
});

describe('overlay merges layers as istioctl merges values', () => {
  it('merges maps key by key, replaces lists and scalars, and a null removes the key', () => {
    const base = { a: { keep: 1, drop: 2, list: [1, 2] }, b: 'x' };
    const out = overlay(base, { a: { drop: null, list: [3], add: true }, b: 'y' });
    expect(out).toEqual({ a: { keep: 1, list: [3], add: true }, b: 'y' });
    expect(Object.keys(out.a as object)).toEqual(['keep', 'list', 'add']);
  });

  it('skips undefined and layers that are not maps, and copies no null map entries', () => {
    expect(overlay(undefined, { a: 1, u: undefined }, 'text', { b: { c: null, d: [{ e: null, f: 1 }] } })).toEqual({ a: 1, b: { d: [{ f: 1 }] } });
  });

  it('returns a tree that shares no containers with its layers', () => {
    const layer = { a: { b: [{ c: 1 }] } };
    const out = overlay(layer) as { a: { b: { c: number }[] } };
    out.a.b[0]!.c = 2;
    expect(layer.a.b[0]!.c).toBe(1);
  });

  it('overlayInto changes the target in place', () => {
    const target: JsonObject = { a: { b: 1 } };
    const inner = target.a;
    overlayInto(target, { a: { c: 2 } });
    expect(target.a).toBe(inner);
    expect(target).toEqual({ a: { b: 1, c: 2 } });
  });
});

describe('withDefaults', () => {
  it('keeps the default where the override is null or undefined, like a proto merge', () => {
    const defaults = { a: 1, m: { x: 1, y: 2 }, l: [1] };
    expect(withDefaults(defaults, { a: null, m: { y: null, z: 3 }, l: [2], n: undefined } as unknown as JsonObject)).toEqual({ a: 1, m: { x: 1, y: 2, z: 3 }, l: [2] });
    expect(defaults).toEqual({ a: 1, m: { x: 1, y: 2 }, l: [1] });
  });
});

describe('stringMap', () => {
  it('turns values into strings and null or missing values into empty strings', () => {
    expect(stringMap({ a: 1, b: true, c: null, d: 'x' })).toEqual({ a: '1', b: 'true', c: '', d: 'x' });
    expect(stringMap(['a'])).toEqual({});
    expect(stringMap(undefined)).toEqual({});
  });
});
