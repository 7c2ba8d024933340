/**
 * The manifest renderer: a merged IstioOperator in, the Kubernetes objects of each
 * enabled component out (profiles.md §1 step 4). No cluster, no Helm: each chart is a
 * typed builder under ./components. `install` plans and applies
 * them (lifecycle/plan.ts); `manifest generate` flattens and serializes them.
 */
import { UserError } from '../core/errors.js';
import type { ComponentSpec, IstioOperator } from '../operator/types.js';
import { baseObjects } from './components/base.js';
import { cniObjects } from './components/cni.js';
import { gatewayObjects } from './components/gateway.js';
import { pilotObjects } from './components/pilot.js';
import { ztunnelObjects } from './components/ztunnel.js';
import type { GatewayKind, RenderContext } from './context.js';
import { buildContext, gatewayEntries, isEnabled, namespaceOf, revisioned } from './context.js';
import { applyK8sSettings } from './k8s-settings.js';
import { applyOverlays } from './overlays.js';
import { checkNumberRanges } from './ranges.js';
import { str } from './tree.js';
import type { ComponentName, K8sObject, RenderedComponent } from './types.js';

export { serializeManifests, sortObjects, compareObjects } from './serialize.js';
export type { ComponentName, K8sObject, RenderedComponent } from './types.js';

function finish(component: ComponentName, name: string, namespace: string, objects: K8sObject[], spec: ComponentSpec | undefined, where: string): RenderedComponent {
  applyK8sSettings(objects, name, spec?.k8s);
  applyOverlays(objects, spec?.k8s?.overlays, where);
  checkNumberRanges(objects, where);
  return { component, name, namespace, objects };
}

function gateways(ctx: RenderContext, kind: GatewayKind): RenderedComponent[] {
  const component: ComponentName = kind === 'ingress' ? 'IngressGateways' : 'EgressGateways';
  const listKey = kind === 'ingress' ? 'ingressGateways' : 'egressGateways';
  const seen = new Set<string>();
  return gatewayEntries(ctx, kind).map((entry, i) => {
    const ns = namespaceOf(ctx, entry);
    const objects = gatewayObjects(ctx, kind, entry, ns);
    const name = objects.find((o) => o.kind === 'Deployment')!.metadata.name;
    const key = `${ns}/${name}`;
    if (seen.has(key)) throw new UserError(`components.${listKey}: two gateways named "${name}" in namespace ${ns}`);
    seen.add(key);
    return finish(component, name, ns, objects, entry, `components.${listKey}[${i}]`);
  });
}

/** Renders every enabled component, in install order. Throws UserError on bad settings. */
export function renderManifests(iop: IstioOperator): RenderedComponent[] {
  const ctx = buildContext(iop);
  const c = iop.spec?.components ?? {};
  const out: RenderedComponent[] = [];
  if (isEnabled(c.base)) out.push(finish('Base', 'base', namespaceOf(ctx, c.base), baseObjects(ctx), c.base, 'components.base'));
  if (isEnabled(c.pilot)) {
    const pilotCtx = c.pilot?.namespace ? { ...ctx, istioNamespace: c.pilot.namespace } : ctx;
    out.push(finish('Pilot', revisioned(ctx, 'istiod'), pilotCtx.istioNamespace, pilotObjects(pilotCtx), c.pilot, 'components.pilot'));
  }
  if (isEnabled(c.cni)) {
    const ns = namespaceOf(ctx, c.cni);
    out.push(finish('Cni', 'istio-cni-node', ns, cniObjects(ctx, ns), c.cni, 'components.cni'));
  }
  out.push(...gateways(ctx, 'ingress'), ...gateways(ctx, 'egress'));
  if (isEnabled(c.ztunnel)) {
    const ns = namespaceOf(ctx, c.ztunnel);
    out.push(finish('Ztunnel', str(ctx.values.ztunnel.resourceName) || 'ztunnel', ns, ztunnelObjects(ctx, ns), c.ztunnel, 'components.ztunnel'));
  }
  return out;
}

/** All objects of all components, flattened (unsorted; serializeManifests sorts). */
export function allObjects(components: readonly RenderedComponent[]): K8sObject[] {
  return components.flatMap((c) => c.objects);
}
