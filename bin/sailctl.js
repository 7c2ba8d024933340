#!/usr/bin/env node
// The shipped CLI is the bundle that `npm ci` (prepare) or `npm run build` writes to dist/.
import module from 'node:module';

// Node 22+ can cache compiled code on disk; Node 20 has no such API, so this is a no-op there.
module.enableCompileCache?.();

// `--version` alone is answered before loading the command framework.
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version + '\n');
} else {
  await import('../dist/sailctl.js').catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/sailctl.js')) {
      process.stderr.write('Error: sailctl is not built yet. Run `npm run build` (or `npm ci`) in the sailctl checkout.\n');
      process.exit(1);
    }
    throw err;
  });
}
