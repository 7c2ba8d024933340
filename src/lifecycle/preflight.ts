/**
 * Questions asked of the cluster before anything changes, shared by install and precheck:
 * reachable and new enough, permitted (SelfSubjectAccessReview, all at once), free of a
 * conflicting injector webhook, and which Istio control planes already run there.
 */
import { UserError } from '../core/errors.js';
import type { Cluster } from '../kube/cluster.js';
import { checkAccess, describeAccess, serverVersion, type AccessRequest, type ServerVersion } from '../kube/cluster.js';
import type { Discovery } from '../kube/discovery.js';
import type { KubeObject, Resources } from '../kube/resources.js';
import { ISTIO_VERSION, MIN_K8S_MINOR } from '../version/build-info.js';
import { imageTag as imageTagOf } from '../version/mesh-version.js';
import { fail, ok, warn, type Check } from '../core/check-report.js';
import { LABEL_REV } from './labels.js';
import type { InstallPlan } from './plan.js';
import type { IstioOperator } from '../operator/types.js';
import { buildContext } from '../render/context.js';
import { revisionTagObjects } from '../render/components/pilot.js';

export async function clusterChecks(cluster: Cluster): Promise<{ checks: Check[]; version?: ServerVersion }> {
  let version: ServerVersion;
  try {
    version = await serverVersion(cluster.client);
  } catch (err) {
    return { checks: [fail('can reach the Kubernetes API', (err as Error).message, (err as { hint?: string }).hint)] };
  }
  const checks = [ok(`can reach the Kubernetes API: ${cluster.describe()}, Kubernetes ${version.gitVersion}`)];
  checks.push(kubernetesVersionCheck(version));
  return { checks, version };
}

/** The cluster checks, or one clear error when the cluster cannot be reached at all. */
export async function reachableCluster(cluster: Cluster): Promise<{ checks: Check[]; version: ServerVersion }> {
  const pre = await clusterChecks(cluster);
  if (pre.version === undefined) throw new UserError(pre.checks[0]!.error!, { hint: pre.checks[0]!.hint });
  return { checks: pre.checks, version: pre.version };
}

export function kubernetesVersionCheck(v: ServerVersion): Check {
  const what = `Kubernetes ${v.major}.${v.minor} is supported by Istio ${ISTIO_VERSION}`;
  if (v.major > 1 || v.minor >= MIN_K8S_MINOR) return ok(what);
  return fail(what, `the cluster runs Kubernetes ${v.gitVersion}; Istio ${ISTIO_VERSION} needs 1.${MIN_K8S_MINOR} or newer`, `Upgrade the cluster to Kubernetes 1.${MIN_K8S_MINOR}+, install an older Istio release, or pass --force to install anyway.`);
}

/** create and patch on every resource type the objects use, in their namespaces. */
export async function accessRequestsFor(objects: readonly KubeObject[], discovery: Discovery, verbs: readonly string[] = ['create', 'patch']): Promise<AccessRequest[]> {
  const seen = new Map<string, AccessRequest>();
  const kinds = new Map<string, KubeObject>();
  for (const o of objects) kinds.set(`${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}`, o);
  await Promise.all(
    [...kinds.values()].map(async (o) => {
      let info = await discovery.lookup(o.apiVersion, o.kind);
      // Custom kinds not served yet (their CRDs come with this install): guess the plural, as the API server will name it.
      info ??= { group: o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '', version: '', apiVersion: o.apiVersion, kind: o.kind, resource: `${o.kind.toLowerCase()}s`, namespaced: o.metadata.namespace !== undefined };
      for (const verb of verbs) {
        const r: AccessRequest = { verb, group: info.group, resource: info.resource, namespace: info.namespaced ? o.metadata.namespace : undefined };
        seen.set(`${verb}|${r.group}|${r.resource}|${r.namespace ?? ''}`, r);
      }
    }),
  );
  return [...seen.values()].sort((a, b) => describeAccess(a).localeCompare(describeAccess(b)));
}

export async function permissionCheck(cluster: Cluster, requests: AccessRequest[], purpose: string): Promise<Check> {
  const answers = await checkAccess(cluster.client, requests);
  const denied = answers.filter((a) => a.allowed === false);
  const unknown = answers.filter((a) => a.allowed === undefined);
  if (denied.length > 0) {
    return fail(`you have the permissions to ${purpose}`, `missing ${denied.length} of ${answers.length} permissions:`, 'Ask a cluster admin to grant these (e.g. bind the cluster-admin role), or use a --context that has them.', denied.map(describeAccess));
  }
  if (unknown.length === answers.length && answers.length > 0) {
    return warn(`you have the permissions to ${purpose}`, 'the cluster does not answer SelfSubjectAccessReview, so permissions could not be checked');
  }
  return ok(`you have the permissions to ${purpose} (${answers.length} checked)`);
}

interface Webhook {
  name: string;
  namespaceSelector?: unknown;
  objectSelector?: unknown;
}

const INJECTOR_SUFFIX = 'sidecar-injector.istio.io';

/**
 * A webhook configuration we are not about to write whose injector webhooks select the same
 * namespaces and pods as ours: both would inject every new pod.
 */
export function findWebhookConflicts(existing: readonly KubeObject[], planned: readonly KubeObject[]): string[] {
  const plannedNames = new Set(planned.map((p) => p.metadata.name));
  const key = (w: Webhook) => JSON.stringify([w.namespaceSelector ?? {}, w.objectSelector ?? {}]);
  // A deactivated webhook (never-match selectors) injects nothing, so it clashes with nothing.
  const live = (w: Webhook) => w.name.endsWith(INJECTOR_SUFFIX) && !JSON.stringify(w.namespaceSelector ?? {}).includes('istio.io/deactivated');
  const ours = new Map<string, string>();
  for (const p of planned) for (const w of (p.webhooks ?? []) as Webhook[]) if (live(w)) ours.set(key(w), `${p.metadata.name}/${w.name}`);
  const conflicts: string[] = [];
  for (const e of existing) {
    if (plannedNames.has(e.metadata.name)) continue;
    for (const w of (e.webhooks ?? []) as Webhook[]) {
      const clash = live(w) ? ours.get(key(w)) : undefined;
      if (clash) conflicts.push(`MutatingWebhookConfiguration ${e.metadata.name} (revision ${e.metadata.labels?.[LABEL_REV] ?? 'unknown'}) injects the same pods as ${clash}`);
    }
  }
  return conflicts;
}

/** Whether the cluster has a default revision tag (istioctl's PreviousInstallExists). */
export async function defaultTagExists(res: Resources): Promise<boolean> {
  const { items } = await res.list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', { labelSelector: 'app=sidecar-injector,istio.io/tag=default' });
  return items.length > 0;
}

/** istioctl's detectIfTagWebhookIsNeeded: a default-revision install (re)points the default tag at itself; any install makes one when there is none. */
export function needsDefaultTag(iop: IstioOperator, plan: InstallPlan, exists: boolean): boolean {
  const global = iop.spec.values?.global as { operatorManageWebhooks?: unknown } | undefined;
  if (global?.operatorManageWebhooks === true || !plan.components.some((c) => c.component === 'Pilot')) return false;
  return !exists || plan.revision === 'default';
}

/**
 * The injector webhooks an install leaves serving: the plan's own (the default revision's are
 * planned deactivated) plus, when it makes the default tag, that tag's webhooks.
 */
export function servingInjectors(plan: InstallPlan, iop: IstioOperator, makesDefaultTag: boolean): KubeObject[] {
  const own = plan.objects.filter((o) => o.kind === 'MutatingWebhookConfiguration');
  return makesDefaultTag ? [...own, revisionTagObjects(buildContext(iop), 'default')[0] as KubeObject] : own;
}

export async function webhookConflictCheck(res: Resources, planned: readonly KubeObject[]): Promise<Check> {
  const { items } = await res.list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration');
  const conflicts = findWebhookConflicts(items, planned.filter((o) => o.kind === 'MutatingWebhookConfiguration'));
  if (conflicts.length === 0) return ok('no other sidecar injector selects the same pods');
  return fail('no other sidecar injector selects the same pods', 'two injectors would both inject new pods:', 'Install with a different --revision (and move namespaces with istio.io/rev), remove the other control plane, or pass --force to install anyway.', conflicts);
}

export interface ControlPlane {
  revision: string;
  namespace: string;
  deployment: string;
  version: string;
  ready: boolean;
}

/** Every istiod Deployment in the cluster, by revision. */
export async function findControlPlanes(res: Resources): Promise<ControlPlane[]> {
  const { items } = await res.list('apps/v1', 'Deployment', { labelSelector: 'app=istiod' });
  return items
    .map((d) => {
      const container = (d.spec?.template?.spec?.containers ?? [])[0] as { image?: string } | undefined;
      return {
        revision: d.metadata.labels?.[LABEL_REV] ?? 'default',
        namespace: d.metadata.namespace ?? '',
        deployment: d.metadata.name,
        version: imageTagOf(container?.image),
        ready: (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1),
      };
    })
    .sort((a, b) => a.revision.localeCompare(b.revision) || a.namespace.localeCompare(b.namespace));
}

/** "upgrade" / "downgrade" / "change", comparing versions numerically (1.9 < 1.10). */
export function direction(from: string, to: string): 'upgrade' | 'downgrade' | 'change' {
  const parse = (v: string) => /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v)?.slice(1, 4).map((n) => Number(n ?? 0));
  const a = parse(from);
  const b = parse(to);
  if (!a || !b) return 'change';
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? 'upgrade' : 'downgrade';
  return 'change';
}

/** A control plane of the same revision elsewhere is a conflict; in our namespace it is an upgrade. */
export function sameRevisionCheck(planes: readonly ControlPlane[], revision: string, namespace: string): Check {
  const elsewhere = planes.filter((p) => p.revision === revision && p.namespace !== namespace);
  if (elsewhere.length > 0) {
    return fail(`no other control plane of revision "${revision}"`, `revision "${revision}" already runs in namespace ${elsewhere.map((p) => p.namespace).join(', ')}`, 'Pick another --revision, or uninstall that control plane first.');
  }
  const here = planes.find((p) => p.revision === revision && p.namespace === namespace);
  if (here && here.version !== ISTIO_VERSION) {
    return warn(`no other control plane of revision "${revision}"`, `revision "${revision}" runs Istio ${here.version} in ${namespace}; installing will ${direction(here.version, ISTIO_VERSION)} it to ${ISTIO_VERSION} in place`, 'To upgrade without touching the running control plane, install with --revision and move namespaces over (canary upgrade).');
  }
  return ok(`no other control plane of revision "${revision}"`);
}
