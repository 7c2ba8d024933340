/** Negative status conditions on Istio and Gateway API resources (IST0171). */
import type { Analyzer } from '../framework.js';
import { asArray, type AnyObject } from '../resource.js';

/** Condition types where `False` means something is wrong. */
const POSITIVE = new Set(['Ready', 'Accepted', 'Programmed', 'ResolvedRefs', 'Reconciled', 'Available', 'Established', 'Synced']);
const KIND_GROUPS = ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io', 'gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'];

export const negativeConditions: Analyzer = {
  name: 'status.NegativeConditionAnalyzer',
  description: 'Reports status conditions with a negative status on Istio and Gateway API resources',
  inputs: ['*'],
  codes: ['IST0171'],
  run(ctx) {
    for (const kind of ctx.kinds()) {
      for (const r of ctx.all(kind)) {
        if (!KIND_GROUPS.includes(r.group)) continue;
        const status = r.body.status;
        const lists: [AnyObject[], (string | number)[]][] = [[asArray(status?.conditions), ['status', 'conditions']]];
        asArray<AnyObject>(status?.parents).forEach((p, i) => lists.push([asArray(p?.conditions), ['status', 'parents', i, 'conditions']]));
        asArray<AnyObject>(status?.listeners).forEach((l, i) => lists.push([asArray(l?.conditions), ['status', 'listeners', i, 'conditions']]));
        for (const [conditions, path] of lists) {
          conditions.forEach((c, i) => {
            const negative = (POSITIVE.has(c?.type) && c?.status === 'False') || (c?.type === 'Conflicted' && c?.status === 'True');
            if (negative) ctx.report('IST0171', r, `Negative condition status: ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`, [...path, i]);
          });
        }
      }
    }
  },
};
