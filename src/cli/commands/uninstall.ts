/** `uninstall`: remove a revision, or everything with --purge (src/lifecycle/uninstall.ts). */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { note, writeStdout } from '../../core/output.js';
import type { GlobalOptions } from '../flags.js';
import { renderInput, selectsInstall, type RenderFlags } from '../flags.js';
import { clusterSession } from '../cluster-session.js';
import { trapSignals } from '../interrupt.js';

interface Options extends RenderFlags {
  purge?: boolean;
  skipConfirmation?: boolean;
  dryRun?: boolean;
}

export async function run(opts: Options, args: string[], globals: GlobalOptions, _cmd: Command): Promise<void> {
  if (args.length > 0) throw new UsageError('sailctl uninstall does not take arguments', { hint: 'Select what to remove with --revision, -f or --purge.' });
  const selects = selectsInstall(opts);
  if (!opts.purge && !opts.revision && !selects) {
    throw new UsageError('at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set', {
      hint: 'e.g. sailctl uninstall --revision canary, or sailctl uninstall --purge to remove every Istio resource.',
    });
  }
  if (opts.purge && (opts.revision || selects)) note('Purge uninstall will remove all Istio resources, ignoring the specified revision or operator file');
  let plan;
  if (selects && !opts.purge) {
    const { prepareInstall } = await import('../../lifecycle/prepare.js');
    ({ plan } = await prepareInstall(renderInput(opts)));
  }
  const { uninstall } = await import('../../lifecycle/uninstall.js');
  const { createProgress } = await import('../progress.js');
  const { terminalConfirm } = await import('../prompt.js');
  const trap = trapSignals();
  try {
    const cluster = await clusterSession(globals).open();
    const progress = await createProgress();
    try {
      await uninstall(
        cluster,
        { istioNamespace: globals.istioNamespace, revision: opts.revision === '' ? undefined : opts.revision, plan, purge: opts.purge, dryRun: opts.dryRun, skipConfirmation: opts.skipConfirmation, signal: trap.signal },
        { note, out: writeStdout, progress, confirm: terminalConfirm() },
      );
    } finally {
      progress.stop();
      cluster.close();
    }
  } catch (err) {
    throw trap.translate(err, 'interrupted before anything was removed', 'Removed objects are gone for good; run the same command again to remove what is left.');
  } finally {
    trap.dispose();
  }
}
