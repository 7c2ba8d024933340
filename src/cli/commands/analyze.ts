/** `sailctl analyze`: parses flags, runs the analysis library, prints findings, sets the exit code. */
import type { Command } from 'commander';
import { ExitCode, UsageError, UserError } from '../../core/errors.js';
import { note, parseOutputFormat, writeStdout } from '../../core/output.js';
import type { GlobalOptions } from '../flags.js';
import { parseDuration } from '../flags.js';
import { analyze, listAnalyzers } from '../../analyze/analyze.js';
import { documentationUrl, parseLevel } from '../../analyze/messages.js';
import { atLeast, OUTPUT_FORMATS, render } from '../../analyze/report.js';

interface AnalyzeFlags {
  listAnalyzers?: boolean;
  useKube: boolean;
  allNamespaces?: boolean;
  output: string;
  outputThreshold: string;
  failureThreshold: string;
  meshConfigFile?: string;
  meshNetworksFile?: string;
  suppress?: string[];
  recursive?: boolean;
  ignoreUnknown?: boolean;
  analyzer?: string[];
  color?: boolean;
  revision?: string;
}

function docsRoot(): string {
  return documentationUrl('IST0101').replace(/\/ist0101\/\?ref=istioctl-analyze$/, '');
}

/** Opens the cluster for a live analysis. */
async function openLive(globals: GlobalOptions, target: string | undefined, revision: string) {
  const [{ openCluster }, { ClusterSource }] = await Promise.all([import('../../kube/cluster.js'), import('../../analyze/cluster-source.js')]);
  const timeoutMs = parseDuration(globals.kubeclientTimeout, '--kubeclient-timeout');
  const cluster = await openCluster({ kubeconfig: globals.kubeconfig, context: globals.context, timeoutMs });
  const source = new ClusterSource({
    res: cluster.res,
    describe: cluster.describe(),
    istioNamespace: globals.istioNamespace,
    revision,
    fallbackNamespaces: target === undefined ? undefined : [...new Set([target, globals.istioNamespace])],
    warn: note,
  });
  return { cluster, source };
}

export async function run(opts: AnalyzeFlags, args: string[], globals: GlobalOptions, cmd: Command): Promise<void> {
  void cmd;
  const format = parseOutputFormat(opts.output, OUTPUT_FORMATS);
  const outputThreshold = parseLevel(opts.outputThreshold, '--output-threshold');
  const failureThreshold = parseLevel(opts.failureThreshold, '--failure-threshold');
  if (opts.listAnalyzers) {
    writeStdout(listAnalyzers());
    return;
  }
  if (opts.recursive) note('note: directories are always walked recursively; -R/--recursive is not needed.');
  if (!opts.useKube && args.length === 0) {
    throw new UsageError('nothing to analyze: --use-kube=false needs files, directories or - (stdin)', 'Example: sailctl analyze --use-kube=false ./manifests, or kustomize build . | sailctl analyze --use-kube=false -');
  }
  const revision = opts.revision || 'default';
  let live: Awaited<ReturnType<typeof openLive>> | undefined;
  // The namespace analyzed: -A all; live: -n, else the kubeconfig context's, else default; files only: -n, else all.
  let target: string | undefined = opts.allNamespaces ? undefined : globals.namespace;
  if (opts.useKube) {
    try {
      const { resolveKubeconfig } = await import('../../kube/kubeconfig.js');
      if (!opts.allNamespaces) target = globals.namespace || resolveKubeconfig({ kubeconfig: globals.kubeconfig, context: globals.context }).namespace || 'default';
      live = await openLive(globals, target, revision);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      const hint = [err.hint, args.length > 0 ? 'To analyze the files without a cluster, pass --use-kube=false.' : undefined].filter(Boolean).join('\n');
      throw new UserError(err.message, { exitCode: err.exitCode, hint: hint || undefined, cause: err });
    }
  }
  try {
    if (live && target !== undefined && !(await live.cluster.res.get('v1', 'Namespace', target))) {
      throw new UserError(`namespace "${target}" not found in the cluster ${live.cluster.describe()}: nothing was analyzed`, {
        hint: 'Check -n/--namespace (or the kubeconfig context namespace), or analyze every namespace with -A.',
      });
    }
    if (args.includes('-') && process.stdin.isTTY && format === 'log') note('Reading from stdin:');
    const result = await analyze({
      files: args,
      namespace: target ?? globals.namespace,
      targetNamespace: target,
      istioNamespace: globals.istioNamespace,
      revision,
      meshConfigFile: opts.meshConfigFile,
      meshNetworksFile: opts.meshNetworksFile,
      ignoreUnknown: Boolean(opts.ignoreUnknown),
      analyzers: opts.analyzer,
      suppress: opts.suppress,
      cluster: live?.source,
      warn: note,
    });
    const inputs = args.map((a) => (a === '-' ? 'stdin' : a));
    const targetText = opts.allNamespaces ? ' all namespaces' : inputs.length === 0 ? ` namespace: ${target}` : inputs.length === 1 ? ` ${inputs[0]}` : `:\n${inputs.map((f) => `  - ${f}`).join('\n')}`;
    if (globals.verbose) {
      note(`Analyzed ${result.resources} resources in${targetText}${live ? ` (${live.source.description})` : ''}`);
      note(`Skipped analyzers:\n${result.skipped.map((a) => `    ${a}`).join('\n')}`);
      note(`Executed analyzers:\n${result.executed.map((a) => `    ${a}`).join('\n')}`);
    }
    const shown = atLeast(result.findings, outputThreshold);
    const color = opts.color ?? (process.stdout.isTTY === true && process.env.TERM !== 'dumb' && !process.env.NO_COLOR && globals.color);
    const text = render(shown, format, { color });
    if (format !== 'log' || shown.length > 0) writeStdout(text);
    // Applied the same way for every output format (istioctl sets 79 for log output only, istio#35054).
    const failing = atLeast(result.findings, failureThreshold);
    if (failing.length > 0) {
      throw new UserError(`Analyzers found issues when analyzing${targetText}.`, {
        exitCode: ExitCode.AnalyzerFoundIssues,
        hint: `See ${docsRoot()} for more information about causes and resolutions.`,
      });
    }
    if (shown.length === 0) {
      const skipped = result.skippedFiles.length > 0 ? ` (but ${result.skippedFiles.length} file(s) could not be parsed)` : '';
      note(`\u2714 No validation issues found when analyzing${targetText}${skipped}.`);
    }
  } finally {
    live?.cluster.close();
  }
}
