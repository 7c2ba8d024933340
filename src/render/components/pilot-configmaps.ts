/** istiod's ConfigMaps: `istio` (mesh config), `istio-sidecar-injector`, `values` (profiles.md §3.5). */
import { buildInjectorConfig } from '../../injection-templates/injector-config.js';
import type { RenderContext } from '../context.js';
import { revisioned } from '../context.js';
import { object } from '../k8s.js';
import { overlay, str, truthy } from '../tree.js';
import type { JsonMap, K8sObject } from '../types.js';
import { stableJson } from '../../core/json.js';
import { emitManifestYaml } from '../../yaml/fast-stringify.js';

/** The mesh config istiod and every proxy start from: chart defaults under the user's meshConfig. */
export function meshConfig(ctx: RenderContext): JsonMap {
  const v = ctx.values;
  const g = v.global;
  const defaultConfig: JsonMap = { discoveryAddress: `${revisioned(ctx, 'istiod')}.${ctx.istioNamespace}.svc:15012` };
  const defaults: JsonMap = {
    defaultConfig,
    rootNamespace: ctx.istioNamespace,
    trustDomain: 'cluster.local',
  };
  if (truthy(v.telemetry?.enabled) && truthy(v.telemetry?.v2?.enabled) && truthy(v.telemetry?.v2?.prometheus?.enabled)) {
    defaults.defaultProviders = { metrics: ['prometheus'] };
  }
  if (truthy(g.meshID)) defaultConfig.meshId = str(g.meshID);
  const tracer = str(g.proxy?.tracer);
  if (tracer && tracer !== 'none') defaultConfig.tracing = {};
  if (truthy(g.variant)) defaultConfig.image = { imageType: str(g.variant) };
  return overlay(defaults, v.meshConfig);
}

export function meshConfigMap(ctx: RenderContext, labels: Record<string, string>): K8sObject {
  return object('v1', 'ConfigMap', { name: revisioned(ctx, 'istio'), namespace: ctx.istioNamespace, labels }, {
    data: { mesh: emitManifestYaml(meshConfig(ctx)), meshNetworks: 'networks: {}' },
  });
}

export function injectorConfigMap(ctx: RenderContext, labels: Record<string, string>): K8sObject {
  const { config, values } = buildInjectorConfig(injectorValues(ctx));
  return object('v1', 'ConfigMap', { name: revisioned(ctx, 'istio-sidecar-injector'), namespace: ctx.istioNamespace, labels }, {
    data: { config, values },
  });
}

export function valuesConfigMap(ctx: RenderContext, labels: Record<string, string>): K8sObject {
  return object(
    'v1',
    'ConfigMap',
    {
      name: revisioned(ctx, 'values'),
      namespace: ctx.istioNamespace,
      labels,
      annotations: { 'kubernetes.io/description': 'The values this control plane was rendered with, kept for tools and debugging only. Editing them changes nothing.' },
    },
    { data: { 'original-values': stableJson(ctx.userValues), 'merged-values': stableJson(ctx.values) } },
  );
}

/**
 * The values istiod's chart hands the injector: its `cni` view layers the CNI component's
 * settings (values.cni, e.g. provider: multus) under values.pilot.cni, whose `enabled` follows
 * components.cni unless the user set it.
 */
function injectorValues(ctx: RenderContext): RenderContext['values'] {
  const userProvider = ctx.userValues.pilot?.cni?.provider;
  const provider = userProvider ?? ctx.values.cni.provider;
  if (provider === undefined || provider === ctx.values.pilot.cni?.provider) return ctx.values;
  return { ...ctx.values, pilot: { ...ctx.values.pilot, cni: { ...ctx.values.pilot.cni, provider } } };
}
