import { readdirSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { packageRoot } from '../../core/package-root.js';
import { completionScript, SHELLS, type Shell } from '../completion.js';

export async function run(opts: { descriptions: boolean }, args: string[], _globals: unknown, cmd: Command): Promise<void> {
  const shell = args[0] as Shell;
  if (!SHELLS.includes(shell)) {
    throw new UsageError(`unsupported shell "${args[0]}": choose one of ${SHELLS.join(', ')}`);
  }
  let root = cmd;
  while (root.parent) root = root.parent;
  process.stdout.write(completionScript(shell, root, builtInProfiles(), opts.descriptions));
}

function builtInProfiles(): string[] {
  try {
    return readdirSync(`${packageRoot()}/profiles`)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
  } catch {
    return [];
  }
}
