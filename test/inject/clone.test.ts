import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cloneJson, type Json } from '../../src/inject/smp.js';

describe('cloneJson copies parsed YAML like structuredClone', () => {
  it('gives an equal, independent copy with the same key order', () => {
    const value = parse('spec:\n  containers:\n  - name: a\n    ports: [{containerPort: 80}]\n    env: []\n  b: null\n  "1": x\n  z: {}\n') as Json;
    const copy = cloneJson(value);
    expect(copy).toEqual(structuredClone(value));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    (copy as { spec: { containers: { name: string }[] } }).spec.containers[0]!.name = 'changed';
    expect((value as { spec: { containers: { name: string }[] } }).spec.containers[0]!.name).toBe('a');
  });

  it('keeps objects shared by YAML aliases shared, as structuredClone does', () => {
    const value = parse('base: &b {image: x}\nc: [*b, *b]\n', { maxAliasCount: -1 }) as { c: object[] };
    const copy = cloneJson(value as unknown as Json) as unknown as { c: object[] };
    expect(copy.c[0]).toBe(copy.c[1]);
    expect(copy.c[0]).not.toBe(value.c[0]);
  });

  it('keeps a `__proto__` key as data', () => {
    const value = parse('__proto__: {polluted: true}\na: 1\n') as Json;
    const copy = cloneJson(value) as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(Object.keys(value as object));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toEqual(structuredClone(value));
  });
});
