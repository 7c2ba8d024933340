/** The VirtualService analyzers: IST0101 (hosts, ports, subsets, gateways), IST0109, IST0112, IST0132, IST0140, IST0149, IST0165. */
import { describe, expect, it } from 'vitest';
import { docLine, lineOf, only } from '../helpers.js';

const svc = (name: string, ns: string, ports: number[], annotations = '') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}${annotations ? `\n  annotations: {${annotations}}` : ''}
spec:
  selector: {app: ${name}}
  ports:
${ports.map((p) => `  - {name: http-${p}, port: ${p}}`).join('\n')}
---
`;

describe('virtualservice.DestinationHostAnalyzer', () => {
  it("resolves destinations with Istio's host rules: short names in the VirtualService namespace, FQDNs as written, exportTo", async () => {
    const yaml =
      svc('stock', 'catalog', [8080]) +
      svc('prices', 'catalog', [8080, 9090]) +
      svc('hidden', 'catalog', [80], 'networking.istio.io/exportTo: "."') +
      `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: partner, namespace: catalog}
spec:
  hosts: ["*.partner.test"]
  ports: [{number: 443, name: tls, protocol: TLS}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: routes, namespace: catalog}
spec:
  hosts: [stock]
  http:
  - route:
    - destination: {host: stock}
    - destination: {host: stock.catalog.svc.cluster.local, port: {number: 8080}}
    - destination: {host: stock.catalog, port: {number: 8080}}
    - destination: {host: stock, port: {number: 81}}
    - destination: {host: prices}
    - destination: {host: api.partner.test}
    mirror: {host: mirrorbox}
    mirrors:
    - destination: {host: prices}
  tcp:
  - route:
    - destination: {host: stockz}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: exported, namespace: catalog}
spec:
  hosts: [hidden]
  exportTo: [frontend]
  http:
  - route:
    - destination: {host: hidden}
`;
    const at = (t: string) => lineOf(yaml, t);
    expect(await only('virtualservice.DestinationHostAnalyzer', yaml)).toEqual([
      `Error [IST0101] (VirtualService catalog/exported :${at('{host: hidden}')}) Referenced host not found: "hidden"`,
      `Error [IST0101] (VirtualService catalog/routes :${at('{host: stock.catalog, port')}) Referenced host not found: "stock.catalog"`,
      `Error [IST0101] (VirtualService catalog/routes :${at('port: {number: 81}')}) Referenced host:port not found: "stock:81"`,
      `Error [IST0101] (VirtualService catalog/routes :${at('{host: mirrorbox}')}) Referenced mirror host not found: "mirrorbox"`,
      `Error [IST0101] (VirtualService catalog/routes :${at('{host: stockz}')}) Referenced host not found: "stockz"`,
      `Error [IST0112] (VirtualService catalog/routes :${at('- destination: {host: prices}')}) This VirtualService routes to a service "prices" that exposes multiple ports [8080 9090]. Specifying a port in the destination is required to disambiguate.`,
      `Error [IST0112] (VirtualService catalog/routes :${lineOf(yaml, '- destination: {host: prices}', at('mirrors:'))}) This VirtualService routes to a service "prices" that exposes multiple ports [8080 9090]. Specifying a port in the destination is required to disambiguate.`,
    ]);
  });

  it('IST0140: a gateway route without a subset to a host another VirtualService splits by subset', async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cart-canary, namespace: shop}
spec:
  hosts: [cart]
  http:
  - route:
    - destination: {host: cart, subset: canary}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: shop}
spec:
  hosts: [shop.test]
  gateways: [ingress/public]
  http:
  - route:
    - destination: {host: cart}
  - route:
    - destination: {host: cart}
`;
    expect(await only('virtualservice.DestinationHostAnalyzer', yaml)).toContain(`Warning [IST0140] (VirtualService shop/edge :${docLine(yaml, 'name: edge')}) Subset in virtual service shop/cart-canary has no effect on ingress gateway shop/edge requests`);
  });
});

describe('virtualservice.DestinationRuleAnalyzer', () => {
  it('subsets must be defined by a DestinationRule for the same service (exportTo not considered); mirrors say so', async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: orders, namespace: shop}
spec:
  host: orders.shop.svc.cluster.local
  exportTo: [nowhere]
  subsets: [{name: v1, labels: {version: v1}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: orders, namespace: shop}
spec:
  hosts: [orders]
  http:
  - route:
    - destination: {host: orders, subset: v1}
    - destination: {host: orders, subset: v2}
    mirror: {host: orders, subset: v3}
`;
    expect(await only('virtualservice.DestinationRuleAnalyzer', yaml)).toEqual([
      `Error [IST0101] (VirtualService shop/orders :${lineOf(yaml, 'subset: v2')}) Referenced host+subset in destinationrule not found: "orders+v2"`,
      `Error [IST0101] (VirtualService shop/orders :${lineOf(yaml, 'subset: v3')}) Referenced mirror+subset in destinationrule not found: "orders+v3"`,
    ]);
  });
});

describe('virtualservice.GatewayAnalyzer', () => {
  it('missing gateways give IST0101 and IST0132; Gateway API gateways are found; any VS host matching any gateway host is enough', async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web-a, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["a.shop.test", "other/z.shop.test"]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web-k8s, namespace: edge}
spec:
  gatewayClassName: istio
  listeners: [{name: http, hostname: www.shop.test, port: 80, protocol: HTTP}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: both, namespace: edge}
spec:
  hosts: [a.shop.test, b.shop.test]
  gateways:
  - web-a
  - web-k8s
  - web-typo
  - web-a.edge.svc.cluster.local
  - edge/web~istio-autogenerated-k8s-gateway~http
  http: [{route: [{destination: {host: site, port: {number: 80}}}]}]
`;
    const at = (t: string) => lineOf(yaml, t);
    const notIn = (gw: string, line: number) => `Warning [IST0132] (VirtualService edge/both :${line}) one or more host [a.shop.test b.shop.test] defined in VirtualService edge/both not found in Gateway edge/${gw}.`;
    expect(await only('virtualservice.GatewayAnalyzer', yaml)).toEqual([
      `Error [IST0101] (VirtualService edge/both :${at('- web-typo')}) Referenced gateway not found: "web-typo"`,
      `Error [IST0101] (VirtualService edge/both :${at('- web-a.edge')}) Referenced gateway not found: "web-a.edge.svc.cluster.local"`,
      notIn('web-k8s', at('- web-k8s')),
      notIn('web-typo', at('- web-typo')),
      notIn('web-a.edge.svc.cluster.local', at('- web-a.edge')),
      `Warning [IST0165] (VirtualService edge/both :${at('autogenerated')}) Gateway reference in VirtualService edge/both is to an implementation-generated internal Gateway: edge/web~istio-autogenerated-k8s-gateway~http.`,
    ]);
  });

  it('server hosts: ./h is the gateway namespace, */h any namespace, ns/h only that namespace', async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["./local.test", "*/any.test", "team/team.test"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: in-edge, namespace: edge}
spec: {hosts: [local.test], gateways: [gw], http: [{route: [{destination: {host: s}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: in-team, namespace: team}
spec: {hosts: [team.test], gateways: [edge/gw], http: [{route: [{destination: {host: s}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: stranger, namespace: other}
spec: {hosts: [local.test, team.test], gateways: [edge/gw], http: [{route: [{destination: {host: s}}]}]}
`;
    expect(await only('virtualservice.GatewayAnalyzer', yaml)).toEqual([`Warning [IST0132] (VirtualService other/stranger :${lineOf(yaml, 'hosts: [local.test, team.test]')}) one or more host [local.test team.test] defined in VirtualService other/stranger not found in Gateway edge/gw.`]);
  });
});

describe('virtualservice.ConflictingMeshGatewayHostsAnalyzer (IST0109)', () => {
  it('a namespace-scoped wildcard host conflicts with an everywhere-exported wildcard over it; each VirtualService once', async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api-local, namespace: billing}
spec: {hosts: ["*.api.corp.test"], exportTo: ["."], http: [{route: [{destination: {host: pay}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: corp-all, namespace: shared}
spec: {hosts: ["*.corp.test"], http: [{route: [{destination: {host: edge}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: pay-a, namespace: billing}
spec: {hosts: [pay], http: [{route: [{destination: {host: pay}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: pay-b, namespace: billing}
spec: {hosts: [pay], gateways: [mesh, edge/gw], http: [{route: [{destination: {host: pay}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: on-gateway, namespace: billing}
spec: {hosts: [pay], gateways: [edge/gw], http: [{route: [{destination: {host: pay}}]}]}
`;
    const text = (names: string, host: string) => `The VirtualServices ${names} associated with mesh gateway define the same host ${host} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.`;
    expect(await only('virtualservice.ConflictingMeshGatewayHostsAnalyzer', yaml)).toEqual([
      `Error [IST0109] (VirtualService billing/api-local :1) ${text('billing/api-local,shared/corp-all', 'billing/*.api.corp.test')}`,
      `Error [IST0109] (VirtualService billing/pay-a :${docLine(yaml, 'name: pay-a')}) ${text('billing/pay-a,billing/pay-b', '*/pay.billing.svc.cluster.local')}`,
      `Error [IST0109] (VirtualService billing/pay-b :${docLine(yaml, 'name: pay-b')}) ${text('billing/pay-a,billing/pay-b', '*/pay.billing.svc.cluster.local')}`,
      `Error [IST0109] (VirtualService shared/corp-all :${docLine(yaml, 'name: corp-all')}) ${text('billing/api-local,shared/corp-all', 'billing/*.api.corp.test')}`,
    ]);
  });
});

describe('virtualservice.JWTClaimRouteAnalyzer (IST0149)', () => {
  it('claim routing on a gateway needs a RequestAuthentication for each gateway pod (Istio namespace or the pod namespace)', async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: by-group, namespace: edge}
spec:
  hosts: ["*"]
  gateways: [gw]
  http:
  - match: [{headers: {"@request.auth.claims.group": {exact: admins}}}]
    route: [{destination: {host: admin}}]
`;
    const msg = `Error [IST0149] (VirtualService edge/by-group :${docLine(yaml, 'name: by-group')}) The virtual service uses the JWT claim based routing (key: @request.auth.claims.group) but found no request authentication for the gateway (edge/gw) pod (istio-ingressgateway-dummypod). The request authentication must first be applied for the gateway pods to validate the JWT token and make the claims available for routing.`;
    expect(await only('virtualservice.JWTClaimRouteAnalyzer', yaml)).toEqual([msg]);
    const ra = `---\napiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: jwt, namespace: istio-system}\nspec: {selector: {matchLabels: {istio: ingressgateway}}, jwtRules: [{issuer: me}]}\n`;
    expect(await only('virtualservice.JWTClaimRouteAnalyzer', yaml + ra)).toEqual([]);
  });
});
