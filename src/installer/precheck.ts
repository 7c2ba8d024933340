/**
 * `x precheck`: before an install or upgrade, in verify-install's format: the cluster and its
 * Kubernetes version, the permissions the install needs, the Istio control planes already
 * there, and injector webhooks that would clash with the new one.
 */
import type { Cluster } from '../kube/cluster.js';
import { ISTIO_VERSION } from '../version.js';
import { buildReport, ok, warn, type Check, type CheckReport } from './checks.js';
import type { InstallPlan } from './plan.js';
import { accessRequestsFor, findControlPlanes, reachableCluster, permissionCheck, sameRevisionCheck, webhookConflictCheck } from './preflight.js';

export interface PrecheckInput {
  /** What would be installed (default profile, or the given revision). */
  plan: InstallPlan;
  /** --skip-controlplane: leave out the checks of existing control planes. */
  skipControlPlane?: boolean;
  /** --from-version, e.g. "1.21", for upgrade notes. */
  fromVersion?: string;
}

export async function precheck(cluster: Cluster, input: PrecheckInput): Promise<CheckReport> {
  const pre = await reachableCluster(cluster);
  const res = cluster.res;
  const requests = await accessRequestsFor(input.plan.objects, res.discovery);
  const [access, webhooks, planes] = await Promise.all([
    permissionCheck(cluster, requests, 'install Istio'),
    webhookConflictCheck(res, input.plan.objects),
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
  return buildReport([
    { categoryName: 'cluster', checks: pre.checks },
    { categoryName: 'permissions', checks: [access] },
    { categoryName: 'Istio installations', checks: installs },
    { categoryName: 'webhooks', checks: [webhooks] },
  ]);
}

/** 1.28.2 vs 1.30.0 → 2; unparsable → 0. */
export function minorGap(from: string, to: string): number {
  const m = (v: string) => Number(/^v?1\.(\d+)/.exec(v)?.[1]);
  const a = m(from);
  const b = m(to);
  return Number.isFinite(a) && Number.isFinite(b) ? b - a : 0;
}
