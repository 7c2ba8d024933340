/**
 * Credentials never reach the user's terminal or logs: kubeconfig secrets (tokens, passwords,
 * client keys, userinfo in server URLs) are registered when they are read, and from then on
 * everything written to stdout and stderr passes through redact(), so a connection error,
 * a --verbose stack or a `-o json` report cannot carry one, whichever code path printed it.
 * Commands that never read a kubeconfig register nothing and pay nothing.
 */
const secrets = new Set<string>();
const MASK = '[REDACTED]';

/** Userinfo in a URL (`https://user:pass@host`), a bearer/basic credential, a PEM private key. */
const PATTERNS: [RegExp, string][] = [
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi, `$1${MASK}@`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, MASK],
];

/** Remembers a credential so that no later output shows it (short values are ignored: too common to mask). */
export function registerSecret(value: string | Buffer | undefined | null): void {
  if (value === undefined || value === null) return;
  const text = typeof value === 'string' ? value : value.toString('utf8');
  for (const part of [text, text.trim()]) if (part.length >= 6) secrets.add(part);
  // a PEM key is also matched by its base64 lines, should a message quote part of it
  for (const line of text.split('\n')) if (line.length >= 40 && !line.startsWith('-----')) secrets.add(line.trim());
  installWriters();
}

/** A URL as text without its userinfo (`https://[REDACTED]@host`), for messages that name a server. */
export function redactUrl(url: string): string {
  return url.replace(PATTERNS[0]![0], `$1${MASK}@`);
}

/** `text` with every registered secret and every credential-shaped pattern masked. */
export function redact(text: string): string {
  let out = redactSecrets(text);
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

function redactSecrets(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

let installed = false;

/** Wraps stdout (registered secrets) and stderr (secrets and patterns) once, at the first secret. */
function installWriters(): void {
  if (installed) return;
  installed = true;
  wrap(process.stdout, redactSecrets);
  wrap(process.stderr, redact);
}

function wrap(stream: NodeJS.WriteStream, filter: (text: string) => string): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string') return write(filter(chunk), ...rest);
    if (chunk instanceof Uint8Array) {
      const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
      const filtered = filter(text);
      return write(filtered === text ? chunk : filtered, ...rest);
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
