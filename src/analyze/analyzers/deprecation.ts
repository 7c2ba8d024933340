/** Deprecated fields in Istio resources (IST0002). */
import type { Analyzer } from '../framework.js';
import { asArray, isAnyObject, type AnyObject } from '../resource.js';

export const deprecatedFields: Analyzer = {
  name: 'deprecation.FieldAnalyzer',
  description: 'Reports Istio fields that are deprecated and their replacements',
  inputs: ['VirtualService', 'EnvoyFilter', 'Sidecar'],
  codes: ['IST0002'],
  run(ctx) {
    for (const vs of ctx.all('VirtualService')) {
      asArray<AnyObject>(vs.spec.http).forEach((route, i) => {
        if (!isAnyObject(route)) return;
        if (route.mirror_percent !== undefined || route.mirrorPercent !== undefined) ctx.report('IST0002', vs, `Deprecated: spec.http[${i}].mirrorPercent is deprecated; use mirrorPercentage instead.`, ['spec', 'http', i]);
        if (route.fault?.delay?.percent !== undefined) ctx.report('IST0002', vs, `Deprecated: spec.http[${i}].fault.delay.percent is deprecated; use percentage instead.`, ['spec', 'http', i, 'fault', 'delay', 'percent']);
      });
    }
    for (const ef of ctx.all('EnvoyFilter')) {
      if (ef.spec.workloadLabels !== undefined) ctx.report('IST0002', ef, 'Deprecated: spec.workloadLabels is deprecated; use workloadSelector instead.', ['spec', 'workloadLabels']);
      if (ef.spec.filters !== undefined) ctx.report('IST0002', ef, 'Deprecated: spec.filters is no longer supported; use configPatches instead.', ['spec', 'filters']);
    }
    for (const sc of ctx.all('Sidecar')) {
      if (sc.spec.localhost !== undefined) ctx.report('IST0002', sc, 'Deprecated: spec.localhost is deprecated and ignored.', ['spec', 'localhost']);
    }
  },
};
