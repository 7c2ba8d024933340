/**
 * SIGINT and SIGTERM for commands that change a cluster (install, uninstall): the first signal
 * asks the work to stop at its next safe point (an AbortSignal), so the command can say what
 * was done and what a re-run does; a second one exits at once. Either way the exit code is
 * 130 (SIGINT) or 143 (SIGTERM), as a shell reports a process stopped by that signal.
 */
import { ExitCode, Interrupted, UserError } from '../core/errors.js';

export interface SignalTrap {
  /** Aborted at the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** The error to throw for `err` (the work's own error or undefined): Interrupted once a signal came. */
  translate(err: unknown, whatHappened: string, rerun: string): unknown;
  dispose(): void;
}

export function trapSignals(): SignalTrap {
  const abort = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  const handler = (sig: 'SIGINT' | 'SIGTERM') => () => {
    if (received) {
      process.stderr.write(`\n${sig === 'SIGINT' ? 'Interrupted' : 'Terminated'} again: stopping now; a re-run completes the work.\n`);
      process.exit(sig === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted);
    }
    received = sig;
    process.stderr.write(`\n${sig === 'SIGINT' ? 'Interrupted' : 'Terminated'}: finishing the requests in flight, then stopping (send it again to stop at once).\n`);
    abort.abort();
  };
  const onInt = handler('SIGINT');
  const onTerm = handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: abort.signal,
    translate(err, whatHappened, rerun) {
      if (!received) return err;
      // the work's own account (e.g. "interrupted after applying 12 of 40 objects") says most
      const said = err instanceof UserError && /interrupted/.test(err.message) ? err.message : whatHappened;
      return new Interrupted(received, said, rerun);
    },
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
