/**
 * Errors and exit codes. istioctl maps errors to sysexits-style codes (istioctl.md §5);
 * we keep the same numbers so scripts that branch on them keep working.
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 64,
  DataError: 65,
  AnalyzerFoundIssues: 79,
  /** Stopped by SIGINT (Ctrl+C): 128 + 2, as a shell reports it. */
  Interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the user can act on. Printed as one `Error: <message>` line (plus an optional
 * hint) without a stack trace, unless --verbose is on.
 */
export class UserError extends Error {
  readonly exitCode: ExitCode;
  /** What to do about it, printed on its own line under the message. */
  readonly hint?: string;

  constructor(message: string, options: { exitCode?: ExitCode; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? ExitCode.Failure;
    this.hint = options.hint;
  }
}

/** Bad flags, arguments or command names: exit 64. */
export class UsageError extends UserError {
  constructor(message: string, hint?: string | { hint?: string }) {
    super(message, { exitCode: ExitCode.Usage, hint: typeof hint === 'string' ? hint : hint?.hint });
    this.name = 'UsageError';
  }
}

/** Input that cannot be read or parsed (file:line in the message): exit 65. */
export class DataError extends UserError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { ...options, exitCode: ExitCode.DataError });
    this.name = 'DataError';
  }
}

/** A run stopped by SIGINT or SIGTERM: what was done and what a re-run does, exit 130 or 143. */
export class Interrupted extends UserError {
  constructor(signal: 'SIGINT' | 'SIGTERM', message: string, hint?: string) {
    super(message, { exitCode: signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted, hint });
    this.name = 'Interrupted';
  }
}

/**
 * Signals that a command already reported its result and only the exit code is left to set
 * (analysis findings, failed checks). Nothing further is printed.
 */
export class SilentExit extends Error {
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode) {
    super(`exit ${exitCode}`);
    this.name = 'SilentExit';
    this.exitCode = exitCode;
  }
}
