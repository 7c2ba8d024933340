/** auth.AuthorizationPoliciesAnalyzer (IST0101, IST0127), k8sgateway.SelectorAnalyzer (IST0166), authn.BlockedCIDRsAnalyzer (IST0175). */
import { describe, expect, it } from 'vitest';
import { docLine, lineOf, only } from '../helpers.js';

const ap = (name: string, ns: string, spec: string) => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec}\n---\n`;

describe('auth.AuthorizationPoliciesAnalyzer', () => {
  it('source namespaces must match a Namespace object (*, *suffix, prefix*, or a name in any case)', async () => {
    const yaml =
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: payments}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: team-blue}\n---\n` +
      ap('allow', 'payments', '  rules:\n  - from:\n    - source:\n        namespaces: ["team-*", "*-ops", "PAYMENTS", "*"]\n        notNamespaces: ["*-blue", "legacy"]');
    const at = lineOf(yaml, 'namespaces: ["team-*"');
    expect((await only('auth.AuthorizationPoliciesAnalyzer', yaml)).filter((l) => l.includes('IST0101'))).toEqual([
      `Error [IST0101] (AuthorizationPolicy payments/allow :${at}) Referenced namespace not found: "*-ops"`,
      `Error [IST0101] (AuthorizationPolicy payments/allow :${at + 1}) Referenced namespace not found: "legacy"`,
    ]);
  });

  it('with no Namespace objects every entry fails, even *', async () => {
    const yaml = ap('allow', 'payments', '  rules: [{from: [{source: {namespaces: ["*"]}}]}]');
    expect((await only('auth.AuthorizationPoliciesAnalyzer', yaml)).filter((l) => l.includes('IST0101'))).toEqual([`Error [IST0101] (AuthorizationPolicy payments/allow :${lineOf(yaml, 'namespaces')}) Referenced namespace not found: "*"`]);
  });

  it('IST0127: selectors must match an in-mesh or ambient Pod (anywhere for the root namespace); no selector needs some Pod in the namespace', async () => {
    const yaml =
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}\n---\n` +
      `apiVersion: v1\nkind: Pod\nmetadata: {name: cart-0, namespace: shop, labels: {app: cart}}\nspec: {containers: [{name: cart, image: cart}]}\n---\n` +
      `apiVersion: v1\nkind: Pod\nmetadata: {name: plain-0, namespace: plain, labels: {app: plain}}\nspec: {containers: [{name: p, image: p}]}\n---\n` +
      `apiVersion: v1\nkind: Pod\nmetadata: {name: zt-0, namespace: lite, labels: {app: zt}, annotations: {ambient.istio.io/redirection: enabled}}\nspec: {containers: [{name: z, image: z}]}\n---\n` +
      ap('cart-ok', 'shop', '  selector: {matchLabels: {app: cart}}') +
      ap('shop-wide', 'shop', '  action: DENY') +
      ap('mesh-cart', 'istio-system', '  selector: {matchLabels: {app: cart}}') +
      ap('mesh-legacy', 'istio-system', '  selector: {matchLabels: {app: legacy}}') +
      ap('mesh-all', 'istio-system', '  {}') +
      ap('plain-app', 'plain', '  selector: {matchLabels: {app: plain}}') +
      ap('plain-wide', 'plain', '  {}') +
      ap('zt-ok', 'lite', '  selector: {matchLabels: {}}') +
      ap('reports-wide', 'reports', '  {}');
    const none = (r: string, labels: string) => `Warning [IST0127] (AuthorizationPolicy ${r} :${docLine(yaml, `name: ${r.split('/')[1]},`)}) No matching workloads for this resource with the following labels: ${labels}`;
    expect(await only('auth.AuthorizationPoliciesAnalyzer', yaml)).toEqual([
      none('istio-system/mesh-legacy', 'app=legacy'),
      none('plain/plain-app', 'app=plain'),
      none('plain/plain-wide', ''),
      none('reports/reports-wide', ''),
    ]);
  });
});

describe('k8sgateway.SelectorAnalyzer (IST0166)', () => {
  it('policies whose selector lands on a Gateway API gateway Pod of their namespace, unless they have a targetRef', async () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata: {name: front-istio-0, namespace: shop, labels: {gateway.networking.k8s.io/gateway-name: front, tier: edge}}
spec: {containers: [{name: istio-proxy, image: proxyv2}]}
---
${ap('deny-bots', 'shop', '  selector: {matchLabels: {tier: edge}}')}apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: shop}
spec: {selector: {matchLabels: {}}}
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: wasm, namespace: shop}
spec: {selector: {matchLabels: {tier: edge}}, targetRef: {kind: Gateway, group: gateway.networking.k8s.io, name: front}, url: oci://x}
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: tel, namespace: other}
spec: {selector: {matchLabels: {tier: edge}}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa, namespace: shop}
spec: {selector: {matchLabels: {tier: edge}}}
`;
    expect(await only('k8sgateway.SelectorAnalyzer', yaml)).toEqual([
      `Warning [IST0166] (AuthorizationPolicy shop/deny-bots :${docLine(yaml, 'name: deny-bots')}) Ineffective selector on Kubernetes Gateway front. Use the TargetRef field instead.`,
      `Warning [IST0166] (RequestAuthentication shop/jwt :${docLine(yaml, 'name: jwt')}) Ineffective selector on Kubernetes Gateway front. Use the TargetRef field instead.`,
    ]);
  });
});

describe('authn.BlockedCIDRsAnalyzer (IST0175)', () => {
  it('every istiod Deployment (label app=istiod) without the variable, when a RequestAuthentication exists', async () => {
    const ra = (name: string, ns: string) => `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {jwtRules: [{issuer: x, jwks: "{}"}]}\n---\n`;
    const istiod = (name: string, env: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: cp, labels: {app: istiod}}\nspec:\n  selector: {matchLabels: {app: istiod}}\n  template:\n    metadata: {labels: {app: istiod}}\n    spec: {containers: [{name: discovery, image: pilot, env: ${env}}]}\n---\n`;
    const yaml = [1, 2, 3, 4, 5, 6, 7].map((i) => ra(`jwt${i}`, `ns${i}`)).join('') + istiod('istiod-blue', '[{name: BLOCKED_CIDRS_IN_JWKS_URIS, value: ""}]') + istiod('istiod-green', '[{name: BLOCKED_CIDRS_IN_JWKS_URIS, value: "10.0.0.0/8"}]');
    expect(await only('authn.BlockedCIDRsAnalyzer', yaml)).toEqual([
      `Warning [IST0175] (Deployment cp/istiod-blue :${docLine(yaml, 'name: istiod-blue')}) BLOCKED_CIDRS_IN_JWKS_URIS is not configured but 7 RequestAuthentication resource(s) exist (ns1/jwt1, ns2/jwt2, ns3/jwt3, ns4/jwt4, ns5/jwt5, and 2 more). Consider configuring it to restrict JWKS URI fetches to trusted networks.`,
    ]);
  });
});
