// Builds dist/, what bin/sailctl.js runs:
//   sailctl.cjs             the launcher (src/cli/launcher.ts): --version and help without loading the CLI
//   main.cjs                the whole CLI as one CommonJS bundle, run from a V8 code cache
//   cache/<command>.cache   code caches made by running each common command once, here
//   help.json, builtin-injection.json   data computed by scripts/gen-startup.ts
// The Kubernetes client stays outside the bundle and loads only when a command talks to a cluster.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Packages that are ESM-only and must not be bundled (large; cluster commands only). The
// bundle reaches them through the launcher's import(): code compiled from a V8 cache has no
// dynamic import() of its own.
const ESM_ONLY_EXTERNAL = ['@kubernetes/client-node'];

// Start clean: nothing of an older build (bundle, caches, data) is kept.
rmSync(dist, { recursive: true, force: true });

// commander requires node:child_process at load time only to run external subcommands, which
// sailctl has none of; loading it (with net and dgram) costs every start-up several ms.
// Give commander a stand-in that loads the real module on first use.
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('/node_modules/commander/') ? { path: 'lazy-child-process', namespace: 'sailctl' } : undefined,
    );
    b.onLoad({ filter: /^lazy-child-process$/, namespace: 'sailctl' }, () => ({
      contents: "const load = () => require('node:child_process'); module.exports = { spawn: (...a) => load().spawn(...a) };",
      loader: 'js',
    }));
  },
};

// `await import('pkg')` of an ESM-only external becomes the import of a module whose only export
// is `then`: awaiting it loads the real package through the launcher (`__sailctlImport`, a
// parameter of the bundle's wrapper), and the await yields the package's namespace.
const esmOnlyThroughLauncher = {
  name: 'esm-only-through-launcher',
  setup(b) {
    // The package itself or a module inside it (kube/port-forward.ts loads only its port-forward module).
    const filter = new RegExp(`^(${ESM_ONLY_EXTERNAL.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})(/.*)?$`);
    b.onResolve({ filter }, (args) => {
      if (args.kind !== 'dynamic-import') throw new Error(`${args.importer}: import ${args.path} with await import(), so it loads only when needed`);
      return { path: args.path, namespace: 'esm-only' };
    });
    b.onLoad({ filter: /.*/, namespace: 'esm-only' }, (args) => ({
      contents: `export function then(resolve, reject) { return __sailctlImport(${JSON.stringify(args.path)}).then(resolve, reject); }`,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  define: { __SAILCTL_VERSION__: JSON.stringify(pkg.version) },
};

// 1. The CLI bundle. CommonJS without import(): every import() of our code or a builtin becomes
//    require, so the bundle runs from a code cache (see src/cli/launcher.ts).
const main = await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: join(dist, 'main.cjs'),
  format: 'cjs',
  // SAILCTL_NO_MINIFY=1 keeps names readable in CPU profiles.
  minify: process.env.SAILCTL_NO_MINIFY !== '1',
  sourcemap: 'linked',
  supported: { 'dynamic-import': false },
  define: { ...common.define, __SAILCTL_BUNDLED__: 'true', 'import.meta.url': '__sailctlUrl' },
  plugins: [lazyChildProcessForCommander, esmOnlyThroughLauncher],
  metafile: true,
});
const bundled = Object.keys(main.metafile.inputs).filter((p) => ESM_ONLY_EXTERNAL.some((e) => p.includes(`node_modules/${e}/`)));
if (bundled.length > 0) throw new Error(`the CLI bundle must not contain ${bundled[0]}`);
const bundleId = createHash('sha256').update(readFileSync(join(dist, 'main.cjs'))).digest('hex').slice(0, 32);

// kube-inject's worker threads run their own small bundle (they start without the launcher).
await build({
  ...common,
  entryPoints: ['src/inject/worker.ts'],
  outfile: join(dist, 'inject-worker.cjs'),
  format: 'cjs',
  minify: process.env.SAILCTL_NO_MINIFY !== '1',
  supported: { 'dynamic-import': false },
  banner: { js: "var __sailctlUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { ...common.define, __SAILCTL_BUNDLED__: 'true', 'import.meta.url': '__sailctlUrl' },
  plugins: [lazyChildProcessForCommander],
});

// 2. Help texts and the built-in injection config, from the same code (scripts/gen-startup.ts).
//    Command modules are left out: a help form that ran a command would fail, not act.
const genFile = join(dist, '.gen-startup.mjs');
await build({
  ...common,
  entryPoints: ['scripts/gen-startup.ts'],
  outfile: genFile,
  format: 'esm',
  external: ESM_ONLY_EXTERNAL,
  banner: { js: "import { createRequire as __sailctlRequire } from 'node:module'; const require = __sailctlRequire(import.meta.url);" },
  plugins: [
    lazyChildProcessForCommander,
    { name: 'no-commands', setup: (b) => b.onResolve({ filter: /^\.\/commands\// }, (args) => ({ path: args.path, external: true })) },
  ],
});
const { generateStartup } = await import(pathToFileURL(genFile).href);
const generated = await generateStartup();
rmSync(genFile);
writeFileSync(join(dist, 'help.json'), JSON.stringify(generated.helpTexts));
writeFileSync(join(dist, 'builtin-injection.json'), JSON.stringify(generated.builtinInjection));

// 3. The launcher, with the version, the bundle's identity and the help index written in.
await build({
  ...common,
  entryPoints: ['src/cli/launcher.ts'],
  outfile: join(dist, 'sailctl.cjs'),
  format: 'cjs',
  define: {
    ...common.define,
    __SAILCTL_BUNDLE_ID__: JSON.stringify(bundleId),
    __SAILCTL_STARTUP__: JSON.stringify(generated.startup),
  },
});

// 4. Code caches: run each common command once through the launcher, which writes the cache of
//    what it compiled to the user cache directory; keep it in dist/cache.
const work = mkdtempSync(join(tmpdir(), 'sailctl-build-'));
try {
  const deployment = join(root, 'scripts', 'startup-sample.yaml');
  const runs = {
    default: ['--no-color', '--help'],
    manifest: ['manifest', 'generate', '--set', 'profile=demo'],
    install: ['install', '--dry-run', '--set', 'profile=demo'],
    'kube-inject': ['kube-inject', '-f', deployment],
    analyze: ['analyze', '--use-kube=false', deployment],
    validate: ['validate', '-f', deployment],
    profile: ['profile', 'dump', 'demo'],
    version: ['version', '--remote=false'],
    completion: ['completion', 'bash'],
  };
  mkdirSync(join(dist, 'cache'));
  for (const [name, args] of Object.entries(runs)) {
    const home = join(work, name);
    const env = { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, 'cache'), KUBECONFIG: join(home, 'no-kubeconfig'), NO_COLOR: '1' };
    for (const v of ['ISTIOCTL_ISTIONAMESPACE', 'ENABLE_NATIVE_SIDECARS', 'COMPLIANCE_POLICY']) delete env[v];
    const r = spawnSync(process.execPath, [join(root, 'bin', 'sailctl.js'), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const made = join(home, 'cache', 'sailctl', pkg.version, `${name}.cache`);
    if (r.status !== 0 || !existsSync(made)) throw new Error(`priming the ${name} code cache: sailctl ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
    copyFileSync(made, join(dist, 'cache', `${name}.cache`));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
