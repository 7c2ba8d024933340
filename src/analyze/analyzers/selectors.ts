/** Workload-selector analyzers: Sidecar, Telemetry and security policies that conflict or select nothing. */
import type { Analyzer } from '../framework.js';
import type { AnalysisContext, Workload } from '../context.js';
import { isObject } from '../../core/json.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { labelsToString, pushTo } from './util.js';

function matchLabels(r: Resource, field: 'workloadSelector' | 'selector'): Record<string, string> | undefined {
  const s = r.spec[field];
  if (!isObject(s)) return undefined;
  const labels = field === 'workloadSelector' ? s.labels : s.matchLabels;
  return isObject(labels) && Object.keys(labels).length > 0 ? (labels as Record<string, string>) : undefined;
}

/**
 * IST0111/0160 for several selector-less resources in a namespace, IST0110/0159 for several
 * selecting the same workload, IST0127 when a selector matches nothing while workloads are known.
 */
function selectorConflicts(ctx: AnalysisContext, kind: 'Sidecar' | 'Telemetry', codes: { none: string; conflict: string }, plural: string) {
  const field = kind === 'Sidecar' ? 'workloadSelector' : 'selector';
  const byNs = new Map<string, Resource[]>();
  for (const r of ctx.all(kind)) pushTo(byNs, r.namespace, r);
  for (const [ns, list] of byNs) {
    const bare = list.filter((r) => !matchLabels(r, field) && !(kind === 'Telemetry' && (r.spec.targetRef || r.spec.targetRefs)));
    if (bare.length > 1) {
      const names = bare.map((r) => r.name).join(', ');
      for (const r of bare) ctx.report(codes.none, r, `The ${plural} [${names}] in namespace ${JSON.stringify(ns)} have no workload selector, which can lead to undefined behavior.`);
    }
    const byWorkload = new Map<Workload, Resource[]>();
    for (const r of list) {
      const labels = matchLabels(r, field);
      if (!labels) continue;
      const selected = ctx.selectWorkloads(ns, labels);
      if (selected.length === 0 && ctx.knowsWorkloads() && ns !== ctx.mesh.rootNamespace) {
        ctx.report('IST0127', r, `No matching workloads for this resource with the following labels: ${labelsToString(labels)}`, ['spec', field]);
      }
      for (const w of selected) pushTo(byWorkload, w, r);
    }
    const reported = new Set<Resource>();
    for (const [w, rs] of byWorkload) {
      if (rs.length < 2) continue;
      const names = rs.map((r) => r.name).join(', ');
      for (const r of rs) {
        if (reported.has(r)) continue;
        reported.add(r);
        ctx.report(codes.conflict, r, `The ${plural} [${names}] in namespace ${JSON.stringify(ns)} select the same workload pod ${JSON.stringify(w.resource.name)}, which can lead to undefined behavior.`, ['spec', field]);
      }
    }
  }
}

export const sidecarSelectors: Analyzer = {
  name: 'sidecar.SelectorAnalyzer',
  description: 'Checks that Sidecars in a namespace neither overlap in the workloads they select nor lack selectors more than once, and that selectors match workloads',
  inputs: ['Sidecar'],
  codes: ['IST0110', 'IST0111', 'IST0127'],
  run: (ctx) => selectorConflicts(ctx, 'Sidecar', { none: 'IST0111', conflict: 'IST0110' }, 'Sidecars'),
};

export const telemetrySelectors: Analyzer = {
  name: 'telemetry.SelectorAnalyzer',
  description: 'Checks that Telemetry resources in a namespace neither overlap in the workloads they select nor lack selectors more than once',
  inputs: ['Telemetry'],
  codes: ['IST0159', 'IST0160', 'IST0127'],
  run: (ctx) => selectorConflicts(ctx, 'Telemetry', { none: 'IST0160', conflict: 'IST0159' }, 'Telemetries'),
};

export const telemetryProviders: Analyzer = {
  name: 'telemetry.ProviderAnalyzer',
  description: 'Checks that Telemetry tracing and access logging name a provider when the mesh has no default provider',
  inputs: ['Telemetry'],
  codes: ['IST0157'],
  run(ctx) {
    const defaults: AnyObject = isObject(ctx.mesh.defaultProviders) ? ctx.mesh.defaultProviders : {};
    for (const t of ctx.all('Telemetry')) {
      for (const section of ['tracing', 'accessLogging'] as const) {
        const meshDefault = asArray(defaults[section]).length > 0;
        asArray<AnyObject>(t.spec[section]).forEach((entry, i) => {
          if (!isObject(entry) || entry.disabled === true || meshDefault) return;
          if (asArray(entry.providers).length === 0) {
            ctx.report('IST0157', t, `The Telemetry ${t.name} in namespace ${JSON.stringify(t.namespace)} with empty providers will be ignored (${section}: no providers and no mesh defaultProviders.${section}).`, ['spec', section, i]);
          }
        });
      }
    }
  },
};

const POLICY_KINDS = ['AuthorizationPolicy', 'RequestAuthentication', 'PeerAuthentication', 'WasmPlugin', 'Telemetry'] as const;

export const policySelectors: Analyzer = {
  name: 'policy.SelectorAnalyzer',
  description: 'Checks that policy selectors match workloads, and that policies for Kubernetes Gateways use targetRefs instead of selectors',
  inputs: [...POLICY_KINDS],
  codes: ['IST0127', 'IST0166'],
  run(ctx) {
    for (const kind of POLICY_KINDS) {
      for (const r of ctx.all(kind)) {
        const labels = matchLabels(r, 'selector');
        if (!labels) continue;
        const gatewayName = labels['gateway.networking.k8s.io/gateway-name'] ?? labels['istio.io/gateway-name'];
        if (gatewayName && !r.spec.targetRef && !r.spec.targetRefs && ctx.get('gateway.networking.k8s.io/Gateway', r.namespace, gatewayName)) {
          ctx.report('IST0166', r, `Ineffective selector on Kubernetes Gateway ${gatewayName}. Use the TargetRef field instead.`, ['spec', 'selector']);
          continue;
        }
        // Sidecar and Telemetry conflicts are reported by their own analyzers; here only the policies.
        if (kind === 'Telemetry' || r.namespace === ctx.mesh.rootNamespace || !ctx.knowsWorkloads()) continue;
        if (ctx.selectWorkloads(r.namespace, labels).length === 0) {
          ctx.report('IST0127', r, `No matching workloads for this resource with the following labels: ${labelsToString(labels)}`, ['spec', 'selector']);
        }
      }
    }
  },
};

export const authorizationNamespaces: Analyzer = {
  name: 'auth.AuthorizationPoliciesAnalyzer',
  description: 'Checks that the namespaces AuthorizationPolicy rules refer to exist',
  inputs: ['AuthorizationPolicy'],
  codes: ['IST0101'],
  run(ctx) {
    const known = ctx.namespaces();
    for (const ap of ctx.all('AuthorizationPolicy')) {
      asArray<AnyObject>(ap.spec.rules).forEach((rule, i) => {
        asArray<AnyObject>(rule?.from).forEach((from, j) => {
          for (const field of ['namespaces', 'notNamespaces'] as const) {
            asArray<string>(from?.source?.[field]).forEach((ns, k) => {
              if (typeof ns !== 'string' || ns.includes('*') || known.has(ns)) return;
              ctx.report('IST0101', ap, `Referenced namespace not found: ${JSON.stringify(ns)}`, ['spec', 'rules', i, 'from', j, 'source', field, k]);
            });
          }
        });
      });
    }
  },
};

export const jwksFetch: Analyzer = {
  name: 'auth.JwksUriAnalyzer',
  description: 'Checks that istiod restricts JWKS fetches (BLOCKED_CIDRS_IN_JWKS_URIS) when RequestAuthentications fetch keys',
  inputs: ['RequestAuthentication'],
  codes: ['IST0175'],
  run(ctx) {
    const istiod = ctx.inNamespace('Deployment', ctx.options.istioNamespace).filter((d) => d.name === 'istiod' || d.name.startsWith('istiod-'));
    if (istiod.length === 0) return;
    const restricted = istiod.every((d) => asArray<AnyObject>(d.spec.template?.spec?.containers).some((c) => asArray<AnyObject>(c?.env).some((e) => e?.name === 'BLOCKED_CIDRS_IN_JWKS_URIS' && e.value)));
    if (restricted) return;
    for (const ra of ctx.all('RequestAuthentication')) {
      const fetches = asArray<AnyObject>(ra.spec.jwtRules).some((r) => !r?.jwks);
      if (fetches) ctx.report('IST0175', ra, `RequestAuthentication ${ra.namespace}/${ra.name} makes istiod fetch JWKS from a URI but BLOCKED_CIDRS_IN_JWKS_URIS is not configured on istiod ${istiod[0]!.namespace}/${istiod[0]!.name}.`, ['spec', 'jwtRules']);
    }
  },
};

export const selectorAnalyzers = [sidecarSelectors, telemetrySelectors, telemetryProviders, policySelectors, authorizationNamespaces, jwksFetch];
