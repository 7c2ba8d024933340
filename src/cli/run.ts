/**
 * The top-level error boundary: every command's failure ends here and becomes one
 * `Error: ...` line on stderr and an istioctl exit code. Stacks only with --verbose.
 */
import { ExitCode, SilentExit, UserError } from '../core/errors.js';
import { isVerbose } from '../core/verbosity.js';
import { palette } from '../core/terminal.js';
import { redact } from '../core/redact.js';

export function exitCodeFor(err: unknown): number {
  if (err instanceof SilentExit) return err.exitCode;
  if (err instanceof UserError) return err.exitCode;
  // istioctl: any error whose text contains "unknown command" is a usage error.
  if (err instanceof Error && err.message.includes('unknown command')) return ExitCode.Usage;
  return ExitCode.Failure;
}

/**
 * JavaScript's own texts for exhausted resources say nothing about the input; every input limit
 * is checked before it (yaml/limits.ts), so reaching one here is a bug, said plainly.
 */
function internalText(err: Error): string {
  if (err instanceof RangeError && /call stack|string length|array length/i.test(err.message)) {
    return 'the input is too large or too deeply nested for sailctl to process';
  }
  return err.message;
}

export function reportError(err: unknown): number {
  const code = exitCodeFor(err);
  if (err instanceof SilentExit) return code;
  const p = palette(process.stderr);
  const message = redact(err instanceof Error ? internalText(err) : String(err));
  process.stderr.write(`${p.red('Error:')} ${message}\n`);
  if (err instanceof UserError && err.hint) process.stderr.write(`${p.dim(redact(err.hint))}\n`);
  if (isVerbose() && err instanceof Error && err.stack) {
    process.stderr.write(`${redact(err.stack)}\n`);
  } else if (!(err instanceof UserError)) {
    // An unexpected failure: still no stack by default, but say how to see one.
    process.stderr.write(p.dim('(an internal error; run again with --verbose for details)\n'));
  }
  return code;
}
