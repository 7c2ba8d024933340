/**
 * The top-level error boundary: every command's failure ends here and becomes one
 * `Error: ...` line on stderr and an istioctl exit code. Stacks only with --verbose.
 */
import { ExitCode, SilentExit, UserError } from '../core/errors.js';
import { isVerbose } from '../core/verbosity.js';
import { palette } from '../core/terminal.js';

export function exitCodeFor(err: unknown): number {
  if (err instanceof SilentExit) return err.exitCode;
  if (err instanceof UserError) return err.exitCode;
  // istioctl: any error whose text contains "unknown command" is a usage error.
  if (err instanceof Error && err.message.includes('unknown command')) return ExitCode.Usage;
  return ExitCode.Failure;
}

export function reportError(err: unknown): number {
  const code = exitCodeFor(err);
  if (err instanceof SilentExit) return code;
  const p = palette(process.stderr);
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${p.red('Error:')} ${message}\n`);
  if (err instanceof UserError && err.hint) process.stderr.write(`${p.dim(err.hint)}\n`);
  if (isVerbose() && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
  } else if (!(err instanceof UserError)) {
    // An unexpected failure: still no stack by default, but say how to see one.
    process.stderr.write(p.dim('(an internal error; run again with --verbose for details)\n'));
  }
  return code;
}
