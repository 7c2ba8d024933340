/** `verify-install`: is the installed mesh complete and healthy? (src/lifecycle/verify.ts) */
import type { Command } from 'commander';
import { SilentExit, UsageError } from '../../core/errors.js';
import { parseOutputFormat, writeStdout } from '../../core/output.js';
import { palette } from '../../core/terminal.js';
import type { GlobalOptions } from '../flags.js';
import { renderInput, selectsInstall, type RenderFlags } from '../flags.js';
import { clusterSession } from '../cluster-session.js';

interface Options extends RenderFlags {
  output: string;
}

export async function run(opts: Options, args: string[], globals: GlobalOptions, _cmd: Command): Promise<void> {
  if (args.length > 0) throw new UsageError(`verify-install takes no arguments, got ${JSON.stringify(args)}`, { hint: 'Pass IstioOperator files with -f FILE.' });
  const format = parseOutputFormat(opts.output, ['text', 'short', 'json', 'yaml'] as const);
  const { verifyInstall } = await import('../../lifecycle/verify.js');
  const { formatReport } = await import('../../core/check-report.js');
  let plan;
  if (selectsInstall(opts)) {
    const { prepareInstall } = await import('../../lifecycle/prepare.js');
    ({ plan } = await prepareInstall(renderInput(opts)));
  }
  const revision = opts.revision && opts.revision !== '' ? opts.revision : undefined;
  const cluster = await clusterSession(globals).open();
  try {
    const result = await verifyInstall(cluster, { istioNamespace: globals.istioNamespace, revision, plan });
    if (result.nothingInstalled && (format === 'text' || format === 'short')) {
      writeStdout(`${palette(process.stdout).red('✖')} ${result.nothingInstalled}\n`);
      throw new SilentExit(1);
    }
    writeStdout(formatReport(result.report, format, palette(process.stdout)));
    if (!result.report.success) throw new SilentExit(1);
  } finally {
    cluster.close();
  }
}
