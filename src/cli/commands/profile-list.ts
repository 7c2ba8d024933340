import { parseOutputFormat, writeStdout } from '../../core/output.js';
import { formatStructured } from '../../core/structured.js';
import type { GlobalOptions } from '../flags.js';

interface Options {
  manifests?: string;
  output: string;
}

/** `profile list`: profile names, one per line (or a JSON array with -o json). */
export async function run(opts: Options, _args: string[], _globals: GlobalOptions): Promise<void> {
  const format = parseOutputFormat(opts.output ?? 'text', ['text', 'json'] as const);
  const { listProfiles } = await import('../../operator/profiles.js');
  const names = listProfiles(opts.manifests);
  writeStdout(format === 'json' ? formatStructured(names, 'json') : names.map((n) => n + '\n').join(''));
}
