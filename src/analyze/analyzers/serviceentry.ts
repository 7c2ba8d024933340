/** ServiceEntries: TCP ports without addresses (IST0134), one host and port declared with different protocols (IST0177). */
import type { Analyzer } from '../framework.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { exportScopes } from '../hosts.js';
import { nsName, strings } from './util.js';

export const protocolAddressesAnalyzer: Analyzer = {
  name: 'serviceentry.Analyzer',
  description: 'Checks the validity of ServiceEntry',
  inputs: ['ServiceEntry'],
  codes: ['IST0134'],
  run(ctx) {
    const meta: AnyObject = ctx.mesh.defaultConfig?.proxyMetadata ?? {};
    // With DNS capture and auto-allocation, ServiceEntries get addresses without declaring any.
    if (meta.ISTIO_META_DNS_CAPTURE === 'true' && (meta.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' || meta.PILOT_ENABLE_IP_AUTOALLOCATE === 'true')) return;
    for (const se of ctx.all('ServiceEntry')) {
      if (asArray(se.spec.addresses).length > 0 || asArray(se.body.status?.addresses).length > 0) continue;
      asArray<AnyObject>(se.spec.ports).forEach((p, i) => {
        const proto = String(p?.protocol ?? '');
        if (proto === '' || proto.toUpperCase() === 'TCP') ctx.report('IST0134', se, 'ServiceEntry addresses are required for this protocol.', ['spec', 'ports', i, 'name']);
      });
    }
  },
};

export const conflictingProtocolAnalyzer: Analyzer = {
  name: 'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
  description: 'Checks that ServiceEntries defining the same host and port do not declare conflicting protocols',
  inputs: ['ServiceEntry'],
  codes: ['IST0177'],
  run(ctx) {
    const filed = new Map<string, { scope: string; host: string; port: number; entries: { se: Resource; protocol: string }[] }>();
    for (const se of ctx.all('ServiceEntry')) {
      for (const scope of exportScopes(se.spec.exportTo, se.namespace)) {
        for (const host of strings(se.spec.hosts)) {
          for (const p of asArray<AnyObject>(se.spec.ports)) {
            const port = Number(p?.number);
            const key = `${scope}\u0000${host}\u0000${port}`;
            const slot = filed.get(key) ?? { scope, host, port, entries: [] };
            slot.entries.push({ se, protocol: String(p?.protocol ?? '').toUpperCase() });
            filed.set(key, slot);
          }
        }
      }
    }
    const reported = new Set<Resource>();
    for (const slot of filed.values()) {
      const entries = slot.scope === '*' ? slot.entries : [...slot.entries, ...(filed.get(`*\u0000${slot.host}\u0000${slot.port}`)?.entries ?? [])];
      const protocols = [...new Set(entries.map((e) => e.protocol))].sort();
      if (protocols.length < 2) continue;
      const byName = new Map<string, Resource>();
      for (const e of entries) byName.set(nsName(e.se), e.se);
      const names = [...byName.keys()].sort().join(', ');
      for (const se of byName.values()) {
        if (reported.has(se)) continue;
        reported.add(se);
        ctx.report('IST0177', se, `Multiple ServiceEntries (${names}) define the same host ${JSON.stringify(slot.host)} and port ${slot.port} with conflicting protocols (${protocols.join(', ')}).`);
      }
    }
  },
};
