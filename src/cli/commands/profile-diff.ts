import { UsageError } from '../../core/errors.js';
import { writeStdout } from '../../core/output.js';
import { palette } from '../../core/terminal.js';
import type { GlobalOptions } from '../flags.js';

interface Options {
  manifests?: string;
}

/**
 * `profile diff <a> <b>`: a unified YAML diff of two resolved profiles (names or files).
 * Exits 0 whether or not they differ (istioctl 1.23 exited 1 on a difference).
 */
export async function run(opts: Options, args: string[], _globals: GlobalOptions): Promise<void> {
  if (args.length !== 2) throw new UsageError('diff requires two profiles', { hint: 'Usage: sailctl profile diff <profile|file> <profile|file>' });
  const { diffProfiles } = await import('../../operator/profile-output.js');
  const result = await diffProfiles(args[0]!, args[1]!, opts.manifests);
  if (result.identical) {
    writeStdout('Profiles are identical\n');
    return;
  }
  const p = palette(process.stdout);
  const paint = { header: p.bold, hunk: p.cyan, context: (t: string) => t, add: p.green, remove: p.red } as const;
  writeStdout('The difference between profiles:\n' + result.lines.map((l) => paint[l.kind](l.text) + '\n').join(''));
}
