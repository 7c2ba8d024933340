/**
 * One `sailctl analyze` run: which namespace it covers (-A: all; live: -n, else the kubeconfig
 * context's, else default; files only: -n, else all), the open cluster as a resource source,
 * and the words the report uses for that scope. The command only parses flags and prints.
 */
import { UserError } from '../core/errors.js';
import type { Cluster } from '../kube/cluster.js';
import { analyze, type AnalysisResult, type AnalyzeOptions } from './analyze.js';

export interface AnalysisRequest extends Omit<AnalyzeOptions, 'namespace' | 'targetNamespace' | 'cluster'> {
  /** -n/--namespace. */
  namespace?: string;
  /** -A/--all-namespaces. */
  allNamespaces: boolean;
  /** An open cluster for a live analysis, undefined for files only (--use-kube=false). */
  cluster?: Cluster;
}

export interface AnalysisRun extends AnalysisResult {
  /** What follows "analyzing": " namespace: default", " all namespaces", " a.yaml", or a list of inputs. */
  scope: string;
  /** The --verbose lines: how many resources from where, and which analyzers ran or were skipped. */
  details: string[];
}

export async function runAnalysis(req: AnalysisRequest): Promise<AnalysisRun> {
  const { cluster, allNamespaces, namespace, ...options } = req;
  const target = allNamespaces ? undefined : cluster ? namespace || cluster.namespace || 'default' : namespace;
  let source;
  if (cluster) {
    if (target !== undefined && !(await cluster.res.get('v1', 'Namespace', target))) {
      throw new UserError(`namespace "${target}" not found in the cluster ${cluster.describe()}: nothing was analyzed`, {
        hint: 'Check -n/--namespace (or the kubeconfig context namespace), or analyze every namespace with -A.',
      });
    }
    const { ClusterSource } = await import('./cluster-source.js');
    source = new ClusterSource({
      res: cluster.res,
      describe: cluster.describe(),
      istioNamespace: req.istioNamespace,
      revision: req.revision,
      fallbackNamespaces: target === undefined ? undefined : [...new Set([target, req.istioNamespace])],
      warn: req.warn,
    });
  }
  const result = await analyze({ ...options, namespace: target ?? namespace, targetNamespace: target, cluster: source });
  const inputs = req.files.map((a) => (a === '-' ? 'stdin' : a));
  const scope = allNamespaces ? ' all namespaces' : inputs.length === 0 ? ` namespace: ${target}` : inputs.length === 1 ? ` ${inputs[0]}` : `:\n${inputs.map((f) => `  - ${f}`).join('\n')}`;
  const details = [
    `Analyzed ${result.resources} resources in${scope}${source ? ` (${source.description})` : ''}`,
    `Skipped analyzers:\n${result.skipped.map((a) => `    ${a}`).join('\n')}`,
    `Executed analyzers:\n${result.executed.map((a) => `    ${a}`).join('\n')}`,
  ];
  return { ...result, scope, details };
}
