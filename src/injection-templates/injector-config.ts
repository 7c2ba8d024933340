/**
 * The `istio-sidecar-injector` ConfigMap content (injection.md §5.3): the `config` key (policy,
 * selectors, templates) and the `values` key (the Helm values the templates read). The renderer
 * writes both into the ConfigMap; kube-inject's offline default uses the same function, so a
 * ConfigMap extracted from `manifest generate` injects exactly like the built-in path.
 */
import { stringifyYaml } from '../yaml/values.js';
import { builtinTemplates } from './builtin.js';

/** Istio keeps a legacy `template` key whose content makes old injectors fail loudly. */
const LEGACY_TEMPLATE_SENTINEL = '{{ Template_Version_And_Istio_Version_Mismatched_Check_Installation }}';

/**
 * The `config` key as an object. It depends only on values the `values` key also carries
 * (global, sidecarInjectorWebhook), so it can be rebuilt from either.
 */
export function injectorConfigObject(values: Record<string, unknown>): Record<string, unknown> & { templates: Record<string, string>; defaultTemplates: unknown[] } {
  const webhook = asRecord(values.sidecarInjectorWebhook);
  const global = asRecord(values.global);
  const proxy = asRecord(global.proxy);
  const userTemplates = asRecord(webhook.templates);
  const defaultTemplates = Array.isArray(webhook.defaultTemplates) && webhook.defaultTemplates.length > 0 ? webhook.defaultTemplates : ['sidecar'];
  return {
    defaultTemplates,
    policy: typeof proxy.autoInject === 'string' && proxy.autoInject !== '' ? proxy.autoInject : 'enabled',
    alwaysInjectSelector: Array.isArray(webhook.alwaysInjectSelector) ? webhook.alwaysInjectSelector : [],
    neverInjectSelector: Array.isArray(webhook.neverInjectSelector) ? webhook.neverInjectSelector : [],
    injectedAnnotations: asRecord(webhook.injectedAnnotations),
    template: LEGACY_TEMPLATE_SENTINEL,
    templates: { ...builtinTemplates(), ...(userTemplates as Record<string, string>) },
  };
}

/** Mesh settings are not part of it: they reach the templates at injection time. */
export function buildInjectorConfig(values: Record<string, unknown>): { config: string; values: string } {
  const config = injectorConfigObject(values);
  const webhook = asRecord(values.sidecarInjectorWebhook);
  const global = asRecord(values.global);
  const pilot = asRecord(values.pilot);
  const gateways = asRecord(values.gateways);
  const injectorValues = {
    gateways: { securityContext: gateways.securityContext ?? {}, seccompProfile: gateways.seccompProfile ?? {} },
    global,
    pilot: { cni: pilot.cni ?? { enabled: false, provider: 'default' }, env: pilot.env ?? {} },
    revision: typeof values.revision === 'string' ? values.revision : '',
    sidecarInjectorWebhook: webhook,
  };
  return {
    config: stringifyYaml(config, { literalBlocks: true }),
    values: JSON.stringify(injectorValues, null, 2),
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
