/** sailctl's entry point: parse, run, and turn any failure into one message and an exit code. */
import { CommanderError } from 'commander';
import { ExitCode, UsageError } from '../core/errors.js';
import { setVerbose } from '../core/verbosity.js';
import { disableColor } from '../core/terminal.js';
import { buildProgram } from './program.js';
import { reportError } from './run.js';
import { rewriteArgv } from './argv.js';
import { VERSION } from '../version/build-info.js';

async function main(rawArgv: string[]): Promise<number> {
  const argv = rewriteArgv(rawArgv);
  const program = buildProgram(VERSION);
  program.exitOverride();
  program.configureOutput({
    // Commander's own errors are rethrown below and printed by reportError, once.
    writeErr: (text) => {
      if (!text.startsWith('error:')) process.stderr.write(text);
    },
  });
  // Apply every command's overrides too (commander does not inherit exitOverride).
  const stack = [...program.commands];
  while (stack.length > 0) {
    const cmd = stack.pop()!;
    cmd.exitOverride();
    cmd.configureOutput({ writeErr: (text) => { if (!text.startsWith('error:')) process.stderr.write(text); } });
    stack.push(...cmd.commands);
  }
  program.hook('preAction', (_root, actionCommand) => {
    const o = actionCommand.optsWithGlobals();
    if (o.verbose || Number(o.vklog ?? 0) > 0) setVerbose(true);
    if (o.color === false) disableColor();
  });
  if (argv.includes('-v') || argv.includes('--verbose')) setVerbose(true);
  if (argv.includes('--no-color')) disableColor();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)) return ExitCode.Ok;
      return reportError(translateCommanderError(err));
    }
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

// A closed pipe downstream (`sailctl ... | head`) is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const code = await main(process.argv.slice(2)).catch((err) => reportError(err));
process.exitCode = typeof code === 'number' ? code : ExitCode.Failure;
