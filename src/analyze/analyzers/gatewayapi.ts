/** Gateway API CRD versions against what this Istio release supports (IST0156, IST0172, IST0176). */
import type { Analyzer } from '../framework.js';
import { asArray, type AnyObject } from '../resource.js';

/**
 * Bundle versions (the `gateway.networking.k8s.io/bundle-version` annotation of the CRDs):
 * below MIN_SUPPORTED is unsupported; below FUTURE_MIN works now but not in the next releases.
 * Both move with each Istio release, like ISTIO_VERSION.
 */
export const GATEWAY_API_MIN_SUPPORTED = '1.1.0';
export const GATEWAY_API_FUTURE_MIN = '1.2.0';
/** Kinds Istio reads at the v1 API; their CRDs must serve v1. */
const NEEDS_V1 = new Set(['gateways', 'gatewayclasses', 'httproutes', 'grpcroutes']);

function compare(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.replace(/^v/, '').split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

export const gatewayApiCrds: Analyzer = {
  name: 'crd.GatewayAPIVersionAnalyzer',
  description: 'Checks that the Gateway API CRDs are at a version this Istio release supports',
  inputs: ['CustomResourceDefinition'],
  codes: ['IST0156', 'IST0172', 'IST0176'],
  run(ctx) {
    for (const crd of ctx.all('CustomResourceDefinition')) {
      if (crd.spec.group !== 'gateway.networking.k8s.io') continue;
      const bundle = crd.annotations['gateway.networking.k8s.io/bundle-version'];
      if (bundle) {
        if (compare(bundle, GATEWAY_API_MIN_SUPPORTED) < 0) {
          ctx.report('IST0156', crd, `The Gateway API CRD version ${bundle} is lower than the minimum supported version v${GATEWAY_API_MIN_SUPPORTED}; upgrade the Gateway API CRDs.`, ['metadata', 'annotations', 'gateway.networking.k8s.io/bundle-version']);
          continue;
        }
        if (compare(bundle, GATEWAY_API_FUTURE_MIN) < 0) {
          ctx.report('IST0172', crd, `The Gateway API CRD version ${bundle} is supported now but will not be supported in future releases (minimum v${GATEWAY_API_FUTURE_MIN}); plan an upgrade of the Gateway API CRDs.`, ['metadata', 'annotations', 'gateway.networking.k8s.io/bundle-version']);
        }
      }
      const plural = String(crd.spec.names?.plural ?? '');
      const served = asArray<AnyObject>(crd.spec.versions).filter((v) => v?.served !== false).map((v) => String(v?.name));
      if (NEEDS_V1.has(plural) && served.length > 0 && !served.includes('v1')) {
        ctx.report('IST0176', crd, `The CRD ${crd.name} serves only ${served.join(', ')}, below the v1 version this Istio release requires; ${crd.spec.names?.kind ?? plural} resources will not be processed.`, ['spec', 'versions']);
      }
    }
  },
};
