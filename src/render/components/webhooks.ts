/**
 * The sidecar-injector MutatingWebhookConfiguration and the config ValidatingWebhookConfiguration
 * (profiles.md §3.4, injection.md §4.1), and the revision-tag webhooks: `istio-revision-tag-<t>`
 * (istio-discovery's revision-tags template) and the `default` chart's `istiod-default-validator`.
 * `install`, `tag set` and `tag generate` all render tags here. No caBundle: istiod patches it in
 * at runtime (and `tag` copies it from the revision's webhook).
 */
import type { RenderContext } from '../context.js';
import { revisioned } from '../context.js';
import { object } from '../k8s.js';
import { str, truthy } from '../tree.js';
import type { JsonMap, K8sObject } from '../types.js';

const ADMISSION = 'admissionregistration.k8s.io/v1';
const PODS_RULE = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }];
const IGNORED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];

type Expr = { key: string; operator: string; values?: string[] };
const exists = (key: string): Expr => ({ key, operator: 'DoesNotExist' });
const inList = (key: string, values: string[]): Expr => ({ key, operator: 'In', values });
const notIn = (key: string, values: string[]): Expr => ({ key, operator: 'NotIn', values });

/** Injection path: cluster/network go into the URL so istiod knows where the pod runs. */
function injectPath(ctx: RenderContext): string {
  const g = ctx.values.global;
  const remotePath = truthy(ctx.values.istiodRemote?.enabled) ? str(ctx.values.istiodRemote?.injectionPath) : '';
  if (remotePath && remotePath !== '/inject') return remotePath;
  if (truthy(g.multiCluster?.clusterName) || truthy(g.network)) {
    return `/inject/cluster/${str(g.multiCluster?.clusterName) || 'Kubernetes'}/net/${str(g.network)}`;
  }
  return '/inject';
}

function injectClientConfig(ctx: RenderContext, serviceName: string, path = injectPath(ctx)): JsonMap {
  const url = str(ctx.values.istiodRemote?.injectionURL);
  const cfg: JsonMap = url ? { url } : { service: { name: serviceName, namespace: ctx.istioNamespace, path, port: 443 } };
  const ca = str(ctx.values.istiodRemote?.injectionCABundle);
  if (ca) cfg.caBundle = ca;
  return cfg;
}

function injectWebhook(ctx: RenderContext, name: string, serviceName: string, ns: Expr[], obj: Expr[], path?: string): JsonMap {
  return {
    name: `${name}.sidecar-injector.istio.io`,
    clientConfig: injectClientConfig(ctx, serviceName, path),
    sideEffects: 'None',
    rules: PODS_RULE,
    failurePolicy: 'Fail',
    reinvocationPolicy: str(ctx.values.sidecarInjectorWebhook?.reinvocationPolicy) || 'Never',
    admissionReviewVersions: ['v1'],
    namespaceSelector: { matchExpressions: ns },
    objectSelector: { matchExpressions: obj },
  };
}

/** The webhooks for one revision (or tag); the default revision also serves the legacy labels. */
export function injectorWebhooks(ctx: RenderContext, rev: string, serviceName: string, isDefault: boolean, path?: string): JsonMap[] {
  const noInjectFalse = notIn('sidecar.istio.io/inject', ['false']);
  const hook = (name: string, ns: Expr[], obj: Expr[]) => injectWebhook(ctx, name, serviceName, ns, obj, path);
  const hooks = [
    hook('rev.namespace', [inList('istio.io/rev', [rev]), exists('istio-injection')], [noInjectFalse]),
    hook('rev.object', [exists('istio.io/rev'), exists('istio-injection')], [noInjectFalse, inList('istio.io/rev', [rev])]),
  ];
  if (isDefault) {
    hooks.push(
      hook('namespace', [inList('istio-injection', ['enabled'])], [noInjectFalse]),
      hook('object', [exists('istio-injection'), exists('istio.io/rev')], [inList('sidecar.istio.io/inject', ['true']), exists('istio.io/rev')]),
    );
    if (truthy(ctx.values.sidecarInjectorWebhook?.enableNamespacesByDefault)) {
      hooks.push(
        hook('auto', [exists('istio-injection'), exists('istio.io/rev'), notIn('kubernetes.io/metadata.name', IGNORED_NAMESPACES)], [exists('sidecar.istio.io/inject'), exists('istio.io/rev')]),
      );
    }
  }
  return hooks;
}

/** What istioctl writes over every selector of an injector it takes out of service ("deactivates"). */
export const NEVER_MATCH: JsonMap = { matchLabels: { 'istio.io/deactivated': 'never-match' } };

/** The same webhooks with selectors that never match: kept, but no longer injecting. */
export function deactivated(webhooks: readonly JsonMap[]): JsonMap[] {
  return webhooks.map((w) => ({ ...w, namespaceSelector: NEVER_MATCH, objectSelector: NEVER_MATCH }));
}

/** `istio-sidecar-injector[-rev][-ns]`: the ns suffix only outside istio-system (injection.md §4.1). */
export function injectorWebhookConfig(ctx: RenderContext, labels: Record<string, string>): K8sObject {
  let name = revisioned(ctx, 'istio-sidecar-injector');
  if (ctx.istioNamespace !== 'istio-system') name += `-${ctx.istioNamespace}`;
  return object(ADMISSION, 'MutatingWebhookConfiguration', { name, labels: { ...labels, app: 'sidecar-injector' } }, {
    webhooks: injectorWebhooks(ctx, ctx.revLabel, revisioned(ctx, 'istiod'), ctx.revision === ''),
  });
}

const VALIDATED_GROUPS = ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];

function validationWebhook(ctx: RenderContext, name: string, serviceName: string, objectSelector: JsonMap | undefined): JsonMap {
  const url = str(ctx.values.base?.validationURL);
  const hook: JsonMap = {
    name,
    clientConfig: url ? { url } : { service: { name: serviceName, namespace: ctx.istioNamespace, path: '/validate', port: 443 } },
    rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: VALIDATED_GROUPS, apiVersions: ['*'], resources: ['*'] }],
    // Ignore on a fresh install; istiod switches it to Fail once it serves the webhook.
    failurePolicy: 'Ignore',
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
  };
  if (objectSelector) hook.objectSelector = objectSelector;
  return hook;
}

/** `istio-validator[-rev]-<ns>`: validates config labelled for this revision. */
export function validatorWebhookConfig(ctx: RenderContext, labels: Record<string, string>): K8sObject {
  const name = `${revisioned(ctx, 'istio-validator')}-${ctx.istioNamespace}`;
  return object(ADMISSION, 'ValidatingWebhookConfiguration', { name, labels: { ...labels, app: 'istiod', istio: 'istiod' } }, {
    webhooks: [validationWebhook(ctx, 'rev.validation.istio.io', revisioned(ctx, 'istiod'), { matchExpressions: [inList('istio.io/rev', [ctx.revLabel])] })],
  });
}

/** `istiod-default-validator`: validates unlabelled config, pointed at `values.defaultRevision`. */
export function defaultValidatorConfig(ctx: RenderContext, labels: Record<string, string>, defaultRevision: string): K8sObject {
  const service = defaultRevision === 'default' ? 'istiod' : `istiod-${defaultRevision}`;
  return object(ADMISSION, 'ValidatingWebhookConfiguration', { name: 'istiod-default-validator', labels: { ...labels, app: 'istiod', 'istio.io/rev': defaultRevision } }, {
    webhooks: [validationWebhook(ctx, 'validation.istio.io', service, { matchExpressions: [exists('istio.io/rev')] })],
  });
}

/**
 * `revisionTags: [t]`: a tag webhook per tag, pointed at this revision's istiod; named with the
 * Istio namespace outside istio-system. The path is `istiodRemote.injectionPath` (the tag template
 * has no cluster/network path).
 */
export function revisionTagWebhookConfig(ctx: RenderContext, labels: Record<string, string>, tag: string): K8sObject {
  const name = ctx.istioNamespace === 'istio-system' ? `istio-revision-tag-${tag}` : `istio-revision-tag-${tag}-${ctx.istioNamespace}`;
  const path = str(ctx.values.istiodRemote?.injectionPath) || '/inject';
  return object(ADMISSION, 'MutatingWebhookConfiguration', { name, labels: { ...labels, app: 'sidecar-injector', 'app.kubernetes.io/name': 'istiod', 'istio.io/tag': tag } }, {
    webhooks: injectorWebhooks(ctx, tag, revisioned(ctx, 'istiod'), tag === 'default', path),
  });
}

/**
 * The `default` chart's `istiod-default-validator`, which `tag set default` (and install's
 * default tag) points at the tagged revision: it validates config without an istio.io/rev label.
 */
export function defaultTagValidatorConfig(ctx: RenderContext): K8sObject {
  const url = str(ctx.values.base?.validationURL);
  const service = { name: revisioned(ctx, 'istiod'), namespace: ctx.istioNamespace, path: '/validate' };
  return object(ADMISSION, 'ValidatingWebhookConfiguration', {
    name: 'istiod-default-validator',
    labels: { app: 'istiod', istio: 'istiod', 'istio.io/rev': ctx.revLabel, 'istio.io/tag': 'default', 'operator.istio.io/component': 'Pilot' },
  }, {
    webhooks: [{
      name: 'validation.istio.io',
      clientConfig: url ? { url } : { service },
      rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: VALIDATED_GROUPS, apiVersions: ['*'], resources: ['*'] }],
      failurePolicy: 'Ignore',
      sideEffects: 'None',
      admissionReviewVersions: ['v1beta1', 'v1'],
      objectSelector: { matchExpressions: [exists('istio.io/rev')] },
    }],
  });
}
