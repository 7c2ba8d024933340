import { describe, expect, it } from 'vitest';
import { caCertificates, subsetsSelectPods, unknownHost } from '../../src/analyze/analyzers/destinationrule.js';
import { findings, messages, svc } from './helpers.js';

const dr = (spec: string, name = 'dr', ns = 'default') => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec}\n---\n`;
const deploy = (app: string, version: string, ns = 'default') => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${app}-${version}, namespace: ${ns}}\nspec:\n  template:\n    metadata:\n      labels: {app: ${app}, version: ${version}}\n    spec: {containers: [{name: c, image: x}]}\n---\n`;

describe('destinationrule.CaCertificateAnalyzer (IST0128, IST0129)', () => {
  it.each([
    ['SIMPLE without caCertificates', '  host: a.example.com\n  trafficPolicy:\n    tls: {mode: SIMPLE}', ['IST0128 DestinationRule default/dr']],
    ['SIMPLE with caCertificates', '  host: a.example.com\n  trafficPolicy:\n    tls: {mode: SIMPLE, caCertificates: /etc/ca.pem}', []],
    ['SIMPLE with credentialName', '  host: a.example.com\n  trafficPolicy:\n    tls: {mode: SIMPLE, credentialName: ca}', []],
    ['ISTIO_MUTUAL verifies by itself', '  host: a.example.com\n  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}', []],
    ['insecureSkipVerify is a choice', '  host: a.example.com\n  trafficPolicy:\n    tls: {mode: SIMPLE, insecureSkipVerify: true}', []],
    ['port level MUTUAL without caCertificates', '  host: a.example.com\n  trafficPolicy:\n    portLevelSettings:\n      - port: {number: 443}\n        tls: {mode: MUTUAL, clientCertificate: c, privateKey: k}', ['IST0129 DestinationRule default/dr']],
  ])('%s', async (_n, spec, want) => {
    expect(await findings(caCertificates, dr(spec as string))).toEqual(want);
  });
  it('says which rule, namespace, mode, host and port', async () => {
    const text = await messages(caCertificates, dr('  host: a.example.com\n  trafficPolicy:\n    portLevelSettings:\n      - port: {number: 8443}\n        tls: {mode: SIMPLE}'));
    expect(text).toEqual(['DestinationRule dr in namespace default has TLS mode set to SIMPLE but no caCertificates are set to validate server identity for host: a.example.com at port 8443']);
  });
});

describe('destinationrule.PodNotSelectedAnalyzer (IST0173)', () => {
  const rule = dr('  host: reviews\n  subsets:\n    - name: v1\n      labels: {version: v1}\n    - name: v2\n      labels: {version: v2}');
  it('reports the subset no workload carries', async () => {
    expect(await findings(subsetsSelectPods, svc('reviews') + deploy('reviews', 'v1') + rule)).toEqual(['IST0173 DestinationRule default/dr']);
    expect((await messages(subsetsSelectPods, svc('reviews') + deploy('reviews', 'v1') + rule))[0]).toContain('The Subset v2 defined in the DestinationRule does not select any pods');
  });
  it('is silent when every subset has workloads', async () => {
    expect(await findings(subsetsSelectPods, svc('reviews') + deploy('reviews', 'v1') + deploy('reviews', 'v2') + rule)).toEqual([]);
  });
  it("is silent when the service's workloads are not in the input", async () => {
    expect(await findings(subsetsSelectPods, svc('reviews') + deploy('other', 'v1') + rule)).toEqual([]);
  });
});

describe('destinationrule.UnknownDestinationRuleHostAnalyzer (IST0174)', () => {
  it.each([
    ['known service', svc('reviews') + dr('  host: reviews'), []],
    ['unknown host', svc('reviews') + dr('  host: reveiws'), ['IST0174 DestinationRule default/dr']],
    ['wildcard host is not judged', dr('  host: "*.example.com"'), []],
    ['FQDN in another namespace', svc('reviews', 'shop') + dr('  host: reviews.shop.svc.cluster.local'), []],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(unknownHost, yaml as string)).toEqual(want);
  });
});
