/** `sailctl dashboard <name>`: find the pod, check the permission, open the tunnel. */
import { UsageError, UserError } from '../core/errors.js';
import { checkAccess, type Cluster } from '../kube/cluster.js';
import { istiodMonitoringPort } from '../kube/istio-pods.js';
import { DASHBOARDS, dashboardUrl, type DashboardName } from './dashboards.js';
import type { PodTarget } from '../kube/pod-target.js';
import { Tunnel } from '../kube/tunnel.js';
import { findDashboardPod, type PodQuery } from './pod-finder.js';

export interface DashboardRequest extends PodQuery {
  dashboard: DashboardName;
  address: string;
  localPort?: number;
  uiPort?: number;
  checkIntervalMs?: number;
  reconnectTimeoutMs?: number;
  log: (message: string) => void;
}

export interface OpenDashboard {
  url: string;
  target: PodTarget;
  tunnel: Tunnel;
}

/**
 * --port (0 = any free port) and the remote --ui-port/--ctrlz_port. Not a number is a flag error
 * (exit 64, as istioctl's int flags); a number out of range is istioctl's exit-1 message.
 */
export function parsePort(value: string | undefined, flag: string, allowZero: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new UsageError(`invalid argument "${value}" for "${flag}" flag: not a port number`);
  if (n < (allowZero ? 0 : 1) || n > 65535) throw new UsageError(`port number ${n} must be in the range ${allowZero ? 0 : 1}..65535`, `Check ${flag}.`);
  return n;
}

export async function openDashboard(cluster: Cluster, req: DashboardRequest): Promise<OpenDashboard> {
  const d = DASHBOARDS[req.dashboard];
  const target = await findDashboardPod(cluster.res, d, req);
  await checkPortForwardPermission(cluster, target.namespace);
  const remotePort = req.uiPort ?? (d.name === 'istiod-debug' ? istiodMonitoringPort(target.pod) : d.uiPort);
  const tunnel = new Tunnel({
    cluster,
    target,
    remotePort,
    address: req.address,
    localPort: req.localPort,
    preferredPort: remotePort,
    checkIntervalMs: req.checkIntervalMs,
    reconnectTimeoutMs: req.reconnectTimeoutMs,
    log: req.log,
  });
  const port = await tunnel.start();
  return { url: dashboardUrl(req.address, port, d.path), target, tunnel };
}

/** One SelfSubjectAccessReview up front, so a missing RBAC rule is named instead of a bare 403. */
async function checkPortForwardPermission(cluster: Cluster, namespace: string): Promise<void> {
  let allowed: boolean | undefined;
  try {
    const [answer] = await checkAccess(cluster.client, [{ verb: 'create', group: '', resource: 'pods', subresource: 'portforward', namespace }]);
    allowed = answer?.allowed;
  } catch {
    // Some clusters do not let users ask; the port-forward itself will tell.
    return;
  }
  if (allowed === false) {
    throw new UserError(`you are not allowed to port-forward to pods in namespace ${namespace} on the cluster ${cluster.describe()}`, {
      hint: 'Ask for the RBAC permission: verb "create" on resource "pods/portforward" in that namespace.',
    });
  }
}
