/** Opening the cluster for the install-family commands, from the global flags. */
import type { Cluster } from '../kube/cluster.js';
import { parseDuration } from './flags.js';
import type { GlobalOptions } from './flags.js';

export async function openClusterFromGlobals(globals: GlobalOptions): Promise<Cluster> {
  const timeoutMs = parseDuration(globals.kubeclientTimeout, '--kubeclient-timeout');
  const { openCluster } = await import('../kube/cluster.js');
  return openCluster({ kubeconfig: globals.kubeconfig, context: globals.context, timeoutMs });
}
