/**
 * Golden digests of the profiles the reference documents (profiles.md §2.3, §3, §4).
 * The files under golden/ were reviewed by hand against the reference; when a render
 * changes on purpose, review the diff and copy the new digest in by hand (see README).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveIstioOperator } from '../../src/operator/resolve.js';
import { renderManifests } from '../../src/render/index.js';
import { digest } from './key-fields.js';

export const CASES: Record<string, string[]> = {
  default: [],
  demo: ['profile=demo'],
  minimal: ['profile=minimal'],
  ambient: ['profile=ambient'],
  remote: ['profile=remote'],
  canary: ['revision=canary'],
};

describe('golden renders', () => {
  for (const [name, sets] of Object.entries(CASES)) {
    it(`${name} matches golden/${name}.yaml`, async () => {
      const { iop } = await resolveIstioOperator({ sets });
      const got = digest(renderManifests(iop));
      const want = readFileSync(new URL(`./golden/${name}.yaml`, import.meta.url), 'utf8');
      expect(got).toBe(want);
    });
  }
});
