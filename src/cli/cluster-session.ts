/**
 * The one way a command reaches a cluster: from the global flags (--kubeconfig, --context,
 * --kubeclient-timeout) to an open Cluster (../kube/cluster.ts). The Kubernetes modules are
 * imported only when a cluster is asked for, so commands stay cheap until then.
 */
import type { Cluster } from '../kube/cluster.js';
import { parseDuration, type GlobalOptions } from './flags.js';

export interface ClusterSession {
  /**
   * Whether a cluster is configured at all, reading files only: an explicit --kubeconfig or
   * --context always counts (so their errors are reported when the cluster is opened);
   * otherwise $KUBECONFIG, ~/.kube/config or the in-cluster service account must name one.
   */
  configured(): Promise<boolean>;
  /** Resolves the kubeconfig, loads the credentials and opens the HTTP client. Close it when done. */
  open(): Promise<Cluster>;
}

/** Runs `fn` with an open cluster and closes it afterwards, so no connection outlives the command. */
export async function withCluster<T>(globals: GlobalOptions, fn: (cluster: Cluster) => Promise<T>): Promise<T> {
  const cluster = await clusterSession(globals).open();
  try {
    return await fn(cluster);
  } finally {
    cluster.close();
  }
}

/** Checks the flags at once (a bad --kubeclient-timeout is a usage error before any work). */
export function clusterSession(globals: GlobalOptions): ClusterSession {
  const timeoutMs = parseDuration(globals.kubeclientTimeout, '--kubeclient-timeout');
  const where = { kubeconfig: globals.kubeconfig, context: globals.context };
  return {
    async configured() {
      if (globals.kubeconfig || globals.context) return true;
      const { resolveKubeconfig } = await import('../kube/kubeconfig.js');
      try {
        resolveKubeconfig(where);
        return true;
      } catch {
        return false;
      }
    },
    async open() {
      const { openCluster } = await import('../kube/cluster.js');
      return openCluster({ ...where, timeoutMs });
    },
  };
}
