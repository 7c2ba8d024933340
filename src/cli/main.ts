/**
 * sailctl's entry point: parse, run, and turn any failure into one message and an exit code.
 * The bundle exports `start` for the launcher (src/cli/launcher.ts) and `createProgram` for
 * the build-time generator (scripts/gen-startup.ts), which records what help prints.
 */
import { CommanderError, type Command, type OutputConfiguration } from 'commander';
import { ExitCode, UsageError } from '../core/errors.js';
import { setVerbose } from '../core/verbosity.js';
import { disableColor } from '../core/terminal.js';
import { globalVerboseInArgv, verboseOf } from './flags.js';
import { buildProgram } from './program.js';
import { reportError } from './run.js';
import { rewriteArgv } from './argv.js';
import { VERSION } from '../version/build-info.js';

export { VERSION };

/** Commander's own errors are rethrown by parse and printed by reportError, once. */
const defaultOutput: OutputConfiguration = {
  writeErr: (text) => {
    if (!text.startsWith('error:')) process.stderr.write(text);
  },
};

/** The command tree, with commander's exits and output (the help generator captures it) routed through us on every command. */
export function createProgram(output: OutputConfiguration = defaultOutput): Command {
  const program = buildProgram(VERSION);
  // commander inherits neither exitOverride nor configureOutput into commands already added.
  const stack: Command[] = [program];
  while (stack.length > 0) {
    const cmd = stack.pop()!;
    cmd.exitOverride();
    cmd.configureOutput(output);
    stack.push(...cmd.commands);
  }
  program.hook('preAction', (_root, actionCommand) => {
    const o = actionCommand.optsWithGlobals();
    if (verboseOf(actionCommand)) setVerbose(true);
    if (o.color === false) disableColor();
  });
  return program;
}

/** True for the CommanderErrors that mean "help or version was printed", which exit 0. */
export function isHelpExit(err: unknown): boolean {
  return err instanceof CommanderError && ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code);
}

export async function main(rawArgv: string[]): Promise<number> {
  const argv = rewriteArgv(rawArgv);
  const program = createProgram();
  // Before parsing, so parse errors get stack traces too; the preAction hook decides the rest.
  if (globalVerboseInArgv(argv)) setVerbose(true);
  if (argv.includes('--no-color')) disableColor();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.Ok;
  } catch (err) {
    if (isHelpExit(err)) return ExitCode.Ok;
    if (err instanceof CommanderError) return reportError(translateCommanderError(err));
    return reportError(err);
  }
}

/** Commander's parse errors become usage errors (exit 64) with kubectl-style wording. */
function translateCommanderError(err: CommanderError): UsageError {
  const message = err.message.replace(/^error: /, '');
  if (err.code === 'commander.unknownCommand') {
    const name = /'([^']+)'/.exec(message)?.[1] ?? '';
    return new UsageError(`unknown command "${name}" for "sailctl"`, `Run 'sailctl --help' for usage.${message.includes('Did you mean') ? ' ' + message.slice(message.indexOf('(Did')) : ''}`);
  }
  if (err.code === 'commander.invalidArgument' && err.exitCode === ExitCode.Usage) return new UsageError(message);
  return new UsageError(message, 'Run the command with --help to see its flags.');
}

/** Runs sailctl on process.argv and sets the exit code; resolves when the command is done. */
export async function start(): Promise<number> {
  // A closed pipe downstream (`sailctl ... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const code = await main(process.argv.slice(2)).catch((err) => reportError(err));
  process.exitCode = typeof code === 'number' ? code : ExitCode.Failure;
  return process.exitCode;
}
