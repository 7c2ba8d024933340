/** istiod's ServiceAccount, ClusterRoles/Bindings and Role/Binding (profiles.md §3.6). */
import type { RenderContext } from '../context.js';
import { revisioned } from '../context.js';
import { clusterRoleBinding, object, RBAC, roleBinding, rule } from '../k8s.js';
import { str, truthy } from '../tree.js';
import type { JsonMap, K8sObject } from '../types.js';

const ISTIO_GROUPS = ['config.istio.io', 'security.istio.io', 'networking.istio.io', 'authentication.istio.io', 'rbac.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];
const CRUD = ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'];
const READ = ['get', 'list', 'watch'];

function mcsGroup(ctx: RenderContext): string {
  return str(ctx.values.pilot.env?.MCS_API_GROUP) || 'multicluster.x-k8s.io';
}

function istiodRules(ctx: RenderContext): JsonMap[] {
  const rules = [
    rule(['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations'], ['get', 'list', 'watch', 'update', 'patch']),
    rule(['admissionregistration.k8s.io'], ['validatingwebhookconfigurations'], ['get', 'list', 'watch', 'update']),
    rule(ISTIO_GROUPS, ['*'], ['get', 'watch', 'list']),
    rule(['networking.istio.io'], ['workloadentries'], CRUD),
    rule(['networking.istio.io'], ['workloadentries/status', 'serviceentries/status'], CRUD),
    rule(['security.istio.io'], ['authorizationpolicies/status'], CRUD),
    rule([''], ['services/status'], CRUD),
    rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], READ),
    rule([''], ['pods', 'nodes', 'services', 'namespaces', 'endpoints'], READ),
    rule(['discovery.k8s.io'], ['endpointslices'], READ),
  ];
  if (truthy(ctx.values.pilot.taint?.enabled)) rules.push(rule([''], ['nodes'], ['patch']));
  rules.push(
    rule(['networking.k8s.io'], ['ingresses', 'ingressclasses'], READ),
    rule(['networking.k8s.io'], ['ingresses/status'], ['*']),
    rule([''], ['configmaps'], ['create', 'get', 'list', 'watch', 'update']),
    rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    rule(['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'], ['*'], ['get', 'watch', 'list']),
    rule(['gateway.networking.x-k8s.io'], ['xbackendtrafficpolicies/status'], ['update', 'patch']),
    rule(
      ['gateway.networking.k8s.io'],
      ['backendtlspolicies/status', 'gatewayclasses/status', 'gateways/status', 'grpcroutes/status', 'httproutes/status', 'referencegrants/status', 'tcproutes/status', 'tlsroutes/status', 'udproutes/status'],
      ['update', 'patch'],
    ),
    rule(['gateway.networking.k8s.io'], ['gatewayclasses'], ['create', 'update', 'patch', 'delete']),
    rule(['inference.networking.k8s.io'], ['inferencepools'], ['get', 'watch', 'list']),
    rule(['inference.networking.k8s.io'], ['inferencepools/status'], ['update', 'patch']),
    rule([''], ['secrets'], ['get', 'watch', 'list']),
    rule([mcsGroup(ctx)], ['serviceexports'], ['get', 'watch', 'list', 'create', 'delete']),
    rule([mcsGroup(ctx)], ['serviceimports'], ['get', 'watch', 'list']),
  );
  return rules;
}

function readerRules(ctx: RenderContext): JsonMap[] {
  const rules = [
    rule(ISTIO_GROUPS, ['*'], READ),
    rule([''], ['endpoints', 'pods', 'services', 'nodes', 'replicationcontrollers', 'namespaces', 'secrets', 'configmaps'], READ),
    rule(['networking.istio.io'], ['workloadentries'], ['get', 'watch', 'list']),
    rule(['networking.x-k8s.io', 'gateway.networking.k8s.io'], ['gateways'], ['get', 'watch', 'list']),
    rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], READ),
    rule(['discovery.k8s.io'], ['endpointslices'], READ),
    rule([mcsGroup(ctx)], ['serviceexports'], ['get', 'list', 'watch', 'create', 'delete']),
    rule([mcsGroup(ctx)], ['serviceimports'], READ),
    rule(['apps'], ['replicasets'], READ),
    rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
  ];
  if (truthy(ctx.values.istiodRemote?.enabled)) {
    rules.push(
      rule([''], ['configmaps'], ['create', 'get', 'list', 'watch', 'update']),
      rule(['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations'], ['get', 'list', 'watch', 'update', 'patch']),
      rule(['admissionregistration.k8s.io'], ['validatingwebhookconfigurations'], ['get', 'list', 'watch', 'update']),
    );
  }
  return rules;
}

/** `istio-reader-clusterrole[-rev]-<ns>` and its binding to the base chart's reader SA. */
export function readerRbac(ctx: RenderContext, labels: Record<string, string>): K8sObject[] {
  const name = `${revisioned(ctx, 'istio-reader-clusterrole')}-${ctx.istioNamespace}`;
  const l = { ...labels, app: 'istio-reader', 'app.kubernetes.io/name': 'istio-reader' };
  return [
    object(RBAC, 'ClusterRole', { name, labels: l }, { rules: readerRules(ctx) }),
    clusterRoleBinding(name, l, name, 'istio-reader-service-account', ctx.istioNamespace),
  ];
}

/** istiod's own identity and permissions. */
export function istiodRbac(ctx: RenderContext, labels: Record<string, string>): K8sObject[] {
  const sa = revisioned(ctx, 'istiod');
  const l = { ...labels, app: 'istiod', 'app.kubernetes.io/name': 'istiod' };
  const ns = ctx.istioNamespace;
  const clusterRole = `${revisioned(ctx, 'istiod-clusterrole')}-${ns}`;
  const out: K8sObject[] = [
    object(RBAC, 'ClusterRole', { name: clusterRole, labels: l }, { rules: istiodRules(ctx) }),
    clusterRoleBinding(clusterRole, l, clusterRole, sa, ns),
  ];
  if (str(ctx.values.pilot.env?.PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER) !== 'false') {
    const gw = `${revisioned(ctx, 'istiod-gateway-controller')}-${ns}`;
    out.push(
      object(RBAC, 'ClusterRole', { name: gw, labels: l }, {
        rules: [
          rule(['apps'], ['deployments'], CRUD),
          rule(['autoscaling'], ['horizontalpodautoscalers'], CRUD),
          rule(['policy'], ['poddisruptionbudgets'], CRUD),
          rule([''], ['services'], CRUD),
          rule([''], ['serviceaccounts'], CRUD),
        ],
      }),
      clusterRoleBinding(gw, l, gw, sa, ns),
    );
  }
  out.push(
    object(RBAC, 'Role', { name: sa, namespace: ns, labels: l }, {
      rules: [
        rule(['networking.istio.io'], ['gateways'], ['create']),
        rule([''], ['secrets'], ['create', 'get', 'watch', 'list', 'update', 'delete']),
        rule([''], ['configmaps'], ['delete']),
        rule(['coordination.k8s.io'], ['leases'], ['get', 'update', 'patch', 'create']),
      ],
    }),
    roleBinding(sa, ns, l, sa, sa),
  );
  return out;
}
