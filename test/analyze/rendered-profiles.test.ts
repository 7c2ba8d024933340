/** What sailctl installs must pass sailctl's own analysis: no finding on any profile's rendered control plane (every analyzer of istioctl's set, offline). */
import { describe, expect, it } from 'vitest';
import { resolveIstioOperator } from '../../src/operator/resolve.js';
import { allObjects, renderManifests, serializeManifests } from '../../src/render/index.js';
import { run } from './helpers.js';

describe('analysis of the rendered profiles', () => {
  // A remote cluster's injector calls the external istiod through the Service that remotePilotAddress renders;
  // without it the webhook names a Service that is not there, which Istio's webhook analyzer reports (IST0139).
  it.each([['default'], ['demo'], ['minimal'], ['ambient'], ['remote', 'values.global.remotePilotAddress=10.20.0.5'], ['preview'], ['stable']])('%s renders a control plane with no findings', async (profile, ...sets) => {
    const { iop } = await resolveIstioOperator({ sets: [`profile=${profile}`, ...sets] });
    const yaml = serializeManifests(allObjects(renderManifests(iop)));
    expect(yaml.length).toBeGreaterThan(1000);
    expect(await run(yaml)).toEqual([]);
  });
});
