/** IST0106/IST0133: every Istio resource against its CRD schema and Istio's semantic rules. */
import type { Analyzer } from '../framework.js';
import type { Resource } from '../resource.js';
import { ISTIO_GROUPS, validateResource, type SchemaProblem } from '../schema.js';

const results = new WeakMap<object, [Resource, SchemaProblem[]][]>();

export const schemaValidation: Analyzer = {
  name: 'schema.ValidationAnalyzer',
  description: 'Validates Istio resources against their CRD schemas (unknown fields, types, enums) and Istio semantic rules (route weights, durations, hosts, regexes)',
  inputs: ['*'],
  codes: ['IST0106', 'IST0133'],
  async prepare(ctx) {
    const out: [Resource, SchemaProblem[]][] = [];
    for (const kind of ctx.kinds()) {
      for (const r of ctx.all(kind)) {
        if (ISTIO_GROUPS.has(r.group) && r.origin.source !== 'default') out.push([r, await validateResource(r)]);
      }
    }
    results.set(ctx, out);
  },
  run(ctx) {
    for (const [r, problems] of results.get(ctx) ?? []) {
      for (const p of problems) {
        if (p.level === 'Error') ctx.report('IST0106', r, `Schema validation error: ${p.message}`, p.path);
        else ctx.report('IST0133', r, `Schema validation warning: ${p.message}`, p.path);
      }
    }
    results.delete(ctx);
  },
};
