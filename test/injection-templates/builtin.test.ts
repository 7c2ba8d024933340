/**
 * The built-in injection templates are what `manifest generate` writes into the
 * istio-sidecar-injector ConfigMap, so users and istiod see their exact text. These digests pin
 * that text byte for byte: a change must be deliberate (review the template diff, then copy the
 * new digest in by hand).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { builtinTemplates } from '../../src/injection-templates/builtin.js';

const PINNED: Record<string, { length: number; sha256: string }> = {
  sidecar: { length: 24106, sha256: 'cf0691882e4916e54ef09f2cbe91b261831984352196d77794818808faa2d206' },
  gateway: { length: 7638, sha256: '645b2af8508054aedb45e4e40108f3afd23ff4e884ed119d07c15ea08a4705b2' },
  'grpc-agent': { length: 3171, sha256: 'b3e56f5de4dca96fa43dba73793399a60ee63447da31650babd1573e9306212b' },
};

describe('built-in injection templates', () => {
  it('are listed in ConfigMap order', () => {
    expect(Object.keys(builtinTemplates())).toEqual(Object.keys(PINNED));
  });

  for (const [name, want] of Object.entries(PINNED)) {
    it(`${name} is byte-identical to the reviewed text`, () => {
      const text = builtinTemplates()[name];
      expect({ length: text.length, sha256: createHash('sha256').update(text).digest('hex') }).toEqual(want);
    });
  }
});
