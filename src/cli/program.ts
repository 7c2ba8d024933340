/**
 * The command tree. Every istioctl command sailctl offers is registered here with its
 * flags and help; each action lives in its own module under ./commands and is imported
 * only when that command runs, so `--help` and `--version` stay cheap.
 */
import { Command, Option } from 'commander';
import { UserError } from '../core/errors.js';
import { collect, collectFiles, globalsOf, parseBool, type GlobalOptions } from './flags.js';

export const DASHBOARDS = ['kiali', 'grafana', 'jaeger', 'prometheus', 'zipkin', 'skywalking', 'proxy', 'envoy', 'controlz', 'istiod-debug'] as const;

/** An action: options of the command (as its module declares them), positional arguments, the global flags. */
type Action<O> = (opts: O, args: string[], globals: GlobalOptions, cmd: Command) => Promise<void>;

function lazy<O>(load: () => Promise<{ run: Action<O> }>): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const mod = await load();
    await mod.run(cmd.opts() as O, cmd.args, globalsOf(cmd), cmd);
  };
}

function installInputs(cmd: Command, opts: { fileHelp?: string } = {}): Command {
  return cmd
    .option('-f, --filename <files>', opts.fileHelp ?? 'IstioOperator overlay files, merged left to right; - reads stdin (repeatable, comma-separated)', collectFiles)
    .option('-s, --set <path=value>', 'override an IstioOperator value, e.g. --set profile=demo or --set values.global.hub=docker.io/istio (repeatable)', collect)
    .option('-d, --manifests <dir>', 'a directory of profiles to use instead of the built-in ones')
    .addOption(new Option('--charts <dir>', 'deprecated, use --manifests instead').hideHelp())
    .option('-r, --revision <revision>', 'control plane revision');
}

export function buildProgram(version: string): Command {
  const program = new Command('sailctl');
  program
    .description('sailctl controls an Istio service mesh: install it, verify it, inject sidecars, analyze configuration and open dashboards.\nA faster drop-in for istioctl: same commands, flags and exit codes.')
    .version(version, '--version', 'print the client version and exit')
    .option('-c, --kubeconfig <path>', 'kubernetes configuration file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-i, --istioNamespace <namespace>', 'Istio system namespace', process.env.ISTIOCTL_ISTIONAMESPACE || 'istio-system')
    .option('-n, --namespace <namespace>', 'Kubernetes namespace')
    .option('--kubeclient-timeout <duration>', 'timeout for each Kubernetes API call', '15s')
    .option('-v, --verbose', 'verbose diagnostics on stderr, and stack traces for errors')
    .addOption(new Option('--vklog <level>', 'klog-style verbosity; non-zero turns on --verbose').default('0'))
    .addOption(new Option('--log_output_level <levels>', 'accepted for istioctl compatibility').hideHelp())
    .addOption(new Option('--log_target <targets>', 'accepted for istioctl compatibility').hideHelp())
    .addOption(new Option('--log_as_json', 'accepted for istioctl compatibility').hideHelp())
    .option('--no-color', 'disable colour (also: NO_COLOR=1, or output that is not a terminal)')
    .showSuggestionAfterError(true);

  // install / apply
  installInputs(program.command('install').alias('apply').description('Apply an Istio control plane to the cluster, wait until it is ready, and prune what is no longer rendered'))
    .option('-y, --skip-confirmation', 'do not ask for confirmation')
    .option('--force', 'turn validation errors into warnings')
    .option('--readiness-timeout <duration>', 'how long to wait for each component to become ready', '5m')
    .option('--dry-run', 'render, validate and summarise; change nothing')
    .option('--verify', 'after the install is ready, run the verify-install checks on it')
    .allowExcessArguments(true)
    .action(lazy(() => import('./commands/install.js')));

  installInputs(program.command('uninstall').description('Remove an Istio revision (or everything, with --purge) from the cluster'))
    .option('--purge', 'remove every Istio resource, including CRDs and the custom resources stored in them')
    .option('-y, --skip-confirmation', 'do not ask for confirmation')
    .option('--dry-run', 'list what would be removed; change nothing')
    .addOption(new Option('--force', 'accepted for istioctl compatibility').hideHelp())
    .action(lazy(() => import('./commands/uninstall.js')));

  const manifest = program.command('manifest').description('Render Istio manifests');
  installInputs(manifest.command('generate').description('Print the Kubernetes manifests of an Istio install, without a cluster'))
    .option('--force', 'ignore validation errors')
    .option('-o, --output <path>', 'write to this file, or one file per component if it is a directory')
    .option('--cluster-specific', 'read cluster-specific settings from the current cluster')
    .addOption(new Option('--filter <components>', 'accepted for istioctl compatibility').hideHelp())
    .addOption(new Option('--dry-run', 'accepted for istioctl compatibility').hideHelp())
    // Positional arguments are rejected by the command itself, with istioctl's message and exit 1.
    .allowExcessArguments(true)
    .action(lazy(() => import('./commands/manifest-generate.js')));

  const profile = program.command('profile').description('List, dump and compare installation profiles');
  profile
    .command('list')
    .description('List the available profiles')
    .option('-d, --manifests <dir>', 'a directory of profiles to use instead of the built-in ones')
    .option('-o, --output <format>', 'text|json', 'text')
    .action(lazy(() => import('./commands/profile-list.js')));
  profile
    .command('dump [profile]')
    .description('Print the merged IstioOperator of a profile and overlays')
    .allowExcessArguments(true) // checked by the action: istioctl's "too many positional arguments", exit 1
    .option('-f, --filename <files>', 'IstioOperator overlay files', collectFiles)
    .option('-s, --set <path=value>', 'override a value (repeatable)', collect)
    .option('-p, --config-path <path>', 'print only this subtree, e.g. components.pilot or values.global')
    .option('-o, --output <format>', 'yaml|json|flags', 'yaml')
    .option('-d, --manifests <dir>', 'a directory of profiles to use instead of the built-in ones')
    .action(lazy(() => import('./commands/profile-dump.js')));
  profile
    .command('diff [a] [b]')
    .description('Show the differences between two profiles (names or files)')
    .allowExcessArguments(true) // checked by the action: istioctl's "diff requires two profiles", exit 1
    .option('-d, --manifests <dir>', 'a directory of profiles to use instead of the built-in ones')
    .action(lazy(() => import('./commands/profile-diff.js')));

  installInputs(program.command('verify-install').description('Check that the installed control plane is complete and healthy'), {
    fileHelp: 'verify the objects in these files (or rendered from these IstioOperator files) instead of the recorded install',
  })
    .option('-o, --output <format>', 'text|json|short', 'text')
    .action(lazy(() => import('./commands/verify-install.js')));

  const precheckOptions = (cmd: Command) =>
    cmd
      .option('--skip-controlplane', 'skip the cluster checks')
      .option('-f, --from-version <version>', 'the Istio version you upgrade from, e.g. 1.21')
      .option('-r, --revision <revision>', 'control plane revision')
      .option('--output-threshold <level>', 'lowest level printed: Info|Warning|Error', 'Warning')
      .option('-o, --output <format>', 'log|json|yaml', 'log')
      .action(lazy(() => import('./commands/precheck.js')));
  const x = program.command('x').alias('experimental').alias('exp').description('Experimental commands');
  precheckOptions(x.command('precheck').description('Check that the cluster is ready for an Istio install or upgrade'));
  precheckOptions(program.command('precheck').description('Check that the cluster is ready for an Istio install or upgrade (same as x precheck)'));

  program
    .command('kube-inject')
    .description('Inject the Istio sidecar into Kubernetes workload YAML')
    .option('-f, --filename <file>', 'input resources; - reads stdin')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--injectConfigFile <file>', 'injection configuration (a ConfigMap config with templates:, or a bare template)')
    .option('--valuesFile <file>', 'injection values (JSON), as in the istio-sidecar-injector ConfigMap key values')
    .option('--meshConfigFile <file>', 'mesh configuration file')
    .option('--operatorFileName <file>', 'IstioOperator file whose values and meshConfig apply')
    .option('--meshConfigMapName <name>', 'mesh ConfigMap in the Istio namespace', 'istio')
    .addOption(new Option('--injectConfigMapName <name>', 'injector ConfigMap in the Istio namespace').default('istio-sidecar-injector').hideHelp())
    .option('--webhookConfig <name>', 'name of the injector MutatingWebhookConfiguration', 'istio-sidecar-injector')
    .option('-r, --revision <revision>', 'control plane revision')
    .action(lazy(() => import('./commands/kube-inject.js')));

  program
    .command('analyze [files...]')
    .description('Analyze Istio configuration (files, a live cluster, or both) and report problems with IST message codes')
    .option('-L, --list-analyzers', 'list the analyzers and exit')
    // `-k=false` (pflag's short form) reaches commander as "=false".
    .addOption(new Option('-k, --use-kube [bool]', 'analyze the live cluster too (--use-kube=false: files only)').default(true).argParser((v: string | undefined) => parseBool('--use-kube')(v?.replace(/^=/, ''))))
    .option('-A, --all-namespaces', 'analyze all namespaces')
    .option('-o, --output <format>', 'log|json|yaml|sarif|github', 'log')
    .option('--output-threshold <level>', 'lowest level printed: Info|Warning|Error', 'Info')
    .option('--failure-threshold <level>', 'lowest level that fails the run: Info|Warning|Error', 'Error')
    .option('--meshConfigFile <file>', 'mesh configuration file to use instead of the default or the cluster one')
    .option('--meshNetworksFile <file>', 'mesh networks file')
    .option('-S, --suppress <code=Kind pattern>', 'suppress messages, e.g. "IST0102=Namespace frod" (glob * allowed; repeatable)', collect)
    .option('-R, --recursive', 'walk directories recursively (always on)')
    .option('--ignore-unknown', 'skip files that are not Kubernetes resources instead of failing')
    .option('-r, --revision <revision>', 'control plane revision', 'default')
    .option('--analyzer <name>', "run only these analyzers, by istioctl's names (see -L; repeatable)", collect)
    .option('--remote-contexts <contexts>', 'kubeconfig contexts of other clusters of the mesh, compared by the multi-cluster analyzer (comma-separated, repeatable)', collect)
    .option('--remote-files <[cluster=]path>', "another cluster's resources from files, for the multi-cluster analyzer offline (repeatable)", collect)
    .addOption(new Option('--color [bool]', 'colour the output (default: when stdout is a terminal)').argParser(parseBool('--color')))
    .addOption(new Option('--timeout <duration>', 'accepted for istioctl compatibility').hideHelp())
    .action(lazy(() => import('./commands/analyze.js')));

  program
    .command('validate')
    .alias('v')
    .description('Validate Istio and Kubernetes resources in files against their schemas, offline')
    .option('-f, --filename <files>', 'files or directories to validate; - reads stdin', collectFiles)
    .option('-o, --output <format>', 'log|json|yaml', 'log')
    .addOption(new Option('-x, --referential', 'accepted for istioctl compatibility').hideHelp())
    .action(lazy(() => import('./commands/validate.js')));

  const dashboard = program
    .command('dashboard')
    .alias('dash')
    .alias('d')
    .description('Open an Istio dashboard or an Envoy admin page through a port-forward')
    .option('-p, --port <port>', 'local port (default: the dashboard port if free, else a free one)')
    .option('--address <address>', 'address to listen on', 'localhost')
    .addOption(new Option('--browser [bool]', 'open a browser (--browser=false only prints the URL)').default(true).argParser(parseBool('--browser')))
    .option('-l, --selector <selector>', 'label selector for the pod')
    .option('-o, --output <format>', 'json: print {url, pod, localPort} once the tunnel is up');
  for (const name of DASHBOARDS) {
    const takesPod = ['proxy', 'envoy', 'controlz', 'istiod-debug'].includes(name);
    const sub = dashboard.command(takesPod ? `${name} [pod]` : name).description(dashboardHelp(name));
    if (name === 'controlz' || name === 'istiod-debug') sub.option('-r, --revision <revision>', 'control plane revision');
    // istioctl names the remote port --ctrlz_port on controlz and --ui-port everywhere else.
    if (name === 'controlz') sub.option('--ctrlz_port <port>', 'ControlZ port of istiod', '9876');
    else sub.option('--ui-port <port>', 'the remote port of the dashboard');
    sub.action(lazy(() => import('./commands/dashboard.js')));
  }
  dashboard.argument('[dashboard]').action((name: string | undefined) => {
    if (name === undefined) dashboard.help();
    // istioctl exits 1 here (not a flag-parse error); we keep that.
    throw new UserError(`unknown dashboard "${name}"`, { hint: `Available dashboards: ${DASHBOARDS.join(', ')}.` });
  });

  program
    .command('version')
    .description('Print the client version and, when a cluster is reachable, the control plane version')
    .option('-s, --short', 'print the short form (the default)')
    .option('-o, --output <format>', 'json|yaml|short')
    .addOption(new Option('--remote [bool]', 'also read the control plane version from the cluster').default(true).argParser(parseBool('--remote')))
    .option('-r, --revision <revision>', 'control plane revision')
    .action(lazy(() => import('./commands/version.js')));

  program
    .command('completion <shell>')
    .description('Print a shell completion script: bash, zsh, fish or powershell')
    .option('--no-descriptions', 'leave out command descriptions')
    .action(lazy(() => import('./commands/completion.js')));

  return program;
}

function dashboardHelp(name: (typeof DASHBOARDS)[number]): string {
  switch (name) {
    case 'proxy':
      return 'Open the Envoy admin page of a pod ([type/]name[.namespace], or -l)';
    case 'envoy':
      return 'Deprecated: use proxy. Open the Envoy admin page of a pod';
    case 'controlz':
      return "Open istiod's ControlZ page";
    case 'istiod-debug':
      return "Open istiod's debug page";
    default:
      return `Open the ${name[0]!.toUpperCase()}${name.slice(1)} dashboard`;
  }
}

