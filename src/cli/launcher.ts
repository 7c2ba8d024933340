/**
 * What `bin/sailctl.js` runs (built to dist/sailctl.cjs). It answers `--version` and help from
 * build-time data without loading the command framework, and otherwise runs the CLI bundle
 * (dist/main.cjs) from a V8 code cache, so its code is not compiled again on every run. Node 20 has no
 * module compile cache and its CommonJS loader takes no cached data, so the bundle is
 * compiled here with vm.Script. Plain CommonJS and Node builtins only: this file is never cached.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

/** Written by scripts/build.mjs. */
declare const __SAILCTL_VERSION__: string;
declare const __SAILCTL_BUNDLE_ID__: string;
declare const __SAILCTL_STARTUP__: StartupData;

/** Build-time facts about the command tree (scripts/gen-startup.ts). */
export interface StartupData {
  /** argv joined with NUL → [index in help.json, fd written to, exit code], for output that is not a terminal. */
  help: Record<string, [number, 1 | 2, number]>;
  /** Top-level command names and aliases → the name their code cache is stored under. */
  commands: Record<string, string>;
  /** Environment variables whose value shows in help (flag defaults): set, the help is not static. */
  helpEnv: string[];
}

const VERSION = __SAILCTL_VERSION__;
const BUNDLE_ID = __SAILCTL_BUNDLE_ID__;
const STARTUP = __SAILCTL_STARTUP__;
/** For tests: the help forms served from build-time text. */
export const startupData: StartupData = STARTUP;
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Cache file layout: magic, bundle id (a cache made for other code must never be used: V8
 * only checks the source length), payload length and checksum (V8 does not verify its own
 * checksum in release builds, and deserialising damaged data can crash), then V8's data.
 */
const MAGIC = 'sailcc01';
const HEADER = MAGIC.length + BUNDLE_ID.length + 8;

export function launch(dist: string, argv: string[]): void {
  if (argv.length === 1 && argv[0] === '--version') {
    writeAll(1, VERSION + '\n');
    return;
  }
  if (staticHelp(dist, argv)) return;
  runBundle(dist, argv);
}

/** Help as commander prints it for output that is not a terminal (a terminal's width changes the wrapping). */
function staticHelp(dist: string, argv: string[]): boolean {
  const key = argv.join('\0');
  if (!hasOwn(STARTUP.help, key) || STARTUP.helpEnv.some((name) => process.env[name])) return false;
  const [index, fd, exitCode] = STARTUP.help[key]!;
  if (!notATerminal(fd)) return false;
  let text: unknown;
  try {
    text = (JSON.parse(fs.readFileSync(path.join(dist, 'help.json'), 'utf8')) as unknown[])[index];
  } catch {
    return false; // commander prints it
  }
  if (typeof text !== 'string') return false;
  writeAll(fd, text);
  process.exitCode = exitCode;
  return true;
}

function notATerminal(fd: number): boolean {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return false;
  }
  if (!st.isCharacterDevice()) return true;
  // /dev/null is a character device too, and a common one; loading `tty` to tell costs ~2 ms.
  try {
    if (fs.statSync('/dev/null').rdev === st.rdev) return true;
  } catch {
    // not a Unix system
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only here, for a character device
  return !(require('node:tty') as typeof import('node:tty')).isatty(fd);
}

/** Writes everything, as process.stdout would; a reader that went away ends the output quietly. */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length; ) {
    try {
      off += fs.writeSync(fd, buf, off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // a non-blocking pipe is full
    }
  }
}

interface BundleExports {
  start(): Promise<number>;
}

/**
 * Runs dist/main.cjs. A cache made by the build (dist/cache) is used when V8 accepts it; when it
 * is missing or rejected (another Node version), the cache is made after the command ran (so it
 * holds every function the command compiled) and written to the user's cache directory.
 */
function runBundle(dist: string, argv: string[]): void {
  const file = path.join(dist, 'main.cjs');
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch {
    process.stderr.write(`Error: ${file} is missing. Run \`npm run build\` (or \`npm ci\`) in the sailctl checkout.\n`);
    process.exitCode = 1;
    return;
  }
  const name = cacheName(argv);
  const userFile = userCacheFile(name);
  const cachedData = (userFile && readCache(userFile)) || readCache(path.join(dist, 'cache', `${name}.cache`));
  // The wrapper adds one line in front: lineOffset keeps stack traces on the bundle's own lines.
  const wrapped = `(function (exports, require, module, __filename, __dirname, __sailctlImport, __sailctlUrl) {\n${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, lineOffset: -1, cachedData });
  const mod = { exports: {} as BundleExports };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  // A script compiled from a cache has no dynamic import() of its own; ESM-only packages load through this.
  const importEsm = (specifier: string) => import(specifier);
  run(mod.exports, require, mod, file, dist, importEsm, pathToFileURL(file).href);
  const done = mod.exports.start();
  if (userFile && (!cachedData || script.cachedDataRejected)) {
    void done.then(() => writeCache(userFile, () => script.createCachedData()));
  }
}

/** One cache per top-level command: each holds the functions its command compiled. */
function cacheName(argv: string[]): string {
  const first = argv.find((a) => !a.startsWith('-'));
  return first !== undefined && hasOwn(STARTUP.commands, first) ? STARTUP.commands[first]! : 'default';
}

function userCacheFile(name: string): string | undefined {
  const xdg = process.env.XDG_CACHE_HOME;
  const home = process.env.HOME || process.env.USERPROFILE;
  const base = xdg && path.isAbsolute(xdg) ? xdg : home ? path.join(home, '.cache') : undefined;
  return base && path.join(base, 'sailctl', VERSION, `${name}.cache`);
}

function readCache(file: string): Buffer | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (buf.length <= HEADER || buf.toString('latin1', 0, MAGIC.length + BUNDLE_ID.length) !== MAGIC + BUNDLE_ID) return undefined;
  const payload = buf.subarray(HEADER);
  if (buf.readUInt32LE(HEADER - 8) !== payload.length || buf.readUInt32LE(HEADER - 4) !== checksum(payload)) return undefined;
  return payload;
}

/** Best effort: a cache that cannot be written is only a slower next start. */
function writeCache(file: string, make: () => Buffer): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch {
    return; // no place for it: do not spend the time making it
  }
  const data = make();
  const header = Buffer.alloc(HEADER);
  header.write(MAGIC + BUNDLE_ID, 0, 'latin1');
  header.writeUInt32LE(data.length, HEADER - 8);
  header.writeUInt32LE(checksum(data), HEADER - 4);
  // Written aside and renamed, so a concurrent run reads either no file or a whole one.
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, Buffer.concat([header, data]));
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

/**
 * A Fletcher-style sum over the little-endian 32-bit words of data (the last one zero-padded).
 * Run as WebAssembly: ~1 ms for a 700 KB cache, where the same loop in JavaScript takes 2-3 ms,
 * and up to 10 ms on a busy machine while it waits for the optimising compiler.
 */
export function checksum(data: Uint8Array): number {
  const end = Math.ceil(data.length / 4) * 4;
  let memory: WebAssembly.Memory;
  let sum: (from: number, to: number) => number;
  try {
    memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(end / 65536)) });
    sum = new WebAssembly.Instance(new WebAssembly.Module(CHECKSUM_WASM), { m: { m: memory } }).exports.s as typeof sum;
  } catch {
    return checksumPortable(data); // no WebAssembly (node --jitless)
  }
  new Uint8Array(memory.buffer).set(data);
  return sum(0, end) >>> 0;
}

/** The same sum in JavaScript. */
export function checksumPortable(data: Uint8Array): number {
  const whole = data.length >>> 2;
  const words = data.byteOffset % 4 === 0 ? new Int32Array(data.buffer, data.byteOffset, whole) : new Int32Array(data.slice(0, whole * 4).buffer);
  let a = 1;
  let b = 0;
  for (let i = 0; i < whole; i++) {
    a = (a + words[i]!) | 0;
    b = (b + a) | 0;
  }
  if (data.length % 4 !== 0) {
    let last = 0;
    for (let i = data.length - 1; i >= whole * 4; i--) last = (last << 8) | data[i]!;
    a = (a + last) | 0;
    b = (b + a) | 0;
  }
  return (b ^ (a * 65599)) >>> 0;
}

/** `s(from, to)`: the loop above over the imported memory m.m, as a WebAssembly module. */
const CHECKSUM_WASM = (() => {
  const section = (id: number, bytes: number[]) => [id, bytes.length, ...bytes];
  const [i32, get, set, tee, add] = [0x7f, 0x20, 0x21, 0x22, 0x6a];
  const body = [
    1, 2, i32, // locals 2 (a), 3 (b)
    0x41, 1, set, 2, // a = 1
    0x02, 0x40, 0x03, 0x40, // block, loop
    get, 0, get, 1, 0x4f, 0x0d, 1, // if from >= to: break
    get, 2, get, 0, 0x28, 2, 0, add, tee, 2, // a += load32(from)
    get, 3, add, set, 3, // b += a
    get, 0, 0x41, 4, add, set, 0, // from += 4
    0x0c, 0, 0x0b, 0x0b, // continue; end loop, block
    get, 3, get, 2, 0x41, 0xbf, 0x80, 0x04, 0x6c, 0x73, // b ^ (a * 65599)
    0x0b,
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // "\0asm", version 1
    ...section(1, [1, 0x60, 2, i32, i32, 1, i32]), // type (i32, i32) -> i32
    ...section(2, [1, 1, 0x6d, 1, 0x6d, 2, 0, 1]), // import memory m.m, at least 1 page
    ...section(3, [1, 0]), // one function of that type
    ...section(7, [1, 1, 0x73, 0, 0]), // export it as "s"
    ...section(10, [1, body.length, ...body]),
  ]);
})();
