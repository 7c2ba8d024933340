#!/usr/bin/env node
// CommonJS on purpose (bin/package.json): Node starts a CommonJS entry without its ESM loader.
// The CLI itself is dist/, built by `npm ci` (prepare) or `npm run build`.
'use strict';
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const launcher = path.join(dist, 'sailctl.cjs');
if (!require('node:fs').existsSync(launcher)) {
  process.stderr.write('Error: sailctl is not built yet. Run `npm run build` (or `npm ci`) in the sailctl checkout.\n');
  process.exit(1);
}
require(launcher).launch(dist, process.argv.slice(2));
