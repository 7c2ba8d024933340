/** Shared test helpers: resolve + render in one call. */
import { resolveIstioOperator } from '../../src/operator/resolve.js';
import type { ResolveInput } from '../../src/operator/types.js';
import { renderManifests, type RenderedComponent } from '../../src/render/index.js';

export async function render(sets: string[], more: Partial<ResolveInput> = {}): Promise<RenderedComponent[]> {
  const { iop } = await resolveIstioOperator({ sets, ...more });
  return renderManifests(iop);
}

export function find(components: RenderedComponent[], kind: string, name: string): any {
  const obj = components.flatMap((c) => c.objects).find((o) => o.kind === kind && o.metadata.name === name);
  if (!obj) throw new Error(`no ${kind}/${name} rendered`);
  return obj;
}
