/** asPatch on shared template output (parseSharedYaml): the same result as on a private copy, worked out once. */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/core/json.js';
import { asPatch, strategicMerge } from '../../src/inject/smp.js';
import { share } from '../../src/yaml/fast-parse.js';

const sample = (): Json => ({
  name: 'istio-proxy',
  imagePullPolicy: '',
  args: [],
  env: [{ name: 'A', value: '' }, { name: 'B', value: 'b' }],
  resources: { limits: { cpu: null, memory: '1Gi' }, requests: { cpu: '' } },
  empty: {},
});

describe('asPatch on shared values', () => {
  it('gives what it gives on a private copy, and the same object the second time', () => {
    const shared = share(sample());
    const first = asPatch(shared);
    expect(first).toEqual(asPatch(sample()));
    expect(asPatch(shared)).toBe(first);
    // A null deletes when merged onto a pod, and is dropped when its part is added whole.
    const pod = { name: 'istio-proxy', resources: { limits: { cpu: '1' } } };
    expect(strategicMerge(pod, first as Record<string, Json>)).toEqual(strategicMerge(pod, asPatch(sample()) as Record<string, Json>));
  });

  it('keeps empty strings under a map-typed parent (labels) and drops them elsewhere, shared or not', () => {
    const map = share({ a: '', b: 'x' });
    expect(asPatch(map, 'labels')).toEqual({ a: '', b: 'x' });
    expect(asPatch(map, 'securityContext')).toEqual({ b: 'x' });
    expect(asPatch(map, 'labels')).toEqual({ a: '', b: 'x' });
  });
});
