/**
 * Build-time data for a fast start (scripts/build.mjs bundles and runs this):
 *  - the help commander prints for every help form of every command (`--help`, `-h`, `help`,
 *    `help <cmd>`, a group without a subcommand, no arguments), recorded by running the real
 *    command tree through commander as a process whose output is not a terminal would;
 *  - the built-in injection config kube-inject uses with no cluster, computed by the code
 *    the CLI runs otherwise (src/inject/config-sources.ts).
 */
import type { Command } from 'commander';
import { createProgram, isHelpExit } from '../src/cli/main.js';
import { HELP_ENV } from '../src/cli/program.js';
import type { StartupData } from '../src/cli/launcher.js';
import type { BuiltinInjection } from '../src/inject/builtin-injection.js';
import { computeBuiltinInjection } from '../src/inject/config-sources.js';

export interface GeneratedStartup {
  startup: StartupData;
  /** Distinct help texts; StartupData.help points into this list. */
  helpTexts: string[];
  builtinInjection: BuiltinInjection;
}

export async function generateStartup(): Promise<GeneratedStartup> {
  const help: StartupData['help'] = {};
  const helpTexts: string[] = [];
  for (const argv of helpForms(createProgram())) {
    const printed = await helpOf(argv);
    if (!printed) continue;
    let index = helpTexts.indexOf(printed.text);
    if (index < 0) index = helpTexts.push(printed.text) - 1;
    help[argv.join('\0')] = [index, printed.fd, 0];
  }
  const commands: Record<string, string> = {};
  for (const cmd of createProgram().commands) for (const name of [cmd.name(), ...cmd.aliases()]) commands[name] = cmd.name();
  return { startup: { help, commands, helpEnv: [...HELP_ENV] }, helpTexts, builtinInjection: await computeBuiltinInjection() };
}

/** Every way to ask for help, for every command under every spelling (name or alias) of its path. */
function helpForms(program: Command): string[][] {
  const forms: string[][] = [[], ['--help'], ['-h']];
  const visit = (cmd: Command, paths: string[][]) => {
    for (const path of paths) {
      if (path.length > 0) forms.push([...path, '--help'], [...path, '-h']);
      if (cmd.commands.length > 0) {
        if (path.length > 0) forms.push(path);
        forms.push([...path, 'help']);
        for (const sub of cmd.commands) for (const name of spellings(sub)) forms.push([...path, 'help', name]);
      }
    }
    for (const sub of cmd.commands) visit(sub, paths.flatMap((path) => spellings(sub).map((name) => [...path, name])));
  };
  visit(program, [[]]);
  return forms;
}

const spellings = (cmd: Command) => [cmd.name(), ...cmd.aliases()];

/** What sailctl prints for argv when that is help, or undefined (the command would run). */
async function helpOf(argv: string[]): Promise<{ text: string; fd: 1 | 2 } | undefined> {
  const saved = HELP_ENV.map((name) => [name, process.env[name]] as const);
  for (const name of HELP_ENV) delete process.env[name];
  let out = '';
  let err = '';
  // As commander sees a stream that is not a terminal: no width (it wraps at 80), no colour.
  const program = createProgram({
    writeOut: (text) => void (out += text),
    writeErr: (text) => void (err += text),
    getOutHelpWidth: () => undefined as unknown as number,
    getErrHelpWidth: () => undefined as unknown as number,
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  });
  let helpExit = false;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    helpExit = isHelpExit(e);
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
  if (!helpExit || (out === '') === (err === '')) return undefined;
  const text = out || err;
  if (text.includes('\u001b')) throw new Error(`help for ${JSON.stringify(argv)} has colour codes; static help assumes it has none`);
  return { text, fd: out ? 1 : 2 };
}
