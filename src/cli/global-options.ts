/** The persistent flags every command accepts (istioctl.md §6.1), as the actions see them. */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  istioNamespace: string;
  namespace?: string;
  kubeclientTimeout: string;
  verbose: boolean;
  color: boolean;
}

import type { Command } from 'commander';

/** Reads the global flags from any command in the tree. */
export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Record<string, unknown>;
  return {
    kubeconfig: (o.kubeconfig as string | undefined) || undefined,
    context: (o.context as string | undefined) || undefined,
    istioNamespace: (o.istioNamespace as string) || process.env.ISTIOCTL_ISTIONAMESPACE || 'istio-system',
    namespace: (o.namespace as string | undefined) || undefined,
    kubeclientTimeout: (o.kubeclientTimeout as string) ?? '15s',
    verbose: Boolean(o.verbose) || Number(o.vklog ?? 0) > 0,
    color: o.color !== false,
  };
}
