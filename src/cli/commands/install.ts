/**
 * `install` (alias `apply`). Only `--dry-run` is built: it resolves, validates and renders
 * exactly what install would apply, and summarises it per component. No cluster is touched.
 */
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { note, writeStdout } from '../../core/output.js';
import { resolveIstioOperator } from '../../install/resolve.js';
import { renderManifests } from '../../render/index.js';
import { formatSummary, summarize } from '../../render/summary.js';
import type { GlobalOptions } from '../global-options.js';

interface Options {
  filename?: string[];
  set?: string[];
  manifests?: string;
  charts?: string;
  revision?: string;
  force?: boolean;
  dryRun?: boolean;
}

export async function run(opts: Options, args: string[], _globals: GlobalOptions, _cmd: Command): Promise<void> {
  if (args.length > 0) throw new UserError(`accepts 0 arg(s), received ${args.length}`);
  if (!opts.dryRun) {
    throw new UserError('applying to a cluster is not built yet in sailctl install', {
      hint: 'Use --dry-run to see what would be installed, or `sailctl manifest generate | kubectl apply --server-side -f -`.',
    });
  }
  const { iop, profile, warnings } = await resolveIstioOperator({
    files: opts.filename,
    sets: opts.set,
    revision: opts.revision,
    manifestsDir: opts.manifests ?? opts.charts,
    force: opts.force,
  });
  for (const w of warnings) note(`❗ ${w}`);
  const components = renderManifests(iop);
  writeStdout(`Dry run of profile "${profile}" (revision ${iop.spec.revision || 'default'}): nothing is applied.\n`);
  writeStdout(formatSummary(summarize(components)));
}
