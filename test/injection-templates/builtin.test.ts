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
  sidecar: { length: 26726, sha256: '5269e30fb95a06043df2ac8728744199c2ed623c8c2bf6e7092f9762a71f6e23' },
  gateway: { length: 10524, sha256: 'db562309680af0d4fe1cf1ee0c7e73fbc6c191cd826ed1d37f1396356b14e989' },
  'grpc-simple': { length: 1820, sha256: '2761eabed23309081e9e907f477871ed7c7ae85df2df52caae03328e6bbb269c' },
  'grpc-agent': { length: 12837, sha256: '78161523c2f1164ff860ec3283a68cd8b329a692d8058191ce541f67614c5d50' },
  waypoint: { length: 13511, sha256: '32a977713e45125201b9e9d529e3981e065d9fcbf95a1ab18b972684014ad74b' },
  'kube-gateway': { length: 14275, sha256: 'b4f2a684f81b223234ce17936b9e3064cac46c872d6c39e16de9818e420c7056' },
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
