/** `x precheck` / `precheck`: can Istio be installed or upgraded here? (src/lifecycle/precheck.ts) */
import type { Command } from 'commander';
import { SilentExit, UsageError } from '../../core/errors.js';
import { note, parseOutputFormat, writeStdout } from '../../core/output.js';
import { palette } from '../../core/terminal.js';
import type { GlobalOptions } from '../flags.js';
import { clusterSession } from '../cluster-session.js';

interface Options {
  skipControlplane?: boolean;
  fromVersion?: string;
  revision?: string;
  outputThreshold?: string;
  output: string;
}

export async function run(opts: Options, args: string[], globals: GlobalOptions, _cmd: Command): Promise<void> {
  if (args.length > 0) throw new UsageError(`precheck takes no arguments, got ${JSON.stringify(args)}`);
  const format = parseOutputFormat(opts.output, ['log', 'json', 'yaml', 'short'] as const);
  if (opts.fromVersion !== undefined) checkFromVersion(opts.fromVersion);
  // The same level flag as analyze's; precheck results are warnings or errors, so only Error hides anything.
  const { parseLevel } = await import('../../analyze/messages.js');
  const threshold = parseLevel(opts.outputThreshold ?? 'Warning', '--output-threshold');
  const { prepareInstall } = await import('../../lifecycle/prepare.js');
  const { plan, iop } = await prepareInstall({ revision: opts.revision });
  const { precheck } = await import('../../lifecycle/precheck.js');
  const { countResults, formatReport } = await import('../../core/check-report.js');
  const cluster = await clusterSession(globals).open();
  try {
    const report = await precheck(cluster, { plan, iop, skipControlPlane: opts.skipControlplane, fromVersion: opts.fromVersion, namespace: globals.namespace });
    // --output-threshold Error hides warnings from the printed report (they never fail the run).
    const shown = threshold === 'Error' ? { ...report, categories: report.categories.map((c) => ({ ...c, checks: c.checks.filter((k) => k.result !== 'warning') })) } : report;
    writeStdout(formatReport(shown, format === 'log' ? 'text' : format, palette(process.stdout)));
    if (!report.success) throw new SilentExit(1);
    if (format === 'log') {
      const warnings = countResults(report).warning;
      note(warnings === 0
        ? '✔ No issues found when checking the cluster. Istio is safe to install or upgrade!\n  To get started, check out https://istio.io/latest/docs/setup/getting-started/.'
        : `✔ Istio is safe to install or upgrade, but read the ${warnings} warning${warnings === 1 ? '' : 's'} above first.`);
    }
  } finally {
    cluster.close();
  }
}

/** istioctl's --from-version rules: 1.<minor>. */
function checkFromVersion(v: string): void {
  const parts = v.replace(/^v/, '').split('.');
  if (parts.length < 2) throw new UsageError(`invalid version ${v}, expected format like '1.0'`);
  if (parts[0] !== '1') throw new UsageError(`invalid version ${v}: expected major version 1`);
  if (!/^\d+$/.test(parts[1]!)) throw new UsageError(`invalid version ${v}: minor version is not a number`);
}
