/**
 * `experimental.stableValidationPolicy` (the `stable` profile): a ValidatingAdmissionPolicy and
 * its Binding that reject Istio APIs and fields outside the stable channel for config this
 * revision serves (profiles.md §2.3). Kubernetes evaluates the CEL itself; no webhook involved.
 */
import type { RenderContext } from '../context.js';
import { object } from '../k8s.js';
import type { K8sObject } from '../types.js';

const GROUPS = ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];

/** Whole kinds that are not part of the stable channel. */
const DENIED_KINDS = ['EnvoyFilter', 'WasmPlugin', 'ProxyConfig'];

/** Telemetry fields still in alpha: `<list field>`, `<item field>`. */
const ALPHA_TELEMETRY_FIELDS: [string, string][] = [
  ['tracing', 'useRequestIdForTraceSampling'],
  ['metrics', 'reportingInterval'],
  ['accessLogging', 'filter'],
];

function policyNames(ctx: RenderContext): { policy: string; binding: string } {
  const rev = ctx.revision ? `-${ctx.revision}` : '';
  return {
    policy: `stable-channel-policy${rev}-${ctx.istioNamespace}.istio.io`,
    binding: `stable-channel-policy-binding${rev}-${ctx.istioNamespace}.istio.io`,
  };
}

export function stablePolicyObjects(ctx: RenderContext, labels: Record<string, string>): K8sObject[] {
  const { policy, binding } = policyNames(ctx);
  const meta = { ...labels, app: 'istiod', istio: 'istiod' };
  const validations = [
    ...DENIED_KINDS.map((kind) => ({
      expression: `object.kind != '${kind}'`,
      message: `${kind} is not part of the stable channel; use a revision without experimental.stableValidationPolicy to create it`,
      reason: 'Forbidden',
    })),
    ...ALPHA_TELEMETRY_FIELDS.map(([list, field]) => ({
      expression: `object.kind != 'Telemetry' || !has(object.spec) || !has(object.spec.${list}) || !object.spec.${list}.exists(i, has(i.${field}))`,
      message: `Telemetry spec.${list}[].${field} is not part of the stable channel`,
      reason: 'Forbidden',
    })),
  ];
  return [
    object('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', { name: policy, labels: meta }, {
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: GROUPS, apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['*'] }],
          namespaceSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: [ctx.revLabel] }] },
        },
        validations,
      },
    }),
    object('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding', { name: binding, labels: meta }, {
      spec: { policyName: policy, validationActions: ['Deny'] },
    }),
  ];
}
