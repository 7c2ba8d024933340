/** istiod without BLOCKED_CIDRS_IN_JWKS_URIS while RequestAuthentications exist (IST0175). */
import type { Analyzer } from '../framework.js';
import { asArray, type AnyObject } from '../resource.js';
import { containersOf, podTemplate } from '../workloads.js';
import { nsName } from './util.js';

export const blockedCidrs: Analyzer = {
  name: 'authn.BlockedCIDRsAnalyzer',
  description: 'Checks that BLOCKED_CIDRS_IN_JWKS_URIS is configured on istiod when RequestAuthentication resources exist',
  inputs: ['RequestAuthentication'],
  codes: ['IST0175'],
  run(ctx) {
    const ras = ctx.all('RequestAuthentication');
    if (ras.length === 0) return;
    const names = ras.slice(0, 5).map(nsName).join(', ') + (ras.length > 5 ? `, and ${ras.length - 5} more` : '');
    for (const d of ctx.all('Deployment')) {
      if (d.group !== 'apps' || d.labels.app !== 'istiod') continue;
      const containers = containersOf(podTemplate(d)?.spec ?? {});
      const set = containers.some((c) => asArray<AnyObject>(c.env).some((e) => e?.name === 'BLOCKED_CIDRS_IN_JWKS_URIS' && typeof e.value === 'string' && e.value !== ''));
      if (set) continue;
      ctx.report('IST0175', d, `BLOCKED_CIDRS_IN_JWKS_URIS is not configured but ${ras.length} RequestAuthentication resource(s) exist (${names}). Consider configuring it to restrict JWKS URI fetches to trusted networks.`);
    }
  },
};
