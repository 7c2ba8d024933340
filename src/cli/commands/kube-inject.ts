/** `kube-inject`: inject Istio sidecars into workload YAML, offline (injection.md §4.2, §5). */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { note, writeStdout } from '../../core/output.js';
import { readInput } from '../../core/yaml-docs.js';
import type { GlobalOptions } from '../global-options.js';

interface Options {
  filename?: string;
  output?: string;
  injectConfigFile?: string;
  valuesFile?: string;
  meshConfigFile?: string;
  operatorFileName?: string;
  revision?: string;
}

export async function run(opts: Options, _args: string[], _globals: GlobalOptions, _cmd: Command): Promise<void> {
  if (!opts.filename) throw new UsageError('filename not specified (see --filename or -f)');
  const [{ loadInjectionConfig }, { kubeInject }] = await Promise.all([import('../../inject/config-sources.js'), import('../../inject/kube-inject.js')]);
  const { name, text } = await readInput(opts.filename);
  const { config, notice } = await loadInjectionConfig(opts);
  if (notice) note(notice);
  const result = kubeInject(text, name, config);
  if (opts.output) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(opts.output, result.output);
  } else {
    writeStdout(result.output);
  }
  if (result.warnings.length > 0) process.stderr.write(`\n${result.warnings.join('\n')}\n`);
}
