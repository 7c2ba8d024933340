/**
 * `proxy-config log`: read or change Envoy's logger levels with POSTs to the admin `logging`
 * endpoint, for one pod or every pod a selector matches, as istioctl sends them
 * (proxy-debugging.md §2.1.2).
 */
import { UserError } from '../core/errors.js';
import type { Cluster } from '../kube/cluster.js';
import { podsBySelector } from '../kube/pod-target.js';
import { builtinResource } from '../kube/resources.js';
import { EnvoyAdmin } from './admin.js';
import { checkProxyPod, resolveProxyPod } from './target.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warning', 'warn', 'error', 'critical', 'off'];

/** istioctl sends the canonical names: `warn` is sent as `warning`. */
function canonicalLevel(l: string): string {
  return l === 'warn' ? 'warning' : l;
}

/**
 * `--level` as istioctl reads it: `level` (all loggers), `logger:level` or `logger=level`, and
 * `namespace::logger:level` where only the last `::` part counts. A plain level drops what came
 * before it. `loggers` is Envoy's logger list, which the names must appear in.
 */
export function parseLogLevels(spec: string, loggers: string): Map<string, string> {
  const levels = new Map<string, string>();
  for (const ol of spec.split(',')) {
    if (!ol.includes(':') && !ol.includes('=')) {
      if (!LOG_LEVELS.includes(ol)) throw new UserError(`unrecognized logging level: ${ol}`);
      levels.clear();
      levels.set('level', canonicalLevel(ol));
      continue;
    }
    const rest = ol.split('::').pop()!;
    const sep = rest.search(/[:=]/);
    const name = sep >= 0 ? rest.slice(0, sep) : rest;
    const lvl = sep >= 0 ? rest.slice(sep + 1) : '';
    if (!loggers.includes(name) && name !== 'level') throw new UserError(`unrecognized logger name: ${name}`);
    if (!LOG_LEVELS.includes(lvl)) throw new UserError(`unrecognized logging level: ${lvl}`);
    levels.set(name, canonicalLevel(lvl));
  }
  return levels;
}

/** global.proxy.logLevel from the injector's values; undefined when it cannot be read (istioctl then uses warning). */
export async function injectorLogLevel(cluster: Cluster, istioNamespace: string): Promise<string | undefined> {
  try {
    const cm = await cluster.res.getResource(builtinResource('v1', 'ConfigMap', 'configmaps'), 'istio-sidecar-injector', istioNamespace);
    const values = JSON.parse(cm?.data?.values ?? '{}') as { global?: { proxy?: { logLevel?: string } } };
    const level = values.global?.proxy?.logLevel ?? '';
    if (LOG_LEVELS.includes(level)) return canonicalLevel(level);
  } catch {
    // unreadable: the default, as istioctl does
  }
  return undefined;
}

export interface LogLevelRequest {
  /** A pod argument, or else a label selector for every pod it matches. */
  podArg?: string;
  selector?: string;
  namespace: string;
  adminPort: number;
  /** --level as given; neither it nor reset: the levels are only read. */
  level?: string;
  /** --reset: set the injector's level (see injectorLogLevel), read from this namespace. */
  reset?: { istioNamespace: string };
}

export interface LogLevelResult {
  /** Each pod's answer (Envoy's logger list after the change), or why its change failed. */
  pods: ({ pod: string; response: string } | { pod: string; error: Error })[];
  /** --reset found no level in the injector's values and used warning (istioctl warns about it). */
  resetToWarning: boolean;
}

export async function changeLogLevels(cluster: Cluster, req: LogLevelRequest): Promise<LogLevelResult> {
  const targets = req.selector ? await podsBySelector(cluster.res, req.selector, req.namespace) : [await resolveProxyPod(cluster.res, req.podArg!, req.namespace)];
  const admins: EnvoyAdmin[] = [];
  try {
    for (const t of targets) {
      checkProxyPod(t.pod);
      admins.push(await EnvoyAdmin.open(cluster, t, req.adminPort));
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

    let levels = new Map<string, string>();
    let resetToWarning = false;
    if (req.reset) {
      const level = await injectorLogLevel(cluster, req.reset.istioNamespace);
      resetToWarning = level === undefined;
      levels.set('level', level ?? 'warning');
    } else if (req.level) {
      levels = parseLogLevels(req.level, loggers);
    }

    const pods: LogLevelResult['pods'] = [];
    for (const admin of admins) {
      try {
        let response = '';
        if (levels.size === 0) response = await post(admin, '');
        else {
          if (levels.has('level')) response = await post(admin, `level=${levels.get('level')}`);
          for (const [logger, level] of levels) if (logger !== 'level') response = await post(admin, `${logger}=${level}`);
        }
        pods.push({ pod: admin.podName, response });
      } catch (err) {
        pods.push({ pod: admin.podName, error: err as Error });
      }
    }
    return { pods, resetToWarning };
  } finally {
    for (const a of admins) a.close();
  }
}
