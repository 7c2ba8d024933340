/**
 * `proxy-config rootca-compare a b`: whether two pods' Envoys trust the same root CA (one
 * certificate of one pod's ROOTCA bundle equal to one of the other's), read from each pod's
 * secrets dump.
 */
import { UserError } from '../core/errors.js';
import type { Cluster } from '../kube/cluster.js';
import { ADMIN_PATH, openProxyAdmin } from './admin.js';
import { parseConfigDump } from './dump.js';
import { certificates, rootCA } from './print/secret.js';

export interface RootCAComparison {
  /** The pods as istioctl names them (`name.namespace`), in argument order. */
  pods: [string, string];
  identical: boolean;
}

export async function compareRootCAs(cluster: Cluster, podArgs: [string, string], namespace: string, adminPort: number): Promise<RootCAComparison> {
  const names: string[] = [];
  const roots: string[] = [];
  for (const arg of podArgs) {
    const admin = await openProxyAdmin(cluster, arg, namespace, adminPort);
    names.push(admin.podName);
    try {
      const text = await admin.request('GET', ADMIN_PATH.secret).catch((err: Error) => {
        throw new UserError(`failed to execute command on ${admin.podName} sidecar: ${err.message}`);
      });
      try {
        roots.push(rootCA(parseConfigDump(text, 'envoy')));
      } catch (err) {
        throw new UserError((err as Error).message);
      }
    } finally {
      admin.close();
    }
  }
  const [a, b] = roots.map((pem) => certificates(pem));
  if (a!.length === 0 || b!.length === 0) throw new UserError(`failed to parse certificates: ${(a!.length === 0 ? roots[0] : roots[1])!.slice(0, 80)}`);
  return { pods: [names[0]!, names[1]!], identical: a!.some((x) => b!.some((y) => x.raw.equals(y.raw))) };
}
