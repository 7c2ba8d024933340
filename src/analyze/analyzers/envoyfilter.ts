/** EnvoyFilter patch operations that are ignored or fragile (IST0151-IST0155). */
import type { Analyzer } from '../framework.js';
import { asArray, type AnyObject } from '../resource.js';

const RELATIVE = new Set(['INSERT_BEFORE', 'INSERT_AFTER', 'REPLACE']);
const ROUTE_LEVEL = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);

export const envoyFilterPatches: Analyzer = {
  name: 'envoyfilter.EnvoyPatchAnalyzer',
  description: 'Checks EnvoyFilter patches: operations valid for their applyTo, and relative operations with a priority',
  inputs: ['EnvoyFilter'],
  codes: ['IST0151', 'IST0152', 'IST0153', 'IST0154', 'IST0155'],
  run(ctx) {
    for (const ef of ctx.all('EnvoyFilter')) {
      const hasPriority = typeof ef.spec.priority === 'number' && ef.spec.priority !== 0;
      asArray<AnyObject>(ef.spec.configPatches).forEach((cp, i) => {
        const applyTo = String(cp?.applyTo ?? '');
        const op = String(cp?.patch?.operation ?? '');
        const path = ['spec', 'configPatches', i, 'patch', 'operation'];
        if (op === 'REPLACE' && applyTo !== 'HTTP_FILTER' && applyTo !== 'NETWORK_FILTER') {
          ctx.report('IST0152', ef, `The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER (configPatches[${i}] applies to ${applyTo || 'nothing'}).`, path);
          return;
        }
        if (op === 'ADD' && ROUTE_LEVEL.has(applyTo)) {
          ctx.report('IST0153', ef, `The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE (configPatches[${i}] applies to ${applyTo}).`, path);
          return;
        }
        if (op === 'REMOVE' && ROUTE_LEVEL.has(applyTo)) {
          ctx.report('IST0154', ef, `The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE (configPatches[${i}] applies to ${applyTo}).`, path);
          return;
        }
        if (RELATIVE.has(op) && !hasPriority) {
          if (cp?.match?.proxy?.proxyVersion) {
            ctx.report('IST0155', ef, `This EnvoyFilter does not have a priority and has a relative patch operation (${op}) and proxyVersion set, which can cause the EnvoyFilter not to be applied during an upgrade. Using the INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.`, path);
          } else {
            ctx.report('IST0151', ef, `This EnvoyFilter does not have a priority and has a relative patch operation (${op}) set which can cause the EnvoyFilter not to be applied. Using the INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.`, path);
          }
        }
      });
    }
  },
};
