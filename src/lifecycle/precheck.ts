/**
 * `x precheck`: before an install or upgrade, in verify-install's format: the cluster and its
 * Kubernetes version, the permissions the install needs, the Istio control planes already
 * there, and injector webhooks that would clash with the new one.
 */
import type { Cluster } from '../kube/cluster.js';
import { ISTIO_VERSION } from '../version/build-info.js';
import { buildReport, ok, warn, type Check, type CheckReport } from '../core/check-report.js';
import type { InstallPlan } from './plan.js';
import { accessRequestsFor, defaultTagExists, findControlPlanes, needsDefaultTag, reachableCluster, permissionCheck, sameRevisionCheck, servingInjectors, webhookConflictCheck } from './preflight.js';
import type { IstioOperator } from '../operator/types.js';

export interface PrecheckInput {
  /** What would be installed (default profile, or the given revision). */
  plan: InstallPlan;
  /** Its IstioOperator, for the default tag the install would make. */
  iop: IstioOperator;
  /** --skip-controlplane: leave out the checks of existing control planes. */
  skipControlPlane?: boolean;
  /** --from-version, e.g. "1.21", for upgrade notes. */
  fromVersion?: string;
}

export async function precheck(cluster: Cluster, input: PrecheckInput): Promise<CheckReport> {
  const pre = await reachableCluster(cluster);
  const res = cluster.res;
  const requests = await accessRequestsFor(input.plan.objects, res.discovery);
  const makesDefaultTag = needsDefaultTag(input.iop, input.plan, await defaultTagExists(res));
  const [access, webhooks, planes] = await Promise.all([
    permissionCheck(cluster, requests, 'install Istio'),
    webhookConflictCheck(res, servingInjectors(input.plan, input.iop, makesDefaultTag)),
    input.skipControlPlane ? Promise.resolve([]) : findControlPlanes(res),
  ]);
  const installs: Check[] = [];
  if (!input.skipControlPlane) {
    if (planes.length === 0) installs.push(ok(`no Istio control plane installed yet`));
    else {
      installs.push(ok(`installed control planes: ${planes.map((p) => `revision ${p.revision} (Istio ${p.version}, ${p.namespace}${p.ready ? '' : ', not ready'})`).join('; ')}`));
      installs.push(sameRevisionCheck(planes, input.plan.revision, input.plan.namespace));
      const older = planes.filter((p) => p.version !== ISTIO_VERSION && minorGap(p.version, ISTIO_VERSION) > 2);
      if (older.length > 0) {
        installs.push(warn(`upgrades skip at most two minor versions`, `${older.map((p) => `revision ${p.revision} runs ${p.version}`).join(', ')}; Istio supports upgrading at most two minor versions at once to ${ISTIO_VERSION}`, 'Upgrade in steps (e.g. through an intermediate release), or install side by side with --revision.'));
      }
    }
  }
  if (input.fromVersion) {
    const gap = minorGap(input.fromVersion, ISTIO_VERSION);
    installs.push(gap > 2 ? warn(`upgrade from ${input.fromVersion} is supported`, `${input.fromVersion} → ${ISTIO_VERSION} skips ${gap - 1} minor versions`, 'Upgrade at most two minor versions at a time.') : ok(`upgrade from ${input.fromVersion} is supported`));
  }
  // An upgrade: the deprecation analyzers of `analyze` over the Istio config in the cluster.
  const upgrade = planes.length > 0 || input.fromVersion ? [await deprecationCheck(cluster)] : [];
  return buildReport([
    { categoryName: 'cluster', checks: pre.checks },
    { categoryName: 'permissions', checks: [access] },
    { categoryName: 'Istio installations', checks: installs },
    { categoryName: 'webhooks', checks: [webhooks] },
    { categoryName: 'upgrade', checks: upgrade },
  ]);
}

/** Kinds the deprecation analyzer reads, as the cluster serves them. */
const DEPRECATION_INPUTS = [
  { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' },
  { apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter' },
  { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar' },
];

export async function deprecationCheck(cluster: Cluster): Promise<Check> {
  const [{ AnalysisContext, defaultMeshConfig }, { runAnalyzers }, { deprecatedFields }, { makeResource, friendlyName }] = await Promise.all([
    import('../analyze/context.js'),
    import('../analyze/framework.js'),
    import('../analyze/analyzers/deprecation.js'),
    import('../analyze/resource.js'),
  ]);
  const lists = await Promise.all(DEPRECATION_INPUTS.map((k) => cluster.res.list(k.apiVersion, k.kind)));
  const resources = lists.flatMap((l) => l.items).map((o) => makeResource({ body: o as never, defaultNamespace: 'default', origin: { source: 'cluster' } }));
  const ctx = new AnalysisContext(resources, { meshConfig: defaultMeshConfig('istio-system'), istioNamespace: 'istio-system', completeKinds: new Set(DEPRECATION_INPUTS.map((k) => k.kind)) });
  await runAnalyzers(ctx, [deprecatedFields]);
  const found = ctx.diagnostics.map((d) => `${d.type.code} (${d.resource ? friendlyName(d.resource) : 'cluster'}) ${d.text}`);
  const description = `no deprecated Istio fields in use (${resources.length} resource${resources.length === 1 ? '' : 's'} checked)`;
  if (found.length === 0) return ok(description);
  return warn(description, `${found.length} use${found.length === 1 ? '' : 's'} of deprecated fields:`, 'Move them to the replacement fields before upgrading; sailctl analyze -A shows the same findings.', found);
}

/** 1.28.2 vs 1.30.0 → 2; unparsable → 0. */
export function minorGap(from: string, to: string): number {
  const m = (v: string) => Number(/^v?1\.(\d+)/.exec(v)?.[1]);
  const a = m(from);
  const b = m(to);
  return Number.isFinite(a) && Number.isFinite(b) ? b - a : 0;
}
