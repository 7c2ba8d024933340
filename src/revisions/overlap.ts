/**
 * Istio's webhook analyzer overlap rule (analyzer-rules.md IST0139): try every namespace and
 * pod label set that could matter (no labels, istio-injection enabled/disabled, inject
 * true/false, each with and without istio.io/rev=<every revision seen>) against every Istio
 * injector webhook; a label set two webhooks both select would be injected twice.
 */
import { selectorMatches, type LabelSelector, type Labels } from '../kube/label-selector.js';
import type { KubeObject } from '../kube/resources.js';

interface Webhook {
  name: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

/** A missing selector selects everything; an invalid one nothing (Kubernetes' rules). */
const selects = (selector: LabelSelector | undefined, labels: Labels) => !selector || selectorMatches(selector, labels);

const REV = 'istio.io/rev';

function revisionsOf(config: KubeObject): string[] {
  const out: string[] = [];
  const own = config.metadata.labels?.[REV];
  if (own) out.push(own);
  for (const w of (config.webhooks ?? []) as Webhook[]) {
    for (const sel of [w.namespaceSelector, w.objectSelector]) {
      const v = sel?.matchLabels?.[REV];
      if (v) out.push(v);
      for (const e of sel?.matchExpressions ?? []) if (e.key === REV) out.push(...(e.values ?? []));
    }
  }
  return out;
}

/**
 * IST0139 findings per configuration name: `Webhook overlaps with others: [a/x b/y]. This may
 * cause injection to occur twice.` (Go's %v of a string list), de-duplicated.
 */
export function webhookOverlaps(configs: readonly KubeObject[]): Map<string, string[]> {
  const counted = configs.filter((c) => revisionsOf(c).length > 0 || ((c.webhooks ?? []) as Webhook[]).some((w) => w.name.endsWith('istio.io')));
  const revisions = [...new Set(counted.flatMap(revisionsOf))].sort();
  const withRevs = (bases: Labels[]) => bases.flatMap((b) => [b, ...revisions.map((r) => ({ ...b, [REV]: r }))]);
  const nsSets = withRevs([{}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }]);
  const podSets = withRevs([{}, { 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }]);
  const found = new Map<string, Set<string>>();
  for (const ns of nsSets) {
    for (const pod of podSets) {
      const matches: { config: string; id: string }[] = [];
      for (const c of counted) {
        for (const w of (c.webhooks ?? []) as Webhook[]) {
          if (selects(w.namespaceSelector, ns) && selects(w.objectSelector, pod)) matches.push({ config: c.metadata.name, id: `${c.metadata.name}/${w.name}` });
        }
      }
      const ids = [...new Set(matches.map((m) => m.id))];
      if (ids.length < 2) continue;
      for (const m of matches) {
        const others = ids.filter((id) => id !== m.id).sort();
        const text = `Webhook overlaps with others: [${others.join(' ')}]. This may cause injection to occur twice.`;
        const set = found.get(m.config) ?? new Set<string>();
        set.add(text);
        found.set(m.config, set);
      }
    }
  }
  return new Map([...found].map(([k, v]) => [k, [...v]]));
}
