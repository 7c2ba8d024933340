/**
 * `sailctl x describe pod|service <name>[.<namespace>]`: the Istio configuration that
 * affects a pod or a Service, from the cluster's objects and the proxies' config dumps
 * (library: src/describe/). Only talks to the cluster; there is no offline form.
 */
import type { Command } from 'commander';
import { UsageError, UserError } from '../../core/errors.js';
import { note } from '../../core/output.js';
import { parsePodArg, podTarget } from '../../kube/pod-target.js';
import type { Cluster } from '../../kube/cluster.js';
import type { Pod } from '../../kube/pods.js';
import type { GlobalOptions } from '../flags.js';
import { withCluster } from '../cluster-session.js';

interface Options {
  ignoreUnmeshed?: boolean;
  proxyAdminPort?: string;
}

export async function run(_opts: Options, args: string[], globals: GlobalOptions, cmd: Command): Promise<void> {
  const kind = cmd.name() as 'pod' | 'service';
  const opts = cmd.opts() as Options;
  if (args.length !== 1) throw new UsageError(kind === 'pod' ? 'expecting pod name' : 'expecting service name', { hint: `Run 'sailctl x describe ${kind} --help' for usage.` });
  const adminPort = Number(opts.proxyAdminPort ?? '15000');
  if (!Number.isInteger(adminPort) || adminPort < 1 || adminPort > 65535) throw new UsageError(`port number ${opts.proxyAdminPort} must be in the range 1..65535`);
  await withCluster(globals, async (cluster) => {
    const namespace = globals.namespace ?? cluster.namespace;
    const { describePod, describeService } = await import('../../describe/describe.js');
    const env = {
      res: cluster.res,
      configDump: (pod: Pod) => configDump(cluster, pod, adminPort),
      out: (text: string) => void process.stdout.write(text),
      log: note,
      namespace,
      istioNamespace: globals.istioNamespace,
      ignoreUnmeshed: opts.ignoreUnmeshed === true,
    };
    const arg = parsePodArg(args[0]!);
    const name = arg.type ? `${arg.type}/${arg.name}` : arg.name;
    if (kind === 'pod') await describePod(env, name, arg.namespace ?? namespace);
    else await describeService(env, name, arg.namespace ?? namespace);
  });
}

/** GET config_dump from the pod's Envoy admin port, through the API server's port-forward. */
async function configDump(cluster: Cluster, pod: Pod, adminPort: number) {
  const { readConfigDump } = await import('../../proxy/admin.js');
  if (pod.status?.phase !== 'Running') throw new UserError(`failure running port forward process: pod is not running. Status=${pod.status?.phase ?? 'Unknown'}`);
  return readConfigDump(cluster, podTarget(pod), adminPort);
}
