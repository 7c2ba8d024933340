/**
 * The directory holding sailctl's package.json, found from this module's own location so it
 * works from src/ (tests, tsx) and from the bundle in dist/. Data files (profiles/, schemas/)
 * are read relative to it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the sailctl package root (no package.json above the code)');
    dir = parent;
  }
  cached = dir;
  return dir;
}
