/** `sailctl analyze`: parses flags, runs the analysis library, prints findings, sets the exit code. */
import { ExitCode, UsageError, UserError } from '../../core/errors.js';
import { note, parseOutputFormat, writeStdout } from '../../core/output.js';
import { colorEnabled } from '../../core/terminal.js';
import type { Cluster } from '../../kube/cluster.js';
import { listAnalyzers } from '../../analyze/analyze.js';
import { documentationUrl, parseLevel } from '../../analyze/messages.js';
import { atLeast, OUTPUT_FORMATS, render } from '../../analyze/report.js';
import { runAnalysis } from '../../analyze/run.js';
import { clusterSession } from '../cluster-session.js';
import type { GlobalOptions } from '../flags.js';

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
  remoteContexts?: string[];
  remoteFiles?: string[];
  color?: boolean;
  revision?: string;
}

function docsRoot(): string {
  return documentationUrl('IST0101').replace(/\/ist0101\/\?ref=istioctl-analyze$/, '');
}

/** The context name in a cluster description (`context "kind-east" (https://…)`). */
function contextOf(describe: string): string {
  return /^context "([^"]+)"/.exec(describe)?.[1] ?? 'primary';
}

/** A live analysis needs the cluster; when it cannot be opened, say how to analyze the files alone. */
async function openLive(globals: GlobalOptions, files: string[]): Promise<Cluster> {
  try {
    return await clusterSession(globals).open();
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const hint = [err.hint, files.length > 0 ? 'To analyze the files without a cluster, pass --use-kube=false.' : undefined].filter(Boolean).join('\n');
    throw new UserError(err.message, { exitCode: err.exitCode, hint: hint || undefined, cause: err });
  }
}

export async function run(opts: AnalyzeFlags, args: string[], globals: GlobalOptions): Promise<void> {
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
  const cluster = opts.useKube ? await openLive(globals, args) : undefined;
  const { remoteClusters } = await import('../../analyze/remotes.js');
  const remotes = await remoteClusters({ contexts: (opts.remoteContexts ?? []).flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean), files: opts.remoteFiles ?? [], open: (context) => clusterSession({ ...globals, context }).open(), warn: note });
  try {
    if (args.includes('-') && process.stdin.isTTY && format === 'log') note('Reading from stdin:');
    const result = await runAnalysis({
      files: args,
      cluster,
      namespace: globals.namespace,
      allNamespaces: Boolean(opts.allNamespaces),
      istioNamespace: globals.istioNamespace,
      revision: opts.revision || 'default',
      meshConfigFile: opts.meshConfigFile,
      meshNetworksFile: opts.meshNetworksFile,
      ignoreUnknown: Boolean(opts.ignoreUnknown),
      analyzers: opts.analyzer,
      suppress: opts.suppress,
      remotes: remotes.length > 0 ? remotes : undefined,
      clusterId: remotes.length === 0 ? undefined : cluster ? (globals.context ?? contextOf(cluster.describe())) : 'primary',
      warn: note,
    });
    if (globals.verbose) for (const line of result.details) note(line);
    const shown = atLeast(result.findings, outputThreshold);
    const text = render(shown, format, { color: opts.color ?? colorEnabled(process.stdout) });
    if (format !== 'log' || shown.length > 0) writeStdout(text);
    // Applied the same way for every output format (istioctl sets 79 for log output only, istio#35054).
    if (atLeast(result.findings, failureThreshold).length > 0) {
      throw new UserError(`Analyzers found issues when analyzing${result.scope}.`, {
        exitCode: ExitCode.AnalyzerFoundIssues,
        hint: `See ${docsRoot()} for more information about causes and resolutions.`,
      });
    }
    if (shown.length === 0) {
      const skipped = result.skippedFiles.length > 0 ? ` (but ${result.skippedFiles.length} file(s) could not be parsed)` : '';
      note(`\u2714 No validation issues found when analyzing${result.scope}${skipped}.`);
    }
  } finally {
    cluster?.close();
  }
}
