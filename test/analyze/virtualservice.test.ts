import { describe, expect, it } from 'vitest';
import { conflictingMeshHosts, destinationHost, destinationRuleSubsets, gatewayReferences, jwtClaimRoutes, routeRules } from '../../src/analyze/analyzers/virtualservice.js';
import { findings, messages, svc } from './helpers.js';

const vs = (name: string, ns: string, hosts: string[], body: string, extra = '') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  hosts: [${hosts.map((h) => JSON.stringify(h)).join(', ')}]
${extra}
${body}
---
`;
const routeTo = (host: string, more = '') => `  http:\n    - route:\n        - destination:\n            host: ${host}\n${more}`;

describe('virtualservice.DestinationHostAnalyzer (IST0101, IST0112)', () => {
  const cases: { name: string; yaml: string; want: string[]; domain?: string }[] = [
    { name: 'short name in the same namespace', yaml: svc('reviews') + vs('r', 'default', ['reviews'], routeTo('reviews')), want: [] },
    { name: 'typo in the host', yaml: svc('reviews') + vs('r', 'default', ['reviews'], routeTo('reviewz')), want: ['IST0101 VirtualService default/r'] },
    { name: 'short name does not reach another namespace', yaml: svc('reviews', 'shop') + vs('r', 'default', ['reviews'], routeTo('reviews')), want: ['IST0101 VirtualService default/r'] },
    { name: 'cross-namespace FQDN (istio#22698)', yaml: svc('reviews', 'shop') + vs('r', 'default', ['x'], routeTo('reviews.shop.svc.cluster.local')), want: [] },
    { name: 'bare svc form name.ns.svc', yaml: svc('reviews', 'shop') + vs('r', 'default', ['x'], routeTo('reviews.shop.svc')), want: [] },
    { name: 'non-default cluster domain (istio#48326)', yaml: svc('reviews', 'shop') + vs('r', 'default', ['x'], routeTo('reviews.shop.svc.corp.internal')), want: [] },
    { name: 'configured cluster domain', yaml: svc('reviews', 'shop') + vs('r', 'default', ['x'], routeTo('reviews.shop.svc.corp.internal')), want: [], domain: 'corp.internal' },
    { name: 'Service exported to the VirtualService namespace (istio#39629)', yaml: svc('pay', 'pay', [[80, 'http']], '  annotations:\n    networking.istio.io/exportTo: "pay,shop"') + vs('r', 'shop', ['x'], routeTo('pay.pay.svc.cluster.local')), want: [] },
    { name: 'Service exported elsewhere only', yaml: svc('pay', 'pay', [[80, 'http']], '  annotations:\n    networking.istio.io/exportTo: "."') + vs('r', 'shop', ['x'], routeTo('pay.pay.svc.cluster.local')), want: ['IST0101 VirtualService shop/r'] },
    {
      name: 'ServiceEntry wildcard host',
      yaml: `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ext, namespace: default}\nspec:\n  hosts: ["*.example.com"]\n  ports: [{number: 443, name: tls, protocol: TLS}]\n---\n` + vs('r', 'default', ['x'], routeTo('api.example.com')),
      want: [],
    },
    {
      name: 'ServiceEntry exported to "." is invisible from another namespace',
      yaml: `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ext, namespace: egress}\nspec:\n  hosts: ["api.example.com"]\n  exportTo: ["."]\n---\n` + vs('r', 'default', ['x'], routeTo('api.example.com')),
      want: ['IST0101 VirtualService default/r'],
    },
    { name: 'port that the service does not expose', yaml: svc('reviews') + vs('r', 'default', ['reviews'], routeTo('reviews', '            port: {number: 9999}\n')), want: ['IST0101 VirtualService default/r'] },
    { name: 'gateway route to a multi-port service without a port', yaml: svc('web', 'default', [[80, 'http'], [443, 'https']]) + vs('r', 'default', ['web.example.com'], routeTo('web'), '  gateways: [gw]'), want: ['IST0112 VirtualService default/r'] },
    { name: 'mesh route to a multi-port service needs no port', yaml: svc('web', 'default', [[80, 'http'], [443, 'https']]) + vs('r', 'default', ['web'], routeTo('web')), want: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      expect(await findings(destinationHost, c.yaml, { clusterDomain: c.domain })).toEqual(c.want);
    });
  }

  it('names the missing host and points at its line', async () => {
    const { context } = await import('./helpers.js');
    const ctx = await context(destinationHost, svc('reviews') + vs('r', 'default', ['reviews'], routeTo('reviewz')));
    expect(ctx.diagnostics[0]!.text).toBe('Referenced host not found: "reviewz"');
    expect(ctx.diagnostics[0]!.line).toBe(27); // the `host: reviewz` line
  });
});

describe('virtualservice.DestinationRuleAnalyzer (IST0101 subsets)', () => {
  const dr = (ns: string, host: string, subsets: string[], extra = '') => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: dr, namespace: ${ns}}\nspec:\n  host: ${host}\n${extra}  subsets:\n${subsets.map((s) => `    - name: ${s}\n      labels: {version: ${s}}`).join('\n')}\n---\n`;
  const sub = (s: string) => `            subset: ${s}\n`;
  it.each([
    ['subset defined', dr('default', 'reviews', ['v1']) + vs('r', 'default', ['reviews'], routeTo('reviews', sub('v1'))), []],
    ['subset missing', dr('default', 'reviews', ['v1']) + vs('r', 'default', ['reviews'], routeTo('reviews', sub('v3'))), ['IST0101 VirtualService default/r']],
    ['DR in the service namespace with FQDN host', dr('shop', 'reviews.shop.svc.cluster.local', ['v1']) + vs('r', 'default', ['x'], routeTo('reviews.shop.svc.cluster.local', sub('v1'))), []],
    ['DR short host matches FQDN destination', dr('default', 'reviews', ['v1']) + vs('r', 'default', ['x'], routeTo('reviews.default.svc.cluster.local', sub('v1'))), []],
    ['DR exported only to its namespace', dr('shop', 'reviews.shop.svc.cluster.local', ['v1'], '  exportTo: ["."]\n') + vs('r', 'default', ['x'], routeTo('reviews.shop.svc.cluster.local', sub('v1'))), ['IST0101 VirtualService default/r']],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(destinationRuleSubsets, yaml as string)).toEqual(want);
  });
});

describe('virtualservice.GatewayAnalyzer (IST0101, IST0132, IST0165)', () => {
  const gw = (ns: string, name: string, hosts: string[]) => `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: [${hosts.map((h) => JSON.stringify(h)).join(', ')}]\n---\n`;
  it.each([
    ['gateway in the same namespace', gw('default', 'gw', ['*.example.com']) + vs('r', 'default', ['a.example.com'], routeTo('x'), '  gateways: [gw]'), []],
    ['gateway in another namespace by ns/name', gw('istio-system', 'gw', ['*']) + vs('r', 'default', ['a.example.com'], routeTo('x'), '  gateways: [istio-system/gw]'), []],
    ['missing gateway', vs('r', 'default', ['a.example.com'], routeTo('x'), '  gateways: [nope]'), ['IST0101 VirtualService default/r']],
    ['mesh is not a gateway', vs('r', 'default', ['a'], routeTo('x'), '  gateways: [mesh]'), []],
    ['host not served by the gateway', gw('default', 'gw', ['books.example.com']) + vs('r', 'default', ['shop.example.com'], routeTo('x'), '  gateways: [gw]'), ['IST0132 VirtualService default/r']],
    ['gateway host restricted to another namespace', gw('istio-system', 'gw', ['shop/*']) + vs('r', 'default', ['a.example.com'], routeTo('x'), '  gateways: [istio-system/gw]'), ['IST0132 VirtualService default/r']],
    ['internal gateway', vs('r', 'default', ['a'], routeTo('x'), '  gateways: [web-istio-autogenerated-k8s-gateway]'), ['IST0165 VirtualService default/r']],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(gatewayReferences, yaml as string)).toEqual(want);
  });
});

describe('virtualservice.ConflictingMeshGatewayHostsAnalyzer (IST0109)', () => {
  it('two VirtualServices for one host conflict, each is told', async () => {
    const yaml = vs('a', 'default', ['reviews'], routeTo('reviews')) + vs('b', 'default', ['reviews.default.svc.cluster.local'], routeTo('reviews'));
    expect(await findings(conflictingMeshHosts, yaml)).toEqual(['IST0109 VirtualService default/a', 'IST0109 VirtualService default/b']);
    expect((await messages(conflictingMeshHosts, yaml))[0]).toContain('The VirtualServices default/a,default/b associated with mesh gateway define the same host reviews.default.svc.cluster.local');
  });
  it('a VirtualService never conflicts with itself (istio#42561)', async () => {
    expect(await findings(conflictingMeshHosts, vs('a', 'default', ['reviews', 'reviews.default.svc.cluster.local', 'reviews'], routeTo('reviews')))).toEqual([]);
  });
  it('VirtualServices exported to disjoint namespaces do not conflict', async () => {
    const yaml = vs('a', 'one', ['api.example.com'], routeTo('x'), '  exportTo: ["."]') + vs('b', 'two', ['api.example.com'], routeTo('x'), '  exportTo: ["."]');
    expect(await findings(conflictingMeshHosts, yaml)).toEqual([]);
  });
  it('gateway-only VirtualServices are not mesh conflicts', async () => {
    const yaml = vs('a', 'default', ['reviews'], routeTo('reviews'), '  gateways: [gw]') + vs('b', 'default', ['reviews'], routeTo('reviews'));
    expect(await findings(conflictingMeshHosts, yaml)).toEqual([]);
  });
});

describe('virtualservice.ConflictAnalyzer (IST0130, IST0131)', () => {
  const http = (rules: string[]) => `  http:\n${rules.join('\n')}`;
  const rule = (match: string | undefined) => `    - ${match ? `match:\n        - ${match}\n      ` : ''}route:\n        - destination: {host: x}`;
  it.each([
    ['distinct matches', [rule('uri: {prefix: /a}'), rule('uri: {prefix: /b}'), rule(undefined)], []],
    ['rule after a catch-all', [rule(undefined), rule('uri: {prefix: /b}')], ['IST0130 VirtualService default/r']],
    ['same match twice', [rule('uri: {prefix: /a}'), rule('uri: {prefix: /a}')], ['IST0130 VirtualService default/r']],
  ])('%s', async (_n, rules, want) => {
    expect(await findings(routeRules, vs('r', 'default', ['x'], http(rules as string[])))).toEqual(want);
  });
  it('one duplicated match among several is ineffective (IST0131)', async () => {
    const yaml = vs('r', 'default', ['x'], `  http:\n    - match:\n        - uri: {prefix: /a}\n      route: [{destination: {host: x}}]\n    - match:\n        - uri: {prefix: /a}\n        - uri: {prefix: /c}\n      route: [{destination: {host: x}}]`);
    expect(await findings(routeRules, yaml)).toEqual(['IST0131 VirtualService default/r']);
    expect(await messages(routeRules, yaml)).toEqual(['VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0).']);
  });
});

describe('virtualservice.JWTClaimRouteAnalyzer (IST0149)', () => {
  const gw = `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]\n---\n`;
  const claims = vs('r', 'default', ['a.example.com'], `  http:\n    - match:\n        - headers:\n            "@request.auth.claims.group": {exact: admin}\n      route: [{destination: {host: x}}]`, '  gateways: [istio-system/gw]');
  it('claim routing without a RequestAuthentication', async () => {
    expect(await findings(jwtClaimRoutes, gw + claims)).toEqual(['IST0149 VirtualService default/r']);
  });
  it('claim routing with a RequestAuthentication on the gateway', async () => {
    const ra = `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: jwt, namespace: istio-system}\nspec:\n  selector: {matchLabels: {istio: ingressgateway}}\n  jwtRules: [{issuer: me}]\n---\n`;
    expect(await findings(jwtClaimRoutes, gw + ra + claims)).toEqual([]);
  });
});
