/**
 * deprecation.DeprecationAnalyzer (IST0002), meshnetworks.MeshNetworksAnalyzer (IST0126), webhook.Analyzer (IST0139),
 * envoyfilter.EnvoyPatchAnalyzer (IST0151-IST0155), externalcontrolplane.ExternalControlPlaneAnalyzer (IST0163, IST0164),
 * conditions.ConditionAnalyzer (IST0171), k8sgateway.CRDVersionAnalyzer (IST0176), services.MultiClusterServiceAnalyzer (IST0170).
 */
import { describe, expect, it } from 'vitest';
import { docLine, lineOf, only, resources } from '../helpers.js';

describe('deprecation.DeprecationAnalyzer (IST0002)', () => {
  it('fault.delay.percent above 0, Sidecar egressProxy and the removed rbac.istio.io kinds; nothing else', async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: slow, namespace: shop}
spec:
  hosts: [cart]
  http:
  - fault: {delay: {percent: 5, fixedDelay: 1s}}
    mirror: {host: cart-v2}
    mirrorPercent: 10
    route: [{destination: {host: cart}}]
  - fault: {delay: {percent: 0, fixedDelay: 1s}}
    route: [{destination: {host: cart}}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: pinned, namespace: shop}
spec:
  localhost: {}
  outboundTrafficPolicy: {mode: REGISTRY_ONLY, egressProxy: {host: egress.shop.svc.cluster.local, port: {number: 8443}}}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: serviceroles.rbac.istio.io}
spec: {group: rbac.istio.io, names: {kind: ServiceRole, plural: serviceroles}, scope: Namespaced, versions: [{name: v1alpha1, served: true, storage: true}]}
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: old, namespace: shop}
spec: {workloadLabels: {app: x}, configPatches: []}
`;
    expect(await only('deprecation.DeprecationAnalyzer', yaml)).toEqual([
      `Warning [IST0002] (CustomResourceDefinition serviceroles.rbac.istio.io :${docLine(yaml, 'serviceroles.rbac')}) Deprecated: Custom resource type rbac.istio.io ServiceRole is removed`,
      `Warning [IST0002] (Sidecar shop/pinned :${docLine(yaml, 'name: pinned')}) Deprecated: OutboundTrafficPolicy.EgressProxy ignored`,
      `Warning [IST0002] (VirtualService shop/slow :1) Deprecated: HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage`,
    ]);
  });
});

describe('meshnetworks.MeshNetworksAnalyzer (IST0126)', () => {
  it('registries other than Mock, Kubernetes, External and the keys of remote-cluster secrets (data only)', async () => {
    const yaml = `apiVersion: v1\nkind: Secret\nmetadata: {name: remote, namespace: istio-system, labels: {istio/multiCluster: "true"}}\ndata: {west: a3ViZWNvbmZpZw==}\nstringData: {north: x}\n`;
    const networks = `networks:\n  net1:\n    endpoints:\n    - fromRegistry: Kubernetes\n    - fromRegistry: External\n    - fromRegistry: west\n    - fromRegistry: kubernetes\n  net2:\n    endpoints:\n    - fromRegistry: north\n    gateways: [{address: 1.2.3.4, port: 15443}]\n`;
    expect(await only('meshnetworks.MeshNetworksAnalyzer', yaml, { meshNetworks: networks })).toEqual([
      'Error [IST0126] (MeshNetworks istio-system/meshnetworks :1) Unknown service registry kubernetes in network net1',
      'Error [IST0126] (MeshNetworks istio-system/meshnetworks :1) Unknown service registry north in network net2',
    ]);
  });
});

describe('webhook.Analyzer (IST0139)', () => {
  it('injector webhooks that would both inject one pod, and services that do not exist', async () => {
    const hook = (config: string, svcName: string, labels = '') => `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: ${config}${labels}}
webhooks:
- name: ns.inject.corp.istio.io
  clientConfig: {service: {name: ${svcName}, namespace: istio-system}}
  namespaceSelector: {matchLabels: {istio-injection: enabled}}
  admissionReviewVersions: [v1]
  sideEffects: None
---
`;
    const yaml = `apiVersion: v1\nkind: Service\nmetadata: {name: istiod, namespace: istio-system}\nspec: {ports: [{name: grpc, port: 15012}]}\n---\n` + hook('inject-blue', 'istiod') + hook('inject-green', 'istiod-green') + `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: unrelated}
webhooks:
- name: hook.example.com
  clientConfig: {service: {name: nothing, namespace: x}}
`;
    expect(await only('webhook.Analyzer', yaml)).toEqual([
      `Error [IST0139] (MutatingWebhookConfiguration inject-blue :${docLine(yaml, 'name: inject-blue')}) Webhook overlaps with others: [inject-green/ns.inject.corp.istio.io]. This may cause injection to occur twice.`,
      `Error [IST0139] (MutatingWebhookConfiguration inject-green :${docLine(yaml, 'name: inject-green')}) Injector refers to a control plane service that does not exist: istio-system/istiod-green.`,
      `Error [IST0139] (MutatingWebhookConfiguration inject-green :${docLine(yaml, 'name: inject-green')}) Webhook overlaps with others: [inject-blue/ns.inject.corp.istio.io]. This may cause injection to occur twice.`,
    ]);
  });

  it('revision webhooks with exclusive selectors do not overlap', async () => {
    const yaml = `apiVersion: v1\nkind: Service\nmetadata: {name: istiod, namespace: istio-system}\nspec: {ports: [{name: grpc, port: 15012}]}\n---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-revision-tag-default, labels: {istio.io/rev: stable}}
webhooks:
- name: rev.namespace.sidecar-injector.istio.io
  clientConfig: {service: {name: istiod, namespace: istio-system}}
  namespaceSelector: {matchExpressions: [{key: istio.io/rev, operator: In, values: [stable]}, {key: istio-injection, operator: DoesNotExist}]}
  objectSelector: {matchExpressions: [{key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}]}
- name: namespace.sidecar-injector.istio.io
  clientConfig: {service: {name: istiod, namespace: istio-system}}
  namespaceSelector: {matchExpressions: [{key: istio-injection, operator: In, values: [enabled]}]}
  objectSelector: {matchExpressions: [{key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}]}
`;
    expect(await only('webhook.Analyzer', yaml)).toEqual([]);
  });
});

describe('envoyfilter.EnvoyPatchAnalyzer (IST0151-IST0155)', () => {
  it("relative operations without priority; a patch of a name an earlier proxyVersion patch targeted; invalid ADD/REMOVE/REPLACE targets; at most one of each per EnvoyFilter", async () => {
    const yaml = `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: tune, namespace: billing}
spec:
  configPatches:
  - applyTo: HTTP_FILTER
    match: {proxy: {proxyVersion: '^1\\.2.*'}, listener: {filterChain: {filter: {name: envoy.filters.network.http_connection_manager}}}}
    patch: {operation: INSERT_BEFORE, value: {name: corp.authz}}
  - applyTo: HTTP_FILTER
    match: {listener: {filterChain: {filter: {name: envoy.filters.network.http_connection_manager}}}}
    patch: {operation: REPLACE, value: {name: corp.authz}}
  - applyTo: VIRTUAL_HOST
    patch: {operation: REPLACE, value: {name: vh, domains: ["*"]}}
  - applyTo: NETWORK_FILTER
    patch: {operation: REMOVE}
  - applyTo: CLUSTER
    patch: {operation: REPLACE, value: {name: c}}
  - applyTo: HTTP_ROUTE
    patch: {operation: ADD, value: {name: r}}
  - applyTo: ROUTE_CONFIGURATION
    patch: {operation: REMOVE}
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: ordered, namespace: billing}
spec:
  priority: 10
  configPatches:
  - applyTo: HTTP_FILTER
    patch: {operation: INSERT_AFTER, value: {name: x}}
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: stops, namespace: billing}
spec:
  configPatches:
  - applyTo: HTTP_FILTER
  - applyTo: HTTP_FILTER
    patch: {operation: INSERT_AFTER, value: {name: x}}
`;
    expect(await only('envoyfilter.EnvoyPatchAnalyzer', yaml)).toEqual([
      'Error [IST0152] (EnvoyFilter billing/tune :1) The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER.',
      'Error [IST0153] (EnvoyFilter billing/tune :1) The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.',
      'Error [IST0154] (EnvoyFilter billing/tune :1) The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.',
      'Warning [IST0151] (EnvoyFilter billing/tune :1) This EnvoyFilter does not have a priority and has a relative patch operation set which can cause the EnvoyFilter not to be applied. Using the INSERT_FIRST of ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.',
      'Warning [IST0155] (EnvoyFilter billing/tune :1) This EnvoyFilter does not have a priority and has a relative patch operation (NSTERT_BEFORE/AFTER, REPLACE, MERGE, DELETE) and proxyVersion set which can cause the EnvoyFilter not to be applied during an upgrade. Using the INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.',
    ]);
  });
});

describe('externalcontrolplane.ExternalControlPlaneAnalyzer (IST0163, IST0164)', () => {
  it('webhooks of the Istio validator and injector with a blank, malformed or IP-address URL', async () => {
    const config = (kind: string, name: string, hooks: string) => `apiVersion: admissionregistration.k8s.io/v1\nkind: ${kind}\nmetadata: {name: ${name}}\nwebhooks:\n${hooks}---\n`;
    const hook = (name: string, cc: string) => `- name: ${name}\n  clientConfig: ${cc}\n  admissionReviewVersions: [v1]\n  sideEffects: None\n`;
    const yaml =
      config('ValidatingWebhookConfiguration', 'istio-validator-remote', hook('rev.validation.istio.io', '{url: null}') + hook('ip.validation.istio.io', '{url: "https://10.1.2.3:15017/validate"}')) +
      config('MutatingWebhookConfiguration', 'istio-sidecar-injector-remote', hook('a.sidecar-injector.istio.io', '{url: "10.1.2.3:15017/inject"}') + hook('b.sidecar-injector.istio.io', '{url: "https://istiod.remote.test:15017/inject"}') + hook('c.sidecar-injector.istio.io', '{url: ""}')) +
      config('ValidatingWebhookConfiguration', 'someone-else', hook('x.example.com', '{}'));
    expect(await only('externalcontrolplane.ExternalControlPlaneAnalyzer', yaml)).toEqual([
      `Warning [IST0163] (MutatingWebhookConfiguration istio-sidecar-injector-remote :${docLine(yaml, 'name: istio-sidecar-injector-remote')}) The hostname (10.1.2.3:15017/inject) that was provided for the webhook (a.sidecar-injector.istio.io) to reach the ingress gateway on the external control plane cluster was provided in an invalid format. Traffic may not flow properly.`,
      'Warning [IST0163] (ValidatingWebhookConfiguration istio-validator-remote :1) The hostname () that was provided for the webhook (rev.validation.istio.io) to reach the ingress gateway on the external control plane cluster is blank. Traffic may not flow properly.',
      'Info [IST0164] (ValidatingWebhookConfiguration istio-validator-remote :1) The address (10.1.2.3) that was provided for the webhook (ip.validation.istio.io) to reach the ingress gateway on the external control plane cluster is an IP address. This is not recommended for a production environment.',
    ]);
  });
});

describe('conditions.ConditionAnalyzer (IST0171)', () => {
  it("the condition types Istio watches, per kind, when False; WaypointAccepted PartiallyInvalid whatever its status", async () => {
    const yaml = `apiVersion: v1
kind: Service
metadata: {name: ledger, namespace: fin}
spec: {ports: [{name: http, port: 80}]}
status: {conditions: [{type: istio.io/WaypointBound, status: "False", reason: NoWaypoint, message: none found}, {type: Ready, status: "False", reason: X, message: y}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow, namespace: fin}
spec: {}
status: {conditions: [{type: WaypointAccepted, status: "True", reason: PartiallyInvalid, message: some rules dropped}, {type: ZtunnelAccepted, status: "False", reason: Unsupported, message: bad field}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: fin}
spec: {}
status: {parents: [{parentRef: {name: gw}, conditions: [{type: ResolvedRefs, status: "False", reason: BackendNotFound, message: no svc}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: fin}
spec: {}
status: {conditions: [{type: Reconciled, status: "False", reason: X, message: y}]}
`;
    const doc = (t: string) => docLine(yaml, t);
    expect(await only('conditions.ConditionAnalyzer', yaml)).toEqual([
      `Warning [IST0171] (AuthorizationPolicy fin/allow :${doc('name: allow')}) A condition with a negative status is present: type=WaypointAccepted, reason=PartiallyInvalid, message=some rules dropped.`,
      `Warning [IST0171] (AuthorizationPolicy fin/allow :${doc('name: allow')}) A condition with a negative status is present: type=ZtunnelAccepted, reason=Unsupported, message=bad field.`,
      `Warning [IST0171] (HTTPRoute fin/r :${doc('kind: HTTPRoute')}) A condition with a negative status is present: type=ResolvedRefs, reason=BackendNotFound, message=no svc.`,
      `Warning [IST0171] (Service fin/ledger :1) A condition with a negative status is present: type=istio.io/WaypointBound, reason=NoWaypoint, message=none found.`,
    ]);
  });
});

describe('k8sgateway.CRDVersionAnalyzer (IST0176)', () => {
  it('Gateway API CRDs below the bundle version this Istio release reads', async () => {
    const crd = (name: string, version?: string) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${name}${version ? `\n  annotations: {gateway.networking.k8s.io/bundle-version: ${version}}` : ''}\nspec: {group: gateway.networking.k8s.io, names: {kind: K, plural: p}, scope: Namespaced, versions: []}\n---\n`;
    const yaml = crd('tcproutes.gateway.networking.k8s.io', 'v1.5.2') + crd('tlsroutes.gateway.networking.k8s.io', 'v1.5.0-rc.1') + crd('grpcroutes.gateway.networking.k8s.io', 'v1.0.0') + crd('backendtlspolicies.gateway.networking.k8s.io') + crd('httproutes.gateway.networking.k8s.io', 'v0.1.0') + crd('tlsroutes.other.test', 'v0.1');
    const below = (name: string, v: string, min: string) => `Warning [IST0176] (CustomResourceDefinition ${name} :${docLine(yaml, `name: ${name}`)}) Gateway API CRD "${name}" is at version "${v}" but Istio requires at least "${min}"; resources of this kind will not be processed. Upgrade the Gateway API CRDs to satisfy the minimum version.`;
    expect(await only('k8sgateway.CRDVersionAnalyzer', yaml)).toEqual([below('grpcroutes.gateway.networking.k8s.io', '1.0.0', '1.1.0'), below('tcproutes.gateway.networking.k8s.io', '1.5.2', '1.6.0')]);
  });
});

describe('schema.ValidationAnalyzer.VirtualService (IST0130, IST0131)', () => {
  it("Istio's rule-order analysis: catch-all rules, duplicate matches, prefixes covered by an earlier prefix", async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: order, namespace: shop}
spec:
  hosts: [shop.svc]
  http:
  - name: products
    match: [{name: p, uri: {prefix: /api/products}}]
    route: [{destination: {host: a}}]
  - match: [{uri: {prefix: /api/products}}]
    route: [{destination: {host: b}}]
  - match: [{uri: {prefix: /api/products/x}, method: {exact: GET}}, {uri: {prefix: /api/z}}]
    route: [{destination: {host: c}}]
  - route: [{destination: {host: d}}]
  - route: [{destination: {host: e}}]
  tcp:
  - match: [{port: 31400}]
    route: [{destination: {host: t}}]
  - match: [{port: 31400}]
    route: [{destination: {host: u}}]
`;
    expect(await only('schema.ValidationAnalyzer.VirtualService', yaml)).toEqual([
      // rule #1 of http and of tcp: the same text, shown once
      'Warning [IST0130] (VirtualService shop/order :1) VirtualService rule #1 not used (all matches used by prior rules).',
      'Warning [IST0130] (VirtualService shop/order :1) VirtualService rule #4 not used (only the last rule can have no matches).',
      'Info [IST0131] (VirtualService shop/order :1) VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule "products").',
      'Info [IST0131] (VirtualService shop/order :1) VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0).',
      'Info [IST0131] (VirtualService shop/order :1) VirtualService rule #2 match #0 of prefix /api/products/x is not used (duplicate/overlapping match in rule "p" of prefix /api/products on "products").',
    ]);
  });
});

describe('services.MultiClusterServiceAnalyzer (IST0170)', () => {
  it('Services of one name that differ between clusters in headless mode, type or ports', async () => {
    const yaml = `apiVersion: v1\nkind: Service\nmetadata: {name: cart, namespace: shop}\nspec: {clusterIP: None, ports: [{name: http, port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: same, namespace: shop}\nspec: {ports: [{name: http, port: 80}]}\n`;
    const remote = resources(`apiVersion: v1\nkind: Service\nmetadata: {name: cart, namespace: shop}\nspec: {type: NodePort, ports: [{name: http, port: 8080}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: same, namespace: shop}\nspec: {ports: [{name: http, port: 80}]}\n`, 'west.yaml');
    for (const r of remote) r.origin.cluster = 'west';
    const out = await only('services.MultiClusterServiceAnalyzer', yaml, { clusterId: 'east', remotes: [{ id: 'west', services: async () => remote }] });
    expect(out).toEqual([`Warning [IST0170] [cluster-east] (Service shop/cart :1) The service cart in namespace "shop" is inconsistent across clusters ["east" "west"], which can lead to undefined behaviors. The inconsistent behaviors are: service has mixed mode like headless and clusterIP; service ports are inconsistent; service type is inconsistent.`]);
    expect(await only('services.MultiClusterServiceAnalyzer', yaml)).toEqual([]);
    void lineOf;
  });
});
