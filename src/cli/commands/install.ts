/**
 * `install` (alias `apply`): the rendered objects are applied to the cluster component by
 * component, waited on, pruned and recorded (src/lifecycle/install.ts). `--dry-run` runs the
 * pre-install checks and shows the summary and what would change, without changing anything;
 * with no cluster configured at all it summarises the render per component, offline.
 */
import type { Command } from 'commander';
import { SilentExit, UsageError } from '../../core/errors.js';
import { palette } from '../../core/terminal.js';
import { note, writeStdout } from '../../core/output.js';
import { effectiveOverrides, resolveIstioOperator } from '../../operator/resolve.js';
import { renderManifests } from '../../render/index.js';
import { clusterSession, type ClusterSession } from '../cluster-session.js';
import type { Cluster } from '../../kube/cluster.js';
import type { InstallPlan } from '../../lifecycle/plan.js';
import { parseDuration, renderInput, type GlobalOptions, type RenderFlags } from '../flags.js';
import { trapSignals } from '../interrupt.js';

export interface Options extends RenderFlags {
  force?: boolean;
  dryRun?: boolean;
  skipConfirmation?: boolean;
  readinessTimeout?: string;
  verify?: boolean;
}

export async function run(opts: Options, args: string[], globals: GlobalOptions, _cmd: Command): Promise<void> {
  if (args.length > 0) throw new UsageError(`accepts 0 arg(s), received ${args.length}`);
  const resolveInput = { ...renderInput(opts), force: opts.force };
  const session = clusterSession(globals);
  if (!opts.dryRun || (await session.configured())) return applyWithSignals(opts, resolveInput, session);
  // --dry-run with no kubeconfig at all: show what would be installed, offline.
  note('No cluster is configured (no kubeconfig): showing what would be installed without checking a cluster.');
  const { iop, profile, warnings } = await resolveIstioOperator(resolveInput);
  for (const w of warnings) note(`❗ ${w}`);
  const components = renderManifests(iop);
  writeStdout(`Dry run of profile "${profile}" (revision ${iop.spec.revision || 'default'}): nothing is applied.\n`);
  const { formatRenderSummary } = await import('../../lifecycle/summary.js');
  writeStdout(formatRenderSummary(components));
}

/** Something to check or say once the cluster is open, before the install's own checks (upgrade's). */
export type BeforeInstall = (cluster: Cluster, prepared: { plan: InstallPlan }) => Promise<void>;

/**
 * Applies to the cluster with Ctrl+C / SIGTERM handled (cli/interrupt.ts): the command stops at a
 * safe point, says what was done and what a re-run does, and exits 130/143.
 */
export async function applyWithSignals(opts: Options, resolveInput: Parameters<typeof resolveIstioOperator>[0], session: ClusterSession, before?: BeforeInstall): Promise<void> {
  const trap = trapSignals();
  try {
    return await applyToCluster(opts, resolveInput, session, trap.signal, before);
  } catch (err) {
    throw trap.translate(err, 'interrupted before anything was applied', 'Objects already applied are complete; run the same command again to finish the install (it applies what is missing, then prunes).');
  } finally {
    trap.dispose();
  }
}

async function applyToCluster(opts: Options, resolveInput: Parameters<typeof resolveIstioOperator>[0], session: ClusterSession, signal: AbortSignal, before?: BeforeInstall): Promise<void> {
  const readinessTimeoutMs = parseDuration(opts.readinessTimeout ?? '5m', '--readiness-timeout');
  const { prepareInstall } = await import('../../lifecycle/prepare.js');
  const prepared = await prepareInstall(resolveInput);
  const { installToCluster } = await import('../../lifecycle/install.js');
  const { createProgress } = await import('../progress.js');
  const { terminalConfirm } = await import('../prompt.js');
  const cluster = await session.open();
  try {
    await before?.(cluster, prepared);
  } catch (err) {
    cluster.close();
    throw err;
  }
  const progress = await createProgress();
  // Ctrl+C / SIGTERM (trapSignals): stop starting new work; what was applied is complete, and a re-run finishes the rest.
  try {
    await installToCluster(
      cluster,
      { iop: prepared.iop, plan: prepared.plan, warnings: prepared.warnings, overrides: effectiveOverrides(prepared.iop, resolveInput.manifestsDir), skipConfirmation: opts.skipConfirmation, dryRun: opts.dryRun, force: opts.force, readinessTimeoutMs, signal },
      { note, progress, confirm: terminalConfirm() },
    );
    // --verify: the verify-install checks of what was just installed (after the readiness wait).
    if (opts.verify && !opts.dryRun) {
      const { verifyInstall } = await import('../../lifecycle/verify.js');
      const { formatReport } = await import('../../core/check-report.js');
      const result = await verifyInstall(cluster, { istioNamespace: prepared.plan.namespace, plan: prepared.plan });
      writeStdout(formatReport(result.report, 'text', palette(process.stdout)));
      if (!result.report.success) throw new SilentExit(1);
    }
  } finally {
    progress.stop();
    cluster.close();
  }
}
