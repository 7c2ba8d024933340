/**
 * How an install is described to the user, in one place: the offline dry run (per rendered
 * component), the summary shown before the prompt, and what an online dry run would change.
 * Component titles come from plan.ts and kind counts read the same way in all of them.
 */
import { describeObject, type KubeObject } from '../kube/resources.js';
import type { JsonObject } from '../core/json.js';
import type { RenderedComponent } from '../render/types.js';
import { ISTIO_VERSION } from '../version/build-info.js';
import { COMPONENT_DISPLAY, imagesOf, type InstallPlan } from './plan.js';
import type { ChangePreview } from './preview.js';
import type { InstallRecord } from './record.js';

function countKinds(objects: readonly { kind: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return counts;
}

/** "15 CustomResourceDefinition, 3 ClusterRole, 1 Deployment": most first, then by name. */
export function formatKindCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
}

/** `install --dry-run` without a cluster: one block per rendered component, in apply order. */
export function formatRenderSummary(components: readonly RenderedComponent[]): string {
  let out = '';
  for (const c of components) {
    const images = [...new Set(c.objects.flatMap((o) => imagesOf(o as KubeObject)))].sort();
    out += `${COMPONENT_DISPLAY[c.component].name} (${c.component} ${c.name}, namespace ${c.namespace}): ${c.objects.length} objects\n`;
    out += `  ${formatKindCounts(countKinds(c.objects))}\n`;
    for (const image of images) out += `  image ${image}\n`;
  }
  const total = components.reduce((n, c) => n + c.objects.length, 0);
  return `${out}${total} objects in ${components.length} components\n`;
}

export interface InstallSummary {
  plan: InstallPlan;
  /** The cluster, as `Cluster.describe()` names it. */
  target: string;
  dryRun?: boolean;
  /** What differs from the default profile (operator/resolve.ts effectiveOverrides). */
  overrides?: JsonObject;
  /** The install this one replaces. */
  record?: InstallRecord;
}

/** Shown elsewhere in the summary (profile line, images line), so not repeated as overrides. */
const SHOWN_ELSEWHERE = new Set(['profile', 'hub', 'tag', 'values.global.hub', 'values.global.tag']);
const MAX_OVERRIDES = 12;

/** The summary before the prompt (and before an online dry run's changes). */
export function formatInstallSummary(s: InstallSummary): string {
  const { plan } = s;
  const overrides = flatten(s.overrides ?? {}).filter(([k]) => !SHOWN_ELSEWHERE.has(k));
  const indent = '\n               ';
  const lines = [
    `${s.dryRun ? 'Would install' : 'Installing'} Istio ${ISTIO_VERSION} into ${s.target}`,
    `  profile:     ${plan.profile}`,
    `  revision:    ${plan.revision}`,
    `  namespace:   ${plan.namespace}`,
    `  components:  ${plan.components.map((c) => c.displayName).join(', ')}`,
    `  images:      ${plan.images.join(', ') || 'none'}`,
    `  overrides:   ${overrides.length === 0 ? 'none' : overrides.slice(0, MAX_OVERRIDES).map(([k, v]) => `${k}=${v}`).join(indent)}${overrides.length > MAX_OVERRIDES ? `${indent}… and ${overrides.length - MAX_OVERRIDES} more` : ''}`,
    `  objects:     ${plan.objects.length} (${formatKindCounts(plan.countsByKind)})`,
  ];
  const r = s.record;
  if (r) lines.push(`  replaces:    the install of ${r.installedAt} (Istio ${r.istioVersion}, profile ${r.profile}, ${r.objects.length} objects)`);
  return lines.join('\n');
}

/** "values.pilot.replicaCount" → "3", one line per leaf; lists count as one value. */
function flatten(obj: JsonObject, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...flatten(v as JsonObject, key));
    else out.push([key, JSON.stringify(v)]);
  }
  return out;
}

const MAX_LISTED = 50;

/** What an online dry run found: counts, then the objects to create, change and remove. */
export function formatPreview(p: ChangePreview): string {
  const lines = [`Dry run: ${p.create.length} to create, ${p.change.length} to change, ${p.unchanged} unchanged, ${p.remove.length} to remove. Nothing was changed.`];
  const list = (verb: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push(`  ${verb}:`);
    for (const i of items.slice(0, MAX_LISTED)) lines.push(`    ${i}`);
    if (items.length > MAX_LISTED) lines.push(`    … and ${items.length - MAX_LISTED} more`);
  };
  list('create', p.create.map(describeObject));
  list('change', p.change.map(describeObject));
  list('remove (after the new objects are ready)', p.remove);
  return lines.join('\n');
}
