/** What sailctl installs must pass sailctl's own analysis: no finding on any profile's rendered control plane. */
import { describe, expect, it } from 'vitest';
import { ALL_ANALYZERS } from '../../src/analyze/analyzers/index.js';
import { resolveIstioOperator } from '../../src/operator/resolve.js';
import { allObjects, renderManifests, serializeManifests } from '../../src/render/index.js';
import { findings } from './helpers.js';

describe('analysis of the rendered profiles', () => {
  it.each([['default'], ['demo'], ['minimal'], ['ambient'], ['remote'], ['preview'], ['stable']])('%s renders a control plane with no findings', async (profile) => {
    const { iop } = await resolveIstioOperator({ sets: [`profile=${profile}`] });
    const yaml = serializeManifests(allObjects(renderManifests(iop)));
    expect(yaml.length).toBeGreaterThan(1000);
    expect(await findings([...ALL_ANALYZERS], yaml)).toEqual([]);
  });
});
