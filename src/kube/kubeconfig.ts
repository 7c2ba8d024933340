/**
 * Kubeconfig resolution as kubectl does it, without loading the Kubernetes client:
 *   --kubeconfig FILE (must exist)  >  $KUBECONFIG (path list, merged, missing files skipped)
 *   >  ~/.kube/config  >  in-cluster service account (when running in a pod).
 * Merging follows client-go: for clusters/users/contexts the first file that defines a
 * name wins, and so does the first non-empty current-context. Relative file references
 * (certificate-authority, client-certificate, client-key, tokenFile, and an exec plugin's
 * command when it is a path) are resolved against the directory of the file that holds them,
 * so merged configs keep working.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parseYaml } from '../yaml/values.js';
import { readTextFileSync } from '../yaml/documents.js';
import { UserError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';

export interface NamedEntry {
  name: string;
  [key: string]: unknown;
}

export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: NamedEntry[];
  users: NamedEntry[];
  contexts: NamedEntry[];
  'current-context'?: string;
  preferences?: Record<string, unknown>;
}

export type KubeconfigSource =
  | { kind: 'files'; files: string[] }
  | { kind: 'in-cluster'; host: string; port: string };

export interface ResolvedKubeconfig {
  source: KubeconfigSource;
  /** The merged config with only what is needed; file references absolute. */
  config: Kubeconfig;
  /** The context in effect (after --context), or undefined for in-cluster. */
  context?: string;
  /** The cluster's server URL. */
  server: string;
  /** The namespace of the context, or "default" (kubectl's NamespaceOrDefault). */
  namespace: string;
}

export interface ResolveOptions {
  kubeconfig?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Where the in-cluster service account token lives (overridable for tests). */
  serviceAccountDir?: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const PATH_FIELDS: Record<string, string[]> = {
  cluster: ['certificate-authority'],
  user: ['client-certificate', 'client-key', 'tokenFile'],
};

/** The kubeconfig files kubectl would read, in precedence order. */
export function kubeconfigFiles(options: ResolveOptions = {}): string[] {
  const env = options.env ?? process.env;
  if (options.kubeconfig) return [resolve(options.kubeconfig)];
  const list = env.KUBECONFIG;
  if (list !== undefined && list !== '') {
    const seen = new Set<string>();
    return list
      .split(delimiter)
      .filter((p) => p !== '')
      .map((p) => resolve(p))
      .filter((p) => (seen.has(p) ? false : (seen.add(p), true)));
  }
  return [join(options.home ?? homedir(), '.kube', 'config')];
}

export function resolveKubeconfig(options: ResolveOptions = {}): ResolvedKubeconfig {
  const env = options.env ?? process.env;
  if (options.kubeconfig && !existsSync(options.kubeconfig)) {
    throw new UserError(`kubeconfig file ${options.kubeconfig} (from --kubeconfig) does not exist`, {
      hint: 'Pass the path of an existing kubeconfig, or leave --kubeconfig out to use $KUBECONFIG or ~/.kube/config.',
    });
  }
  const files = kubeconfigFiles(options).filter((f) => existsSync(f));
  const merged = mergeKubeconfigs(files.map((f) => ({ file: f, config: readKubeconfig(f) })));

  if (merged.contexts.length === 0 && merged.clusters.length === 0) {
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT;
    const saDir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
    if (!options.kubeconfig && host && port && existsSync(join(saDir, 'token'))) {
      return inClusterConfig(host, port, saDir);
    }
    throw new UserError(
      files.length === 0
        ? `no kubeconfig found (looked at ${kubeconfigFiles(options).join(', ')})`
        : `kubeconfig ${files.join(', ')} defines no clusters or contexts`,
      { hint: 'Point --kubeconfig or $KUBECONFIG at a kubeconfig for your cluster (kubectl config view shows what kubectl uses).' },
    );
  }

  const contextName = options.context || merged['current-context'];
  if (!contextName) {
    throw new UserError('the kubeconfig has no current-context and --context was not given', {
      hint: `Pick one with --context (available: ${merged.contexts.map((c) => c.name).join(', ') || 'none'}).`,
    });
  }
  const context = merged.contexts.find((c) => c.name === contextName);
  if (!context) {
    throw new UserError(`context "${contextName}" does not exist in the kubeconfig (${files.join(', ')})`, {
      hint: `Available contexts: ${merged.contexts.map((c) => c.name).join(', ') || 'none'}.`,
    });
  }
  const ctx = (context.context ?? {}) as { cluster?: string; user?: string; namespace?: string };
  const cluster = merged.clusters.find((c) => c.name === ctx.cluster);
  if (!cluster) {
    throw new UserError(`context "${contextName}" refers to cluster "${ctx.cluster ?? ''}", which the kubeconfig does not define`);
  }
  const server = String((cluster.cluster as { server?: string } | undefined)?.server ?? '');
  if (!server) throw new UserError(`cluster "${cluster.name}" in the kubeconfig has no server URL`);
  const user = merged.users.find((u) => u.name === ctx.user);
  registerKubeconfigSecrets(cluster, user);

  return {
    source: { kind: 'files', files },
    config: {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [cluster],
      users: user ? [user] : [],
      contexts: [context],
      'current-context': contextName,
    },
    context: contextName,
    server,
    namespace: ctx.namespace || 'default',
  };
}

function inClusterConfig(host: string, port: string, saDir: string): ResolvedKubeconfig {
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const nsFile = join(saDir, 'namespace');
  const namespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : 'default';
  return {
    source: { kind: 'in-cluster', host, port },
    config: {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'in-cluster', cluster: { server, 'certificate-authority': join(saDir, 'ca.crt') } }],
      users: [{ name: 'in-cluster', user: { tokenFile: join(saDir, 'token') } }],
      contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'in-cluster', namespace } }],
      'current-context': 'in-cluster',
    },
    context: 'in-cluster',
    server,
    namespace,
  };
}

/**
 * Every credential of the chosen cluster and user, so no message or output shows it
 * (core/redact.ts): userinfo in the server or proxy URL, tokens, passwords, client keys and
 * auth-provider tokens and secrets.
 */
function registerKubeconfigSecrets(cluster: NamedEntry, user: NamedEntry | undefined): void {
  const c = (cluster.cluster ?? {}) as Record<string, unknown>;
  for (const field of ['server', 'proxy-url']) {
    if (typeof c[field] !== 'string') continue;
    try {
      const url = new URL(c[field] as string);
      registerSecret(url.password);
      registerSecret(decodeURIComponent(url.password));
      if (url.username && url.password) registerSecret(`${url.username}:${url.password}`);
    } catch {
      /* not a URL: reported when it is used */
    }
  }
  const u = (user?.user ?? {}) as Record<string, unknown>;
  for (const field of ['token', 'password', 'client-key-data']) if (typeof u[field] === 'string') registerSecret(u[field] as string);
  if (typeof u['client-key-data'] === 'string') registerSecret(Buffer.from(u['client-key-data'] as string, 'base64'));
  const provider = (u['auth-provider'] as { config?: Record<string, unknown> } | undefined)?.config ?? {};
  for (const [k, v] of Object.entries(provider)) if (/token|secret|password/i.test(k) && typeof v === 'string') registerSecret(v);
}

function readKubeconfig(file: string): Kubeconfig {
  let data: unknown;
  try {
    data = parseYaml(readTextFileSync(file), { source: file });
  } catch (err) {
    if (err instanceof UserError) throw err;
    const linePos = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const where = linePos ? `${file}:${linePos.line}:${linePos.col}` : file;
    throw new UserError(`invalid kubeconfig ${where}: ${String((err as Error).message).split('\n')[0]}`, {
      hint: 'Fix the file, or point --kubeconfig / $KUBECONFIG at another one.',
    });
  }
  if (data === null || data === undefined) return emptyConfig();
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`invalid kubeconfig ${file}: expected a mapping with clusters, users and contexts`);
  }
  const raw = data as Record<string, unknown>;
  const dir = dirname(file);
  const list = (key: 'clusters' | 'users' | 'contexts', inner: string): NamedEntry[] => {
    const value = raw[key] ?? [];
    if (!Array.isArray(value)) throw new UserError(`invalid kubeconfig ${file}: "${key}" must be a list`);
    return value.map((entry, i) => {
      if (!entry || typeof entry !== 'object' || typeof (entry as NamedEntry).name !== 'string') {
        throw new UserError(`invalid kubeconfig ${file}: ${key}[${i}] has no name`);
      }
      return absolutise(entry as NamedEntry, inner, dir);
    });
  };
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: list('clusters', 'cluster'),
    users: list('users', 'user'),
    contexts: list('contexts', 'context'),
    'current-context': typeof raw['current-context'] === 'string' ? raw['current-context'] : undefined,
  };
}

function absolutise(entry: NamedEntry, inner: string, dir: string): NamedEntry {
  const fields = PATH_FIELDS[inner];
  const body = entry[inner] as Record<string, unknown> | undefined;
  if (!fields || !body) return entry;
  const fixed = { ...body };
  for (const f of fields) {
    const v = fixed[f];
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) fixed[f] = resolve(dir, v);
  }
  // An exec plugin given as a relative path (not a bare name looked up in $PATH) is relative too.
  const exec = fixed.exec as { command?: unknown } | undefined;
  if (inner === 'user' && exec && typeof exec.command === 'string' && exec.command.includes('/') && !isAbsolute(exec.command)) {
    fixed.exec = { ...exec, command: resolve(dir, exec.command) };
  }
  return { ...entry, [inner]: fixed };
}

function emptyConfig(): Kubeconfig {
  return { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
}

/** client-go merge: the first file to define a name (or the current context) wins. */
export function mergeKubeconfigs(configs: { file: string; config: Kubeconfig }[]): Kubeconfig {
  const out = emptyConfig();
  const seen = { clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>() };
  for (const { config } of configs) {
    for (const key of ['clusters', 'users', 'contexts'] as const) {
      for (const entry of config[key]) {
        if (seen[key].has(entry.name)) continue;
        seen[key].add(entry.name);
        out[key].push(entry);
      }
    }
    if (!out['current-context'] && config['current-context']) out['current-context'] = config['current-context'];
  }
  return out;
}
