/**
 * The HTTP layer every cluster command shares: one keep-alive connection pool per cluster,
 * a deadline on every call, retries with backoff where retrying is safe (429 honouring
 * Retry-After, 5xx, dropped connections) and never on the user's own 4xx errors, and every
 * failure turned into one sentence that says which cluster, which resource, what the API
 * server said and what to do.
 *
 * We speak HTTP ourselves (credentials come from ./connect.ts) because client-node's typed
 * object API silently drops unknown fields of built-in kinds, which would make server-side
 * apply of rendered manifests lossy, because it offers no retry policy, and because loading
 * it costs every cluster command ~0.45 s.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { UserError } from '../core/errors.js';
import { debug } from '../core/output.js';
import type { ClusterConnection, Credentials } from './connect.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'patch' | 'update' | 'delete';

/** What a request acts on, so a refusal can name the missing permission. */
export interface ApiTarget {
  verb: Verb;
  /** Plural resource name, e.g. deployments. */
  resource: string;
  /** API group; '' for the core group. */
  group: string;
  namespace?: string;
  name?: string;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** A phrase for messages: "applying Deployment istio-system/istiod". */
  what: string;
  target?: ApiTarget;
  /** Per-attempt deadline; the connection's --kubeclient-timeout by default. */
  timeoutMs?: number;
  /** How many times to retry a retryable failure (default 5). */
  retries?: number;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An error answer of the API server (a Kubernetes Status), already explained for the user. */
export class KubeApiError extends UserError {
  readonly status: number;
  readonly reason: string;
  readonly apiMessage: string;
  constructor(message: string, opts: { status: number; reason: string; apiMessage: string; hint?: string }) {
    super(message, { hint: opts.hint });
    this.name = 'KubeApiError';
    this.status = opts.status;
    this.reason = opts.reason;
    this.apiMessage = opts.apiMessage;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_NET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const MAX_BACKOFF_MS = 4_000;
const MAX_RETRY_AFTER_MS = 10_000;

/**
 * How long to wait before attempt `attempt + 1` (0-based), or undefined when the failure
 * must not be retried. Pure, so the policy is tested on its own.
 */
export function retryDelay(attempt: number, failure: { status?: number; netCode?: string; retryAfter?: string }, baseMs = 100): number | undefined {
  const retryable = failure.status !== undefined ? RETRYABLE_STATUS.has(failure.status) : failure.netCode !== undefined && RETRYABLE_NET.has(failure.netCode);
  if (!retryable) return undefined;
  if (failure.status === 429 || failure.status === 503) {
    const seconds = Number(failure.retryAfter);
    if (failure.retryAfter !== undefined && Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  }
  const exp = Math.min(baseMs * 2 ** attempt, MAX_BACKOFF_MS);
  return exp / 2 + Math.random() * (exp / 2);
}

export class KubeClient {
  /** Requests sent, retries included (for --verbose and the benchmark). */
  requestCount = 0;
  /** Scales every backoff; tests set it low. */
  backoffBaseMs = 100;
  private readonly base: URL;
  private creds: Credentials;
  private agent: http.Agent;
  private readonly retired: http.Agent[] = [];
  private headers: Record<string, string | string[]>;

  private constructor(
    readonly conn: ClusterConnection,
    creds: Credentials,
  ) {
    this.base = new URL(conn.server);
    this.creds = creds;
    this.agent = agentFor(this.base, creds);
    this.headers = { 'User-Agent': 'sailctl', ...creds.headers };
  }

  /** A client for the connection; its credentials are loaded (an exec plugin run) now, so a bad one fails first. */
  static async create(conn: ClusterConnection): Promise<KubeClient> {
    return new KubeClient(conn, await conn.credentials());
  }

  /** Follows renewed credentials (an exec plugin's expired token); a new client certificate needs a new pool. */
  private async refresh(renew = false): Promise<boolean> {
    const creds = await this.conn.credentials(renew);
    if (creds === this.creds) return false;
    if (creds.agent !== this.creds.agent || creds.tls !== this.creds.tls) {
      // Requests in flight finish on the old pool; close() ends it.
      this.retired.push(this.agent);
      this.agent = agentFor(this.base, creds);
    }
    this.creds = creds;
    this.headers = { 'User-Agent': 'sailctl', ...creds.headers };
    return true;
  }

  describe(): string {
    return this.conn.describe();
  }

  /** Closes idle keep-alive connections so the process can exit at once. */
  close(): void {
    for (const agent of [this.agent, ...this.retired]) agent.destroy();
  }

  /** One JSON request with retries; resolves to the parsed body, rejects with a KubeApiError or UserError. */
  async json<T = any>(spec: RequestSpec): Promise<T> {
    const res = await this.send(spec);
    if (res.body === '') return undefined as T;
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new UserError(`${spec.what} on ${this.describe()}: the API server answered with something that is not JSON (${res.body.slice(0, 80)})`);
    }
  }

  async send(spec: RequestSpec): Promise<RawResponse> {
    const retries = spec.retries ?? 5;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      let res: RawResponse | undefined;
      let netErr: (Error & { code?: string }) | undefined;
      try {
        await this.refresh();
        res = await this.attempt(spec);
      } catch (err) {
        if (err instanceof UserError) throw err;
        netErr = err as Error & { code?: string };
      }
      if (res && res.status < 400) return res;
      // Rejected credentials: ask the plugin for new ones once (client-go does the same).
      if (res?.status === 401 && !renewed) {
        renewed = true;
        if (await this.refresh(true)) {
          attempt--;
          continue;
        }
      }
      const failure = res
        ? { status: res.status, retryAfter: headerOf(res.headers['retry-after']) }
        : { netCode: netErr?.code ?? (/socket hang up/.test(netErr?.message ?? '') ? 'ECONNRESET' : undefined) };
      const delay = attempt < retries ? retryDelay(attempt, failure, this.backoffBaseMs) : undefined;
      if (delay === undefined) {
        if (res) throw this.explainStatus(spec, res);
        throw this.explainNetwork(spec, netErr!);
      }
      debug(`${spec.what}: ${res ? `HTTP ${res.status}` : failure.netCode}; retrying in ${Math.round(delay)} ms`);
      await sleep(delay);
    }
  }

  /** A streaming GET (watch): calls onLine for each newline-terminated line until the server ends it. */
  async stream(spec: RequestSpec, onLine: (line: string) => void, signal?: AbortSignal): Promise<void> {
    await this.refresh();
    // Aborted while the credentials were checked: the abort event has passed, so never start.
    if (signal?.aborted) return;
    return new Promise<void>((resolve, reject) => {
      const req = this.rawRequest(spec, undefined, (res) => {
        if ((res.statusCode ?? 0) >= 400) {
          collect(res).then((body) => reject(this.explainStatus(spec, { status: res.statusCode ?? 0, headers: res.headers, body })), reject);
          return;
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (line) onLine(line);
          }
        });
        res.on('end', () => resolve());
        res.on('aborted', () => resolve());
        res.on('error', (err) => (signal?.aborted ? resolve() : reject(err)));
      });
      req.on('error', (err) => (signal?.aborted ? resolve() : reject(err)));
      const abort = () => req.destroy();
      signal?.addEventListener('abort', abort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', abort));
      req.end();
    });
  }

  private attempt(spec: RequestSpec): Promise<RawResponse> {
    const timeoutMs = spec.timeoutMs ?? this.conn.timeoutMs;
    const body = encodeBody(spec);
    return new Promise<RawResponse>((resolve, reject) => {
      const req = this.rawRequest(spec, body, (res) => {
        collect(res).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), reject);
      });
      const timer = setTimeout(() => {
        const err = new Error(`no answer within ${timeoutMs / 1000}s`) as Error & { code: string };
        err.code = 'ETIMEDOUT';
        req.destroy(err);
      }, timeoutMs);
      req.on('error', reject);
      req.on('close', () => clearTimeout(timer));
      req.end(body);
    });
  }

  private rawRequest(spec: RequestSpec, body: string | undefined, onResponse: (res: http.IncomingMessage) => void): http.ClientRequest {
    this.requestCount++;
    const url = new URL(this.base.href.replace(/\/$/, '') + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string | string[]> = { ...this.headers, Accept: spec.accept ?? 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      // A length rather than chunked encoding: some servers and proxies refuse chunked DELETE bodies.
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const mod = url.protocol === 'http:' ? http : https;
    return mod.request(url, { method: spec.method, headers, agent: this.agent }, onResponse);
  }

  private explainStatus(spec: RequestSpec, res: RawResponse): KubeApiError {
    let status: { message?: string; reason?: string } = {};
    try {
      status = JSON.parse(res.body) as typeof status;
    } catch {
      status = { message: res.body.trim().slice(0, 200) || http.STATUS_CODES[res.status] };
    }
    const apiMessage = status.message ?? http.STATUS_CODES[res.status] ?? `HTTP ${res.status}`;
    const reason = status.reason ?? http.STATUS_CODES[res.status] ?? '';
    const t = spec.target;
    const cluster = this.describe();
    if (res.status === 403 && t) {
      const resource = t.group ? `${t.resource}.${t.group}` : t.resource;
      const where = t.namespace ? ` in namespace ${t.namespace}` : ' (cluster-wide)';
      return new KubeApiError(`${spec.what}: you are not allowed to ${t.verb} ${resource}${where} on ${cluster}; the API server said: ${apiMessage}`, {
        status: 403, reason, apiMessage,
        hint: `Ask a cluster admin to grant "${t.verb}" on "${resource}"${where}, or use --context with a context that has it.`,
      });
    }
    const hint =
      res.status === 401 ? 'Your credentials were rejected: refresh them (log in again) or pick another --context.'
        : res.status === 409 ? 'Another client changed this object at the same time; run the command again.'
          : res.status === 422 || res.status === 400 ? 'The object was rejected as invalid; check the overrides (-f/--set) that produced it.'
            : res.status === 429 || res.status >= 500 ? 'The API server is overloaded or failing; try again shortly, or check its health with `kubectl get --raw /readyz`.'
              : undefined;
    return new KubeApiError(`${spec.what} on ${cluster} failed: ${apiMessage} (HTTP ${res.status}${reason ? ` ${reason}` : ''})`, { status: res.status, reason, apiMessage, hint });
  }

  private explainNetwork(spec: RequestSpec, err: Error & { code?: string }): UserError {
    const code = err.code ?? '';
    const tls = TLS_CODE.test(code);
    const reason =
      code === 'ECONNREFUSED' ? 'connection refused'
        : code === 'ENOTFOUND' ? 'host not found'
          : code === 'ETIMEDOUT' ? err.message
            : tls ? `TLS certificate problem: ${err.message} (${code})`
              : err.message;
    return new UserError(`${spec.what}: cannot reach the Kubernetes cluster ${this.describe()}: ${reason}`, {
      hint: code === 'ETIMEDOUT' ? 'The API server is slow or unreachable; check it with `kubectl cluster-info`, or raise --kubeclient-timeout.'
        : tls ? "The server's certificate does not match the kubeconfig: check the cluster's certificate-authority(-data), tls-server-name and server address."
          : 'Is the cluster running and the kubeconfig current? `kubectl cluster-info` checks the same connection.',
      cause: err,
    });
  }
}

/** Node's codes for a server certificate that cannot be verified. */
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_|ERR_SSL_/;

/** One keep-alive pool per cluster (client-node's agent opened a connection per request). */
function agentFor(server: URL, creds: Credentials): http.Agent {
  if (creds.agent) return creds.agent;
  if (server.protocol === 'http:') return new http.Agent({ keepAlive: true, maxSockets: 16 });
  const tls = Object.fromEntries(Object.entries(creds.tls).filter(([, v]) => v !== undefined));
  return new https.Agent({ keepAlive: true, maxSockets: 16, ...tls });
}

function encodeBody(spec: RequestSpec): string | undefined {
  if (spec.body === undefined) return undefined;
  return typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
}

function headerOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function collect(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(Object.assign(new Error('connection reset while reading the answer'), { code: 'ECONNRESET' })));
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
