/** The flags that select what to render (`-f`, `--set`, `-r`, `-d`), shared by every command that renders an install. */
import type { ResolveInput } from '../install/types.js';

export interface RenderFlags {
  filename?: string[];
  set?: string[];
  manifests?: string;
  /** istioctl's deprecated name for --manifests. */
  charts?: string;
  revision?: string;
}

/** What to resolve; `--force` stays with the commands where it downgrades validation errors. */
export function renderInput(opts: RenderFlags): ResolveInput {
  return { files: opts.filename, sets: opts.set, revision: opts.revision, manifestsDir: opts.manifests ?? opts.charts };
}

/** True when -f or --set says what to render. */
export function selectsInstall(opts: RenderFlags): boolean {
  return (opts.filename?.length ?? 0) > 0 || (opts.set?.length ?? 0) > 0;
}
