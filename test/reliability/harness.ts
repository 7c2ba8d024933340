/**
 * Runs a sailctl command line in this process (the command tree, the command layer and the
 * one error boundary, cli/run.ts), capturing stdout, stderr and the exit code. Hundreds of
 * command × input cases then take seconds instead of a Node start-up each; binary.e2e.test.ts
 * checks a sample of the same cases through the built binary.
 */
import { CommanderError, type Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { reportError } from '../../src/cli/run.js';
import { ExitCode, UsageError } from '../../src/core/errors.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

function quiet(cmd: Command): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  for (const sub of cmd.commands) quiet(sub);
}

export async function runInProcess(args: string[]): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  let exitCode: number = ExitCode.Ok;
  try {
    const program = buildProgram('0.0.0-test');
    quiet(program);
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    // commander's own parse errors are usage errors, as the entry point turns them
    exitCode = reportError(e instanceof CommanderError ? new UsageError(e.message.replace(/^error: /, '')) : e);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return { stdout, stderr, exitCode };
}
