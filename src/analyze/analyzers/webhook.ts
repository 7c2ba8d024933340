/** Istio injector webhooks: configurations whose webhooks overlap, services that do not exist (IST0139). */
import type { Analyzer } from '../framework.js';
import { asArray, isAnyObject, type AnyObject, type Resource } from '../resource.js';
import { selectorMatches } from '../workloads.js';
import { goList } from './util.js';

interface Hook {
  config: Resource;
  name: string;
  namespaceSelector: unknown;
  objectSelector: unknown;
}

/** Revisions a configuration names: its istio.io/rev label, and istio.io/rev in its webhooks' selectors. */
function revisionsOf(config: Resource): string[] {
  const revs = new Set<string>();
  if (config.labels['istio.io/rev'] !== undefined) revs.add(config.labels['istio.io/rev']);
  for (const hook of asArray<AnyObject>(config.body.webhooks)) {
    for (const sel of [hook?.namespaceSelector, hook?.objectSelector]) {
      if (!isAnyObject(sel)) continue;
      const label = sel.matchLabels?.['istio.io/rev'];
      if (label !== undefined && label !== null) revs.add(String(label));
      for (const e of asArray<AnyObject>(sel.matchExpressions)) if (e?.key === 'istio.io/rev') for (const v of asArray<unknown>(e.values)) revs.add(String(v));
    }
  }
  return [...revs];
}

/** Label sets to probe: the base ones, and each with every revision added. */
function withRevisions(base: Record<string, string>[], revisions: string[]): Record<string, string>[] {
  return [...base, ...revisions.flatMap((r) => base.map((b) => ({ ...b, 'istio.io/rev': r })))];
}

export const webhookAnalyzer: Analyzer = {
  name: 'webhook.Analyzer',
  description: 'Checks the validity of Istio webhooks',
  inputs: ['MutatingWebhookConfiguration'],
  codes: ['IST0139'],
  run(ctx) {
    const configs = ctx.all('MutatingWebhookConfiguration').filter((c) => revisionsOf(c).length > 0 || asArray<AnyObject>(c.body.webhooks).some((h) => String(h?.name ?? '').endsWith('istio.io')));
    const revisions = [...new Set(configs.flatMap(revisionsOf))];
    const hooks: Hook[] = configs.flatMap((config) => asArray<AnyObject>(config.body.webhooks).filter(isAnyObject).map((h) => ({ config, name: String(h.name ?? ''), namespaceSelector: h.namespaceSelector, objectSelector: h.objectSelector })));
    const namespaceSets = withRevisions([{}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }], revisions);
    const objectSets = withRevisions([{}, { 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }], revisions);
    for (const nsLabels of namespaceSets) {
      for (const objLabels of objectSets) {
        const matched = hooks.filter((h) => selectorMatches(h.namespaceSelector, nsLabels) && selectorMatches(h.objectSelector, objLabels));
        if (matched.length < 2) continue;
        for (const h of matched) {
          const others = matched.filter((o) => o !== h).map((o) => `${o.config.name}/${o.name}`);
          ctx.report('IST0139', h.config, `Webhook overlaps with others: ${goList(others)}. This may cause injection to occur twice.`);
        }
      }
    }
    for (const config of configs) {
      for (const h of asArray<AnyObject>(config.body.webhooks)) {
        const svc = h?.clientConfig?.service;
        if (!isAnyObject(svc)) continue;
        const ns = String(svc.namespace ?? '');
        const name = String(svc.name ?? '');
        if (!ctx.get('Service', ns, name)) ctx.report('IST0139', config, `Injector refers to a control plane service that does not exist: ${ns}/${name}.`);
      }
    }
  },
};
