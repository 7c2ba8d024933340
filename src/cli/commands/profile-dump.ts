import { UsageError } from '../../core/errors.js';
import { note, parseOutputFormat, writeStdout } from '../../core/output.js';
import type { GlobalOptions } from '../flags.js';

interface Options {
  filename?: string[];
  set?: string[];
  configPath?: string;
  output: string;
  manifests?: string;
}

/** `profile dump [profile]`: the merged IstioOperator of a profile plus -f/--set overlays. */
export async function run(opts: Options, args: string[], _globals: GlobalOptions): Promise<void> {
  if (args.length > 1) throw new UsageError('too many positional arguments', { hint: 'Usage: sailctl profile dump [<profile>] [-f file] [--set path=value]' });
  const format = parseOutputFormat(opts.output ?? 'yaml', ['yaml', 'json', 'flags'] as const);
  const { dumpProfile } = await import('../../operator/profile-output.js');
  const result = await dumpProfile({
    profile: args[0],
    files: opts.filename,
    sets: opts.set,
    configPath: opts.configPath,
    manifestsDir: opts.manifests,
    format,
  });
  for (const w of result.warnings) note(`warning: ${w}`);
  writeStdout(result.text);
}
