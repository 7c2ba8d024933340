/**
 * Client-go credential plugins (a kubeconfig user's `exec:` entry), run as kubectl runs them:
 * the user's environment plus the entry's `env`, KUBERNETES_EXEC_INFO describing the request,
 * the plugin's stderr passed through (its "please log in" messages are for the user), stdin only
 * when the session is interactive. The answer is an ExecCredential with a token or a client
 * certificate and key, optionally with an expiry after which the plugin is asked again.
 */
import { spawn } from 'node:child_process';
import { UserError } from '../core/errors.js';

export interface ExecConfig {
  command?: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
}

/** What KUBERNETES_EXEC_INFO tells a plugin about the cluster when provideClusterInfo is set. */
export interface ExecClusterInfo {
  server: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'certificate-authority-data'?: string;
}

export interface ExecResult {
  token?: string;
  cert?: string;
  key?: string;
  /** ms since the epoch; undefined when the credential does not expire. */
  expiresAt?: number;
}

interface ExecCredentialDoc {
  apiVersion?: string;
  kind?: string;
  status?: { token?: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string };
}

export async function runExecPlugin(exec: ExecConfig, user: string, cluster: ExecClusterInfo, stdinIsTTY = process.stdin.isTTY === true): Promise<ExecResult> {
  const failed = (why: string, hint?: string) => new UserError(`the credential plugin of kubeconfig user "${user}" (${exec.command ?? 'no command'}) ${why}`, { hint });
  if (!exec.command) throw failed('cannot run: exec.command is empty', 'Fix the exec entry of that user in the kubeconfig.');
  if (!exec.apiVersion) throw failed('cannot run: exec.apiVersion is not set', 'Set it to the version the plugin speaks, e.g. client.authentication.k8s.io/v1.');
  const mode = exec.interactiveMode ?? 'IfAvailable';
  if (mode === 'Always' && !stdinIsTTY) {
    throw failed('needs an interactive terminal (interactiveMode: Always), and standard input is not one', 'Run the command from a terminal, or log in with the plugin first.');
  }
  const interactive = mode !== 'Never' && stdinIsTTY;
  const spec: Record<string, unknown> = { interactive };
  if (exec.provideClusterInfo && !exec.apiVersion.endsWith('/v1alpha1')) spec.cluster = cluster;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify({ kind: 'ExecCredential', apiVersion: exec.apiVersion, spec });

  const { code, stdout, spawnError } = await new Promise<{ code: number | null; stdout: string; spawnError?: NodeJS.ErrnoException }>((resolve) => {
    const child = spawn(exec.command!, exec.args ?? [], { env, stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => (out += chunk));
    child.on('error', (err: NodeJS.ErrnoException) => resolve({ code: null, stdout: out, spawnError: err }));
    child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out }));
  });
  if (spawnError) {
    const notFound = spawnError.code === 'ENOENT';
    throw failed(notFound ? 'was not found' : `could not be started: ${spawnError.message}`, exec.installHint?.trim() || (notFound ? 'Install the plugin, or put it on $PATH.' : undefined));
  }
  if (code !== 0) throw failed(`failed with exit code ${code}`, 'Its own message, if any, is printed above; often logging in again with the plugin fixes it.');

  let doc: ExecCredentialDoc;
  try {
    doc = JSON.parse(stdout) as ExecCredentialDoc;
  } catch {
    throw failed(`printed something that is not an ExecCredential JSON document: ${stdout.trim().slice(0, 80) || '(nothing)'}`);
  }
  if (doc.kind !== 'ExecCredential') throw failed(`printed a ${doc.kind ?? 'document without kind'}, not an ExecCredential`);
  if (doc.apiVersion !== exec.apiVersion) throw failed(`answered with apiVersion ${doc.apiVersion ?? '(none)'}, but the kubeconfig asks for ${exec.apiVersion}`);
  const status = doc.status;
  if (!status) throw failed('returned no status');
  const { token, clientCertificateData: cert, clientKeyData: key } = status;
  if (Boolean(cert) !== Boolean(key)) throw failed('returned a client certificate or key, but not both');
  if (!token && !cert) throw failed('returned neither a token nor a client certificate and key');
  const expiresAt = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : undefined;
  return { token: token || undefined, cert: cert || undefined, key: key || undefined, expiresAt: Number.isFinite(expiresAt) ? expiresAt : undefined };
}
