/**
 * The one way sailctl commands reach a cluster. It resolves the kubeconfig like kubectl
 * (./kubeconfig.ts) and only then imports @kubernetes/client-node, which costs ~300 ms to
 * load: commands that never talk to a cluster never get here.
 */
import { stringify } from 'yaml';
import { UserError } from '../core/errors.js';
import { resolveKubeconfig, type ResolvedKubeconfig } from './kubeconfig.js';

export type KubeClientModule = typeof import('@kubernetes/client-node');

export interface ClusterConnection {
  k8s: KubeClientModule;
  kc: import('@kubernetes/client-node').KubeConfig;
  resolved: ResolvedKubeconfig;
  /** Per-call timeout from --kubeclient-timeout, in ms. */
  timeoutMs: number;
  /** "context kind-dev (https://127.0.0.1:6443)", for messages. */
  describe(): string;
}

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  timeoutMs?: number;
}

export async function connectCluster(options: ConnectOptions): Promise<ClusterConnection> {
  const resolved = resolveKubeconfig({ kubeconfig: options.kubeconfig, context: options.context });
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  if (resolved.source.kind === 'in-cluster') {
    kc.loadFromCluster();
  } else {
    kc.loadFromString(stringify(resolved.config));
  }
  return {
    k8s,
    kc,
    resolved,
    timeoutMs: options.timeoutMs ?? 15_000,
    describe: () => `${resolved.context ? `context "${resolved.context}" ` : ''}(${resolved.server})`,
  };
}

/** Runs one API call with the --kubeclient-timeout deadline. */
export async function withTimeout<T>(conn: ClusterConnection, what: string, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UserError(`timed out after ${conn.timeoutMs / 1000}s ${what} on the cluster ${conn.describe()}`, {
        hint: 'Check that the cluster is reachable, or raise --kubeclient-timeout.',
      })),
      conn.timeoutMs,
    );
  });
  try {
    return await Promise.race([call(), deadline]);
  } catch (err) {
    throw explainApiError(err, what, conn);
  } finally {
    clearTimeout(timer);
  }
}

/** Turns a client-node or network error into one sentence: which cluster, what failed, what to do. */
export function explainApiError(err: unknown, what: string, conn: ClusterConnection): unknown {
  if (err instanceof UserError) return err;
  const e = err as { code?: unknown; body?: unknown; message?: string; cause?: { code?: string } };
  const netCode = typeof e.code === 'string' ? e.code : e.cause?.code ?? /\b(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|CERT_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b/.exec(e.message ?? '')?.[1];
  if (typeof e.code === 'number') {
    const status = parseStatus(e.body);
    const message = status?.message ?? e.message ?? `HTTP ${e.code}`;
    const hint =
      e.code === 401
        ? 'Your credentials were rejected: refresh them (e.g. log in again) or pick another --context.'
        : e.code === 403
          ? 'Ask a cluster admin for the missing permission, or use a context that has it.'
          : undefined;
    return new UserError(`${what} failed on the cluster ${conn.describe()}: ${message}`, { hint, cause: err });
  }
  if (netCode) {
    const reason =
      netCode === 'ECONNREFUSED' ? 'connection refused'
        : netCode === 'ENOTFOUND' ? 'host not found'
          : netCode.startsWith('CERT_') || netCode.includes('CERT') ? `TLS certificate problem (${netCode})`
            : netCode.toLowerCase();
    return new UserError(`cannot reach the Kubernetes cluster ${conn.describe()}: ${reason}`, {
      hint: 'Is the cluster running and the kubeconfig current? `kubectl cluster-info` checks the same connection.',
      cause: err,
    });
  }
  return err;
}

function parseStatus(body: unknown): { message?: string; reason?: string } | undefined {
  if (body && typeof body === 'object') return body as { message?: string };
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as { message?: string };
    } catch {
      return { message: body.slice(0, 200) };
    }
  }
  return undefined;
}
