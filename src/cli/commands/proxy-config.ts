/**
 * `sailctl proxy-config|pc <type>`: what a pod's Envoy was configured with, read from its
 * admin API through a port-forward, or offline from a saved dump with -f FILE (which never
 * loads the Kubernetes client). Tables, JSON and YAML as istioctl prints them.
 */
import type { Command } from 'commander';
import { UserError, UsageError } from '../../core/errors.js';
import { readInput } from '../../core/input.js';
import { note } from '../../core/output.js';
import type { GlobalOptions } from '../flags.js';
import { withCluster } from '../cluster-session.js';
import type { Cluster } from '../../kube/cluster.js';
import type { ConfigDump, DumpSource } from '../../proxy/dump.js';
import type { EnvoyAdmin } from '../../proxy/admin.js';

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

type Sub = 'cluster' | 'listener' | 'route' | 'endpoint' | 'eds' | 'secret' | 'bootstrap' | 'ecds' | 'all' | 'log' | 'rootca-compare';

const LEVELS = ['trace', 'debug', 'info', 'warning', 'warn', 'error', 'critical', 'off'];

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
  const format = output as 'short' | 'json' | 'yaml';

  const source: DumpSource = opts.file !== undefined ? { file: opts.file } : 'envoy';
  const text =
    opts.file !== undefined ? (await readInput(opts.file)).text : await withCluster(globals, (cluster) => fetchFromPod(cluster, globals, args[0]!, adminPort, sub));
  if (sub === 'endpoint') return printEndpoints(text, source, opts, format);
  const { parseConfigDump } = await import('../../proxy/dump.js');
  const dump = parseConfigDump(text, source);
  process.stdout.write(await render(sub, dump, opts, format));
}

/** -n, else the kubeconfig context's namespace (which is "default" when unset). */
const namespaceOf = (cluster: Cluster, globals: GlobalOptions) => globals.namespace ?? cluster.namespace;

async function openAdmin(cluster: Cluster, globals: GlobalOptions, podArg: string, adminPort: number): Promise<EnvoyAdmin> {
  const { resolveProxyPod, checkProxyPod } = await import('../../proxy/target.js');
  const { EnvoyAdmin } = await import('../../proxy/admin.js');
  const target = await resolveProxyPod(cluster.res, podArg, namespaceOf(cluster, globals));
  checkProxyPod(target.pod);
  return EnvoyAdmin.open(cluster, target, adminPort);
}

/** GETs the admin path istioctl uses for `sub` from the pod's Envoy. */
async function fetchFromPod(cluster: Cluster, globals: GlobalOptions, podArg: string, adminPort: number, sub: Sub): Promise<string> {
  const { ADMIN_PATH } = await import('../../proxy/admin.js');
  const path = sub === 'all' || sub === 'ecds' || sub === 'eds' ? ADMIN_PATH.eds : ADMIN_PATH[sub as keyof typeof ADMIN_PATH];
  const admin = await openAdmin(cluster, globals, podArg, adminPort);
  try {
    return await admin.request('GET', path);
  } catch (err) {
    if (err instanceof UserError && sub !== 'endpoint') throw new UserError(`failed to execute command on ${admin.podName} sidecar: ${err.message}`, { cause: err });
    if (err instanceof UserError) throw new UserError(`failed to execute command on Envoy: ${err.message}`, { cause: err });
    throw err;
  } finally {
    admin.close();
  }
}

function filters(opts: Options) {
  const port = intFlag(opts.port, '--port');
  return {
    cluster: { fqdn: opts.fqdn, direction: opts.direction, subset: opts.subset, port },
    listener: { address: opts.address, port, type: opts.type, verbose: opts.verbose !== false },
    route: { name: opts.name, verbose: opts.verbose !== false },
    endpoint: { address: opts.address, port, cluster: opts.cluster, status: opts.status },
  };
}

async function render(sub: Sub, dump: ConfigDump, opts: Options, format: 'short' | 'json' | 'yaml'): Promise<string> {
  const f = filters(opts);
  const structured = format === 'short' ? undefined : await import('../../proxy/print/structured.js');
  switch (sub) {
    case 'cluster': {
      const m = await import('../../proxy/print/cluster.js');
      if (!structured) return m.printClusterSummary(dump, f.cluster);
      return structured.messageSlice('envoy.config.cluster.v3.Cluster', m.filteredClusters(dump, f.cluster), format as 'json');
    }
    case 'listener': {
      const m = await import('../../proxy/print/listener.js');
      if (opts.waypoint) return m.printWaypointListenerSummary(dump);
      if (!structured) return m.printListenerSummary(dump, f.listener);
      return structured.messageSlice('envoy.config.listener.v3.Listener', m.sortedListeners(dump, f.listener), format as 'json');
    }
    case 'route': {
      const m = await import('../../proxy/print/route.js');
      if (!structured) return m.printRouteSummary(dump, f.route);
      return structured.messageSlice('envoy.config.route.v3.RouteConfiguration', m.filteredRoutes(dump, f.route), format as 'json');
    }
    case 'eds': {
      const m = await import('../../proxy/print/eds.js');
      if (!structured) return m.printEdsSummary(dump, f.endpoint);
      return structured.messageSlice('envoy.config.endpoint.v3.ClusterLoadAssignment', m.filteredLoadAssignments(dump, f.endpoint), format as 'json');
    }
    case 'secret': {
      if (!structured) return (await import('../../proxy/print/secret.js')).printSecretSummary(dump, { now: testNow() });
      let section;
      try {
        section = dump.secretsSection();
      } catch (err) {
        throw new UserError(`sidecar doesn't support secrets: ${(err as Error).message}`);
      }
      return structured.indentedMessage('envoy.admin.v3.SecretsConfigDump', section, format as 'json');
    }
    case 'bootstrap': {
      if (!structured) return (await import('../../proxy/print/bootstrap.js')).printBootstrapSummary(dump);
      return structured.indentedMessage('envoy.admin.v3.BootstrapConfigDump', dump.bootstrapSection(), format as 'json');
    }
    case 'ecds': {
      if (!structured) return (await import('../../proxy/print/ecds.js')).printEcdsSummary(dump);
      return structured.ecdsDump(dump, format as 'json');
    }
    case 'all': {
      if (structured) return structured.rawDump(dump, format as 'json');
      const { printFullSummary } = await import('../../proxy/print/all.js');
      const { text, error } = printFullSummary(dump, { ...f, withHeaders: opts.withHeaders, now: testNow() });
      if (error) {
        process.stdout.write(text);
        throw error;
      }
      return text;
    }
    default:
      throw new UsageError(`unknown proxy-config type "${sub}"`);
  }
}

/** Tests pin the clock VALID CERT is computed against (the certificates in fixtures expire). */
function testNow(): Date | undefined {
  const v = process.env.SAILCTL_TEST_NOW;
  return v ? new Date(v) : undefined;
}

async function printEndpoints(text: string, source: DumpSource, opts: Options, format: 'short' | 'json' | 'yaml'): Promise<void> {
  const { parseJson } = await import('../../proxy/dump.js');
  const { ClustersStatus, printEndpointSummary, filteredClusterStatuses } = await import('../../proxy/print/endpoint.js');
  const status = new ClustersStatus(parseJson(text, source, 'clusters response'));
  const filter = filters(opts).endpoint;
  if (format === 'short') return void process.stdout.write(printEndpointSummary(status, filter));
  const { messageSlice } = await import('../../proxy/print/structured.js');
  process.stdout.write(messageSlice('envoy.admin.v3.ClusterStatus', filteredClusterStatuses(status, filter), format));
}

/** `pc log`: read (POST /logging) or change Envoy's logger levels, then print what Envoy answers. */
async function runLog(opts: Options, args: string[], globals: GlobalOptions, output: string, adminPort: number): Promise<void> {
  if (!opts.selector && args.length < 1) throw new UsageError('log requires pod name or --selector', { hint: "Run 'sailctl proxy-config log --help' for usage." });
  if (opts.reset && opts.level) throw new UsageError('--level cannot be combined with --reset', { hint: "Run 'sailctl proxy-config log --help' for usage." });
  if (output !== 'short') throw new UsageError('--output is not applicable for this command');
  if (opts.selector && args.length > 0) throw new UsageError('name cannot be provided when the selector is specified');
  await withCluster(globals, (cluster) => changeLogLevels(opts, args, cluster, globals, adminPort));
}

async function changeLogLevels(opts: Options, args: string[], cluster: Cluster, globals: GlobalOptions, adminPort: number): Promise<void> {

  const { resolveProxyPod, checkProxyPod } = await import('../../proxy/target.js');
  const { podsBySelector } = await import('../../kube/pod-target.js');
  const { EnvoyAdmin } = await import('../../proxy/admin.js');
  const namespace = namespaceOf(cluster, globals);
  const targets = opts.selector ? await podsBySelector(cluster.res, opts.selector, namespace) : [await resolveProxyPod(cluster.res, args[0]!, namespace)];
  const admins: EnvoyAdmin[] = [];
  try {
    for (const t of targets) {
      checkProxyPod(t.pod);
      admins.push(await EnvoyAdmin.open(cluster, t, adminPort));
    }
    const post = async (admin: EnvoyAdmin, param: string) => {
      try {
        return await admin.request('POST', param ? `logging?${param}` : 'logging');
      } catch (err) {
        if (err instanceof UserError) throw new UserError(`failed to execute command on Envoy: ${err.message}`, { cause: err });
        throw err;
      }
    };
    // istioctl reads the logger list first (of each pod; the last one names the known loggers).
    let loggers = '';
    for (const admin of admins) loggers = await post(admin, '');

    const levels = new Map<string, string>();
    if (opts.reset) {
      levels.set('level', await defaultLogLevel(cluster, globals.istioNamespace));
    } else if (opts.level) {
      for (const ol of opts.level.split(',')) {
        if (!ol.includes(':') && !ol.includes('=')) {
          if (!LEVELS.includes(ol)) throw new UserError(`unrecognized logging level: ${ol}`);
          levels.clear();
          levels.set('level', canonicalLevel(ol));
          continue;
        }
        // `namespace::logger:level` or `logger=level`; only the last `::` part counts.
        const rest = ol.split('::').pop()!;
        const sep = rest.search(/[:=]/);
        const name = sep >= 0 ? rest.slice(0, sep) : rest;
        const lvl = sep >= 0 ? rest.slice(sep + 1) : '';
        if (!loggers.includes(name) && name !== 'level') throw new UserError(`unrecognized logger name: ${name}`);
        if (!LEVELS.includes(lvl)) throw new UserError(`unrecognized logging level: ${lvl}`);
        levels.set(name, canonicalLevel(lvl));
      }
    }

    const errors: string[] = [];
    for (const admin of admins) {
      try {
        let resp = '';
        if (levels.size === 0) resp = await post(admin, '');
        else {
          if (levels.has('level')) resp = await post(admin, `level=${levels.get('level')}`);
          for (const [logger, level] of levels) if (logger !== 'level') resp = await post(admin, `${logger}=${level}`);
        }
        process.stdout.write(`${admin.podName}:\n${resp}`);
      } catch (err) {
        errors.push(`error configuring log level for ${admin.podName}: ${(err as Error).message}`);
      }
    }
    if (errors.length > 0) throw new UserError(errors.join('; '));
  } finally {
    for (const a of admins) a.close();
  }
}

/** istioctl sends the canonical names: `warn` is sent as `warning`. */
function canonicalLevel(l: string): string {
  return l === 'warn' ? 'warning' : l;
}

/** global.proxy.logLevel from the injector's values, else warning (with istioctl's warning). */
async function defaultLogLevel(cluster: Cluster, istioNamespace: string): Promise<string> {
  const { builtinResource } = await import('../../kube/resources.js');
  try {
    const cm = await cluster.res.getResource(builtinResource('v1', 'ConfigMap', 'configmaps'), 'istio-sidecar-injector', istioNamespace);
    const values = JSON.parse(cm?.data?.values ?? '{}') as { global?: { proxy?: { logLevel?: string } } };
    const level = values.global?.proxy?.logLevel ?? '';
    if (LEVELS.includes(level)) return canonicalLevel(level);
  } catch {
    // fall through to the default, as istioctl does
  }
  note('unable to get logLevel from ConfigMap istio-sidecar-injector, using default value "warning" for envoy proxies');
  return 'warning';
}

/** `pc rootca-compare a b`: do two pods trust the same root CA? */
async function runRootCACompare(args: string[], globals: GlobalOptions, adminPort: number): Promise<void> {
  if (args.length !== 2) throw new UsageError('rootca-compare requires 2 pods as an argument', { hint: "Run 'sailctl proxy-config rootca-compare --help' for usage." });
  await withCluster(globals, (cluster) => compareRootCAs(args, cluster, globals, adminPort));
}

async function compareRootCAs(args: string[], cluster: Cluster, globals: GlobalOptions, adminPort: number): Promise<void> {
  const { parseConfigDump } = await import('../../proxy/dump.js');
  const { rootCA, certificates } = await import('../../proxy/print/secret.js');
  const names: string[] = [];
  const roots: string[] = [];
  for (const arg of args) {
    const admin = await openAdmin(cluster, globals, arg, adminPort);
    names.push(admin.podName);
    try {
      const text = await admin.request('GET', 'config_dump?mask=dynamic_active_secrets,dynamic_warming_secrets').catch((err: Error) => {
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
  const match = a!.some((x) => b!.some((y) => x.raw.equals(y.raw)));
  if (!match) throw new UserError(`Both [${names[0]}] and [${names[1]}] have the non identical ROOTCA, theoretically the connectivity between them is unavailable`);
  process.stdout.write(`Both [${names[0]}] and [${names[1]}] have the identical ROOTCA, theoretically the connectivity between them is available\n`);
}
