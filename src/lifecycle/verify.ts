/**
 * `verify-install`: compares what was installed (the install record, or the objects that
 * -f/--set/-r render) with the cluster, in Linkerd-check style categories: cluster, CRDs,
 * control plane, webhooks, gateways, data plane. It reads the cluster with one list per
 * kind rather than one request per object.
 */
import type { Cluster } from '../kube/cluster.js';
import { describeObject, mapLimit, type KubeObject } from '../kube/resources.js';
import { imageTag } from '../version/mesh-version.js';
import { buildReport, fail, ok, warn, type Check, type CheckCategory, type CheckReport } from '../core/check-report.js';
import { LABEL_COMPONENT, LABEL_REV } from './labels.js';
import { objectId, type InstallPlan } from './plan.js';
import { findControlPlanes, reachableCluster, type ControlPlane } from './preflight.js';
import { planFromIop } from './prepare.js';
import { explainNotReady, readinessOf, selects, type EventLike, type PodLike } from './readiness.js';
import { listRecords, readRecord, type InstallRecord } from './record.js';

export interface VerifyInput {
  istioNamespace: string;
  /** Only this revision ('default' for the default one). */
  revision?: string;
  /** Expected objects rendered from -f/--set, instead of the install record. */
  plan?: InstallPlan;
}

export interface VerifyResult {
  report: CheckReport;
  /** Set when there is nothing to verify: the one line to print. */
  nothingInstalled?: string;
}

export async function verifyInstall(cluster: Cluster, input: VerifyInput): Promise<VerifyResult> {
  const res = cluster.res;
  const pre = await reachableCluster(cluster);
  const clusterCat: CheckCategory = { categoryName: 'cluster', checks: pre.checks };

  // What should be there.
  const plans: InstallPlan[] = [];
  const notes: Check[] = [];
  if (input.plan) {
    plans.push(input.plan);
  } else {
    const recs = input.revision
      ? [await readRecord(res, input.istioNamespace, input.revision)].filter((r): r is InstallRecord => r !== undefined)
      : (await listRecords(res)).filter((r) => r.namespace === input.istioNamespace);
    for (const r of recs) {
      plans.push(planFromIop(r.iop));
      if (r.status === 'installing') {
        notes.push(warn(`the last install${r.revision === 'default' ? '' : ` of revision ${r.revision}`} completed`, `the install started ${r.installedAt} did not finish (interrupted, or its resources never became ready)`, 'Run the same sailctl install again to complete it; the checks below show what is missing.'));
      }
    }
  }
  if (plans.length === 0) {
    const planes = (await findControlPlanes(res)).filter((p) => p.namespace === input.istioNamespace && (!input.revision || p.revision === input.revision));
    const nothing = `no Istio control plane found in ${input.istioNamespace}${input.revision ? ` for revision "${input.revision}"` : ''}`;
    if (planes.length === 0) {
      return {
        report: buildReport([clusterCat, { categoryName: 'control plane', checks: [fail('an Istio control plane is installed', nothing, 'Install one with sailctl install, or point -i/--istioNamespace at the namespace that has it.')] }]),
        nothingInstalled: nothing,
      };
    }
    notes.push(warn('the install is recorded', `istiod runs in ${input.istioNamespace} (revision ${planes.map((p) => p.revision).join(', ')}) but sailctl has no install record there`, 'Verify against what you installed with -f/--set, or run sailctl install once to record it.'));
  }

  // What is there: one list per kind of expected object (by our labels), plus pods and warnings.
  const expected = plans.flatMap((p) => p.objects);
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of expected) kinds.set(`${o.apiVersion}|${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  const live = new Map<string, KubeObject>();
  await mapLimit([...kinds.values()], 6, async (k) => {
    const { items } = await res.list(k.apiVersion, k.kind, { labelSelector: LABEL_COMPONENT });
    for (const o of items) live.set(objectId(o), o);
  });
  const [podList, eventList] = await Promise.all([res.list('v1', 'Pod'), res.list('v1', 'Event', { namespace: input.istioNamespace, fieldSelector: 'type=Warning' })]);
  const pods = podList.items as PodLike[];
  const events = eventList.items as EventLike[];

  const crds: Check[] = [];
  const control: Check[] = [...notes];
  const hooks: Check[] = [];
  const gateways: Check[] = [];
  for (const plan of plans) {
    const rev = plan.revision === 'default' ? '' : ` (revision ${plan.revision})`;
    const ofComponent = (names: string[]) => plan.objects.filter((o) => names.includes(o.metadata.labels?.[LABEL_COMPONENT] ?? ''));
    crds.push(...crdChecks(plan.objects.filter((o) => o.kind === 'CustomResourceDefinition'), live));
    control.push(existenceCheck(`control plane objects exist${rev}`, ofComponent(['Base', 'Pilot', 'Cni', 'Ztunnel']).filter((o) => o.kind !== 'CustomResourceDefinition' && !isWebhook(o)), live));
    control.push(...workloadChecks(ofComponent(['Pilot', 'Cni', 'Ztunnel']), live, pods, events));
    hooks.push(...webhookChecks(plan.objects.filter(isWebhook), live, pods));
    const gw = ofComponent(['IngressGateways', 'EgressGateways']);
    if (gw.length > 0) {
      gateways.push(existenceCheck(`gateway objects exist${rev}`, gw, live));
      gateways.push(...workloadChecks(gw, live, pods, events));
    }
  }
  const planes = (await findControlPlanes(res)).filter((p) => p.namespace === input.istioNamespace);
  const tags = await tagChecks(cluster, input.istioNamespace, planes, live, pods);
  const dataPlane = dataPlaneChecks(pods, live, plans, planes);
  return {
    report: buildReport([
      clusterCat,
      { categoryName: 'CRDs', checks: crds },
      { categoryName: 'control plane', checks: control },
      { categoryName: 'webhooks', checks: hooks },
      { categoryName: 'revision tags', checks: tags },
      { categoryName: 'gateways', checks: gateways },
      { categoryName: 'data plane', checks: dataPlane },
    ]),
  };
}

/**
 * Every revision tag points at a revision that runs here, and its webhook at a live istiod: a tag
 * left on a removed revision fails every pod create in the namespaces that use it.
 */
async function tagChecks(cluster: Cluster, istioNamespace: string, planes: ControlPlane[], live: Map<string, KubeObject>, pods: PodLike[]): Promise<Check[]> {
  const { listTags, tagWebhooks } = await import('../revisions/tags.js');
  const tags = ((await listTags(cluster.res, istioNamespace)) ?? []).filter((t) => t.tag !== '');
  const checks: Check[] = [];
  for (const t of tags) {
    const used = t.namespaces.length > 0 ? `used by ${t.namespaces.join(', ')}` : 'used by no namespace';
    const plane = planes.find((p) => p.revision === t.revision);
    if (!plane) {
      checks.push(fail(`revision tag "${t.tag}" points at an installed revision`, `revision "${t.revision}" is not installed in ${istioNamespace} (${used})`, `Point it at a running revision (sailctl tag set ${t.tag} --revision <revision> --overwrite) or remove it (sailctl tag remove ${t.tag}).`));
      continue;
    }
    checks.push(ok(`revision tag "${t.tag}" → revision ${t.revision} (Istio ${plane.version}), ${used}`));
    const hooks = await tagWebhooks(cluster.res, t.tag);
    for (const h of hooks) live.set(objectId(h), h);
    checks.push(...webhookChecks(hooks, live, pods));
  }
  return checks;
}

function isWebhook(o: KubeObject): boolean {
  return o.kind === 'MutatingWebhookConfiguration' || o.kind === 'ValidatingWebhookConfiguration';
}

function crdChecks(expected: KubeObject[], live: Map<string, KubeObject>): Check[] {
  if (expected.length === 0) return [];
  const missing = expected.filter((o) => !live.has(objectId(o)));
  const notEstablished = expected.filter((o) => live.has(objectId(o)) && !readinessOf(live.get(objectId(o)), o.kind)?.ready);
  const checks: Check[] = [];
  checks.push(missing.length === 0 ? ok(`all ${expected.length} Istio CRDs exist`) : fail(`all ${expected.length} Istio CRDs exist`, `${missing.length} missing:`, 'Run sailctl install again to restore them.', missing.map((o) => o.metadata.name)));
  if (missing.length < expected.length) {
    checks.push(notEstablished.length === 0 ? ok('the CRDs are established') : fail('the CRDs are established', `${notEstablished.length} not established:`, 'kubectl describe crd <name> shows why the API server rejects them.', notEstablished.map((o) => o.metadata.name)));
  }
  return checks;
}

function existenceCheck(description: string, expected: KubeObject[], live: Map<string, KubeObject>): Check {
  const missing = expected.filter((o) => !live.has(objectId(o)));
  if (missing.length === 0) return ok(`${description} (${expected.length})`);
  return fail(`${description} (${expected.length})`, `${missing.length} missing:`, 'Run sailctl install again (the same flags) to restore them.', missing.map(describeObject));
}

function workloadChecks(objects: KubeObject[], live: Map<string, KubeObject>, pods: PodLike[], events: EventLike[]): Check[] {
  const checks: Check[] = [];
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'DaemonSet') continue;
    const current = live.get(objectId(o));
    if (!current) continue; // reported by the existence check
    let readiness = readinessOf(current, o.kind)!;
    // Available at the rendered replica count: a Deployment scaled down to 0 is not "ready".
    const rendered = o.kind === 'Deployment' ? Math.max(1, Number(o.spec?.replicas ?? 1)) : 0;
    const liveReplicas = Number(current.spec?.replicas ?? 1);
    if (o.kind === 'Deployment' && liveReplicas < rendered) {
      readiness = { ready: false, detail: `scaled to ${liveReplicas} replica${liveReplicas === 1 ? '' : 's'}; the install renders ${rendered}` };
    }
    const available = o.kind === 'Deployment' ? 'available' : 'ready on every node';
    const description = `${describeObject(o)} is ${available} (${readiness.detail})`;
    if (readiness.ready) checks.push(ok(description));
    else checks.push(fail(`${describeObject(o)} is ${available}`, explainNotReady(current, o, readiness, pods, events).replace(`${describeObject(o)}: `, ''), `kubectl -n ${o.metadata.namespace} describe ${o.kind.toLowerCase()} ${o.metadata.name} shows more.`));
  }
  return checks;
}

function webhookChecks(expected: KubeObject[], live: Map<string, KubeObject>, pods: PodLike[]): Check[] {
  const checks: Check[] = [];
  for (const o of expected) {
    const current = live.get(objectId(o));
    const description = `${o.kind} ${o.metadata.name} points at a live service`;
    if (!current) {
      checks.push(fail(description, 'the webhook configuration is missing', 'Run sailctl install again to restore it.'));
      continue;
    }
    const problems: string[] = [];
    for (const w of (current.webhooks ?? []) as { name: string; clientConfig?: { service?: { name: string; namespace: string } } }[]) {
      const svc = w.clientConfig?.service;
      if (!svc) continue;
      const service = live.get(objectId({ apiVersion: 'v1', kind: 'Service', metadata: { name: svc.name, namespace: svc.namespace } }));
      if (!service) {
        problems.push(`${w.name}: Service ${svc.namespace}/${svc.name} does not exist`);
        continue;
      }
      const selector = service.spec?.selector as Record<string, string> | undefined;
      const ready = pods.filter((p) => p.metadata.namespace === svc.namespace && selects(selector, p.metadata.labels) && isReady(p));
      if (ready.length === 0) problems.push(`${w.name}: no ready pod behind Service ${svc.namespace}/${svc.name}`);
    }
    const unique = [...new Set(problems)];
    checks.push(unique.length === 0 ? ok(description) : fail(description, unique.length === 1 ? unique[0]! : `${unique.length} webhooks cannot be served:`, 'Until istiod is ready, pod creation and Istio config changes may fail or skip injection; check the istiod pods.', unique.length === 1 ? undefined : unique));
  }
  return checks;
}

function isReady(p: PodLike): boolean {
  return !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The revision that injected a pod: its sidecar status annotation, else its istio.io/rev label. */
function injectedBy(p: PodLike): string {
  const status = p.metadata.annotations?.['sidecar.istio.io/status'];
  if (status) {
    try {
      return (JSON.parse(status) as { revision?: string }).revision || 'default';
    } catch {
      // fall through to the label
    }
  }
  return p.metadata.labels?.[LABEL_REV] ?? 'default';
}

function dataPlaneChecks(pods: PodLike[], live: Map<string, KubeObject>, plans: InstallPlan[], planes: ControlPlane[]): Check[] {
  const revisions = new Map<string, string>();
  for (const plan of plans) {
    const istiod = plan.objects.find((o) => o.kind === 'Deployment' && o.metadata.labels?.[LABEL_COMPONENT] === 'Pilot');
    const current = istiod ? live.get(objectId(istiod)) : undefined;
    const image = ((current ?? istiod)?.spec?.template?.spec?.containers ?? [])[0]?.image as string | undefined;
    revisions.set(plan.revision, imageTag(image));
  }
  const injected: { pod: string; version: string; revision: string }[] = [];
  for (const p of pods) {
    const proxy = [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])].find((c) => c.name === 'istio-proxy');
    if (!proxy || (proxy.args ?? []).includes('router')) continue; // gateways are checked above
    injected.push({ pod: `${p.metadata.namespace}/${p.metadata.name}`, version: imageTag(proxy.image), revision: injectedBy(p) });
  }
  if (injected.length === 0) return [ok('no injected workloads yet (label a namespace istio-injection=enabled to add some)')];
  const checks: Check[] = [];
  // Per revision: how many proxies it injected, and whether it still runs.
  const byRevision = new Map<string, number>();
  for (const i of injected) byRevision.set(i.revision, (byRevision.get(i.revision) ?? 0) + 1);
  const revisionNames = [...byRevision.keys()].sort();
  const orphaned = revisionNames.filter((r) => !planes.some((p) => p.revision === r));
  const perRevision = revisionNames.map((r) => `revision ${r}: ${byRevision.get(r)} prox${byRevision.get(r) === 1 ? 'y' : 'ies'}`).join(', ');
  if (orphaned.length === 0) checks.push(ok(`every proxy's revision is installed (${perRevision})`));
  else {
    checks.push(warn("every proxy's revision is installed", `${orphaned.map((r) => `${byRevision.get(r)} prox${byRevision.get(r) === 1 ? 'y' : 'ies'} on revision ${r}`).join(', ')}, which is no longer installed (${perRevision})`, 'Restart those workloads (kubectl rollout restart) so a running revision injects them; sailctl proxy-status shows what each istiod serves.', injected.filter((i) => orphaned.includes(i.revision)).slice(0, 10).map((i) => `${i.pod}: revision ${i.revision}`)));
  }
  const counts = new Map<string, number>();
  for (const i of injected) counts.set(i.version, (counts.get(i.version) ?? 0) + 1);
  const summary = [...counts.entries()].sort().map(([v, n]) => `${v} (${n} proxies)`).join(', ');
  const cpVersions = new Set(revisions.values());
  const stale = injected.filter((i) => !cpVersions.has(i.version));
  const description = `${injected.length} injected pod${injected.length === 1 ? '' : 's'} run proxies matching the control plane`;
  if (stale.length === 0) return [...checks, ok(`${description}: ${summary}`)];
  return [...checks, warn(description, `${stale.length} run another proxy version than the control plane (${[...cpVersions].join(', ')}): ${summary}`, 'Restart those workloads (kubectl rollout restart) to pick up the current proxy.', stale.slice(0, 10).map((s) => `${s.pod}: ${s.version}`).concat(stale.length > 10 ? [`… and ${stale.length - 10} more`] : []))];
}
