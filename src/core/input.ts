/**
 * Reading a user-named input file or `-` (stdin) as text: the one place file-system errors
 * become the DataError (exit 65) every command reports. Free of parsers, so commands that read
 * JSON (proxy-config -f) do not load the YAML library for it.
 */
import { DataError } from './errors.js';

/** Reads a file or `-` (stdin) as UTF-8 text, turning file-system errors into clear messages. */
export async function readInput(path: string): Promise<{ name: string; text: string }> {
  const { readFile } = await import('node:fs/promises');
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { name: '<stdin>', text: Buffer.concat(chunks).toString('utf8') };
  }
  try {
    return { name: path, text: await readFile(path, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    throw new DataError(`cannot read ${path}: ${why}`, { cause: err });
  }
}
