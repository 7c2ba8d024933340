/**
 * Reading a user-named input file or `-` (stdin) as text: the one place file-system errors
 * become the DataError (exit 65) every command reports, and the one place bytes become text
 * (strict UTF-8, as the API server accepts). Free of parsers, so commands that read JSON
 * (proxy-config -f) do not load the YAML library for it.
 */
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { DataError } from './errors.js';

/** Reads a file or `-` (stdin) as strict UTF-8 text, turning file-system errors into clear messages. */
export async function readInput(path: string): Promise<{ name: string; text: string }> {
  const { readFile } = await import('node:fs/promises');
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { name: '<stdin>', text: decodeText(Buffer.concat(chunks), '<stdin>') };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw readError(path, err);
  }
  return { name: path, text: decodeText(bytes, path) };
}

/** A file-system error reading a user's input, as the one message every command gives (exit 65). */
export function readError(path: string, err: unknown): DataError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
  return new DataError(`cannot read ${path}: ${why}`, { cause: err });
}

/** readInput for code that must stay synchronous (kubeconfig, profile files); `path` is a file. */
export function readTextFileSync(path: string): string {
  return decodeText(readFileSync(path), path);
}

/**
 * Bytes as UTF-8 text: a leading byte-order mark is dropped, invalid UTF-8 is refused with the
 * byte offset of the first bad byte (the API server accepts only UTF-8), and so are NUL bytes.
 * `base` places `bytes` in a larger input (a document of a stream) for the line and offset.
 */
export function decodeText(bytes: Uint8Array, file: string, base: { line: number; byte: number } = { line: 1, byte: 0 }): string {
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    const offset = base.byte + at;
    const line = base.line - 1 + lineAtByte(bytes, at);
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    throw new DataError(`${file}:${line}: invalid UTF-8 at byte offset ${offset} (byte 0x${bytes[at]!.toString(16).padStart(2, '0')})`, {
      hint: utf16 ? 'The file looks like UTF-16; save it as UTF-8.' : 'Save the file as UTF-8; YAML and Kubernetes accept only UTF-8 text.',
    });
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new DataError(`${file}:${base.line - 1 + lineAtByte(bytes, nul)}: binary data is not YAML or JSON (a NUL byte at byte offset ${base.byte + nul})`, {
      hint: 'Pass a text file holding Kubernetes resources.',
    });
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function lineAtByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset where the first ill-formed UTF-8 sequence starts (a stray byte, or a lead byte whose sequence is broken or cut off). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0; // overlong
      if (b === 0xed) max = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

