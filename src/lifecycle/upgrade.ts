/**
 * `upgrade`: an in-place install of this version over the running control plane of the same
 * revision (istioctl.md §1.1: `upgrade` is `install`). Before the install's own checks it says
 * what changes, in istioctl's words (its version-diff warning, istioctl.md §3 step 4), and checks
 * what an in-place upgrade can break: a version skew Istio does not support in one step (more than
 * two minor versions, or a downgrade), and proxies still running on the revision, which keep their
 * old version until their workloads restart.
 */
import type { Cluster } from '../kube/cluster.js';
import { fail, ok, warn, type Check } from '../core/check-report.js';
import { imageTag } from '../version/mesh-version.js';
import type { InstallPlan } from './plan.js';
import { direction, findControlPlanes } from './preflight.js';

export interface UpgradeFindings {
  /** istioctl's lines, for stderr. */
  notes: string[];
  checks: Check[];
}

/** The version the plan installs: its istiod image's tag. */
export function targetVersion(plan: InstallPlan): string {
  const pilot = plan.images.find((i) => /\/pilot:/.test(i));
  return imageTag(pilot);
}

/** Minor versions between two x.y[.z] versions (undefined when either does not parse). */
function minorGap(from: string, to: string): number | undefined {
  const a = /^v?(\d+)\.(\d+)/.exec(from);
  const b = /^v?(\d+)\.(\d+)/.exec(to);
  if (!a || !b || a[1] !== b[1]) return undefined;
  return Number(b[2]) - Number(a[2]);
}

/** Pods whose sidecar was injected by `revision` (the sidecar.istio.io/status annotation), by namespace. */
async function proxiesOnRevision(cluster: Cluster, revision: string): Promise<Map<string, number>> {
  const { items } = await cluster.res.list('v1', 'Pod');
  const byNs = new Map<string, number>();
  for (const p of items) {
    const status = p.metadata.annotations?.['sidecar.istio.io/status'];
    if (!status || p.metadata.deletionTimestamp) continue;
    let rev: string;
    try {
      rev = (JSON.parse(status) as { revision?: string }).revision || 'default';
    } catch {
      continue;
    }
    if (rev === revision) byNs.set(p.metadata.namespace!, (byNs.get(p.metadata.namespace!) ?? 0) + 1);
  }
  return byNs;
}

export async function upgradeChecks(cluster: Cluster, plan: InstallPlan): Promise<UpgradeFindings> {
  const to = targetVersion(plan);
  const running = (await findControlPlanes(cluster.res)).filter((p) => p.revision === plan.revision && p.namespace === plan.namespace);
  const what = `revision "${plan.revision}" in ${plan.namespace}`;
  if (running.length === 0) {
    return { notes: [], checks: [ok(`nothing to upgrade in place: no control plane of ${what} yet, so this installs one`)] };
  }
  const notes: string[] = [];
  const checks: Check[] = [];
  const from = [...new Set(running.map((p) => p.version))].sort();
  for (const v of from) {
    const dir = direction(v, to);
    if (dir !== 'change') notes.push(`WARNING: Istio is being ${dir}d from ${v} to ${to}.`);
    const gap = minorGap(v, to);
    const description = `Istio supports this in-place upgrade (${v} → ${to})`;
    if (dir === 'downgrade') checks.push(warn(description, `${to} is older than the running ${v}: this is a downgrade`, 'Downgrades are supported only to the version you upgraded from; a canary revision (sailctl install --revision) is the safer way back.'));
    else if (gap !== undefined && gap > 2) checks.push(fail(description, `${v} → ${to} skips ${gap - 1} minor versions; Istio upgrades at most two minor versions at a time`, 'Upgrade in steps, or install the new version beside the old one (sailctl install --revision <rev>) and move namespaces over with sailctl tag.'));
    else checks.push(ok(dir === 'change' ? `revision "${plan.revision}" already runs ${to}: the upgrade re-applies it` : description));
  }
  if (plan.revision === 'default') notes.push('Running this command will overwrite it; use revisions to upgrade alongside the existing version.');
  notes.push("Before upgrading, you may wish to use 'sailctl x precheck' to check for upgrade warnings.");
  const inUse = await proxiesOnRevision(cluster, plan.revision);
  const total = [...inUse.values()].reduce((a, b) => a + b, 0);
  if (total > 0) {
    const namespaces = [...inUse.keys()].sort();
    checks.push(warn(`no proxy depends on ${what}`, `${total} prox${total === 1 ? 'y' : 'ies'} in ${namespaces.length} namespace${namespaces.length === 1 ? '' : 's'} (${namespaces.join(', ')}) run on this revision and keep their current version until their workloads restart`, 'After the upgrade, restart them (kubectl rollout restart deployment -n <namespace>) and check them with sailctl proxy-status.'));
  } else {
    checks.push(ok(`no proxy depends on ${what}`));
  }
  return { notes, checks };
}
