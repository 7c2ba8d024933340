/**
 * `upgrade`: istioctl's in-place upgrade, the same as `install` with the same flags (istioctl.md
 * §1.1), preceded by what an in-place upgrade needs checked (src/lifecycle/upgrade.ts).
 */
import type { Command } from 'commander';
import { UsageError, UserError } from '../../core/errors.js';
import { note } from '../../core/output.js';
import { palette } from '../../core/terminal.js';
import { clusterSession } from '../cluster-session.js';
import { renderInput, type GlobalOptions } from '../flags.js';
import { applyWithSignals, type Options } from './install.js';

export async function run(opts: Options, args: string[], globals: GlobalOptions, _cmd: Command): Promise<void> {
  if (args.length > 0) throw new UsageError(`accepts 0 arg(s), received ${args.length}`);
  await applyWithSignals(opts, { ...renderInput(opts), force: opts.force }, clusterSession(globals), async (cluster, { plan }) => {
    const { upgradeChecks } = await import('../../lifecycle/upgrade.js');
    const { formatReport, buildReport } = await import('../../core/check-report.js');
    const findings = await upgradeChecks(cluster, plan);
    for (const line of findings.notes) note(line);
    const report = buildReport([{ categoryName: 'upgrade', checks: findings.checks }]);
    note(formatReport(report, 'text', palette(process.stderr)).trimEnd());
    const failed = findings.checks.filter((c) => c.result === 'error');
    if (failed.length > 0 && !opts.force) {
      throw new UserError(`upgrade checks failed: ${failed.map((c) => c.error).join('; ')}`, { hint: `${failed[0]!.hint ?? ''} Pass --force to upgrade anyway.`.trim() });
    }
  });
}
