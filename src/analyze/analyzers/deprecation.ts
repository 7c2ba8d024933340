/** Deprecated fields and removed kinds (IST0002): fault.delay.percent, Sidecar egressProxy, the rbac.istio.io CRDs. */
import type { Analyzer } from '../framework.js';
import { asArray, isAnyObject, type AnyObject } from '../resource.js';

const REMOVED_RBAC = new Set(['ClusterRbacConfig', 'RbacConfig', 'ServiceRole', 'ServiceRoleBinding']);

export const deprecationAnalyzer: Analyzer = {
  name: 'deprecation.DeprecationAnalyzer',
  description: 'Checks for deprecated Istio types and fields',
  inputs: ['VirtualService', 'Sidecar', 'CustomResourceDefinition'],
  codes: ['IST0002'],
  run(ctx) {
    for (const crd of ctx.all('CustomResourceDefinition')) {
      const kind = String(crd.spec.names?.kind ?? '');
      if (crd.spec.group === 'rbac.istio.io' && REMOVED_RBAC.has(kind)) ctx.report('IST0002', crd, `Deprecated: Custom resource type rbac.istio.io ${kind} is removed`);
    }
    for (const vs of ctx.all('VirtualService')) {
      for (const route of asArray<AnyObject>(vs.spec.http)) {
        const percent = isAnyObject(route) ? route.fault?.delay?.percent : undefined;
        if (typeof percent === 'number' && percent > 0) ctx.report('IST0002', vs, 'Deprecated: HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage');
      }
    }
    for (const sc of ctx.all('Sidecar')) {
      if (isAnyObject(sc.spec.outboundTrafficPolicy?.egressProxy)) ctx.report('IST0002', sc, 'Deprecated: OutboundTrafficPolicy.EgressProxy ignored');
    }
  },
};
