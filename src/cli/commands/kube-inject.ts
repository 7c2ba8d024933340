/** `kube-inject`: inject Istio sidecars into workload YAML (injection.md §4.2, §5). */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { note, writeStdout } from '../../core/output.js';
import { readInput } from '../../yaml/documents.js';
import type { ClusterConfigReader } from '../../inject/cluster-source.js';
import { clusterSession } from '../cluster-session.js';
import type { GlobalOptions } from '../flags.js';

interface Options {
  filename?: string;
  output?: string;
  injectConfigFile?: string;
  valuesFile?: string;
  meshConfigFile?: string;
  operatorFileName?: string;
  meshConfigMapName?: string;
  injectConfigMapName?: string;
  revision?: string;
}

export async function run(opts: Options, _args: string[], globals: GlobalOptions, _cmd: Command): Promise<void> {
  if (!opts.filename) throw new UsageError('filename not specified (see --filename or -f)');
  const session = clusterSession(globals);
  const [{ loadInjectionConfig }, { kubeInject }] = await Promise.all([import('../../inject/config-sources.js'), import('../../inject/kube-inject.js')]);
  const { name, text } = await readInput(opts.filename);
  let close: (() => void) | undefined;
  const cluster = async (): Promise<ClusterConfigReader | undefined> => {
    if (!(await session.configured())) return undefined;
    const { clusterConfigReader } = await import('../../inject/cluster-source.js');
    const c = await session.open();
    close = () => c.close();
    return clusterConfigReader(c.client);
  };
  let loaded;
  try {
    loaded = await loadInjectionConfig({ ...opts, istioNamespace: globals.istioNamespace }, { cluster });
  } finally {
    close?.();
  }
  if (loaded.notice) note(loaded.notice);
  // Everything is injected in memory first: a bad document leaves no partial output.
  const result = kubeInject(text, name, loaded.config);
  if (opts.output) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(opts.output, result.output);
  } else {
    writeStdout(result.output);
  }
  if (result.warnings.length > 0) process.stderr.write(`\n${result.warnings.join('\n')}\n`);
}
