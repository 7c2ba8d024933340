/** DestinationRules: TLS origination without server verification (IST0128/0129); subsets and hosts that select nothing (IST0173/0174). */
import type { Analyzer } from '../framework.js';
import type { AnalysisContext } from '../context.js';
import { isObject } from '../../core/json.js';
import { asArray, isAnyObject, type AnyObject, type Resource } from '../resource.js';
import { labelsOf, matchesLabels } from '../workloads.js';
import { nsName } from './util.js';

/** SIMPLE or MUTUAL TLS without caCertificates, unless a credential is scoped to selected workloads. */
function unverifiedMode(tls: unknown, dr: Resource): string | undefined {
  if (!isObject(tls)) return undefined;
  const mode = String(tls.mode ?? '');
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return undefined;
  if (typeof tls.caCertificates === 'string' && tls.caCertificates !== '') return undefined;
  if (tls.credentialName && isAnyObject(dr.spec.workloadSelector)) return undefined;
  return mode;
}

export const caCertificateAnalyzer: Analyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  description: 'Checks if caCertificates is set when TLS mode is SIMPLE/MUTUAL',
  inputs: ['DestinationRule'],
  codes: ['IST0128', 'IST0129'],
  run(ctx) {
    for (const dr of ctx.all('DestinationRule')) {
      const host = String(dr.spec.host ?? '');
      const policy: AnyObject | undefined = dr.spec.trafficPolicy;
      if (!isObject(policy)) continue;
      const mode = unverifiedMode(policy.tls, dr);
      if (mode) ctx.report('IST0128', dr, `DestinationRule ${nsName(dr)} in namespace ${dr.namespace} has TLS mode set to ${mode} but no caCertificates are set to validate server identity for host: ${host}`, ['spec', 'trafficPolicy', 'tls', 'caCertificates']);
      asArray<AnyObject>(policy.portLevelSettings).forEach((pl, i) => {
        const portMode = unverifiedMode(pl?.tls, dr);
        const port = pl?.port?.number === undefined ? '' : String(pl.port.number);
        if (portMode) ctx.report('IST0129', dr, `DestinationRule ${nsName(dr)} in namespace ${dr.namespace} has TLS mode set to ${portMode} but no caCertificates are set to validate server identity for host: ${host} at port ${port}`, ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls', 'caCertificates']);
      });
    }
  },
};

const TOPOLOGY = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

/** Pod labels plus the locality labels of the Node each pod runs on (Istio matches subsets against both). */
function podLabelSets(ctx: AnalysisContext): Record<string, string>[] {
  return ctx.all('Pod').map((pod) => {
    const nodeName = typeof pod.spec.nodeName === 'string' ? pod.spec.nodeName : '';
    const node = nodeName ? ctx.get('Node', '', nodeName) : undefined;
    if (!node) return pod.labels;
    const labels = { ...pod.labels };
    for (const k of TOPOLOGY) if (node.labels[k]) labels[k] = node.labels[k];
    labels['kubernetes.io/hostname'] = nodeName;
    return labels;
  });
}

export const subsetSelectPodAnalyzer: Analyzer = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  description: 'Checks that DestinationRule hosts match a service and that each subset selects pods',
  inputs: ['DestinationRule'],
  codes: ['IST0173', 'IST0174'],
  run(ctx) {
    let pods: Record<string, string>[] | undefined;
    for (const dr of ctx.all('DestinationRule')) {
      const host = typeof dr.spec.host === 'string' ? dr.spec.host : '';
      if (!host) continue;
      const target = ctx.hosts().lookup(dr.namespace, dr.spec.exportTo, host);
      if (!target) {
        ctx.report('IST0174', dr, `The host ${host} defined in the DestinationRule does not match any services in the mesh.`, ['spec', 'host']);
        continue;
      }
      pods ??= podLabelSets(ctx);
      asArray<AnyObject>(dr.spec.subsets).forEach((subset, i) => {
        if (!isObject(subset)) return;
        // A ServiceEntry adds its workload selector; a Service's own selector is not added.
        const selector = { ...(target.workloadSelector ?? {}), ...labelsOf(subset.labels) };
        if (pods!.some((l) => matchesLabels(selector, l)) || ctx.templateMatches(selector)) return;
        ctx.report('IST0173', dr, `The Subset ${String(subset.name ?? '')} defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).`, ['spec', 'subsets', i, 'name']);
      });
    }
  },
};
