import { describe, expect, it } from 'vitest';
import { conflictingGateways, duplicateCertificates, gatewayCredentials, gatewayPorts } from '../../src/analyze/analyzers/gateway.js';
import { findings, messages } from './helpers.js';

const gw = (name: string, servers: string, ns = 'istio-system', selector = '{istio: ingressgateway}') => `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: ${selector}\n  servers:\n${servers}\n---\n`;
const server = (port: number, hosts: string[], tls = '') => `    - port: {number: ${port}, name: p${port}-${hosts.length}, protocol: ${tls ? 'HTTPS' : 'HTTP'}}\n      hosts: [${hosts.map((h) => JSON.stringify(h)).join(', ')}]\n${tls ? `      tls: ${tls}\n` : ''}`;
const ingress = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: istio-ingressgateway, namespace: istio-system}\nspec:\n  template:\n    metadata: {labels: {istio: ingressgateway}}\n    spec: {containers: [{name: istio-proxy, image: auto}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: istio-ingressgateway, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  ports:\n    - {name: http2, port: 80, targetPort: 8080}\n    - {name: https, port: 443, targetPort: 8443}\n---\n`;
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('gateway.ConflictingGatewayAnalyzer (IST0145)', () => {
  it.each([
    ['same selector, port and host', gw('a', server(80, ['a.example.com'])) + gw('b', server(80, ['a.example.com'])), ['IST0145 Gateway istio-system/a', 'IST0145 Gateway istio-system/b']],
    ['wildcard covers a host', gw('a', server(80, ['*.example.com'])) + gw('b', server(80, ['shop/a.example.com'])), ['IST0145 Gateway istio-system/a', 'IST0145 Gateway istio-system/b']],
    ['different ports', gw('a', server(80, ['a.example.com'])) + gw('b', server(8080, ['a.example.com'])), []],
    ['different selectors', gw('a', server(80, ['a.example.com'])) + gw('b', server(80, ['a.example.com']), 'istio-system', '{istio: internal}'), []],
    ['different hosts', gw('a', server(80, ['a.example.com'])) + gw('b', server(80, ['b.example.com'])), []],
    ['a gateway does not conflict with itself', gw('a', server(80, ['a.example.com']) + server(80, ['a.example.com', 'x'])), []],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(conflictingGateways, yaml as string)).toEqual(want);
  });
});

describe('gateway.CertificateAnalyzer (IST0138)', () => {
  it('two gateways on one workload sharing a credential', async () => {
    const yaml = gw('a', server(443, ['a.example.com'], '{mode: SIMPLE, credentialName: wild}')) + gw('b', server(443, ['b.example.com'], '{mode: SIMPLE, credentialName: wild}'));
    expect(await findings(duplicateCertificates, yaml)).toEqual(['IST0138 Gateway istio-system/a', 'IST0138 Gateway istio-system/b']);
  });
  it('different credentials are fine', async () => {
    const yaml = gw('a', server(443, ['a.example.com'], '{mode: SIMPLE, credentialName: a}')) + gw('b', server(443, ['b.example.com'], '{mode: SIMPLE, credentialName: b}'));
    expect(await findings(duplicateCertificates, yaml)).toEqual([]);
  });
});

describe('gateway.SecretAnalyzer (IST0101, IST0161)', () => {
  const secret = (name: string, data: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: istio-system}\ntype: kubernetes.io/tls\ndata:\n${data}\n---\n`;
  const good = `  tls.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')}\n  tls.key: ${b64('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n')}`;
  const tlsGw = gw('a', server(443, ['a.example.com'], '{mode: SIMPLE, credentialName: books}'));
  it('missing secret in the gateway workload namespace', async () => {
    expect(await findings(gatewayCredentials, ingress + secret('other', good) + tlsGw)).toEqual(['IST0101 Gateway istio-system/a']);
    expect(await messages(gatewayCredentials, ingress + secret('other', good) + tlsGw)).toEqual(['Referenced credentialName not found: "books"']);
  });
  it('valid secret', async () => {
    expect(await findings(gatewayCredentials, ingress + secret('books', good) + tlsGw)).toEqual([]);
  });
  it('secret without a key is invalid', async () => {
    expect(await findings(gatewayCredentials, ingress + secret('books', `  tls.crt: ${b64('-----BEGIN CERTIFICATE-----\n')}`) + tlsGw)).toEqual(['IST0161 Gateway istio-system/a']);
  });
  it('no secrets in view (CI files): nothing to judge', async () => {
    expect(await findings(gatewayCredentials, tlsGw)).toEqual([]);
  });
});

describe('gateway.IngressGatewayPortAnalyzer (IST0162, IST0101)', () => {
  it('server port the gateway Service does not expose', async () => {
    expect(await findings(gatewayPorts, ingress + gw('a', server(9000, ['a.example.com'])))).toEqual(['IST0162 Gateway istio-system/a']);
  });
  it('ports matching service port or targetPort are fine', async () => {
    expect(await findings(gatewayPorts, ingress + gw('a', server(80, ['a']) + server(8443, ['b'])))).toEqual([]);
  });
  it('selector without workloads is reported only when the pods are known', async () => {
    expect(await findings(gatewayPorts, gw('a', server(80, ['a'])))).toEqual([]);
    expect(await findings(gatewayPorts, gw('a', server(80, ['a'])), { completeKinds: ['Pod'] })).toEqual(['IST0101 Gateway istio-system/a']);
  });
});
