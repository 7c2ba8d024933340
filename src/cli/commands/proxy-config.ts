/**
 * `sailctl proxy-config|pc <type>`: what a pod's Envoy was configured with, read from its
 * admin API through a port-forward, or offline from a saved dump with -f FILE (which never
 * loads the Kubernetes client). Tables, JSON and YAML as istioctl prints them. Flags and
 * printing here; reading, rendering, log levels and root CAs live in src/proxy/.
 */
import type { Command } from 'commander';
import { UserError, UsageError } from '../../core/errors.js';
import { readInput } from '../../core/input.js';
import { note } from '../../core/output.js';
import type { GlobalOptions } from '../flags.js';
import { withCluster } from '../cluster-session.js';
import type { Cluster } from '../../kube/cluster.js';
import type { ProxyConfigFormat, ProxyConfigQuery, ProxyConfigType } from '../../proxy/config-view.js';
import type { DumpSource } from '../../proxy/dump.js';

interface Options {
  output?: string;
  file?: string;
  proxyAdminPort?: string;
  fqdn?: string;
  direction?: string;
  subset?: string;
  port?: string;
  address?: string;
  type?: string;
  verbose?: boolean;
  waypoint?: boolean;
  name?: string;
  cluster?: string;
  status?: string;
  withHeaders?: boolean;
  level?: string;
  reset?: boolean;
  selector?: string;
}

type Sub = ProxyConfigType | 'log' | 'rootca-compare';

/** An int flag as pflag reads it: not a number is a flag error (exit 64). */
function intFlag(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  if (!/^[+-]?\d+$/.test(value.trim())) throw new UsageError(`invalid argument "${value}" for "${flag}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

export async function run(_opts: Options, args: string[], globals: GlobalOptions, cmd: Command): Promise<void> {
  const opts = cmd.opts() as Options;
  const parentOpts = cmd.parent?.opts() as Options | undefined;
  const sub = cmd.name() as Sub;
  const output = opts.output ?? (sub === 'bootstrap' ? 'json' : 'short');
  const adminPort = intFlag(opts.proxyAdminPort ?? parentOpts?.proxyAdminPort, '--proxy-admin-port') || 15000;
  if (adminPort < 1 || adminPort > 65535) throw new UsageError(`port number ${adminPort} must be in the range 1..65535`);

  if (sub === 'log') return runLog(opts, args, globals, output, adminPort);
  if (sub === 'rootca-compare') return runRootCACompare(args, globals, adminPort);

  // istioctl: exactly one of a pod and --file.
  if ((args.length === 1) === (opts.file !== undefined)) {
    throw new UsageError(`${sub === 'endpoint' ? 'endpoints' : sub} requires pod name or --file parameter`, { hint: `Run 'sailctl proxy-config ${sub} --help' for usage.` });
  }
  if (!['short', 'json', 'yaml'].includes(output)) throw new UsageError(`output format "${output}" not supported`);
  const format = output as ProxyConfigFormat;
  // Flag values are judged before anything is read, as istioctl's flag parsing does.
  const filters = query(opts);

  const source: DumpSource = opts.file !== undefined ? { file: opts.file } : 'envoy';
  const text =
    opts.file !== undefined
      ? (await readInput(opts.file)).text
      : await withCluster(globals, async (cluster) => (await import('../../proxy/admin.js')).fetchProxyConfig(cluster, sub, args[0]!, namespaceOf(cluster, globals), adminPort));
  const { parseProxyConfig, renderProxyConfig } = await import('../../proxy/config-view.js');
  const data = await parseProxyConfig(sub, text, source);
  const { text: out, error } = await renderProxyConfig(data, filters, format);
  process.stdout.write(out);
  if (error) throw error;
}

/** -n, else the kubeconfig context's namespace (which is "default" when unset). */
const namespaceOf = (cluster: Cluster, globals: GlobalOptions) => globals.namespace ?? cluster.namespace;

/** The filter flags, per type. */
function query(opts: Options): ProxyConfigQuery {
  const port = intFlag(opts.port, '--port');
  return {
    cluster: { fqdn: opts.fqdn, direction: opts.direction, subset: opts.subset, port },
    listener: { address: opts.address, port, type: opts.type, verbose: opts.verbose !== false },
    route: { name: opts.name, verbose: opts.verbose !== false },
    endpoint: { address: opts.address, port, cluster: opts.cluster, status: opts.status },
    withHeaders: opts.withHeaders,
    waypoint: opts.waypoint,
    now: testNow(),
  };
}

/** Tests pin the clock VALID CERT is computed against (the certificates in fixtures expire). */
function testNow(): Date | undefined {
  const v = process.env.SAILCTL_TEST_NOW;
  return v ? new Date(v) : undefined;
}

/** `pc log`: read (POST /logging) or change Envoy's logger levels, then print what Envoy answers. */
async function runLog(opts: Options, args: string[], globals: GlobalOptions, output: string, adminPort: number): Promise<void> {
  if (!opts.selector && args.length < 1) throw new UsageError('log requires pod name or --selector', { hint: "Run 'sailctl proxy-config log --help' for usage." });
  if (opts.reset && opts.level) throw new UsageError('--level cannot be combined with --reset', { hint: "Run 'sailctl proxy-config log --help' for usage." });
  if (output !== 'short') throw new UsageError('--output is not applicable for this command');
  if (opts.selector && args.length > 0) throw new UsageError('name cannot be provided when the selector is specified');
  const { pods, resetToWarning } = await withCluster(globals, async (cluster) => {
    const { changeLogLevels } = await import('../../proxy/log-level.js');
    return changeLogLevels(cluster, {
      podArg: args[0],
      selector: opts.selector,
      namespace: namespaceOf(cluster, globals),
      adminPort,
      level: opts.level,
      reset: opts.reset ? { istioNamespace: globals.istioNamespace } : undefined,
    });
  });
  if (resetToWarning) note('unable to get logLevel from ConfigMap istio-sidecar-injector, using default value "warning" for envoy proxies');
  const errors: string[] = [];
  for (const p of pods) {
    if ('error' in p) errors.push(`error configuring log level for ${p.pod}: ${p.error.message}`);
    else process.stdout.write(`${p.pod}:\n${p.response}`);
  }
  if (errors.length > 0) throw new UserError(errors.join('; '));
}

/** `pc rootca-compare a b`: do two pods trust the same root CA? */
async function runRootCACompare(args: string[], globals: GlobalOptions, adminPort: number): Promise<void> {
  if (args.length !== 2) throw new UsageError('rootca-compare requires 2 pods as an argument', { hint: "Run 'sailctl proxy-config rootca-compare --help' for usage." });
  const { pods, identical } = await withCluster(globals, async (cluster) => {
    const { compareRootCAs } = await import('../../proxy/rootca.js');
    return compareRootCAs(cluster, [args[0]!, args[1]!], namespaceOf(cluster, globals), adminPort);
  });
  if (!identical) throw new UserError(`Both [${pods[0]}] and [${pods[1]}] have the non identical ROOTCA, theoretically the connectivity between them is unavailable`);
  process.stdout.write(`Both [${pods[0]}] and [${pods[1]}] have the identical ROOTCA, theoretically the connectivity between them is available\n`);
}
