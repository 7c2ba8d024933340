/**
 * Multi-cluster: mesh networks naming a service registry no cluster provides (IST0126), and
 * Services of one name that differ between clusters (IST0170).
 */
import type { Analyzer } from '../framework.js';
import { isObject } from '../../core/json.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { goQuotedList } from './util.js';

export const meshNetworksAnalyzer: Analyzer = {
  name: 'meshnetworks.MeshNetworksAnalyzer',
  description: 'Check the validity of MeshNetworks in the cluster',
  inputs: ['MeshNetworks'],
  codes: ['IST0126'],
  run(ctx) {
    const known = new Set(['Mock', 'Kubernetes', 'External']);
    // Remote-cluster secrets name the clusters (registries) they give access to.
    for (const s of ctx.all('Secret')) if (s.labels['istio/multiCluster'] === 'true' && isObject(s.body.data)) for (const k of Object.keys(s.body.data)) known.add(k);
    for (const r of ctx.all('MeshNetworks')) {
      const networks: AnyObject = isObject(r.body.networks) ? r.body.networks : {};
      for (const [network, def] of Object.entries(networks)) {
        asArray<AnyObject>(isObject(def) ? def.endpoints : undefined).forEach((ep, i) => {
          const reg = ep?.fromRegistry;
          if (typeof reg === 'string' && !known.has(reg)) ctx.report('IST0126', r, `Unknown service registry ${reg} in network ${network}`, ['networks', network, 'endpoints', i]);
        });
      }
    }
  },
};

/** A Service's ports in a comparable form, ordered by name. */
function portsKey(svc: Resource): string {
  const ports = asArray<AnyObject>(svc.spec.ports).map((p) => JSON.stringify(Object.keys(p ?? {}).sort().map((k) => [k, p[k]])));
  const names = asArray<AnyObject>(svc.spec.ports).map((p) => String(p?.name ?? ''));
  return JSON.stringify(ports.map((p, i) => [names[i], p]).sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0)));
}

export const multiClusterServiceAnalyzer: Analyzer = {
  name: 'services.MultiClusterServiceAnalyzer',
  description: 'Check the validity of services in the multi-cluster environment',
  inputs: ['Service'],
  codes: ['IST0170'],
  run(ctx) {
    const byName = new Map<string, Map<string, Resource>>();
    for (const svc of [...ctx.all('Service'), ...(ctx.options.remoteServices ?? [])]) {
      const cluster = svc.origin.cluster;
      if (!cluster || svc.group !== '') continue;
      const key = `${svc.namespace}/${svc.name}`;
      const m = byName.get(key) ?? new Map<string, Resource>();
      if (!m.has(cluster)) m.set(cluster, svc);
      byName.set(key, m);
    }
    for (const clusters of byName.values()) {
      if (clusters.size < 2) continue;
      const entries = [...clusters.entries()];
      const [firstCluster, first] = entries[0]!;
      const headless = (s: Resource) => s.spec.clusterIP === 'None';
      const bad = new Set<string>();
      const reasons = new Set<string>();
      if (entries.some(([, s]) => headless(s) !== headless(first))) {
        for (const [c] of entries) bad.add(c);
        reasons.add('service has mixed mode like headless and clusterIP');
      }
      for (const [c, s] of entries) {
        if ((s.spec.type ?? '') !== (first.spec.type ?? '')) {
          bad.add(c);
          reasons.add('service type is inconsistent');
        }
        if (portsKey(s) !== portsKey(first)) {
          bad.add(c);
          reasons.add('service ports are inconsistent');
        }
      }
      if (bad.size === 0) continue;
      bad.add(firstCluster);
      ctx.report('IST0170', first, `The service ${first.name} in namespace ${JSON.stringify(first.namespace)} is inconsistent across clusters ${goQuotedList([...bad].sort())}, which can lead to undefined behaviors. The inconsistent behaviors are: ${[...reasons].sort().join('; ')}.`);
    }
  },
};
