/**
 * `sailctl x check-inject [<type>/]<name>[.<namespace>]` or `-l k=v,... [-n ns]`: which
 * Istio injection webhook injects the pod and why (library: src/inject/check-inject.ts).
 * The ✔/✘ marks are coloured only on a terminal (istioctl always colours them).
 */
import type { Command } from 'commander';
import { UsageError, UserError } from '../../core/errors.js';
import { colorEnabled } from '../../core/terminal.js';
import type { GlobalOptions } from '../flags.js';
import { withCluster } from '../cluster-session.js';
import type { MutatingWebhookConfiguration } from '../../inject/check-inject.js';

interface Options {
  labels?: string;
}

export async function run(opts: Options, args: string[], globals: GlobalOptions, _cmd: Command): Promise<void> {
  if ((args.length === 0 && !opts.labels) || args.length > 1) {
    throw new UsageError('check-inject requires only [<resource-type>/]<resource-name>[.<namespace>], or specify labels flag', {
      hint: "Run 'sailctl x check-inject --help' for usage.",
    });
  }
  const { parseLabelSelector } = await import('../../kube/label-selector.js');
  let podLabels: Record<string, string> | undefined;
  if (args.length === 0) {
    try {
      podLabels = parseLabelSelector(opts.labels!).matchLabels ?? {};
    } catch (err) {
      throw new UsageError(`invalid --labels "${opts.labels}": ${(err as Error).message}`);
    }
  }
  await withCluster(globals, async (cluster) => {
    const { builtinResource } = await import('../../kube/resources.js');
    const defaultNamespace = globals.namespace ?? cluster.namespace;
    let namespace = defaultNamespace;
    if (args.length === 1) {
      const { resolvePod } = await import('../../kube/pod-target.js');
      const target = await resolvePod(cluster.res, args[0]!, defaultNamespace);
      namespace = target.namespace;
      podLabels = target.pod.metadata.labels ?? {};
    }
    const ns = await cluster.res.getResource(builtinResource('v1', 'Namespace', 'namespaces', false), namespace);
    if (!ns) throw new UserError(`namespaces "${namespace}" not found`);
    const mwcs = await cluster.res.listResource(builtinResource('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false));
    const { checkInjection, renderVerdicts } = await import('../../inject/check-inject.js');
    const verdicts = checkInjection(mwcs.items as MutatingWebhookConfiguration[], podLabels ?? {}, ns.metadata.labels ?? {});
    process.stdout.write(renderVerdicts(verdicts, colorEnabled(process.stdout)));
  });
}
