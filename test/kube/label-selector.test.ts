/** Kubernetes label-selector semantics (kube/label-selector.ts), case by case from the Kubernetes rules. */
import { describe, expect, it } from 'vitest';
import { containsLabels, parseLabelSelector, selectorError, selectorMatches, selectorString } from '../../src/kube/label-selector.js';

describe('Kubernetes label selectors', () => {
  it.each([
    [{ matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    [{ matchLabels: { a: '1' } }, { a: '2' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, { a: '2' }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] }, {}, false],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, {}, true],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, { a: '1' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { a: '' }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { a: '' }, false],
    [{}, {}, true],
  ])('%j on %j: %s', (sel, labels, want) => {
    expect(selectorError(sel)).toBeUndefined();
    expect(selectorMatches(sel, labels)).toBe(want);
  });

  it('invalid selectors are errors', () => {
    expect(selectorError({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toMatch(/can't be empty/);
    expect(selectorError({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toMatch(/must be empty/);
    expect(selectorError({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toMatch(/not a valid label selector operator/);
  });

  it('parses the text form as kubectl does', () => {
    expect(parseLabelSelector('app=web, tier==front,env!=prod,zone in (a, b),!legacy,canary')).toEqual({
      matchLabels: { app: 'web', tier: 'front' },
      matchExpressions: [
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'zone', operator: 'In', values: ['a', 'b'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'canary', operator: 'Exists' },
      ],
    });
    expect(() => parseLabelSelector('a in (')).toThrow(/unable to parse requirement/);
  });

  it('renders a selector as kubectl prints it, and checks plain label maps', () => {
    expect(selectorString({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['b', 'a'] }, { key: 'x', operator: 'DoesNotExist' }] })).toBe('app=web,zone in (a,b),!x');
    expect(containsLabels({ a: '1', b: '2' }, { a: '1' })).toBe(true);
    expect(containsLabels({ a: '1' }, undefined)).toBe(true);
    expect(containsLabels(undefined, { a: '1' })).toBe(false);
  });
});
