/**
 * Flag values as the commands see them: the global flags every command accepts
 * (istioctl.md §6.1), the render flags shared by every command that renders an install,
 * and the parsers commander calls for istioctl's flag syntaxes (string slices, Go
 * durations, pflag booleans). Commands import this module, never the command tree.
 */
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { ResolveInput } from '../operator/types.js';

export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  istioNamespace: string;
  namespace?: string;
  kubeclientTimeout: string;
  verbose: boolean;
  color: boolean;
}

/**
 * Whether the global `-v/--verbose` (or a non-zero `--vklog`) is on. Some istioctl commands
 * (`pc listener`, `pc route`) have a `--verbose` of their own; there only the root's counts.
 */
export function verboseOf(cmd: Command): boolean {
  const o = cmd.optsWithGlobals() as Record<string, unknown>;
  if (!cmd.options.some((opt) => opt.long === '--verbose')) return Boolean(o.verbose) || Number(o.vklog ?? 0) > 0;
  let root = cmd;
  while (root.parent) root = root.parent;
  // commander gives a `--verbose` anywhere to the root; count it only before the command word.
  return globalVerboseInArgv((root as Command & { rawArgs?: string[] }).rawArgs ?? []) || Number(o.vklog ?? 0) > 0;
}

/** `-v` anywhere, or `--verbose` before the first command word (after it, it may be the command's own). */
export function globalVerboseInArgv(argv: readonly string[]): boolean {
  const firstWord = argv.findIndex((a) => !a.startsWith('-'));
  return argv.includes('-v') || argv.slice(0, firstWord < 0 ? argv.length : firstWord).includes('--verbose');
}

/** Reads the global flags from any command in the tree. */
export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Record<string, unknown>;
  return {
    kubeconfig: (o.kubeconfig as string | undefined) || undefined,
    context: (o.context as string | undefined) || undefined,
    istioNamespace: (o.istioNamespace as string) || process.env.ISTIOCTL_ISTIONAMESPACE || 'istio-system',
    namespace: (o.namespace as string | undefined) || undefined,
    kubeclientTimeout: (o.kubeclientTimeout as string) ?? '15s',
    verbose: verboseOf(cmd),
    color: o.color !== false,
  };
}

/** The flags that select what to render (`-f`, `--set`, `-r`, `-d`). */
export interface RenderFlags {
  filename?: string[];
  set?: string[];
  manifests?: string;
  /** istioctl's deprecated name for --manifests. */
  charts?: string;
  revision?: string;
}

/** What to resolve; `--force` stays with the commands where it downgrades validation errors. */
export function renderInput(opts: RenderFlags): ResolveInput {
  return { files: opts.filename, sets: opts.set, revision: opts.revision, manifestsDir: opts.manifests ?? opts.charts };
}

/** True when -f or --set says what to render. */
export function selectsInstall(opts: RenderFlags): boolean {
  return (opts.filename?.length ?? 0) > 0 || (opts.set?.length ?? 0) > 0;
}

/** istioctl's `-f` is a string slice: repeatable, and commas split it. */
export function collectFiles(value: string, previous: string[] = []): string[] {
  return previous.concat(value.split(',').filter((v) => v !== ''));
}

/** `--set` is a string array: repeatable, commas kept (istioctl.md §3.2). */
export function collect(value: string, previous: string[] = []): string[] {
  return previous.concat(value);
}

/** A Go duration (`30s`, `5m`, `1h30m`, `250ms`) in milliseconds; anything else is a usage error naming the flag. */
export function parseDuration(value: string, flag: string): number {
  // Go's time.ParseDuration: an optional sign, then number+unit pairs; a bare 0 is allowed
  const sign = value.startsWith('-') ? -1 : 1;
  const body = value.replace(/^[-+]/, '');
  if (body === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|h|m|s)/gy;
  const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = 0;
  for (const m of body.matchAll(re)) {
    total += Number(m[1]) * unitMs[m[2]!]!;
    matched += m[0].length;
  }
  if (body === '' || matched !== body.length || !Number.isFinite(total)) {
    throw new UsageError(`invalid duration "${value}" for ${flag}: use Go's form, e.g. 30s, 5m or 1h30m`);
  }
  return sign * total;
}

/** An argParser that checks a Go duration when the flag is parsed (exit 64 naming the flag) and keeps the text. */
export function durationFlag(flag: string): (value: string) => string {
  return (value) => {
    parseDuration(value, flag);
    return value;
  };
}

/** An argParser for a non-negative integer such as klog's level (pflag's int: decimal digits). */
export function levelFlag(flag: string): (value: string) => string {
  return (value) => {
    if (!/^\d{1,9}$/.test(value.trim())) throw new UsageError(`invalid argument "${value}" for "${flag}" flag: must be a non-negative integer, e.g. ${flag} 4`);
    return value.trim();
  };
}

/** A pflag boolean: bare flag, true/false or 1/0. */
export function parseBool(flag: string): (value: string | undefined) => boolean {
  return (value) => {
    if (value === undefined || value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    throw new UsageError(`invalid value "${value}" for ${flag}: must be true or false`);
  };
}
