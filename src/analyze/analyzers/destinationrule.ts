/** DestinationRule analyzers: server certificate verification, subsets that select no pods, unknown hosts. */
import type { Analyzer } from '../framework.js';
import { isObject } from '../../core/json.js';
import { asArray, type AnyObject } from '../resource.js';
import { labelsToString } from './util.js';

const VERIFYING_MODES = new Set(['SIMPLE', 'MUTUAL']);

/** TLS settings that originate TLS without any way to verify the server. */
function unverified(tls: unknown): string | undefined {
  if (!isObject(tls)) return undefined;
  const mode = String(tls.mode ?? '');
  if (!VERIFYING_MODES.has(mode)) return undefined;
  if (tls.caCertificates || tls.credentialName || tls.insecureSkipVerify === true) return undefined;
  return mode;
}

export const caCertificates: Analyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  description: 'Checks that DestinationRules originating TLS (SIMPLE or MUTUAL) can verify the server certificate',
  inputs: ['DestinationRule'],
  codes: ['IST0128', 'IST0129'],
  run(ctx) {
    for (const dr of ctx.all('DestinationRule')) {
      const host = String(dr.spec.host ?? '');
      const policies: [AnyObject | undefined, (string | number)[]][] = [[dr.spec.trafficPolicy, ['spec', 'trafficPolicy']]];
      asArray<AnyObject>(dr.spec.subsets).forEach((s, i) => policies.push([s?.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy']]));
      for (const [policy, path] of policies) {
        if (!isObject(policy)) continue;
        const mode = unverified(policy.tls);
        if (mode) ctx.report('IST0128', dr, `DestinationRule ${dr.name} in namespace ${dr.namespace} has TLS mode set to ${mode} but no caCertificates are set to validate server identity for host: ${host}`, [...path, 'tls', 'mode']);
        asArray<AnyObject>(policy.portLevelSettings).forEach((pl, i) => {
          const portMode = unverified(pl?.tls);
          if (portMode) ctx.report('IST0129', dr, `DestinationRule ${dr.name} in namespace ${dr.namespace} has TLS mode set to ${portMode} but no caCertificates are set to validate server identity for host: ${host} at port ${pl?.port?.number ?? '?'}`, [...path, 'portLevelSettings', i, 'tls', 'mode']);
        });
      }
    }
  },
};

export const subsetsSelectPods: Analyzer = {
  name: 'destinationrule.PodNotSelectedAnalyzer',
  description: "Checks that each DestinationRule subset selects some of the service's workloads (when they are known)",
  inputs: ['DestinationRule'],
  codes: ['IST0173'],
  run(ctx) {
    if (!ctx.knowsWorkloads()) return;
    for (const dr of ctx.all('DestinationRule')) {
      const host = String(dr.spec.host ?? '');
      if (!host || host.includes('*')) continue;
      const services = ctx.lookupHost(host, dr.namespace).filter((h) => h.resource.kind === 'Service' && h.selector && Object.keys(h.selector).length > 0);
      if (services.length === 0) continue;
      // Only judge when the service's own workloads are in view; otherwise absence proves nothing.
      const withPods = services.filter((s) => ctx.selectWorkloads(s.namespace, s.selector).length > 0);
      if (withPods.length === 0) continue;
      asArray<AnyObject>(dr.spec.subsets).forEach((subset, i) => {
        const labels = isObject(subset?.labels) ? (subset.labels as Record<string, string>) : {};
        if (Object.keys(labels).length === 0) return;
        const selects = withPods.some((s) => ctx.selectWorkloads(s.namespace, { ...s.selector, ...labels }).length > 0);
        if (!selects) ctx.report('IST0173', dr, `The Subset ${subset.name} defined in the DestinationRule does not select any pods (labels ${labelsToString(labels)}), which may lead to 503 UH (NoHealthyUpstream).`, ['spec', 'subsets', i]);
      });
    }
  },
};

export const unknownHost: Analyzer = {
  name: 'destinationrule.UnknownDestinationRuleHostAnalyzer',
  description: 'Checks that DestinationRule hosts match a Service or ServiceEntry in the mesh',
  inputs: ['DestinationRule'],
  codes: ['IST0174'],
  run(ctx) {
    for (const dr of ctx.all('DestinationRule')) {
      const host = String(dr.spec.host ?? '');
      if (!host || host.includes('*')) continue;
      if (ctx.lookupHost(host, dr.namespace).length === 0) {
        ctx.report('IST0174', dr, `The host ${host} defined in the DestinationRule does not match any services in the mesh.`, ['spec', 'host']);
      }
    }
  },
};

export const destinationRuleAnalyzers = [caCertificates, subsetsSelectPods, unknownHost];
