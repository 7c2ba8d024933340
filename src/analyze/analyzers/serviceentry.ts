/** ServiceEntry analyzers: virtual addresses for TCP ports, conflicting protocols for one host and port. */
import type { Analyzer } from '../framework.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { pushTo } from './util.js';

export const addressesRequired: Analyzer = {
  name: 'serviceentry.ProtocolAddressesAnalyzer',
  description: 'Checks that ServiceEntries with TCP (or unset protocol) ports have addresses when IP auto-allocation is off',
  inputs: ['ServiceEntry'],
  codes: ['IST0134'],
  run(ctx) {
    const meta = (ctx.mesh.defaultConfig?.proxyMetadata ?? {}) as Record<string, unknown>;
    // DNS proxying with auto-allocation gives ServiceEntries addresses, so none are needed.
    if (String(meta.ISTIO_META_DNS_AUTO_ALLOCATE) === 'true' && String(meta.ISTIO_META_DNS_CAPTURE) === 'true') return;
    if (String(meta.PILOT_ENABLE_IP_AUTOALLOCATE) === 'true') return;
    for (const se of ctx.all('ServiceEntry')) {
      if (asArray(se.spec.addresses).length > 0) continue;
      asArray<AnyObject>(se.spec.ports).forEach((p, i) => {
        const proto = String(p?.protocol ?? '').toUpperCase();
        if (proto === '' || proto === 'TCP') ctx.report('IST0134', se, `ServiceEntry addresses are required for this protocol (port ${p?.number} ${proto || 'with no protocol'}).`, ['spec', 'ports', i]);
      });
    }
  },
};

export const conflictingProtocols: Analyzer = {
  name: 'serviceentry.ConflictingProtocolAnalyzer',
  description: 'Checks that ServiceEntries defining the same host and port agree on its protocol',
  inputs: ['ServiceEntry'],
  codes: ['IST0177'],
  run(ctx) {
    const seen = new Map<string, { se: Resource; protocol: string }[]>();
    for (const se of ctx.all('ServiceEntry')) {
      for (const host of asArray<string>(se.spec.hosts)) {
        for (const p of asArray<AnyObject>(se.spec.ports)) pushTo(seen, `${String(host).toLowerCase()}:${p?.number}`, { se, protocol: String(p?.protocol ?? '').toUpperCase() || 'TCP' });
      }
    }
    for (const [hostPort, entries] of seen) {
      const protocols = new Set(entries.map((e) => e.protocol));
      if (protocols.size < 2) continue;
      const names = [...new Set(entries.map((e) => `${e.se.namespace}/${e.se.name}`))].join(',');
      const reported = new Set<Resource>();
      for (const { se } of entries) {
        if (reported.has(se)) continue;
        reported.add(se);
        ctx.report('IST0177', se, `The ServiceEntries ${names} define ${hostPort} with conflicting protocols: ${[...protocols].sort().join(',')}.`, ['spec', 'ports']);
      }
    }
  },
};

export const serviceEntryAnalyzers = [addressesRequired, conflictingProtocols];
