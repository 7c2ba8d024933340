// Bundles the CLI into dist/ so a run loads as few files as possible.
// Heavy, cluster-only modules stay in separate chunks loaded on demand (dynamic import).
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Start clean: chunk names carry content hashes, so stale ones would pile up.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

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

await build({
  entryPoints: { sailctl: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  minify: process.env.SAILCTL_NO_MINIFY !== "1",
  define: { __SAILCTL_VERSION__: JSON.stringify(pkg.version) },
  // Bundle our dependencies for a fast start, but keep the Kubernetes client (large, lazily
  // imported by cluster commands only) and its transitive world outside.
  external: ['@kubernetes/client-node'],
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies (commander) call require(); give ESM output one.
  banner: { js: "import { createRequire as __sailctlRequire } from 'node:module'; const require = __sailctlRequire(import.meta.url);" },
  plugins: [lazyChildProcessForCommander],
  logLevel: 'warning',
});
