/**
 * `uninstall`: removes one revision (selected by --revision, or by -f/--set), or everything
 * with --purge, in reverse dependency order (webhooks before the istiod that serves them,
 * CRDs last), waits until the objects are gone, and refuses to delete anything that does
 * not carry our ownership labels. Base (CRDs, shared RBAC) goes only with --purge.
 */
import { SilentExit, UserError } from '../core/errors.js';
import type { Cluster } from '../kube/cluster.js';
import { describeObject, mapLimit, type KubeObject } from '../kube/resources.js';
import { sleep } from '../kube/rest.js';
import { LABEL_COMPONENT, LABEL_REV, isOwned } from './labels.js';
import { REMOVAL_ORDER, objectId, type InstallPlan } from './plan.js';
import { reachableCluster } from './preflight.js';
import { PRUNABLE_KINDS } from './prune.js';
import { listRecords, readRecord, recordName, type RecordedObject } from './record.js';
import type { InstallIO } from './install.js';

export interface UninstallRequest {
  istioNamespace: string;
  /** The revision to remove ('default' for the default one). */
  revision?: string;
  /** Objects rendered from -f/--set select what to remove. */
  plan?: InstallPlan;
  purge?: boolean;
  dryRun?: boolean;
  skipConfirmation?: boolean;
  /** How long to wait for deleted objects to disappear. */
  waitTimeoutMs?: number;
  /** Aborted (SIGINT/SIGTERM): stop before the next batch of deletions. */
  signal?: AbortSignal;
}

export interface UninstallOutcome {
  removed: string[];
  refused: string[];
}

interface Target {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  component: string;
}

const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };
const NON_BASE = ['Pilot', 'IngressGateways', 'EgressGateways', 'Cni', 'Ztunnel'];

export async function uninstall(cluster: Cluster, req: UninstallRequest, io: InstallIO & { out(text: string): void }): Promise<UninstallOutcome> {
  const res = cluster.res;
  await reachableCluster(cluster);
  let targets: Target[];
  let records: { namespace: string; name: string }[] = [];
  if (req.purge) {
    targets = await listLabelled(cluster, LABEL_COMPONENT, true);
    records = (await listRecords(res)).map((r) => ({ namespace: r.namespace, name: recordName(r.revision) }));
  } else {
    const revision = req.plan?.revision ?? req.revision ?? 'default';
    const record = await readRecord(res, req.plan?.namespace ?? req.istioNamespace, revision);
    if (req.plan) targets = req.plan.objects.map(targetOf);
    else if (record) targets = record.objects.map(targetFromRecord);
    else targets = await listLabelled(cluster, `${LABEL_REV}=${revision},${LABEL_COMPONENT} in (${NON_BASE.join(',')})`, false);
    targets = targets.filter((t) => NON_BASE.includes(t.component));
    // The revision's install-made tags (the default tag) go with it, as istioctl's label selection takes them.
    const ids = new Set(targets.map(idOf));
    for (const t of await installMadeTags(cluster, req.plan?.namespace ?? req.istioNamespace, revision)) if (!ids.has(idOf(t))) targets.push(t);
    for (const t of await userTags(cluster, revision)) io.note(`❗ Revision tag "${t}" points at revision "${revision}"; once it is gone, pods in namespaces using the tag are no longer injected (sailctl tag set ${t} --revision <other> --overwrite moves it)`);
    if (record) records = [{ namespace: record.namespace, name: recordName(revision) }];
    if (targets.length === 0 && !record) {
      const known = [...new Set((await listRecords(res)).map((r) => r.revision))];
      throw new UserError(`could not find target revision "${revision}": nothing labelled istio.io/rev=${revision} is installed`, {
        hint: known.length ? `Installed revisions: ${known.join(', ')}.` : 'No sailctl install record was found either; use --purge to remove everything labelled as Istio.',
      });
    }
  }

  // Ownership: read every target back; only objects with our labels (and revision) go.
  const revision = req.purge ? undefined : req.plan?.revision ?? req.revision ?? 'default';
  const live = await readLive(cluster, targets);
  const refused: string[] = [];
  const doomed: { target: Target; obj: KubeObject }[] = [];
  for (const t of targets) {
    const obj = live.get(idOf(t));
    if (!obj) continue;
    if (!isOwned(obj, revision)) {
      refused.push(`${describeObject(obj)}: not labelled as part of ${revision ? `revision "${revision}" of ` : ''}an Istio install`);
      continue;
    }
    doomed.push({ target: t, obj });
  }
  doomed.sort((a, b) => removalRank(a.target) - removalRank(b.target));

  if (req.purge) io.note('❗ --purge removes every Istio resource, including the Istio CRDs: all Istio custom resources in the cluster (VirtualServices, DestinationRules, Gateways, AuthorizationPolicies, …) are deleted with them.');
  for (const r of refused) io.note(`❗ Not removing ${r}`);
  if (doomed.length === 0 && records.length === 0) {
    io.note('No resources will be removed: nothing installed matches. Check --revision, -f and --set.');
    return { removed: [], refused };
  }
  const gatewaysGone = doomed.filter((d) => d.obj.kind === 'Deployment' && /gateway/.test(d.obj.metadata.name)).map((d) => describeObject(d.obj));
  if (gatewaysGone.length) io.note(`❗ These gateways will be removed, and traffic through them stops: ${gatewaysGone.join(', ')}`);
  io.note(`${req.dryRun ? 'Would remove' : 'Removing'} ${doomed.length} object${doomed.length === 1 ? '' : 's'} from ${cluster.describe()}:`);
  for (const d of doomed) io.note(`  ${describeObject(d.obj)}`);
  if (req.dryRun) {
    io.note('Dry run: nothing was removed.');
    return { removed: [], refused };
  }
  if (!req.skipConfirmation) {
    if (!io.confirm) {
      throw new UserError('refusing to uninstall without confirmation: standard input is not a terminal', { hint: 'Pass -y/--skip-confirmation to uninstall from a script (or --dry-run to only list what would go).' });
    }
    if (!(await io.confirm('Proceed? (y/N) '))) {
      io.note('Cancelled.');
      throw new SilentExit(1);
    }
  }

  // Reverse dependency order, one rank at a time, waiting until each rank is gone.
  const removed: string[] = [];
  const interrupted = () => {
    if (req.signal?.aborted) {
      throw new UserError(`interrupted after removing ${removed.length} of ${doomed.length} objects`, {
        hint: 'Removed objects are gone for good; run the same command again to remove what is left.',
      });
    }
  };
  const ranks = [...new Set(doomed.map((d) => removalRank(d.target)))];
  for (const rank of ranks) {
    interrupted();
    const batch = doomed.filter((d) => removalRank(d.target) === rank);
    await mapLimit(batch, 8, async (d) => {
      await res.delete(d.target.apiVersion, d.target.kind, d.target.name, d.target.namespace);
      io.out(`  Removed ${describeObject(d.obj)}\n`);
      removed.push(describeObject(d.obj));
    });
    await waitGone(cluster, batch.map((d) => d.target), req.waitTimeoutMs ?? 120_000, req.signal);
    if (batch.some((d) => d.target.kind === 'CustomResourceDefinition')) res.discovery.invalidate();
  }
  interrupted();
  for (const r of records) await res.delete('v1', 'ConfigMap', r.name, r.namespace);
  io.progress.done('uninstall', `Uninstall complete (${removed.length} object${removed.length === 1 ? '' : 's'} removed)`);
  return { removed, refused };
}

const TAG_KINDS = [
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', namespaced: false },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', namespaced: false },
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
];

/** Tags an install made for this revision: labelled istio.io/tag and with the install's component label. */
async function installMadeTags(cluster: Cluster, istioNamespace: string, revision: string): Promise<Target[]> {
  const out: Target[] = [];
  for (const k of TAG_KINDS) {
    const { items } = await cluster.res.list(k.apiVersion, k.kind, { labelSelector: `istio.io/tag,${LABEL_REV}=${revision},${LABEL_COMPONENT}`, namespace: k.namespaced ? istioNamespace : undefined });
    out.push(...items.map(targetOf));
  }
  return out;
}

/** Tags a user pointed at this revision (no install labels): they stay, and dangle. */
async function userTags(cluster: Cluster, revision: string): Promise<string[]> {
  const { items } = await cluster.res.list(TAG_KINDS[0]!.apiVersion, TAG_KINDS[0]!.kind, { labelSelector: `istio.io/tag,${LABEL_REV}=${revision},!${LABEL_COMPONENT}` });
  return items.map((o) => o.metadata.labels!['istio.io/tag']!);
}

function targetOf(o: KubeObject): Target {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, component: o.metadata.labels?.[LABEL_COMPONENT] ?? '' };
}

function targetFromRecord(r: RecordedObject): Target {
  return { apiVersion: r.apiVersion, kind: r.kind, name: r.name, namespace: r.namespace, component: r.component };
}

function idOf(t: Target): string {
  return objectId({ apiVersion: t.apiVersion, kind: t.kind, metadata: { name: t.name, namespace: t.namespace } });
}

/** Webhooks first (nothing may call a removed istiod), then workloads, config, and CRDs last; components in reverse install order. */
function removalRank(t: Target): number {
  const kindRank = t.kind === 'MutatingWebhookConfiguration' || t.kind === 'ValidatingWebhookConfiguration' ? 0
    : ['Deployment', 'DaemonSet', 'HorizontalPodAutoscaler', 'PodDisruptionBudget'].includes(t.kind) ? 1
      : t.kind === 'CustomResourceDefinition' ? 3 : 2;
  const componentRank = REMOVAL_ORDER.indexOf(t.component as (typeof REMOVAL_ORDER)[number]);
  return kindRank * 10 + (componentRank < 0 ? 9 : componentRank);
}

async function listLabelled(cluster: Cluster, labelSelector: string, withCrds: boolean): Promise<Target[]> {
  const kinds = withCrds ? [...PRUNABLE_KINDS, { ...CRD, namespaced: false }] : [...PRUNABLE_KINDS];
  const out: Target[] = [];
  await mapLimit(kinds, 6, async (k) => {
    const { items } = await cluster.res.list(k.apiVersion, k.kind, { labelSelector });
    out.push(...items.map(targetOf));
  });
  return out;
}

/** Current state of the targets, one list per kind. */
async function readLive(cluster: Cluster, targets: Target[]): Promise<Map<string, KubeObject>> {
  const kinds = new Map<string, { apiVersion: string; kind: string; namespace?: string }>();
  for (const t of targets) kinds.set(`${t.apiVersion}|${t.kind}|${t.namespace ?? ''}`, { apiVersion: t.apiVersion, kind: t.kind, namespace: t.namespace });
  const live = new Map<string, KubeObject>();
  await mapLimit([...kinds.values()], 6, async (k) => {
    // Without a selector: an object that lost its labels must still be found (and refused).
    const { items } = await cluster.res.list(k.apiVersion, k.kind, { namespace: k.namespace });
    for (const o of items) live.set(objectId(o), o);
  });
  return live;
}

async function waitGone(cluster: Cluster, targets: Target[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let remaining = targets;
  for (let delay = 50; remaining.length > 0 && !signal?.aborted; delay = Math.min(delay * 2, 1000)) {
    const live = await readLive(cluster, remaining);
    remaining = remaining.filter((t) => live.has(idOf(t)));
    if (remaining.length === 0) return;
    if (Date.now() > deadline) {
      throw new UserError(`${remaining.length} deleted object${remaining.length === 1 ? ' is' : 's are'} still there after ${Math.round(timeoutMs / 1000)}s: ${remaining.map((t) => `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`).join(', ')}`, {
        hint: 'They are probably held by finalizers; kubectl get -o yaml shows which. Run uninstall again once they are gone.',
      });
    }
    await sleep(delay);
  }
}
