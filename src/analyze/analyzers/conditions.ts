/** Status conditions that say something failed (IST0171), for the kinds and condition types Istio watches. */
import type { Analyzer } from '../framework.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { typeKey } from '../resource.js';

const GATEWAY_TYPES = new Set(['Accepted', 'Programmed', 'ResolvedRefs']);
const GW = 'gateway.networking.k8s.io';

/** Which condition types count when False, and where the conditions are, per kind. */
const WATCHED: { kind: string; group: string; types: ReadonlySet<string>; parents?: boolean }[] = [
  { kind: 'Service', group: '', types: new Set(['istio.io/WaypointBound']) },
  { kind: 'ServiceEntry', group: 'networking.istio.io', types: new Set(['istio.io/WaypointBound']) },
  { kind: 'WorkloadEntry', group: 'networking.istio.io', types: new Set(['istio.io/WaypointBound']) },
  { kind: 'AuthorizationPolicy', group: 'security.istio.io', types: new Set(['ZtunnelAccepted', 'WaypointAccepted']) },
  { kind: typeKey(GW, 'Gateway'), group: GW, types: GATEWAY_TYPES },
  { kind: typeKey(GW, 'HTTPRoute'), group: GW, types: GATEWAY_TYPES, parents: true },
  { kind: typeKey(GW, 'GRPCRoute'), group: GW, types: GATEWAY_TYPES, parents: true },
];

function conditionsOf(r: Resource, parents: boolean): AnyObject[] {
  const status: AnyObject | undefined = r.body.status;
  if (!parents) return asArray<AnyObject>(status?.conditions);
  return asArray<AnyObject>(status?.parents).flatMap((p) => asArray<AnyObject>(p?.conditions));
}

export const conditionAnalyzer: Analyzer = {
  name: 'conditions.ConditionAnalyzer',
  description: 'Checks for negative status conditions on resources',
  inputs: WATCHED.map((w) => w.kind),
  codes: ['IST0171'],
  run(ctx) {
    for (const w of WATCHED) {
      for (const r of ctx.all(w.kind)) {
        if (r.group !== w.group) continue;
        for (const c of conditionsOf(r, Boolean(w.parents))) {
          const type = String(c?.type ?? '');
          const negative = w.types.has(type) && String(c?.status) === 'False';
          const partial = w.kind === 'AuthorizationPolicy' && type === 'WaypointAccepted' && c?.reason === 'PartiallyInvalid';
          if (!negative && !partial) continue;
          ctx.report('IST0171', r, `A condition with a negative status is present: type=${type}, reason=${c?.reason ?? ''}, message=${c?.message ?? ''}.`);
        }
      }
    }
  },
};
