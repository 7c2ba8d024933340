/**
 * The command tree. Every istioctl command sailctl offers is registered here with its
 * flags and help; each action lives in its own module under ./commands and is imported
 * only when that command runs, so `--help` and `--version` stay cheap.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { collect, collectFiles, durationFlag, globalsOf, levelFlag, parseBool, type GlobalOptions } from './flags.js';

/** Environment variables whose values show in help (as flag defaults): while one is set, help is not served from the build's copy. */
export const HELP_ENV = ['ISTIOCTL_ISTIONAMESPACE'];

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

/** An `Examples:` section after a command's help: the commands people look for first. */
function examples(cmd: Command, lines: [string, string][]): Command {
  return cmd.addHelpText('after', examplesText(lines));
}

function examplesText(lines: [string, string][]): string {
  const width = Math.max(...lines.map(([c]) => c.length));
  return `\nExamples:\n${lines.map(([c, what]) => `  ${c.padEnd(width)}  # ${what}`).join('\n')}\n`;
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
    .addOption(new Option('--kubeclient-timeout <duration>', 'timeout for each Kubernetes API call').default('15s').argParser(durationFlag('--kubeclient-timeout')))
    .option('-v, --verbose', 'verbose diagnostics on stderr, and stack traces for errors')
    .addOption(new Option('--vklog <level>', 'klog-style verbosity; non-zero turns on --verbose').default('0').argParser(levelFlag('--vklog')))
    .addOption(new Option('--log_output_level <levels>', 'accepted for istioctl compatibility').hideHelp())
    .addOption(new Option('--log_target <targets>', 'accepted for istioctl compatibility').hideHelp())
    .addOption(new Option('--log_as_json', 'accepted for istioctl compatibility').hideHelp())
    .option('--no-color', 'disable colour (also: NO_COLOR=1, or output that is not a terminal)')
    .showSuggestionAfterError(true);

  // install / apply
  installInputs(program.command('install').alias('apply').description('Apply an Istio control plane to the cluster, wait until it is ready, and prune what is no longer rendered'))
    .option('-y, --skip-confirmation', 'do not ask for confirmation')
    .option('--force', 'turn validation errors into warnings')
    .addOption(new Option('--readiness-timeout <duration>', 'how long to wait for each component to become ready').default('5m').argParser(durationFlag('--readiness-timeout')))
    .option('--dry-run', 'render, validate and summarise; change nothing')
    .option('--verify', 'after the install is ready, run the verify-install checks on it')
    .allowExcessArguments(true)
    .action(lazy(() => import('./commands/install.js')));
  examples(program.commands.at(-1)!, [
    ['sailctl install --set profile=demo -y', 'install the demo profile without asking'],
    ['sailctl install -f my-operator.yaml --dry-run', 'check the cluster and show what would change'],
    ['sailctl install --set revision=canary -y', 'install a second control plane as revision canary'],
  ]);

  // upgrade: install in place, with the upgrade checks first
  installInputs(program.command('upgrade').description('Upgrade the control plane of a revision in place to this version (install with upgrade checks first)'))
    .option('-y, --skip-confirmation', 'do not ask for confirmation')
    .option('--force', 'turn validation errors and failed upgrade checks into warnings')
    .option('--dry-run', 'check, render and summarise; change nothing')
    .option('--verify', 'after the upgrade is ready, run the verify-install checks on it')
    .addOption(new Option('--readiness-timeout <duration>', 'how long to wait for each component to become ready').default('5m').argParser(durationFlag('--readiness-timeout')))
    .allowExcessArguments(true)
    .action(lazy(() => import('./commands/upgrade.js')));
  examples(program.commands.at(-1)!, [
    ['sailctl upgrade --dry-run', 'what the upgrade would change, after its checks'],
    ['sailctl upgrade -y', 'upgrade the default revision in place'],
    ['sailctl upgrade -f my-operator.yaml -y', 'upgrade with the settings of an IstioOperator file'],
  ]);

  installInputs(program.command('uninstall').description('Remove an Istio revision (or everything, with --purge) from the cluster'))
    .option('--purge', 'remove every Istio resource, including CRDs and the custom resources stored in them')
    .option('-y, --skip-confirmation', 'do not ask for confirmation')
    .option('--dry-run', 'list what would be removed; change nothing')
    .addOption(new Option('--force', 'accepted for istioctl compatibility').hideHelp())
    .action(lazy(() => import('./commands/uninstall.js')));
  examples(program.commands.at(-1)!, [
    ['sailctl uninstall --revision canary', 'remove revision canary (asks first)'],
    ['sailctl uninstall --purge --dry-run', 'list everything a purge would remove'],
    ['sailctl uninstall --purge -y', 'remove every Istio resource, CRDs included'],
  ]);

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
  examples(manifest.commands.at(-1)!, [
    ['sailctl manifest generate --set profile=minimal', 'print the manifests of the minimal profile'],
    ['sailctl manifest generate -f my-operator.yaml -o out/', 'one file per component in out/'],
    ['sailctl manifest generate --set values.global.hub=my.registry/istio', 'use your own image registry'],
  ]);

  const profile = program.command('profile').description('List, dump and compare installation profiles');
  profile
    .command('list')
    .description('List the available profiles')
    .option('-d, --manifests <dir>', 'a directory of profiles to use instead of the built-in ones')
    .option('-o, --output <format>', 'text|json', 'text')
    .action(lazy(() => import('./commands/profile-list.js')));
  examples(profile.commands.at(-1)!, [['sailctl profile list', 'the built-in profiles, one per line']]);
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
  examples(profile.commands.at(-1)!, [
    ['sailctl profile dump demo', 'the demo profile as an IstioOperator'],
    ['sailctl profile dump -p values.global demo', 'only one subtree'],
    ['sailctl profile dump -f my-operator.yaml -o flags', 'your overlay as --set flags'],
  ]);
  profile
    .command('diff [a] [b]')
    .description('Show the differences between two profiles (names or files)')
    .allowExcessArguments(true) // checked by the action: "diff requires two profiles", exit 64
    .option('-d, --manifests <dir>', 'a directory of profiles to use instead of the built-in ones')
    .action(lazy(() => import('./commands/profile-diff.js')));
  examples(profile.commands.at(-1)!, [
    ['sailctl profile diff default demo', 'what demo changes from default'],
    ['sailctl profile diff default my-operator.yaml', 'what your file changes'],
  ]);

  installInputs(program.command('verify-install').description('Check that the installed control plane is complete and healthy'), {
    fileHelp: 'verify the objects in these files (or rendered from these IstioOperator files) instead of the recorded install',
  })
    .option('-o, --output <format>', 'text|json|short', 'text')
    .action(lazy(() => import('./commands/verify-install.js')));
  examples(program.commands.at(-1)!, [
    ['sailctl verify-install', 'check the recorded install'],
    ['sailctl verify-install -r canary -o short', 'one line for revision canary'],
    ['sailctl verify-install -f my-operator.yaml', 'check against what this file renders'],
  ]);

  const precheckOptions = (cmd: Command) =>
    cmd
      .option('--skip-controlplane', 'skip the cluster checks')
      .option('-f, --from-version <version>', 'the Istio version you upgrade from, e.g. 1.21')
      .option('-r, --revision <revision>', 'control plane revision')
      .option('--output-threshold <level>', 'lowest level printed: Info|Warning|Error', 'Warning')
      .option('-o, --output <format>', 'log|json|yaml', 'log')
      .action(lazy(() => import('./commands/precheck.js')))
      .addHelpText('after', () => examplesText([
        [`sailctl ${cmd.parent?.name() === 'x' ? 'x ' : ''}precheck`, 'can this cluster take an install?'],
        [`sailctl ${cmd.parent?.name() === 'x' ? 'x ' : ''}precheck -f 1.22 -o json`, 'before an upgrade from 1.22, as JSON'],
      ]));
  const x = program.command('x').alias('experimental').alias('exp').description('Experimental commands');
  precheckOptions(x.command('precheck').description('Check that the cluster is ready for an Istio install or upgrade'));
  registerDescribe(x);
  registerCheckInject(x);
  proxyStatusCommand(x.command('proxy-status [pod]').alias('ps').description('Retrieve the synchronization status of each Envoy in the mesh (same as proxy-status)'));
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
  examples(program.commands.at(-1)!, [
    ['sailctl kube-inject -f app.yaml | kubectl apply -f -', "inject with the cluster's injector settings"],
    ['kubectl get deploy web -o yaml | sailctl kube-inject -f -', 'inject a running Deployment'],
    ['sailctl kube-inject -f app.yaml --injectConfigFile inject-config.yaml --valuesFile values.json --meshConfigFile mesh.yaml', 'offline, from saved ConfigMaps'],
  ]);

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
    .addOption(new Option('--timeout <duration>', 'accepted for istioctl compatibility').hideHelp().argParser(durationFlag('--timeout')))
    .action(lazy(() => import('./commands/analyze.js')));
  examples(program.commands.at(-1)!, [
    ['sailctl analyze', 'the live cluster, current namespace'],
    ['sailctl analyze -A', 'every namespace'],
    ['sailctl analyze --use-kube=false k8s/', 'files only, for CI'],
    ['sailctl analyze k8s/ -S "IST0102=Namespace default"', 'files with the cluster, one finding suppressed'],
  ]);

  program
    .command('validate')
    .alias('v')
    .description('Validate Istio and Kubernetes resources in files against their schemas, offline')
    .option('-f, --filename <files>', 'files or directories to validate; - reads stdin', collectFiles)
    .option('-o, --output <format>', 'log|json|yaml', 'log')
    .addOption(new Option('-x, --referential', 'accepted for istioctl compatibility').hideHelp())
    .action(lazy(() => import('./commands/validate.js')));
  examples(program.commands.at(-1)!, [
    ['sailctl validate -f samples/bookinfo/networking/', 'every file in a directory'],
    ['kustomize build . | sailctl validate -f -', 'from standard input'],
  ]);

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
  examples(dashboard, [
    ['sailctl dashboard kiali', 'open Kiali in a browser'],
    ['sailctl dashboard grafana --browser=false -p 3000', 'only print the URL, on local port 3000'],
    ['sailctl dashboard proxy deploy/productpage -n bookinfo', "a workload's Envoy admin page"],
  ]);
  for (const name of DASHBOARDS) {
    const takesPod = ['proxy', 'envoy', 'controlz', 'istiod-debug'].includes(name);
    const sub = dashboard.command(takesPod ? `${name} [pod]` : name).description(dashboardHelp(name));
    if (name === 'controlz' || name === 'istiod-debug') sub.option('-r, --revision <revision>', 'control plane revision');
    // istioctl names the remote port --ctrlz_port on controlz and --ui-port everywhere else.
    if (name === 'controlz') sub.option('--ctrlz_port <port>', 'ControlZ port of istiod', '9876');
    else sub.option('--ui-port <port>', 'the remote port of the dashboard');
    sub.action(lazy(() => import('./commands/dashboard.js')));
    examples(
      sub,
      takesPod
        ? [
            [`sailctl dashboard ${name} ${name === 'proxy' || name === 'envoy' ? 'productpage-v1-5d9b4c9849-2nsxm -n bookinfo' : 'istiod-7d4f9c8b6-x2k4q'}`, 'a pod by name'],
            [`sailctl dashboard ${name} -l ${name === 'proxy' || name === 'envoy' ? 'app=productpage -n bookinfo' : 'app=istiod'}`, 'the first pod a selector matches'],
          ]
        : [
            [`sailctl dashboard ${name}`, 'port-forward and open a browser'],
            [`sailctl dashboard ${name} --browser=false`, 'only print the URL'],
          ],
    );
  }
  dashboard.argument('[dashboard]').action((name: string | undefined) => {
    if (name === undefined) dashboard.help();
    // istioctl exits 1 here; an unknown subcommand is a usage error (64) like any unknown command
    throw new UsageError(`unknown dashboard "${name}"`, `Available dashboards: ${DASHBOARDS.join(', ')}.`);
  });

  // tag set | generate | list | remove (revision tags)
  {
    const tag = program
      .command('tag')
      .description('Create, list and remove revision tags: stable names (istio.io/rev=<tag>) that point at a control plane revision')
      .argument('[subcommand]');
    const setFlags = (cmd: Command) =>
      cmd
        .option('-r, --revision <revision>', 'control plane revision to reference from the revision tag (required)')
        .option('--overwrite', 'allow an existing revision tag to be pointed at another revision')
        .option('-y, --skip-confirmation', 'do not ask for confirmation; a Yes answer is assumed')
        .option('--webhook-name <name>', "name for the revision tag's MutatingWebhookConfiguration")
        .option('--auto-inject-namespaces', 'the default tag injects sidecars into every namespace without injection labels')
        .option('-d, --manifests <dir>', 'accepted for istioctl compatibility (sailctl renders tags itself)')
        .allowExcessArguments(true) // checked by the action: istioctl's messages, exit 1
        .configureHelp({ showGlobalOptions: true });
    examples(tag, [
      ['sailctl tag set prod-stable --revision 1-30', 'point the prod-stable tag at revision 1-30'],
      ['sailctl tag list', 'every tag, its revision and the namespaces using it'],
    ]);
    examples(setFlags(tag.command('set').argument('[tag]').description('Create or modify a revision tag')), [
      ['sailctl tag set prod-stable --revision canary', 'create the tag, pointing at the canary revision'],
      ['sailctl tag set default --revision canary --overwrite', 'move the default tag to the canary revision'],
      ['kubectl label namespace bookinfo istio.io/rev=prod-stable', 'then move a namespace onto the tag'],
    ]).action(lazy(async () => ({ run: (await import('./commands/tag.js')).set })));
    examples(setFlags(tag.command('generate').argument('[tag]').description("Print a revision tag's configuration (YAML) without applying it")), [
      ['sailctl tag generate prod-stable --revision canary > tag.yaml', 'the webhook and Service, to review or apply yourself'],
      ['sailctl tag generate prod-stable -r canary | kubectl apply -f -', 'apply it with kubectl'],
    ]).action(lazy(async () => ({ run: (await import('./commands/tag.js')).generate })));
    tag
      .command('list')
      .alias('show')
      .description('List the revision tags, the revisions they point at and the namespaces using them')
      .option('-o, --output <format>', 'table|json|yaml', 'table')
      .allowExcessArguments(true)
      .configureHelp({ showGlobalOptions: true })
      .action(lazy(async () => ({ run: (await import('./commands/tag.js')).list })));
    examples(tag.commands.at(-1)!, [
      ['sailctl tag list', 'TAG, REVISION and NAMESPACES'],
      ['sailctl tag list -o json', 'the same as JSON'],
    ]);
    tag
      .command('remove')
      .alias('delete')
      .argument('[tag]')
      .description('Remove a revision tag (asks first when namespaces still use it)')
      .option('-y, --skip-confirmation', 'do not ask for confirmation; a Yes answer is assumed')
      .allowExcessArguments(true)
      .configureHelp({ showGlobalOptions: true })
      .action(lazy(async () => ({ run: (await import('./commands/tag.js')).remove })));
    examples(tag.commands.at(-1)!, [
      ['sailctl tag remove prod-stable', 'remove the tag (asks first if namespaces still use it)'],
      ['sailctl tag remove prod-stable -y', 'remove it without asking'],
    ]);
    tag.action((sub: string | undefined) => {
      if (sub === undefined) tag.help();
      throw new UsageError(`unknown subcommand "${sub}"`, { hint: "Run 'sailctl tag --help' for the subcommands." });
    });
  }

  proxyStatusCommand(
    program
      .command('proxy-status [pod]')
      .alias('ps')
      .description("Retrieve the synchronization status of each Envoy in the mesh from istiod, or with a pod, diff its Envoy configuration against istiod's"),
  );

  program
    .command('version')
    .description('Print the client version and, when a cluster is reachable, the control plane version')
    .option('-s, --short', 'print the short form (the default)')
    .option('-o, --output <format>', 'json|yaml|short')
    .addOption(new Option('--remote [bool]', 'also read the control plane version from the cluster').default(true).argParser(parseBool('--remote')))
    .option('-r, --revision <revision>', 'control plane revision')
    .action(lazy(() => import('./commands/version.js')));
  examples(program.commands.at(-1)!, [
    ['sailctl version', 'client, control plane and data plane versions'],
    ['sailctl version --remote=false', 'the client only, no cluster'],
    ['sailctl version -o json', 'as JSON'],
  ]);

  registerProxyConfig(program);

  program
    .command('completion <shell>')
    .description('Print a shell completion script: bash, zsh, fish or powershell')
    .option('--no-descriptions', 'leave out command descriptions')
    .action(lazy(() => import('./commands/completion.js')));
  examples(program.commands.at(-1)!, [
    ['source <(sailctl completion bash)', 'bash, this shell only'],
    ['sailctl completion zsh > "${fpath[1]}/_sailctl"', 'zsh, every new shell'],
    ['sailctl completion fish | source', 'fish'],
  ]);
  examples(program, [
    ['sailctl install --set profile=demo -y', 'install the demo profile'],
    ['sailctl manifest generate --set profile=minimal', 'print manifests, no cluster needed'],
    ['sailctl kube-inject -f app.yaml | kubectl apply -f -', 'add the sidecar to a workload'],
    ['sailctl analyze --use-kube=false k8s/', 'lint configuration files'],
    ['sailctl <command> --help', 'flags and examples of a command'],
  ]);

  return program;
}

/** Examples for `pc` subcommands beyond the plain "this pod" line. */
const PC_EXAMPLES: Record<string, [string, string][]> = {
  cluster: [
    ['sailctl pc cluster productpage-v1-6b746f74dc-9stvs.bookinfo', "the pod's Envoy clusters"],
    ['sailctl pc cluster deploy/reviews-v1 --fqdn reviews.bookinfo.svc.cluster.local --direction outbound', 'only the outbound reviews clusters'],
  ],
  listener: [
    ['sailctl pc listener productpage-v1-6b746f74dc-9stvs.bookinfo --port 9080', 'the listeners on port 9080'],
    ['sailctl pc listener productpage-v1-6b746f74dc-9stvs.bookinfo --verbose=false', 'one line per listener'],
  ],
  route: [['sailctl pc route istio-ingressgateway-7d9d6d6f5c-abcde.istio-system --name http.8080', 'one route configuration of a gateway']],
  endpoint: [['sailctl pc endpoint productpage-v1-6b746f74dc-9stvs.bookinfo --cluster "outbound|9080||reviews.bookinfo.svc.cluster.local"', 'the endpoints Envoy has for one cluster']],
  secret: [['sailctl pc secret productpage-v1-6b746f74dc-9stvs.bookinfo', "the pod's certificates, their serials and validity"]],
  bootstrap: [['sailctl pc bootstrap productpage-v1-6b746f74dc-9stvs.bookinfo -o short', 'the Istio and Envoy versions of the proxy']],
  log: [
    ['sailctl pc log productpage-v1-6b746f74dc-9stvs.bookinfo', "the pod's Envoy logging levels"],
    ['sailctl pc log -l app=reviews -n bookinfo --level http:debug,redis:info', 'change levels on every matching pod'],
  ],
  'rootca-compare': [['sailctl pc rootca-compare productpage-v1-6b746f74dc-9stvs.bookinfo ratings-v1-5dc79b6bcd-7xkgq.bookinfo', 'do the two pods trust the same root CA?']],
};

/** `proxy-config` (`pc`) and its subcommands, with istioctl's flags and aliases. */
function registerProxyConfig(program: Command): void {
  const action = lazy(() => import('./commands/proxy-config.js'));
  const pc = program
    .command('proxy-config')
    .alias('pc')
    .description("Retrieve a pod's Envoy configuration (clusters, listeners, routes, endpoints, secrets, ...) through its admin port, or from a saved config dump")
    .option('--proxy-admin-port <port>', 'Envoy proxy admin port', '15000');
  examples(pc, [
    ['sailctl pc cluster productpage-v1-6b746f74dc-9stvs -n bookinfo', "the pod's Envoy clusters"],
    ['sailctl pc all deployment/productpage-v1.bookinfo', 'everything, from the first pod of a Deployment'],
    ['sailctl pc listener -f config_dump.json', 'offline, from a saved /config_dump'],
  ]);
  const sub = (name: string, aliases: string[], description: string, opts: { output?: string; file?: boolean; hidden?: boolean } = {}) => {
    const c = pc.command(`${name} [pod...]`, { hidden: opts.hidden }).description(description);
    for (const a of aliases) c.alias(a);
    const what = opts.file === false ? [] : [[`sailctl pc ${name} -f config_dump.json`, 'offline, from a saved /config_dump'] as [string, string]];
    examples(c, [...(PC_EXAMPLES[name] ?? [[`sailctl pc ${name} productpage-v1-6b746f74dc-9stvs.bookinfo`, `the ${name} configuration of that pod's Envoy`]]), ...what]);
    c.option('-o, --output <format>', 'json|yaml|short', opts.output ?? 'short');
    if (opts.file !== false) c.option('-f, --file <file>', 'Envoy config dump JSON file to read instead of asking a pod (- reads stdin)');
    return c.allowExcessArguments(true).action(action);
  };
  const verbose = () => new Option('--verbose [bool]', 'output more information (default true; --verbose=false for the short form)').argParser(parseBool('--verbose'));
  const clusterFilters = (c: Command) =>
    c
      .option('--fqdn <fqdn>', 'filter clusters by substring of the service FQDN')
      .option('--direction <direction>', 'filter clusters by direction (inbound, outbound)')
      .option('--subset <subset>', 'filter clusters by substring of the subset');
  const endpointFilters = (c: Command) =>
    c
      .option('--address <address>', 'filter endpoints by address')
      .option('--port <port>', 'filter endpoints by port')
      .option('--cluster <cluster>', 'filter endpoints by cluster name')
      .option('--status <status>', 'filter endpoints by health status (e.g. healthy)');
  clusterFilters(sub('cluster', ['clusters', 'c'], 'Retrieve the cluster configuration of the Envoy in a pod')).option('--port <port>', 'filter clusters by port');
  const all = clusterFilters(sub('all', ['a'], 'Retrieve all configuration of the Envoy in a pod'))
    .option('--port <port>', 'filter clusters, listeners and endpoints by port')
    .option('--address <address>', 'filter listeners by address')
    .option('--type <type>', 'filter listeners by type (HTTP, TCP, HTTP+TCP)')
    .option('--name <name>', 'filter routes by route name')
    .option('--with-headers', 'print a header line before each section');
  all.addOption(verbose());
  sub('listener', ['listeners', 'l'], 'Retrieve the listener configuration of the Envoy in a pod')
    .option('--address <address>', 'filter listeners by address')
    .option('--type <type>', 'filter listeners by type (HTTP, TCP, HTTP+TCP)')
    .option('--port <port>', 'filter listeners by port')
    .addOption(verbose())
    .addOption(new Option('--waypoint', 'waypoint view').hideHelp());
  sub('route', ['routes', 'r'], 'Retrieve the route configuration of the Envoy in a pod').option('--name <name>', 'filter routes by route name').addOption(verbose());
  endpointFilters(sub('endpoint', ['endpoints', 'ep'], "Retrieve the endpoints of the Envoy in a pod (its admin /clusters; -f takes a saved 'clusters?format=json')"));
  endpointFilters(sub('eds', [], 'Retrieve the EDS endpoints from the config dump of the Envoy in a pod', { hidden: true }));
  sub('secret', ['secrets', 's'], 'Retrieve the secrets (certificates) of the Envoy in a pod');
  sub('bootstrap', ['b'], 'Retrieve the bootstrap configuration of the Envoy in a pod (-o short: Istio and Envoy versions)', { output: 'json' });
  sub('ecds', ['ec'], 'Retrieve the typed extension configuration (ECDS) of the Envoy in a pod');
  sub('log', ['o'], "Retrieve or change the logging levels of the Envoy in a pod ([type/]name[.namespace], or -l)", { file: false })
    .option('--level <levels>', 'comma-separated [<logger>:]<level>, level one of trace, debug, info, warning, error, critical, off')
    .option('-r, --reset', 'reset levels to the default (global.proxy.logLevel, else warning)')
    .option('-l, --selector <selector>', 'label selector');
  sub('rootca-compare', ['rc'], 'Compare the root CAs of two pods, to check they can talk mTLS', { file: false });
}

/** `x describe` (`des`) → `pod` (`po`), `service` (`svc`): the Istio configuration affecting a pod or Service. */
function registerDescribe(x: Command): void {
  const action = lazy(() => import('./commands/describe.js'));
  const describe = x.command('describe').alias('des').description('Describe a pod or Service and the Istio configuration that affects it');
  examples(describe, [
    ['sailctl x describe pod productpage-v1-6b746f74dc-9stvs -n bookinfo', 'what affects this pod'],
    ['sailctl x describe svc productpage -n bookinfo', 'what affects this Service'],
  ]);
  const flags = (c: Command) =>
    c
      .option('--ignoreUnmeshed', 'suppress warnings for pods outside the mesh')
      .option('--proxy-admin-port <port>', 'Envoy proxy admin port', '15000')
      .allowExcessArguments(true)
      .action(action);
  flags(
    describe
      .command('pod [pod...]')
      .alias('po')
      .description("A pod's Services, DestinationRules, VirtualServices, RBAC and PeerAuthentication policies, and ingress gateways"),
  );
  examples(describe.commands.at(-1)!, [
    ['sailctl x describe pod productpage-v1-6b746f74dc-9stvs -n bookinfo', 'Services, routing, mTLS and ingress for this pod'],
    ['sailctl x describe pod productpage-v1-6b746f74dc-9stvs.bookinfo --ignoreUnmeshed', 'no warning if it has no sidecar'],
  ]);
  flags(describe.command('service [service...]').alias('svc').description("A Service's DestinationRules, VirtualServices and ingress gateways, seen from its first ready pod"));
  examples(describe.commands.at(-1)!, [['sailctl x describe svc productpage -n bookinfo', 'routing, mTLS and ingress for this Service']]);
  describe.argument('[type]').action((type: string | undefined) => {
    if (type === undefined) describe.help();
    throw new UsageError(`unknown resource type "${type}"`, { hint: 'Use sailctl x describe pod <name> or sailctl x describe service <name>.' });
  });
}

/** `x check-inject`: which injection webhook would (or did) inject a pod, and why. */
function registerCheckInject(x: Command): void {
  x.command('check-inject [resource...]')
    .description('Explain which injection webhook injects a pod (or a pod with the -l labels in -n), and why others do not')
    .option('-l, --labels <labels>', 'check a pod with these labels (k=v,...) in the namespace, before it exists')
    .allowExcessArguments(true)
    .action(lazy(() => import('./commands/check-inject.js')));
  examples(x.commands.at(-1)!, [
    ['sailctl x check-inject productpage-v1-6b746f74dc-9stvs -n bookinfo', 'which webhook injects this pod, and why'],
    ['sailctl x check-inject deployment/reviews-v1.bookinfo', 'the same for the first pod of a Deployment'],
    ['sailctl x check-inject -l app=ratings -n bookinfo', 'would a new pod with these labels be injected?'],
  ]);
}

/** proxy-status / ps / x ps: istioctl's flags; -v is the verbosity (cli/argv.ts keeps the global -v off it). */
function proxyStatusCommand(cmd: Command): Command {
  const ps = cmd.parent?.name() === 'x' ? 'sailctl x ps' : 'sailctl ps';
  examples(cmd, [
    [ps, 'every proxy: its istiod, version and which xDS types are synced'],
    [`${ps} -v 1`, 'one column per xDS type (SYNCED, NOT SENT, STALE, IGNORED)'],
    [`${ps} productpage-v1-6b746f74dc-9stvs.bookinfo`, "diff that pod's Envoy configuration against istiod's"],
  ]);
  return cmd
    .option('-r, --revision <revision>', 'control plane revision')
    .option('--xds-label <selector>', 'istiod pod label selector (default app=istiod)')
    .option('-o, --output <format>', 'table|json|yaml', 'table')
    .option('-v, --verbosity <level>', 'verbosity: 0 = subscribed types only, 1 = one column per xDS type', '0')
    .addOption(new Option('--timeout <duration>', 'how long to wait for each istiod').default('30s').argParser(durationFlag('--timeout')))
    .option('--file <file>', 'Envoy config dump to diff against istiod instead of the pod\'s (- reads stdin)')
    .option('--proxy-admin-port <port>', 'Envoy admin port of the pod', '15000')
    .addOption(new Option('--xds-address <address>', 'not supported: sailctl reads istiod through a port-forward').hideHelp())
    .addOption(new Option('--xds-port <port>', 'accepted for istioctl compatibility').hideHelp())
    .addOption(new Option('--cert-dir <dir>', 'accepted for istioctl compatibility').hideHelp())
    .addOption(new Option('--plaintext', 'accepted for istioctl compatibility').hideHelp())
    .addOption(new Option('--insecure', 'accepted for istioctl compatibility').hideHelp())
    .addOption(new Option('--authority <authority>', 'accepted for istioctl compatibility').hideHelp())
    .allowExcessArguments(true)
    .action(lazy(() => import('./commands/proxy-status.js')));
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

