/** EnvoyFilter patch operations that are ignored or fragile (IST0151-IST0155). */
import type { Analyzer } from '../framework.js';
import { asArray, isAnyObject, type AnyObject } from '../resource.js';

const ROUTE_LEVEL = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);
const REPLACEABLE = new Set(['HTTP_FILTER', 'NETWORK_FILTER', 'VIRTUAL_HOST']);

const TEXT = {
  IST0151: 'This EnvoyFilter does not have a priority and has a relative patch operation set which can cause the EnvoyFilter not to be applied. Using the INSERT_FIRST of ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.',
  IST0152: 'The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER.',
  IST0153: 'The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.',
  IST0154: 'The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.',
  IST0155: 'This EnvoyFilter does not have a priority and has a relative patch operation (NSTERT_BEFORE/AFTER, REPLACE, MERGE, DELETE) and proxyVersion set which can cause the EnvoyFilter not to be applied during an upgrade. Using the INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.',
} as const;

/** The name a patch targets: its value's name, else the listener filter it matches (when it has a value). */
function instanceName(cp: AnyObject): string {
  const value = cp.patch?.value;
  if (isAnyObject(value) && typeof value.name === 'string') return value.name;
  if (value !== undefined && value !== null) return String(cp.match?.listener?.filterChain?.filter?.name ?? '');
  return '';
}

export const envoyPatchAnalyzer: Analyzer = {
  name: 'envoyfilter.EnvoyPatchAnalyzer',
  description: 'Checks an envoyFilters',
  inputs: ['EnvoyFilter'],
  codes: ['IST0151', 'IST0152', 'IST0153', 'IST0154', 'IST0155'],
  run(ctx) {
    // Names patched with a proxyVersion, across EnvoyFilters in order: a later relative patch of one is fragile on upgrade.
    const versioned: string[] = [];
    for (const ef of ctx.all('EnvoyFilter')) {
      const priority = typeof ef.spec.priority === 'number' ? ef.spec.priority : 0;
      for (const raw of asArray<AnyObject>(ef.spec.configPatches)) {
        const cp: AnyObject = isAnyObject(raw) ? raw : {};
        if (!isAnyObject(cp.patch)) break; // Istio stops at a patch with nothing to apply
        const applyTo = String(cp.applyTo ?? '');
        const op = String(cp.patch.operation ?? '');
        const name = instanceName(cp);
        let relative = false;
        if (op === 'ADD' && ROUTE_LEVEL.has(applyTo)) ctx.report('IST0153', ef, TEXT.IST0153);
        else if (op === 'REMOVE') {
          if (ROUTE_LEVEL.has(applyTo)) ctx.report('IST0154', ef, TEXT.IST0154);
          else relative = true;
        } else if (op === 'REPLACE') {
          if (REPLACEABLE.has(applyTo)) relative = true;
          else ctx.report('IST0152', ef, TEXT.IST0152);
        } else if (op === 'INSERT_BEFORE' || op === 'INSERT_AFTER') relative = true;
        if (relative && priority === 0) {
          if (versioned.includes(name)) ctx.report('IST0155', ef, TEXT.IST0155);
          else ctx.report('IST0151', ef, TEXT.IST0151);
        }
        if (cp.match?.proxy?.proxyVersion) versioned.push(name);
      }
    }
  },
};
