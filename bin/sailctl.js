#!/usr/bin/env node
// The shipped CLI is the bundle that `npm ci` (prepare) or `npm run build` writes to dist/.
import('../dist/sailctl.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/sailctl.js')) {
    process.stderr.write('Error: sailctl is not built yet. Run `npm run build` (or `npm ci`) in the sailctl checkout.\n');
    process.exit(1);
  }
  throw err;
});
