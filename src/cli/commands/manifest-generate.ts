/** `manifest generate`: render the manifests of an IstioOperator, offline (istioctl.md §2.2). */
import type { Command } from 'commander';
import { UsageError, UserError } from '../../core/errors.js';
import { debug, note, writeStdout } from '../../core/output.js';
import { resolveIstioOperator } from '../../operator/resolve.js';
import { allObjects, renderManifests, serializeManifests } from '../../render/index.js';
import { writeManifests } from '../../render/write-output.js';
import type { GlobalOptions } from '../flags.js';
import { renderInput, type RenderFlags } from '../flags.js';

interface Options extends RenderFlags {
  force?: boolean;
  output?: string;
  clusterSpecific?: boolean;
}

export async function run(opts: Options, args: string[], _globals: GlobalOptions, _cmd: Command): Promise<void> {
  if (args.length > 0) {
    throw new UsageError(`generate accepts no positional arguments, got ${JSON.stringify(args)}`, { hint: 'Pass IstioOperator files with -f FILE.' });
  }
  if (opts.clusterSpecific) {
    throw new UserError('--cluster-specific is not supported by sailctl manifest generate yet', {
      hint: 'Run without it; set cluster-specific values (e.g. --set values.global.platform=gke) yourself.',
    });
  }
  const { iop, warnings } = await resolveIstioOperator({ ...renderInput(opts), force: opts.force });
  // istioctl drops validation warnings here (istioctl.md §2.2); they go to stderr, so stdout stays the manifest.
  for (const w of warnings) note(`warning: ${w}`);
  const components = renderManifests(iop);
  if (opts.output) {
    for (const file of writeManifests(opts.output, components)) debug(`wrote ${file}`);
    return;
  }
  writeStdout(serializeManifests(allObjects(components)));
}
