/** `sailctl validate -f`: schema validation of files, offline; exit 0 only when everything is valid. */
import type { Command } from 'commander';
import { UsageError, UserError } from '../../core/errors.js';
import { note, parseOutputFormat, writeStdout } from '../../core/output.js';
import { formatStructured } from '../../core/structured.js';
import type { GlobalOptions } from '../flags.js';
import { describeProblem, validateFiles } from '../../analyze/validate.js';

export async function run(opts: { filename?: string[]; output: string }, args: string[], globals: GlobalOptions, cmd: Command): Promise<void> {
  void cmd;
  const format = parseOutputFormat(opts.output, ['log', 'json', 'yaml'] as const);
  if (args.length > 0) throw new UsageError(`validate takes no arguments (got ${args.join(' ')}): pass files with -f`);
  const files = opts.filename ?? [];
  if (files.length === 0) throw new UsageError('you must specify resources by --filename', { hint: 'Example: sailctl validate -f samples/bookinfo/networking/bookinfo-gateway.yaml' });
  const result = await validateFiles(files, { namespace: globals.namespace, istioNamespace: globals.istioNamespace, warn: note });
  if (result.resources === 0) throw new UserError(`no Kubernetes resources found in ${result.files.join(', ')}: nothing was validated`, { exitCode: 65 });
  const errors = result.problems.filter((p) => p.level === 'Error');
  if (format !== 'log') {
    writeStdout(formatStructured(result.problems, format));
  } else {
    for (const file of result.files) {
      const mine = result.problems.filter((p) => p.file === file);
      const label = file === '<stdin>' ? 'stdin' : `"${file}"`;
      const warnings = mine.filter((p) => p.level === 'Warning');
      if (mine.length === 0) note(file === '<stdin>' ? 'validation succeed' : `${label} is valid`);
      else if (warnings.length > 0) {
        // Written in slices: a large input can have a warning per resource.
        for (let i = 0; i < warnings.length; i += 2000) {
          const lines = warnings.slice(i, i + 2000).map((p) => `\t* ${describeProblem(p)}`).join('\n');
          const last = i + 2000 >= warnings.length;
          process.stderr.write(`${i === 0 ? `${label} has warnings: \n` : '\n'}${lines}${last ? '\n\n' : ''}`);
        }
      }
    }
  }
  if (errors.length > 0) {
    throw new UserError(`${errors.length} error${errors.length === 1 ? '' : 's'} occurred:\n${errors.map((p) => `\t* ${describeProblem(p)}`).join('\n')}`);
  }
}
