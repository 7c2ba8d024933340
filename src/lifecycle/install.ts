/**
 * `sailctl install` against a cluster: pre-install checks, a summary and confirmation,
 * then component by component in dependency order: apply (server-side, field manager
 * sailctl), wait until ready with progress, and only when everything is ready prune what
 * the previous install had and this one no longer renders; finally record the install.
 * Every step is idempotent, so an interrupted install is completed by running it again.
 */
import { SilentExit, UserError } from '../core/errors.js';
import type { JsonObject } from '../core/json.js';
import type { IstioOperator } from '../operator/types.js';
import type { Cluster } from '../kube/cluster.js';
import { describeObject, mapLimit, type KubeObject } from '../kube/resources.js';
import { ISTIO_VERSION } from '../version/build-info.js';
import type { Check } from '../core/check-report.js';
import { LABEL_COMPONENT, LABEL_NOT_PRUNED, LABEL_REV, withOwnership } from './labels.js';
import { objectId, type InstallPlan, type PlannedComponent, WAVES } from './plan.js';
import { accessRequestsFor, defaultTagExists, reachableCluster, findControlPlanes, needsDefaultTag, permissionCheck, sameRevisionCheck, servingInjectors, webhookConflictCheck } from './preflight.js';
import { formatElapsed, type Progress } from './progress.js';
import { PRUNABLE_KINDS, mayPrune, pruneFromCluster, pruneFromRecord } from './prune.js';
import { newRecord, readRecord, recordToConfigMap, recordedId, recordedObject, type InstallRecord, type RecordedObject } from './record.js';
import { waitForReady } from './wait.js';
import { liveObjects, previewChanges } from './preview.js';
import { formatInstallSummary, formatPreview } from './summary.js';

export interface InstallIO {
  /** Diagnostics and the summary (stderr). */
  note(text: string): void;
  progress: Progress;
  /** Asks a yes/no question; undefined when there is no terminal to ask on. */
  confirm?: (question: string) => Promise<boolean>;
}

export interface InstallRequest {
  iop: IstioOperator;
  plan: InstallPlan;
  /** Validation warnings from resolving the inputs. */
  warnings?: string[];
  /** What differs from the default profile, for the summary (operator/resolve.ts effectiveOverrides). */
  overrides?: JsonObject;
  skipConfirmation?: boolean;
  dryRun?: boolean;
  force?: boolean;
  readinessTimeoutMs: number;
  /** Apply concurrency within one tier of a component. */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface InstallOutcome {
  applied: number;
  changed: number;
  pruned: string[];
  unchanged: boolean;
  dryRun: boolean;
}

export async function installToCluster(cluster: Cluster, req: InstallRequest, io: InstallIO): Promise<InstallOutcome> {
  const { plan } = req;
  const res = cluster.res;

  // 1. Pre-install checks, all before anything changes.
  const pre = await reachableCluster(cluster);
  const makesDefaultTag = needsDefaultTag(req.iop, plan, await defaultTagExists(res));
  const [record, planes, access, webhooks] = await Promise.all([
    readRecord(res, plan.namespace, plan.revision),
    findControlPlanes(res),
    accessRequestsFor(plan.objects, res.discovery).then((requests) => permissionCheck(cluster, requests, 'install these objects')),
    webhookConflictCheck(res, servingInjectors(plan, req.iop, makesDefaultTag)),
  ]);
  const sameRev = sameRevisionCheck(planes, plan.revision, plan.namespace);
  // An old Kubernetes and a clashing injector may be overridden with --force; missing permissions cannot.
  const { failures, warnings } = gateChecks([...pre.checks, access, sameRev, webhooks], new Set([...pre.checks.slice(1), webhooks]), req.force ?? false);
  warnings.unshift(...(req.warnings ?? []));
  if (failures.length > 0) {
    const lines = failures.map((c) => `${c.description}: ${c.error}${c.details?.length ? `\n    ${c.details.join('\n    ')}` : ''}`);
    throw new UserError(`pre-install checks failed on ${cluster.describe()}:\n  ${lines.join('\n  ')}`, { hint: failures[0]!.hint });
  }

  // 2. Summary, then confirmation.
  io.note(formatInstallSummary({ plan, target: cluster.describe(), dryRun: req.dryRun, overrides: req.overrides, record }));
  for (const w of warnings) io.note(`❗ ${w}`);
  const existed = planes.some((p) => p.revision === plan.revision && p.namespace === plan.namespace);
  if (req.dryRun) {
    const live = record || existed ? await liveObjects(cluster, plan) : new Map<string, KubeObject>();
    const removable: string[] = [];
    for (const c of await pruneCandidates(cluster, plan, record, existed)) {
      const obj = await res.get(c.apiVersion, c.kind, c.name, c.namespace);
      if (obj && mayPrune(obj, plan.revision)) removable.push(describeObject(obj));
    }
    const preview = await previewChanges(cluster, plan, live, removable);
    io.note(formatPreview(preview));
    return { applied: 0, changed: preview.create.length + preview.change.length, pruned: [], unchanged: preview.create.length + preview.change.length + removable.length === 0, dryRun: true };
  }
  if (!req.skipConfirmation) {
    if (!io.confirm) {
      throw new UserError('refusing to install without confirmation: standard input is not a terminal', {
        hint: 'Pass -y/--skip-confirmation to install from a script or CI job (or --dry-run to only see the summary).',
      });
    }
    if (!(await io.confirm(`This will install Istio ${ISTIO_VERSION} (profile "${plan.profile}", revision "${plan.revision}") into ${cluster.describe()}. Proceed? (y/N) `))) {
      io.note('Cancelled.');
      throw new SilentExit(1);
    }
  }

  // 3. Apply and wait, wave by wave. What is there already (by resourceVersion) tells
  //    afterwards whether the apply changed anything; a fresh cluster has nothing.
  const before = new Map<string, string>();
  if (record || existed) for (const [id, o] of await liveObjects(cluster, plan)) if (o.metadata.resourceVersion) before.set(id, o.metadata.resourceVersion);
  const applied = new Map<string, KubeObject>();
  const interrupted = () => {
    if (req.signal?.aborted) {
      const waiting = applied.size === plan.objects.length ? ', before all were ready' : '';
      throw new UserError(`interrupted after applying ${applied.size} of ${plan.objects.length} objects${waiting}`, {
        hint: 'Every applied object is complete; run the same command again to finish the install.',
      });
    }
  };
  await mapLimit(plan.namespaces, 4, (ns) => res.apply(namespaceObject(ns, req.iop)));
  // Mark the install as under way (unless this exact install is already complete, so a no-op
  // re-run writes nothing). Keeping the previous objects in the list lets a re-run after an
  // interruption still prune what the previous install had.
  const objects: RecordedObject[] = plan.objects.map((o) => recordedObject(o));
  const recordFields = { revision: plan.revision, profile: plan.profile, namespace: plan.namespace, iop: req.iop };
  if (!record || record.status !== 'complete' || !sameIop(record.iop, req.iop)) {
    const ids = new Set(objects.map(recordedId));
    const carried = (record?.objects ?? []).filter((r) => !ids.has(recordedId(r)));
    await res.apply(recordToConfigMap(newRecord({ ...recordFields, status: 'installing', objects: [...objects, ...carried] })));
  }
  for (const wave of WAVES) {
    const components = plan.components.filter((c) => wave.includes(c.component));
    const results = await Promise.allSettled(components.map((c) => installComponent(cluster, c, req, io, applied)));
    interrupted();
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new UserError(errors.map((e) => e.message).join('\n'), { hint: (errors[0] as UserError).hint });
  }

  // 4. Prune: everything is applied and ready, so removing leftovers causes no downtime.
  const pruned = await prune(cluster, req, record, existed, io);

  // 5. The default revision tag, as istioctl makes it (istioctl.md §3 step 6d).
  if (makesDefaultTag) await createDefaultTag(cluster, req, io);

  // 6. Record the finished install, unless nothing changed.
  const changed = plan.objects.filter((o) => {
    const id = objectId(o);
    const rv = applied.get(id)?.metadata.resourceVersion;
    return rv === undefined || before.get(id) !== rv;
  }).length;
  const unchanged = record?.status === 'complete' && changed === 0 && pruned.length === 0 && sameIop(record.iop, req.iop);
  if (!unchanged) {
    await res.apply(recordToConfigMap(newRecord({ ...recordFields, objects })));
  }
  if (unchanged) io.progress.done('install', `No changes: all ${plan.objects.length} objects already match this install (revision "${plan.revision}")`);
  else io.progress.done('install', `Installation complete (${changed} of ${plan.objects.length} objects created or changed${pruned.length ? `, ${pruned.length} removed` : ''})`);
  return { applied: applied.size, changed, pruned, unchanged, dryRun: false };
}

async function installComponent(cluster: Cluster, c: PlannedComponent, req: InstallRequest, io: InstallIO, applied: Map<string, KubeObject>): Promise<void> {
  const started = Date.now();
  const res = cluster.res;
  const selector = `${LABEL_COMPONENT}=${c.component},${LABEL_REV}=${req.plan.revision}`;
  io.progress.begin(c.component, c.displayName);
  try {
    for (const tier of c.tiers) {
      if (req.signal?.aborted) return;
      const results = await mapLimit(tier, req.concurrency ?? 8, (o) => res.apply(o));
      tier.forEach((o, i) => applied.set(objectId(o), results[i]!));
      if (tier[0]!.kind === 'CustomResourceDefinition') {
        await waitForReady(res, tier, { labelSelector: selector, timeoutMs: req.readinessTimeoutMs, title: `${c.displayName} CRDs`, signal: req.signal, onPending: (p) => io.progress.waiting(c.component, p) });
        // The new kinds are served now.
        res.discovery.invalidate();
      }
    }
    const all = c.tiers.flat().filter((o) => o.kind !== 'CustomResourceDefinition');
    await waitForReady(res, all, { labelSelector: selector, timeoutMs: req.readinessTimeoutMs, title: c.displayName, signal: req.signal, onPending: (p) => io.progress.waiting(c.component, p) });
    if (req.signal?.aborted) return;
    io.progress.done(c.component, `${c.displayName} installed ${c.icon} (${formatElapsed(Date.now() - started)})`);
  } catch (err) {
    const what = req.signal?.aborted ? 'was interrupted' : 'encountered an error';
    io.progress.fail(c.component, `${c.displayName} ${what} (${formatElapsed(Date.now() - started)})`);
    throw err;
  }
}

type PruneCandidate = { apiVersion: string; kind: string; name: string; namespace?: string };

/**
 * What the last install had and this one lacks. The record says what that was; without one
 * (an interrupted first install, or an istioctl install) our labels do, but only when a
 * control plane of this revision already exists: a fresh cluster has nothing to prune.
 */
async function pruneCandidates(cluster: Cluster, plan: InstallPlan, record: InstallRecord | undefined, existed: boolean): Promise<PruneCandidate[]> {
  if (record) return pruneFromRecord(record.objects, plan.objects);
  if (!existed) return [];
  const live: KubeObject[] = [];
  await mapLimit(PRUNABLE_KINDS, 4, async (k) => {
    const { items } = await cluster.res.list(k.apiVersion, k.kind, { labelSelector: `${LABEL_COMPONENT},${LABEL_REV}=${plan.revision}` });
    live.push(...items);
  });
  return pruneFromCluster(live, plan.objects, plan.revision).map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }));
}

/**
 * Removes the prune candidates: each is read back first so only our own objects of this
 * revision go, and the whole list is shown before the first delete.
 */
async function prune(cluster: Cluster, req: InstallRequest, record: InstallRecord | undefined, existed: boolean, io: InstallIO): Promise<string[]> {
  const res = cluster.res;
  const { plan } = req;
  const doomed: PruneCandidate[] = [];
  for (const cand of await pruneCandidates(cluster, plan, record, existed)) {
    const live = await res.get(cand.apiVersion, cand.kind, cand.name, cand.namespace);
    if (!live) continue;
    if (mayPrune(live, plan.revision)) doomed.push(cand);
    else io.progress.line(`  Keeping ${describeObject(live)}: it is not labelled as part of revision "${plan.revision}" of this install`);
  }
  if (doomed.length === 0) return [];
  const names = doomed.map((c) => describeObject({ kind: c.kind, metadata: { name: c.name, namespace: c.namespace } }));
  io.progress.line(`- Removing ${doomed.length} object${doomed.length === 1 ? '' : 's'} this install no longer has (everything new is ready):\n${names.map((n) => `    ${n}`).join('\n')}`);
  for (const [i, cand] of doomed.entries()) {
    await res.delete(cand.apiVersion, cand.kind, cand.name, cand.namespace);
    io.progress.line(`  Removed ${names[i]}`);
  }
  return names;
}

/**
 * `istio-revision-tag-default`, `istiod-default-validator` and the tag Service for this revision,
 * with the install's owner labels (so uninstall takes them) and not-pruned (so prune leaves them).
 */
async function createDefaultTag(cluster: Cluster, req: InstallRequest, io: InstallIO): Promise<void> {
  const { planTag, applyTagPlan } = await import('../revisions/tags.js');
  const owner = withOwnership({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, { component: 'Pilot', revision: req.plan.revision, owner: req.iop.metadata.name || undefined, ownerNamespace: req.plan.namespace }).metadata.labels!;
  const { [LABEL_COMPONENT]: _component, ...customLabels } = owner;
  const values = req.iop.spec.values as { sidecarInjectorWebhook?: { enableNamespacesByDefault?: unknown } } | undefined;
  try {
    const plan = await planTag(cluster.res, {
      tag: 'default',
      revision: req.plan.revision,
      istioNamespace: req.plan.namespace,
      overwrite: true,
      autoInjectNamespaces: values?.sidecarInjectorWebhook?.enableNamespacesByDefault === true,
      customLabels: { ...customLabels, [LABEL_NOT_PRUNED]: 'true' },
      userManaged: false,
    });
    await applyTagPlan(cluster.res, plan);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    io.note(`❗ could not create the default revision tag: ${err.message}; namespaces labelled istio-injection=enabled are not injected until \`sailctl tag set default --revision ${req.plan.revision}\` succeeds`);
  }
}

function namespaceObject(name: string, iop: IstioOperator): KubeObject {
  const network = (iop.spec.values?.global as JsonObject | undefined)?.network;
  const labels: Record<string, string> = {};
  if (typeof network === 'string' && network !== '') labels['topology.istio.io/network'] = network;
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(Object.keys(labels).length ? { labels } : {}) } };
}

function sameIop(a: IstioOperator, b: IstioOperator): boolean {
  return JSON.stringify(a) === JSON.stringify(JSON.parse(JSON.stringify(b)));
}

/** Splits pre-install checks into blocking failures and warnings; --force turns the forceable failures into warnings. */
export function gateChecks(checks: readonly Check[], forceable: ReadonlySet<Check>, force: boolean): { failures: Check[]; warnings: string[] } {
  const failures: Check[] = [];
  const warnings: string[] = [];
  for (const c of checks) {
    if (c.result === 'warning') warnings.push(`${c.error}`);
    else if (c.result === 'error' && force && forceable.has(c)) warnings.push(`${c.error}${c.details?.length ? ` ${c.details.join('; ')}` : ''} (continuing because of --force)`);
    else if (c.result === 'error') failures.push(c);
  }
  return { failures, warnings };
}
