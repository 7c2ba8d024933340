/**
 * The sailctl package directory (the one holding package.json, profiles/ and schemas/).
 * Found by walking up from this module, which works from src/ (vitest, tsx) and from the
 * esbuild bundle in dist/ (and dist/chunks/) alike.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'profiles'))) return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('sailctl: cannot find the package directory (package.json with profiles/) above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
