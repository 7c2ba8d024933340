/**
 * What `install --dry-run` would do to the cluster, without changing it: which objects are
 * new, which exist and would change (asked of the API server with a server-side dry-run
 * apply, so defaulting does not count as a change), which are already as rendered, and what
 * the prune step would remove. The words for it are in summary.ts.
 */
import type { Cluster } from '../kube/cluster.js';
import { mapLimit, type KubeObject } from '../kube/resources.js';
import { LABEL_COMPONENT, LABEL_REV } from './labels.js';
import { objectId, type InstallPlan } from './plan.js';

export interface ChangePreview {
  create: KubeObject[];
  change: KubeObject[];
  unchanged: number;
  /** "Deployment istio-system/istio-egressgateway" */
  remove: string[];
}

/** Live objects of this revision, keyed by objectId: one list per kind. */
export async function liveObjects(cluster: Cluster, plan: InstallPlan): Promise<Map<string, KubeObject>> {
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of plan.objects) kinds.set(`${o.apiVersion}|${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  const live = new Map<string, KubeObject>();
  await mapLimit([...kinds.values()], 4, async (k) => {
    const { items } = await cluster.res.list(k.apiVersion, k.kind, { labelSelector: `${LABEL_COMPONENT},${LABEL_REV}=${plan.revision}` });
    for (const o of items) live.set(objectId(o), o);
  });
  return live;
}

export async function previewChanges(cluster: Cluster, plan: InstallPlan, live: Map<string, KubeObject>, remove: string[]): Promise<ChangePreview> {
  const create: KubeObject[] = [];
  const present: { want: KubeObject; have: KubeObject }[] = [];
  for (const o of plan.objects) {
    const have = live.get(objectId(o));
    if (have) present.push({ want: o, have });
    else create.push(o);
  }
  const change: KubeObject[] = [];
  await mapLimit(present, 8, async ({ want, have }) => {
    const after = await cluster.res.apply(want, { dryRun: true });
    if (comparable(after) !== comparable(have)) change.push(want);
  });
  return { create, change, unchanged: present.length - change.length, remove };
}

/** The object without what every write touches (managedFields, resourceVersion, status). */
function comparable(o: KubeObject): string {
  const { managedFields: _m, resourceVersion: _r, generation: _g, ...metadata } = o.metadata;
  const { status: _s, ...rest } = o;
  return JSON.stringify(sortKeys({ ...rest, metadata }));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
