// Bundles the CLI into dist/ so a run loads as few files as possible.
// Heavy, cluster-only modules stay in separate chunks loaded on demand (dynamic import).
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Start clean: chunk names carry content hashes, so stale ones would pile up.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { sailctl: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  minify: true,
  define: { __SAILCTL_VERSION__: JSON.stringify(pkg.version) },
  // Bundle our dependencies for a fast start, but keep the Kubernetes client (large, lazily
  // imported by cluster commands only) and its transitive world outside.
  external: ['@kubernetes/client-node'],
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies (commander) call require(); give ESM output one.
  banner: { js: "import { createRequire as __sailctlRequire } from 'node:module'; const require = __sailctlRequire(import.meta.url);" },
  logLevel: 'warning',
});
