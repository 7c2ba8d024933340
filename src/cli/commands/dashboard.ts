import type { Command } from 'commander';
import { note, parseOutputFormat } from '../../core/output.js';
import type { DashboardName } from '../../dashboard/dashboards.js';
import { clusterSession } from '../cluster-session.js';
import { parseDuration, type GlobalOptions } from '../flags.js';

interface Options {
  port?: string;
  address: string;
  browser: boolean;
  selector?: string;
  output?: string;
  uiPort?: string;
  ctrlz_port?: string;
  revision?: string;
}

const OUTPUT_FORMATS = ['json'] as const;

export async function run(_opts: Options, args: string[], globals: GlobalOptions, cmd: Command): Promise<void> {
  const opts = cmd.optsWithGlobals() as Options;
  const json = opts.output !== undefined && parseOutputFormat(opts.output, OUTPUT_FORMATS) === 'json';
  const { openDashboard, parsePort } = await import('../../dashboard/index.js');
  // Flags first: a bad one is reported without touching the cluster.
  const localPort = parsePort(opts.port, '--port', true);
  const uiPort = parsePort(opts.uiPort ?? opts.ctrlz_port, opts.uiPort !== undefined ? '--ui-port' : '--ctrlz_port', false);
  const [{ checkPodQuery }, { DASHBOARDS }] = await Promise.all([import('../../dashboard/pod-finder.js'), import('../../dashboard/dashboards.js')]);
  checkPodQuery(DASHBOARDS[cmd.name() as DashboardName], { podArg: args[0], selector: opts.selector, revision: opts.revision });
  const reconnect = process.env.SAILCTL_DASHBOARD_RECONNECT_TIMEOUT;
  const reconnectTimeoutMs = reconnect ? parseDuration(reconnect, 'SAILCTL_DASHBOARD_RECONNECT_TIMEOUT') : undefined;
  const session = clusterSession(globals);

  const cluster = await session.open();
  const opened = openDashboard(cluster, {
    dashboard: cmd.name() as DashboardName,
    podArg: args[0],
    selector: opts.selector,
    revision: opts.revision,
    istioNamespace: globals.istioNamespace,
    namespace: globals.namespace ?? cluster.namespace,
    address: opts.address,
    localPort,
    uiPort,
    reconnectTimeoutMs,
    log: note,
  });
  const { url, target, tunnel } = await opened.catch((err: unknown) => {
    cluster.close();
    throw err;
  });
  // Ctrl+C from here on closes the tunnel cleanly (exit 0), even while the browser is starting.
  const stop = () => tunnel.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  if (json) {
    process.stdout.write(JSON.stringify({ url, pod: `${target.name}.${target.namespace}`, localPort: tunnel.localPort }) + '\n');
  } else {
    process.stdout.write(`${url}\n`);
    note(`Forwarding ${url} to pod ${target.namespace}/${target.name}. Press Ctrl+C to stop.`);
  }
  if (opts.browser) await openBrowser(url);
  else if (!json) note('Not opening a browser (--browser=false).');

  try {
    await tunnel.done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  // The tunnel ended: a closed connection to the cluster may keep the event loop alive.
  process.exit(process.exitCode ?? 0);
}

/** Opens the default browser without a shell; on a headless machine, says what to do instead. */
async function openBrowser(url: string): Promise<void> {
  const fallback = `Could not open a browser here: open ${url} yourself (the tunnel stays up), or pass --browser=false.`;
  try {
    const { default: open } = await import('open');
    const child = await open(url, { wait: false });
    child.once('error', () => note(fallback));
    child.once('exit', (code) => {
      if (code !== 0 && code !== null) note(fallback);
    });
  } catch {
    note(fallback);
  }
}
