/**
 * Writing `manifest generate -o`: a file (written whole, then renamed into place), or one
 * file per component when the path is an existing directory. Numbered in apply order so
 * `kubectl apply -f DIR` applies CRDs and istiod before the gateways.
 */
import { renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../core/errors.js';
import { serializeManifests } from './serialize.js';
import type { RenderedComponent } from './types.js';

function writeWhole(path: string, text: string): void {
  const tmp = join(dirname(path), `.${process.pid}.sailctl.tmp`);
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`cannot write ${path}: ${e.code === 'ENOENT' ? 'its directory does not exist' : e.message}`, {
      hint: 'Pass -o with a file in an existing directory, or an existing directory for one file per component.',
    });
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Per-component file names: `01-Base-base.yaml`, `02-Pilot-istiod.yaml`, ... */
export function componentFileName(index: number, c: RenderedComponent): string {
  return `${String(index + 1).padStart(2, '0')}-${c.component}-${c.name}.yaml`;
}

/** Returns the paths written. */
export function writeManifests(path: string, components: readonly RenderedComponent[]): string[] {
  if (isDirectory(path)) {
    // Serialize everything first so a failure leaves no half-written directory.
    const files = components.map((c, i) => ({ file: join(path, componentFileName(i, c)), text: serializeManifests(c.objects) }));
    for (const f of files) writeWhole(f.file, f.text);
    return files.map((f) => f.file);
  }
  writeWhole(path, serializeManifests(components.flatMap((c) => c.objects)));
  return [path];
}
