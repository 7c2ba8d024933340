/**
 * sailctl's built-in injection templates (injection.md §1, §2): Go text/template programs that
 * istiod (and our own engine, src/gotemplate) render into a partial Pod, merged onto the user's
 * pod. They are data files in the package's templates/ directory, read on first use like the
 * profiles; blocks several templates share live in templates/_shared.tpl and are pasted in on
 * load (./include.ts), so each template stays self-contained for istiod.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { expandBlocks, parseBlocks } from './include.js';

/** Template names, in the order the injector ConfigMap lists them; NAME is read from templates/NAME.tpl. */
export const BUILTIN_TEMPLATE_NAMES = ['sidecar', 'gateway', 'grpc-simple', 'grpc-agent', 'waypoint', 'kube-gateway'] as const;

const SHARED_FILE = '_shared.tpl';

let cached: Readonly<Record<string, string>> | undefined;

/** Built-in templates by name, in ConfigMap order. */
export function builtinTemplates(): Readonly<Record<string, string>> {
  if (cached) return cached;
  const dir = join(packageRoot(), 'templates');
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const blocks = parseBlocks(read(SHARED_FILE), `templates/${SHARED_FILE}`);
  const templates: Record<string, string> = {};
  for (const name of BUILTIN_TEMPLATE_NAMES) templates[name] = expandBlocks(read(`${name}.tpl`), blocks, `templates/${name}.tpl`);
  cached = Object.freeze(templates);
  return cached;
}
