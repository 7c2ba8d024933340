/**
 * The sidecar-injector MutatingWebhookConfiguration and the config ValidatingWebhookConfiguration
 * (profiles.md §3.4, injection.md §4.1). No caBundle: istiod patches it in at runtime.
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

function injectClientConfig(ctx: RenderContext, serviceName: string): JsonMap {
  const url = str(ctx.values.istiodRemote?.injectionURL);
  const cfg: JsonMap = url ? { url } : { service: { name: serviceName, namespace: ctx.istioNamespace, path: injectPath(ctx), port: 443 } };
  const ca = str(ctx.values.istiodRemote?.injectionCABundle);
  if (ca) cfg.caBundle = ca;
  return cfg;
}

function injectWebhook(ctx: RenderContext, name: string, serviceName: string, ns: Expr[], obj: Expr[]): JsonMap {
  return {
    name: `${name}.sidecar-injector.istio.io`,
    clientConfig: injectClientConfig(ctx, serviceName),
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
export function injectorWebhooks(ctx: RenderContext, rev: string, serviceName: string, isDefault: boolean): JsonMap[] {
  const noInjectFalse = notIn('sidecar.istio.io/inject', ['false']);
  const hooks = [
    injectWebhook(ctx, 'rev.namespace', serviceName, [inList('istio.io/rev', [rev]), exists('istio-injection')], [noInjectFalse]),
    injectWebhook(ctx, 'rev.object', serviceName, [exists('istio.io/rev'), exists('istio-injection')], [noInjectFalse, inList('istio.io/rev', [rev])]),
  ];
  if (isDefault) {
    hooks.push(
      injectWebhook(ctx, 'namespace', serviceName, [inList('istio-injection', ['enabled'])], [noInjectFalse]),
      injectWebhook(ctx, 'object', serviceName, [exists('istio-injection'), exists('istio.io/rev')], [inList('sidecar.istio.io/inject', ['true']), exists('istio.io/rev')]),
    );
    if (truthy(ctx.values.sidecarInjectorWebhook?.enableNamespacesByDefault)) {
      hooks.push(
        injectWebhook(
          ctx,
          'auto',
          serviceName,
          [exists('istio-injection'), exists('istio.io/rev'), notIn('kubernetes.io/metadata.name', IGNORED_NAMESPACES)],
          [exists('sidecar.istio.io/inject'), exists('istio.io/rev')],
        ),
      );
    }
  }
  return hooks;
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

/** `revisionTags: [t]`: a tag webhook per tag, pointed at this revision's istiod. */
export function revisionTagWebhookConfig(ctx: RenderContext, labels: Record<string, string>, tag: string): K8sObject {
  return object(ADMISSION, 'MutatingWebhookConfiguration', { name: `istio-revision-tag-${tag}`, labels: { ...labels, app: 'sidecar-injector', 'istio.io/tag': tag } }, {
    webhooks: injectorWebhooks(ctx, tag, revisioned(ctx, 'istiod'), tag === 'default'),
  });
}
