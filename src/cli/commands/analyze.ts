/** `sailctl analyze`: parses flags, runs the analysis library, prints findings, sets the exit code. */
import type { Command } from 'commander';
import { ExitCode, UsageError, UserError } from '../../core/errors.js';
import { note, parseOutputFormat, writeStdout } from '../../core/output.js';
import type { GlobalOptions } from '../global-options.js';
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
}

function docsRoot(): string {
  return documentationUrl('IST0101').replace(/\/ist0101\/\?ref=istioctl-analyze$/, '');
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
  if (opts.useKube) {
    throw new UserError('analyzing a live cluster is not available in this version of sailctl', {
      hint: 'Analyze files offline with --use-kube=false, e.g. sailctl analyze --use-kube=false ./manifests',
    });
  }
  if (args.length === 0) {
    throw new UsageError('nothing to analyze: --use-kube=false needs files, directories or - (stdin)', 'Example: sailctl analyze --use-kube=false ./manifests, or kustomize build . | sailctl analyze --use-kube=false -');
  }
  if (args.includes('-') && process.stdin.isTTY && format === 'log') note('Reading from stdin:');
  const result = await analyze({
    files: args,
    namespace: globals.namespace,
    istioNamespace: globals.istioNamespace,
    meshConfigFile: opts.meshConfigFile,
    meshNetworksFile: opts.meshNetworksFile,
    ignoreUnknown: Boolean(opts.ignoreUnknown),
    analyzers: opts.analyzer,
    suppress: opts.suppress,
    warn: note,
  });
  if (globals.verbose) {
    note(`Analyzed ${result.resources} resources in ${result.files.join(', ')}`);
    note(`Skipped analyzers:\n${result.skipped.map((a) => `    ${a}`).join('\n')}`);
    note(`Executed analyzers:\n${result.executed.map((a) => `    ${a}`).join('\n')}`);
  }
  const shown = atLeast(result.findings, outputThreshold);
  const color = opts.color ?? (process.stdout.isTTY === true && process.env.TERM !== 'dumb' && !process.env.NO_COLOR && globals.color);
  const text = render(shown, format, { color });
  if (format !== 'log' || shown.length > 0) writeStdout(text);
  const inputs = args.map((a) => (a === '-' ? 'stdin' : a));
  const targetText = inputs.length === 1 ? ` ${inputs[0]}` : `:\n${inputs.map((f) => `  - ${f}`).join('\n')}`;
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
}
