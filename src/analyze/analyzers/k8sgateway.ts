/**
 * Kubernetes Gateway API: policies whose selector lands on a gateway's pods (IST0166), and
 * Gateway API CRDs older than this Istio release processes (IST0176).
 */
import type { Analyzer } from '../framework.js';
import { isAnyObject, type Resource } from '../resource.js';
import { labelsOf, matchesLabels } from '../workloads.js';
import { pushTo } from './util.js';

const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';
const POLICY_KINDS: [string, string][] = [
  ['AuthorizationPolicy', 'security.istio.io'],
  ['RequestAuthentication', 'security.istio.io'],
  ['Telemetry', 'telemetry.istio.io'],
  ['WasmPlugin', 'extensions.istio.io'],
];

export const k8sGatewaySelectorAnalyzer: Analyzer = {
  name: 'k8sgateway.SelectorAnalyzer',
  description: 'Check workload selector policies are applied to Kubernetes Gateways',
  inputs: POLICY_KINDS.map(([k]) => k),
  codes: ['IST0166'],
  run(ctx) {
    const gatewayPods = new Map<string, Resource[]>();
    for (const pod of ctx.all('Pod')) if (pod.labels[GATEWAY_NAME] !== undefined) pushTo(gatewayPods, pod.namespace, pod);
    if (gatewayPods.size === 0) return;
    for (const [kind, group] of POLICY_KINDS) {
      for (const policy of ctx.all(kind)) {
        if (policy.group !== group || isAnyObject(policy.spec.targetRef) || !isAnyObject(policy.spec.selector)) continue;
        const selector = labelsOf(policy.spec.selector.matchLabels);
        for (const pod of gatewayPods.get(policy.namespace) ?? []) {
          if (matchesLabels(selector, pod.labels)) ctx.report('IST0166', policy, `Ineffective selector on Kubernetes Gateway ${pod.labels[GATEWAY_NAME]}. Use the TargetRef field instead.`);
        }
      }
    }
  },
};

/** The oldest Gateway API bundle version whose CRD this Istio release still reads, per CRD. */
export const MINIMUM_CRD_VERSIONS: Readonly<Record<string, string>> = {
  'grpcroutes.gateway.networking.k8s.io': '1.1.0',
  'backendtlspolicies.gateway.networking.k8s.io': '1.4.0',
  'tlsroutes.gateway.networking.k8s.io': '1.5.0',
  'tcproutes.gateway.networking.k8s.io': '1.6.0',
};

/** A semantic version as Masterminds/semver reads it (leading v, missing minor/patch allowed). */
export function parseSemver(text: string): { parts: [number, number, number]; pre: string; text: string } | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!m) return undefined;
  const parts: [number, number, number] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  const pre = m[4] ?? '';
  return { parts, pre, text: `${parts.join('.')}${pre ? `-${pre}` : ''}` };
}

function below(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

export const crdVersionAnalyzer: Analyzer = {
  name: 'k8sgateway.CRDVersionAnalyzer',
  description: 'Checks Gateway API CRDs are at the minimum version required by this Istio version',
  inputs: ['CustomResourceDefinition'],
  codes: ['IST0176'],
  run(ctx) {
    for (const crd of ctx.all('CustomResourceDefinition')) {
      const minimum = MINIMUM_CRD_VERSIONS[crd.name];
      const installed = minimum === undefined ? undefined : parseSemver(crd.annotations['gateway.networking.k8s.io/bundle-version'] ?? '');
      if (!minimum || !installed || !below(installed.parts, parseSemver(minimum)!.parts)) continue;
      ctx.report('IST0176', crd, `Gateway API CRD ${JSON.stringify(crd.name)} is at version ${JSON.stringify(installed.text)} but Istio requires at least ${JSON.stringify(minimum)}; resources of this kind will not be processed. Upgrade the Gateway API CRDs to satisfy the minimum version.`);
    }
  },
};
