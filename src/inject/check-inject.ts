/**
 * `x check-inject`: for a pod's labels and its namespace's labels, which Istio injection
 * webhooks match and why, with istioctl's reasons. A MutatingWebhookConfiguration is
 * Istio's when one of its webhooks is named `*istio.io`; its first webhook whose namespace
 * and object selectors both match injects. Selectors are evaluated with Kubernetes'
 * label-selector rules (an invalid selector matches nothing).
 */
import { selectorError, selectorMatches, type LabelSelector, type Labels } from '../kube/label-selector.js';

export interface MutatingWebhook {
  name: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

export interface MutatingWebhookConfiguration {
  metadata: { name: string; labels?: Labels };
  webhooks?: MutatingWebhook[];
}

export interface WebhookVerdict {
  name: string;
  revision: string;
  injected: boolean;
  reason: string;
}

/** istioctl's util.NeverMatch: how a deactivated injector (tag default moved away) selects. */
const NEVER_MATCH_KEY = 'istio.io/deactivated';
const INJECTION_LABEL = 'istio-injection';

function isNeverMatch(sel: LabelSelector | undefined): boolean {
  const labels = sel?.matchLabels ?? {};
  return Object.keys(labels).length === 1 && labels[NEVER_MATCH_KEY] === 'never-match' && sel?.matchExpressions === undefined;
}

/** Whether the selector matches, and the `key=value` of an In/NotIn expression that decided it. */
function matchedSelector(sel: LabelSelector | undefined, labels: Labels): { matched: boolean; label: string } {
  if (sel === undefined || sel === null) return { matched: true, label: '' };
  if (selectorError(sel) !== undefined || !selectorMatches(sel, labels)) return { matched: false, label: '' };
  for (const e of sel.matchExpressions ?? []) {
    if ((e.operator === 'In' || e.operator === 'NotIn') && Object.prototype.hasOwnProperty.call(labels, e.key)) return { matched: true, label: `${e.key}=${labels[e.key]}` };
  }
  return { matched: true, label: '' };
}

function verdict(webhooks: MutatingWebhook[], podLabels: Labels, nsLabels: Labels): { injected: boolean; reason: string } {
  for (const wh of webhooks) {
    const ns = matchedSelector(wh.namespaceSelector, nsLabels);
    const pod = matchedSelector(wh.objectSelector, podLabels);
    if (ns.matched && pod.matched) {
      if (ns.label && pod.label) return { injected: true, reason: `Namespace label ${ns.label} matches, and pod label ${pod.label} matches` };
      if (ns.label) return { injected: true, reason: `Namespace label ${ns.label} matches` };
      if (pod.label) return { injected: true, reason: `Pod label ${pod.label} matches` };
      // Both match without a deciding label (e.g. a webhook selecting everything): istioctl looks further.
    } else if (ns.matched) {
      for (const e of wh.objectSelector?.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(podLabels, e.key);
        const v = podLabels[e.key];
        if ((e.operator === 'DoesNotExist' && has) || (e.operator === 'NotIn' && has && (e.values ?? []).includes(v!))) {
          return { injected: false, reason: `Pod has ${e.key}=${v} label, preventing injection` };
        }
      }
    } else if (pod.matched) {
      const v = nsLabels[INJECTION_LABEL];
      if (v !== undefined && v !== 'enabled') return { injected: false, reason: `Namespace has ${INJECTION_LABEL}=${v} label, preventing injection` };
    }
  }
  if (webhooks.some((wh) => isNeverMatch(wh.namespaceSelector) && isNeverMatch(wh.objectSelector))) {
    return { injected: false, reason: 'The injection webhook is deactivated, and will never match labels.' };
  }
  const inLabels = (sel: LabelSelector | undefined) => (sel?.matchExpressions ?? []).filter((e) => e.operator === 'In').flatMap((e) => (e.values ?? []).map((v) => `${e.key}=${v}`));
  const nsWanted = webhooks.flatMap((wh) => inLabels(wh.namespaceSelector));
  const podWanted = webhooks.flatMap((wh) => inLabels(wh.objectSelector));
  return { injected: false, reason: `No matching namespace labels (${nsWanted.join(', ')}) or pod labels (${podWanted.join(', ')})` };
}

/** One verdict per Istio injector configuration, sorted by name. */
export function checkInjection(configs: MutatingWebhookConfiguration[], podLabels: Labels, nsLabels: Labels): WebhookVerdict[] {
  return configs
    .filter((mwc) => (mwc.webhooks ?? []).some((wh) => wh.name.endsWith('istio.io')))
    .map((mwc) => ({ name: mwc.metadata.name, revision: mwc.metadata.labels?.['istio.io/rev'] ?? '', ...verdict(mwc.webhooks ?? [], podLabels, nsLabels) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** fatih/color's escapes, which istioctl always writes (its widths count them). */
const GREEN = (s: string) => `\u001b[32m${s}\u001b[0m`;
const RED = (s: string) => `\u001b[31m${s}\u001b[0m`;

/**
 * The table istioctl prints: columns padded to the widest cell + 2, where the widths count
 * the colour escapes of the INJECTED cells. Without colour the layout stays the same, so the
 * text equals istioctl's with the escapes removed.
 */
export function renderVerdicts(verdicts: WebhookVerdict[], color: boolean): string {
  if (verdicts.length === 0) return 'ERROR: no Istio injection hooks present.\n';
  type Cell = { value: string; painted: string };
  const cell = (value: string, paint?: (s: string) => string): Cell => ({ value, painted: paint ? paint(value) : value });
  const rows: Cell[][] = [
    ['WEBHOOK', 'REVISION', 'INJECTED', 'REASON'].map((h) => cell(h)),
    ...verdicts.map((v) => [cell(v.name), cell(v.revision), v.injected ? cell('✔', GREEN) : cell('✘', RED), cell(v.reason)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => Buffer.byteLength(r[i]!.painted))));
  let out = '';
  for (const row of rows) {
    row.forEach((c, i) => {
      out += color ? c.painted : c.value;
      out += i === row.length - 1 ? '\n' : ' '.repeat(widths[i]! - [...c.value].length + 2);
    });
  }
  // istioctl ends this warning without a newline.
  if (verdicts.filter((v) => v.injected).length > 1) out += 'ERROR: multiple webhooks will inject, which can lead to errors';
  return out;
}
