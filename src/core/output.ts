/**
 * Output conventions: data goes to stdout, progress and diagnostics to stderr.
 * Structured results (-o json|yaml) are formatted by structured.ts, kept apart so that
 * commands printing plain text never load the yaml library.
 */
import { UsageError } from './errors.js';
import { isVerbose } from './verbosity.js';

/** Validates an -o/--output value against what the command supports. */
export function parseOutputFormat<T extends string>(value: string, allowed: readonly T[], flag = '--output'): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(
    `invalid value "${value}" for ${flag}: must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`,
  );
}

export function writeStdout(text: string): void {
  process.stdout.write(text);
}

/** Diagnostics: warnings, notes, progress lines. Never data. */
export function note(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
}

export { isVerbose, setVerbose } from './verbosity.js';

/** Debug lines appear only with --verbose / --vklog > 0. */
export function debug(text: string): void {
  if (isVerbose()) note(`debug: ${text}`);
}
