/** Mesh networks: service registries that no cluster provides (IST0126). */
import type { Analyzer } from '../framework.js';
import { isObject } from '../../core/json.js';
import { asArray, type AnyObject } from '../resource.js';

export const meshNetworks: Analyzer = {
  name: 'meshnetworks.MeshNetworksAnalyzer',
  description: 'Checks that mesh networks only name known service registries (the local cluster is "Kubernetes")',
  inputs: ['MeshNetworks'],
  codes: ['IST0126'],
  run(ctx) {
    const known = new Set(['Kubernetes', ...(ctx.options.clusterIds ?? [])]);
    for (const r of ctx.all('MeshNetworks')) {
      const networks: AnyObject = isObject(r.body.networks) ? r.body.networks : {};
      for (const [network, def] of Object.entries(networks)) {
        asArray<AnyObject>((def as AnyObject)?.endpoints).forEach((ep, i) => {
          const reg = ep?.fromRegistry;
          if (typeof reg === 'string' && !known.has(reg)) ctx.report('IST0126', r, `Unknown service registry ${reg} in network ${network}`, ['networks', network, 'endpoints', i, 'fromRegistry']);
        });
      }
    }
  },
};
