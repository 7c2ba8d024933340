/**
 * From the kubeconfig to what the HTTP client (./rest.ts) needs: the server URL, the TLS
 * material and the request headers, read the way client-go reads them. Bearer tokens and token
 * files, client certificates and keys, the CA, insecure-skip-tls-verify, tls-server-name,
 * impersonation and exec credential plugins are handled here without the Kubernetes client,
 * whose import alone costs ~0.45 s. Only the legacy `auth-provider` entries (gcp, azure, oidc)
 * and `proxy-url` still go through @kubernetes/client-node, loaded for those configs alone.
 */
import { readFileSync } from 'node:fs';
import type * as http from 'node:http';
import { UserError } from '../core/errors.js';
import { redactUrl, registerSecret } from '../core/redact.js';
import { runExecPlugin, type ExecClusterInfo, type ExecConfig } from './exec-credential.js';
import { resolveKubeconfig, type ResolvedKubeconfig } from './kubeconfig.js';

/** Node TLS options for the API server connection (undefined = Node's default). */
export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  servername?: string;
  rejectUnauthorized?: boolean;
}

export interface Credentials {
  tls: TlsMaterial;
  /** Authorization and Impersonate-* headers. */
  headers: Record<string, string | string[]>;
  /** client-node's proxy agent, for a cluster with proxy-url only. */
  agent?: http.Agent;
}

export interface ClusterConnection {
  resolved: ResolvedKubeconfig;
  /** The API server URL. */
  server: string;
  /** Per-call timeout from --kubeclient-timeout, in ms. */
  timeoutMs: number;
  /** "context "kind-dev" (https://127.0.0.1:6443)", for messages. */
  describe(): string;
  /**
   * The credentials for the next request. The same object until they change: an exec
   * plugin's credential is renewed when it expires, or on `renew` (after a 401).
   */
  credentials(renew?: boolean): Promise<Credentials>;
}

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  timeoutMs?: number;
}

interface ClusterEntry {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
}

interface UserEntry {
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  as?: string;
  'as-uid'?: string;
  'as-groups'?: string[];
  'as-user-extra'?: Record<string, string[]>;
  'auth-provider'?: unknown;
  exec?: ExecConfig;
}

export function connectCluster(options: ConnectOptions): ClusterConnection {
  const resolved = resolveKubeconfig({ kubeconfig: options.kubeconfig, context: options.context });
  const describe = () => `${resolved.context ? `context "${resolved.context}" ` : ''}(${redactUrl(resolved.server)})`;
  const cluster = (resolved.config.clusters[0]?.cluster ?? {}) as ClusterEntry;
  const userName = resolved.config.users[0]?.name ?? '';
  const user = (resolved.config.users[0]?.user ?? {}) as UserEntry;
  const legacy = user['auth-provider'] !== undefined || Boolean(cluster['proxy-url']);
  let load: ((renew: boolean) => Promise<Credentials>) | undefined;
  return {
    resolved,
    server: resolved.server,
    timeoutMs: options.timeoutMs ?? 15_000,
    describe,
    async credentials(renew = false) {
      load ??= legacy ? clientNodeCredentials(resolved, describe) : nativeCredentials(cluster, user, userName, resolved.server, describe);
      return load(renew);
    },
  };
}

/** A file or base64 data field (`client-key` / `client-key-data`); data wins, as in client-go. */
function material(entry: Record<string, unknown>, field: string): Buffer | undefined {
  const data = entry[`${field}-data`];
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
  const file = entry[field];
  if (typeof file === 'string' && file !== '') return readFileSync(file);
  return undefined;
}

function nativeCredentials(cluster: ClusterEntry, user: UserEntry, userName: string, server: string, describe: () => string): (renew: boolean) => Promise<Credentials> {
  const unusable = (why: string, hint = 'Fix the kubeconfig user or cluster entry, or pick another --context.') =>
    new UserError(`cannot use the credentials of ${describe()}: ${why}`, { hint });
  let base: Credentials;
  try {
    const tls: TlsMaterial = {};
    if (cluster['insecure-skip-tls-verify']) tls.rejectUnauthorized = false;
    else tls.ca = material(cluster as Record<string, unknown>, 'certificate-authority');
    if (cluster['tls-server-name']) tls.servername = cluster['tls-server-name'];
    tls.cert = material(user as Record<string, unknown>, 'client-certificate');
    tls.key = material(user as Record<string, unknown>, 'client-key');
    registerSecret(tls.key);
    if (Boolean(tls.cert) !== Boolean(tls.key)) throw unusable(`user "${userName}" has a client ${tls.cert ? 'certificate but no key' : 'key but no certificate'}`);
    const headers: Record<string, string | string[]> = {};
    const token = user.token || (user.tokenFile ? readFileSync(user.tokenFile, 'utf8').trim() : '');
    registerSecret(token);
    const basic = Boolean(user.username || user.password);
    if (token && basic) throw unusable(`user "${userName}" has both a token and a username/password; kubectl allows only one`);
    if (token) headers.Authorization = `Bearer ${token}`;
    if (basic) headers.Authorization = `Basic ${Buffer.from(`${user.username ?? ''}:${user.password ?? ''}`).toString('base64')}`;
    if (user.as) headers['Impersonate-User'] = user.as;
    if (user['as-uid']) headers['Impersonate-Uid'] = user['as-uid'];
    if (user['as-groups']?.length) headers['Impersonate-Group'] = user['as-groups'];
    for (const [k, v] of Object.entries(user['as-user-extra'] ?? {})) headers[`Impersonate-Extra-${encodeURIComponent(k)}`] = v;
    base = { tls, headers };
  } catch (err) {
    if (err instanceof UserError) throw err;
    // A certificate, key or token file that cannot be read.
    throw unusable((err as Error).message);
  }
  // A static token or client certificate wins over the plugin, as in client-go.
  const exec = user.exec;
  if (!exec || base.headers.Authorization || base.tls.cert) return () => Promise.resolve(base);

  const clusterInfo: ExecClusterInfo = { server };
  if (cluster['tls-server-name']) clusterInfo['tls-server-name'] = cluster['tls-server-name'];
  if (cluster['insecure-skip-tls-verify']) clusterInfo['insecure-skip-tls-verify'] = true;
  if (base.tls.ca) clusterInfo['certificate-authority-data'] = base.tls.ca.toString('base64');
  let current: { creds: Credentials; expiresAt?: number } | undefined;
  let pending: Promise<Credentials> | undefined;
  return (renew) => {
    if (current && !renew && (current.expiresAt === undefined || Date.now() < current.expiresAt)) return Promise.resolve(current.creds);
    // Concurrent requests share one plugin run.
    pending ??= runExecPlugin(exec, userName, clusterInfo)
      .then((r) => {
        registerSecret(r.token);
        registerSecret(r.key);
        const tls = r.cert ? { ...base.tls, cert: Buffer.from(r.cert), key: Buffer.from(r.key!) } : base.tls;
        const headers = r.token ? { ...base.headers, Authorization: `Bearer ${r.token}` } : base.headers;
        current = { creds: { tls, headers }, expiresAt: r.expiresAt };
        return current.creds;
      })
      .finally(() => (pending = undefined));
    return pending;
  };
}

/** auth-provider and proxy-url: client-node applies them (it refreshes provider tokens itself). */
function clientNodeCredentials(resolved: ResolvedKubeconfig, describe: () => string): (renew: boolean) => Promise<Credentials> {
  let current: Promise<Credentials> | undefined;
  const load = async (): Promise<Credentials> => {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromString(JSON.stringify(resolved.config));
    const opts: import('node:https').RequestOptions = {};
    try {
      await kc.applyToHTTPSOptions(opts);
    } catch (err) {
      throw new UserError(`cannot use the credentials of ${describe()}: ${(err as Error).message}`, {
        hint: 'Check the kubeconfig user entry (its auth-provider) and the cluster proxy-url.',
      });
    }
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string' || Array.isArray(v)) headers[k] = v;
    if (typeof headers.Authorization === 'string') registerSecret(headers.Authorization.replace(/^\w+\s+/, ''));
    registerSecret(opts.auth);
    if (opts.key) registerSecret(Buffer.from(opts.key as Buffer));
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    const tls: TlsMaterial = {};
    if (opts.ca) tls.ca = Buffer.from(opts.ca as Buffer);
    if (opts.cert) tls.cert = Buffer.from(opts.cert as Buffer);
    if (opts.key) tls.key = Buffer.from(opts.key as Buffer);
    if (opts.servername) tls.servername = opts.servername;
    if (opts.rejectUnauthorized !== undefined) tls.rejectUnauthorized = opts.rejectUnauthorized;
    return { tls, headers, agent: kc.getCurrentCluster()?.proxyUrl ? (opts.agent as http.Agent) : undefined };
  };
  return (renew) => {
    if (!current || renew) current = load();
    return current;
  };
}
