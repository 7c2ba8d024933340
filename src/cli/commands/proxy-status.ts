/**
 * `proxy-status` (`ps`, `x ps`): every proxy's xDS sync state per istiod (src/proxystatus/), or,
 * with a pod, how the pod's Envoy configuration differs from what istiod would send it.
 */
import type { Command } from 'commander';
import { UsageError, UserError } from '../../core/errors.js';
import { writeStdout } from '../../core/output.js';
import { withCluster } from '../cluster-session.js';
import { parseDuration, type GlobalOptions } from '../flags.js';

interface Options {
  revision?: string;
  xdsLabel?: string;
  xdsAddress?: string;
  output: string;
  verbosity: string;
  timeout: string;
  file?: string;
  proxyAdminPort: string;
}

export async function run(opts: Options, args: string[], globals: GlobalOptions, _cmd: Command): Promise<void> {
  if (args.length > 1) throw new UsageError(`accepts at most 1 arg(s), received ${args.length}`);
  if (opts.xdsAddress) {
    throw new UserError('--xds-address is not supported: sailctl reads the sync status from istiod\'s debug endpoint through a port-forward, not over xDS', {
      hint: 'Run it against the cluster istiod runs in (--context), with -i/--istioNamespace naming its namespace.',
    });
  }
  const format = opts.output;
  if (!['table', 'json', 'yaml'].includes(format)) throw new UserError(`unknown output format ${format}`);
  const verbosity = Number(opts.verbosity);
  if (!Number.isInteger(verbosity) || verbosity < 0) throw new UsageError(`invalid argument "${opts.verbosity}" for "-v, --verbosity" flag: must be 0 or 1`);
  const timeoutMs = parseDuration(opts.timeout, '--timeout');
  const adminPort = Number(opts.proxyAdminPort);
  if (!Number.isInteger(adminPort) || adminPort < 1 || adminPort > 65535) throw new UsageError(`invalid --proxy-admin-port ${opts.proxyAdminPort}: must be between 1 and 65535`);

  await withCluster(globals, async (cluster) => {
    if (args.length === 1) {
      const { syncDiff } = await import('../../proxystatus/diff.js');
      writeStdout(await syncDiff(cluster, { podArg: args[0]!, namespace: globals.namespace ?? cluster.namespace, istioNamespace: globals.istioNamespace, revision: opts.revision, podSelector: opts.xdsLabel, file: opts.file, adminPort, timeoutMs }));
      return;
    }
    const { fetchSyncz } = await import('../../proxystatus/syncz.js');
    const status = await import('../../proxystatus/status.js');
    const responses = await fetchSyncz(cluster, { istioNamespace: globals.istioNamespace, revision: opts.revision, podSelector: opts.xdsLabel, namespace: globals.namespace, timeoutMs });
    if (format !== 'table') {
      const docs = status.discoveryResponses(responses, globals.namespace);
      if (format === 'json') return writeStdout(`${JSON.stringify(docs, null, 4)}\n`);
      const { emitManifestYaml } = await import('../../yaml/fast-stringify.js');
      return writeStdout(emitManifestYaml(docs));
    }
    const rows = status.proxyRows(responses, globals.namespace);
    writeStdout(verbosity > 0 ? status.formatVerboseTable(rows) : status.formatStatusTable(rows));
  });
}
