/** Runs the built sailctl binary as a user would, capturing stdout, stderr and the exit code. */
import { execa, type Options } from 'execa';
import { fileURLToPath } from 'node:url';

export const SAILCTL = fileURLToPath(new URL('../../bin/sailctl.js', import.meta.url));

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function sailctl(args: string[], options: Options = {}): Promise<CliResult> {
  const r = await execa(process.execPath, [SAILCTL, ...args], {
    reject: false,
    stripFinalNewline: false,
    env: { NO_COLOR: '1', ...(options.env ?? {}) },
    stdin: options.input === undefined && options.inputFile === undefined ? 'ignore' : undefined,
    ...options,
  });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}
