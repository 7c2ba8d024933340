/**
 * Istio's webhook analyzer overlap rule (analyzer-rules.md IST0139): try every namespace and
 * pod label set that could matter (no labels, istio-injection enabled/disabled, inject
 * true/false, each with and without istio.io/rev=<every revision seen>) against every Istio
 * injector webhook; a label set two webhooks both select would be injected twice.
 */
import type { KubeObject } from '../kube/resources.js';

type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Webhook {
  name: string;
  namespaceSelector?: Selector;
  objectSelector?: Selector;
}

/** Kubernetes label-selector semantics; a missing selector selects everything. */
export function selectorMatches(selector: Selector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false; // an invalid selector selects nothing
    }
  }
  return true;
}

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
          if (selectorMatches(w.namespaceSelector, ns) && selectorMatches(w.objectSelector, pod)) matches.push({ config: c.metadata.name, id: `${c.metadata.name}/${w.name}` });
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
