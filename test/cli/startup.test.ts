/**
 * The fast start (src/cli/launcher.ts): help served from build-time text must be exactly what
 * commander prints, the code cache must never change what a command does (damaged, stale or
 * unwritable caches included), and the precomputed built-in injection config must be what
 * the code computes.
 */
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartupData } from '../../src/cli/launcher.js';
import { computeBuiltinInjection } from '../../src/inject/config-sources.js';
import { sailctl } from '../helpers/cli.js';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const launcher = createRequire(import.meta.url)(join(root, 'dist', 'sailctl.cjs')) as {
  startupData: StartupData;
  checksum(data: Uint8Array): number;
  checksumPortable(data: Uint8Array): number;
};
const key = (argv: string[]) => argv.join('\0');

describe('help from build-time text', () => {
  const table = launcher.startupData.help;

  it('covers every way to ask for help that istioctl users type', () => {
    const forms = [[], ['--help'], ['-h'], ['help'], ['help', 'install'], ['manifest'], ['manifest', 'generate', '--help'], ['x', 'precheck', '-h'], ['dash', 'kiali', '--help']];
    for (const name of Object.keys(launcher.startupData.commands)) forms.push([name, '--help'], [name, '-h']);
    for (const argv of forms) expect(table[key(argv)], argv.join(' ')).toBeDefined();
  });

  // ISTIOCTL_ISTIONAMESPACE set (to its default) sends help through commander: same text expected.
  const throughCommander = { ISTIOCTL_ISTIONAMESPACE: 'istio-system' };
  // Every form at the top, `help <command>` and `<command path> --help` under the commands' own
  // names (a few dashboards stand for the rest), and aliases, -h and `help` within a group.
  const canonical = new Set(Object.values(launcher.startupData.commands));
  const sample = Object.keys(table)
    .map((k) => (k === '' ? [] : k.split('\0')))
    .filter(
      (argv) =>
        argv.length <= 1 ||
        (argv.length === 2 && argv[0] === 'help' && canonical.has(argv[1]!)) ||
        (argv.at(-1) === '--help' && canonical.has(argv[0]!) && !(argv[0] === 'dashboard' && !['kiali', 'proxy', 'controlz', '--help'].includes(argv[1]!))) ||
        ['apply --help', 'exp precheck -h', 'd kiali --help', 'v -h', 'profile help dump', 'dashboard help proxy'].includes(argv.join(' ')),
    );

  it.each(sample.map((argv) => [argv.join(' ') || '(no arguments)', argv]))('%s: byte for byte what commander prints, same stream and exit code', async (_name, argv) => {
    const [fast, slow] = await Promise.all([sailctl(argv as string[]), sailctl(argv as string[], { env: { NO_COLOR: '1', ...throughCommander } })]);
    expect(fast).toEqual(slow);
    expect(fast.stdout + fast.stderr).toMatch(/^Usage: sailctl/);
  });

  it('a flag default taken from the environment shows in help (served by commander then)', async () => {
    const r = await sailctl(['--help'], { env: { NO_COLOR: '1', ISTIOCTL_ISTIONAMESPACE: 'mesh-system' } });
    expect(r.stdout).toMatch(/\(default:\s+"mesh-system"\)/);
  });
});

describe('the installed package', () => {
  let dir: string;
  let reference: string;
  const demo = ['manifest', 'generate', '--set', 'profile=demo'];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sailctl-pkg-'));
    // What npm installs: package.json's "files".
    const files = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] }).files;
    for (const d of files.filter((f) => !f.startsWith('!'))) cpSync(join(root, d), join(dir, d), { recursive: true });
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    reference = (await sailctl(demo)).stdout;
    expect(reference).toContain('kind: Deployment');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], cacheHome: string) =>
    execa(process.execPath, [join(dir, 'bin', 'sailctl.js'), ...args], { reject: false, stripFinalNewline: false, stdin: 'ignore', env: { NO_COLOR: '1', XDG_CACHE_HOME: cacheHome } });
  const userCache = (cacheHome: string, name: string) => join(cacheHome, 'sailctl', pkg.version, `${name}.cache`);
  const damage = (file: string) => {
    const data = readFileSync(file);
    for (let i = 0; i < 64; i++) data[(data.length >> 1) + i * 97] ^= 0x5a;
    writeFileSync(file, data);
  };
  /** A cache file the launcher accepts: header checksum over the payload. */
  const intact = (file: string) => {
    const data = readFileSync(file);
    const payload = data.subarray(48);
    return data.readUInt32LE(40) === payload.length && data.readUInt32LE(44) === launcher.checksum(payload);
  };

  it('answers help without the CLI bundle, which only commands load', async () => {
    const cacheHome = mkdtempSync(join(tmpdir(), 'sailctl-cache-'));
    const copy = mkdtempSync(join(tmpdir(), 'sailctl-nobundle-'));
    cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
    rmSync(join(copy, 'dist', 'main.cjs'));
    const help = await execa(process.execPath, [join(copy, 'bin', 'sailctl.js'), 'manifest', 'generate', '--help'], { reject: false, env: { XDG_CACHE_HOME: cacheHome } });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: sailctl manifest generate');
    const cmd = await execa(process.execPath, [join(copy, 'bin', 'sailctl.js'), 'version', '--remote=false'], { reject: false, env: { XDG_CACHE_HOME: cacheHome } });
    expect(cmd.exitCode).toBe(1);
    expect(cmd.stderr).toMatch(/^Error: .*main\.cjs is missing\. Run `npm run build`/);
    rmSync(copy, { recursive: true, force: true });
  });

  it('a damaged build cache is refused: same output, and a good cache is written for next time', async () => {
    damage(join(dir, 'dist', 'cache', 'manifest.cache'));
    const cacheHome = mkdtempSync(join(tmpdir(), 'sailctl-cache-'));
    const r = await run(demo, cacheHome);
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(r.stdout === reference).toBe(true);
    expect(intact(userCache(cacheHome, 'manifest'))).toBe(true);
    const again = await run(demo, cacheHome);
    expect(again.stdout === reference).toBe(true);
  });

  it.each([
    ['damaged', (f: string) => damage(f)],
    ['truncated', (f: string) => writeFileSync(f, readFileSync(f).subarray(0, 5000))],
    ['empty', (f: string) => writeFileSync(f, '')],
    ['not a cache', (f: string) => writeFileSync(f, 'x'.repeat(100_000))],
  ])('a %s user cache is refused and rewritten, the output unchanged', async (_what, spoil) => {
    const cacheHome = mkdtempSync(join(tmpdir(), 'sailctl-cache-'));
    rmSync(join(dir, 'dist', 'cache', 'manifest.cache'), { force: true });
    await run(demo, cacheHome);
    const file = userCache(cacheHome, 'manifest');
    expect(intact(file)).toBe(true);
    spoil(file);
    const r = await run(demo, cacheHome);
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(r.stdout === reference).toBe(true);
    expect(intact(file)).toBe(true);
  });

  it('V8 data made for other code, under an intact header, is refused by V8 and replaced', async () => {
    const cacheHome = mkdtempSync(join(tmpdir(), 'sailctl-cache-'));
    await run(['version', '--remote=false'], cacheHome);
    const file = join(dir, 'dist', 'cache', 'version.cache');
    const header = Buffer.from(readFileSync(file).subarray(0, 48));
    const other = new vm.Script('(function () { return 42; })').createCachedData();
    header.writeUInt32LE(other.length, 40);
    header.writeUInt32LE(launcher.checksum(other), 44);
    writeFileSync(file, Buffer.concat([header, other]));
    const r = await run(['version', '--remote=false'], cacheHome);
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(r.stdout).toBe(`client version: ${pkg.version} (sailctl; renders Istio 1.30.0)\n`);
    expect(intact(userCache(cacheHome, 'version'))).toBe(true);
  });

  it('an unwritable cache directory only costs speed', async () => {
    rmSync(join(dir, 'dist', 'cache'), { recursive: true, force: true });
    const r = await run(demo, '/dev/null/cache');
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(r.stdout === reference).toBe(true);
    expect(existsSync(join(dir, 'dist', 'cache'))).toBe(false);
  });
});

describe('the code cache checksum', () => {
  it('WebAssembly and JavaScript agree, whatever the length and alignment, and a changed byte changes it', () => {
    const seen = new Set<number>();
    for (const length of [0, 1, 2, 3, 4, 5, 7, 8, 9, 1000, 65_535, 65_536, 65_537, 200_003]) {
      const data = new Uint8Array(length + 1).map((_, i) => (i * 2654435761) >>> 24).subarray(1);
      expect(launcher.checksum(data), `length ${length}`).toBe(launcher.checksumPortable(data));
      seen.add(launcher.checksum(data));
      if (length > 0) {
        data[length >> 1]! ^= 1;
        expect(launcher.checksum(data)).not.toBe(launcher.checksumPortable(data.map((b, i) => (i === length >> 1 ? b ^ 1 : b))));
      }
    }
    expect(seen.size).toBe(14);
  });
});

describe('a closed pipe', () => {
  it.each([[['--help']], [['manifest', 'generate', '--set', 'profile=demo']]])('sailctl %j stops quietly with exit 0 when the reader is gone', async (args) => {
    const child = execa(process.execPath, [join(root, 'bin', 'sailctl.js'), ...args], { reject: false, stdin: 'ignore' });
    child.stdout!.destroy();
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('the built-in injection config precomputed at build time', () => {
  it('is exactly what the code computes now', async () => {
    const precomputed = JSON.parse(readFileSync(join(root, 'dist', 'builtin-injection.json'), 'utf8'));
    expect(precomputed).toStrictEqual(await computeBuiltinInjection());
  });
});
