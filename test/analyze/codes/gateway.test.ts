/** The gateway analyzers: IST0101 (selector, credentialName), IST0138, IST0145, IST0161, IST0162. */
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docLine, lineOf, only, run } from '../helpers.js';

const gw = (name: string, ns: string, selector: string, servers: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
${selector}
  servers:
${servers}
---
`;
const http = (port: number, host: string, extra = '') => `  - port: {number: ${port}, name: p${port}, protocol: HTTP}\n    hosts: ["${host}"]${extra}\n`;

describe('gateway.IngressGatewayPortAnalyzer (IST0101, IST0162)', () => {
  it('a selector matching no Pod is IST0101 at its first label; the default ingress Pod and Service count', async () => {
    const yaml = gw('kiosk', 'retail', '    app: kiosk-proxy', http(80, '*')) + gw('front', 'retail', '    istio: ingressgateway', http(80, 'a.shop.test') + http(9443, 'b.shop.test') + http(15443, 'c.shop.test'));
    expect(await only('gateway.IngressGatewayPortAnalyzer', yaml)).toEqual([
      `Error [IST0101] (Gateway retail/kiosk :${lineOf(yaml, 'app: kiosk-proxy')}) Referenced selector not found: "app=kiosk-proxy"`,
      `Warning [IST0162] (Gateway retail/front :${lineOf(yaml, 'istio: ingressgateway')}) The gateway is listening on a target port (port 9443) that is not defined in the Service associated with its workload instances (Pod selector istio=ingressgateway). If you need to access the gateway port through the gateway Service, it will not be available.`,
    ]);
  });

  it('only TCP ports of Services in the Pod namespace count; targetPorts and ports both expose', async () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata: {name: edge-1, namespace: edge, labels: {app: edge}}
spec: {containers: [{name: istio-proxy, image: proxyv2}]}
---
apiVersion: v1
kind: Service
metadata: {name: edge, namespace: edge}
spec:
  selector: {app: edge}
  ports:
  - {name: http, port: 80, targetPort: 8080, protocol: TCP}
  - {name: dns, port: 53, protocol: UDP}
  - {name: noproto, port: 7000}
---
` + gw('edge', 'other', '    app: edge', http(80, 'a') + http(8080, 'b') + http(53, 'c') + http(7000, 'd'));
    const sel = lineOf(yaml, '    app: edge');
    const msg = (p: number) => `Warning [IST0162] (Gateway other/edge :${sel}) The gateway is listening on a target port (port ${p}) that is not defined in the Service associated with its workload instances (Pod selector app=edge). If you need to access the gateway port through the gateway Service, it will not be available.`;
    expect(await only('gateway.IngressGatewayPortAnalyzer', yaml)).toEqual([msg(53), msg(7000)]);
  });

  it('an empty selector selects every Pod, including the default ingress Pod', async () => {
    const yaml = `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: any, namespace: edge}\nspec:\n  servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*"], tls: {mode: PASSTHROUGH}}]\n`;
    expect(await only('gateway.IngressGatewayPortAnalyzer', yaml)).toEqual([]);
  });

  it('without the default ingress (ingressControllerMode OFF) nothing matches', async () => {
    const yaml = gw('front', 'retail', '    istio: ingressgateway', http(80, 'a'));
    expect(await only('gateway.IngressGatewayPortAnalyzer', yaml, { mesh: 'ingressControllerMode: "OFF"\n' })).toEqual([`Error [IST0101] (Gateway retail/front :8) Referenced selector not found: "istio=ingressgateway"`]);
  });

  it('our offline improvement: a gateway Deployment whose Pods are not in the input stands in for them (no IST0101, ports not judged)', async () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: kiosk-proxy, namespace: retail}
spec:
  selector: {matchLabels: {app: kiosk-proxy}}
  template:
    metadata: {labels: {app: kiosk-proxy}}
    spec: {containers: [{name: istio-proxy, image: auto}]}
---
` + gw('kiosk', 'retail', '    app: kiosk-proxy', http(1234, '*'));
    expect(await only('gateway.IngressGatewayPortAnalyzer', yaml)).toEqual([]);
    // With a Pod of another workload given for that selector, the Pods decide.
    const withPod = yaml + `apiVersion: v1\nkind: Pod\nmetadata: {name: kiosk-proxy-0, namespace: retail, labels: {app: kiosk-proxy}}\nspec: {containers: [{name: istio-proxy, image: proxyv2}]}\n`;
    expect(await only('gateway.IngressGatewayPortAnalyzer', withPod)).toEqual([`Warning [IST0162] (Gateway retail/kiosk :${lineOf(withPod, '    app: kiosk-proxy')}) The gateway is listening on a target port (port 1234) that is not defined in the Service associated with its workload instances (Pod selector app=kiosk-proxy). If you need to access the gateway port through the gateway Service, it will not be available.`]);
  });
});

/** A self-signed certificate valid from now for `days`, as PEM, made with openssl. */
function certificate(days: number): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sailctl-cert-'));
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  execFileSync('openssl', ['req', '-x509', '-key', join(dir, 'key.pem'), '-subj', '/CN=shop.test', '-days', String(days), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  new X509Certificate(cert); // sanity: the test certificate parses
  return { cert, key: readFileSync(join(dir, 'key.pem'), 'utf8') };
}

/** A certificate that was valid in 2020 only (fixtures/certs, made once with `openssl ca -startdate/-enddate`). */
const EXPIRED = { cert: readFileSync('test/analyze/fixtures/certs/expired.crt', 'utf8'), key: readFileSync('test/analyze/fixtures/certs/expired.key', 'utf8') };

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (name: string, data: Record<string, string>, ns = 'istio-system') => `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: ${ns}}\ntype: kubernetes.io/tls\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: ${b64(v)}`).join('\n')}\n---\n`;
const tls = (cn: string) => `  - port: {number: 443, name: https-${cn}, protocol: HTTPS}\n    hosts: ["${cn}.shop.test"]\n    tls: {mode: SIMPLE, credentialName: ${cn}}\n`;

let openssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  openssl = false;
}

describe('gateway.SecretAnalyzer (IST0101, IST0161)', () => {
  it.skipIf(!openssl)('looks the credential up where the selected workload runs and checks it holds a current certificate and key', async () => {
    const good = certificate(30);
    const yaml =
      secret('good', { 'tls.crt': good.cert, 'tls.key': good.key }) +
      secret('legacy', { cert: good.cert, key: good.key }) +
      secret('keyless', { 'tls.crt': good.cert }) +
      secret('not-pem', { cert: 'hello', key: 'world' }) +
      secret('garbled', { 'tls.crt': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'tls.key': good.key }) +
      secret('stale', { 'tls.crt': EXPIRED.cert, 'tls.key': EXPIRED.key }) +
      secret('ca-only', { 'ca.crt': good.cert }) +
      secret('elsewhere', { 'tls.crt': good.cert, 'tls.key': good.key }, 'retail') +
      gw('shop', 'retail', '    istio: ingressgateway', tls('good') + tls('legacy') + tls('keyless') + tls('not-pem') + tls('garbled') + tls('stale') + tls('ca-only') + tls('elsewhere') + tls('retail/elsewhere'));
    const at = (cn: string) => lineOf(yaml, `credentialName: ${cn}}`);
    const invalid = (cn: string) => `Error [IST0161] (Gateway retail/shop :${at(cn)}) The credential referenced by the Gateway shop in namespace istio-system is invalid, which can cause the traffic not to work as expected.`;
    expect(await only('gateway.SecretAnalyzer', yaml)).toEqual([
      `Error [IST0101] (Gateway retail/shop :${at('elsewhere')}) Referenced credentialName not found: "elsewhere"`,
      invalid('keyless'),
      invalid('not-pem'),
      invalid('garbled'),
      invalid('stale'),
      invalid('ca-only'),
    ]);
  });

  it('a missing secret is reported even when the input has no Secrets at all', async () => {
    const yaml = gw('shop', 'retail', '    istio: ingressgateway', tls('vault'));
    expect(await only('gateway.SecretAnalyzer', yaml)).toEqual([`Error [IST0101] (Gateway retail/shop :${lineOf(yaml, 'credentialName: vault')}) Referenced credentialName not found: "vault"`]);
  });
});

describe('gateway.CertificateAnalyzer (IST0138)', () => {
  it('a gateway whose selector is contained in another one, sharing a credential, is reported on the smaller selector only', async () => {
    const yaml = gw('public', 'edge', '    istio: ingressgateway', tls('shared')) + gw('private', 'ops', '    istio: ingressgateway\n    tier: private', tls('shared')) + gw('other', 'ops', '    istio: egressgateway', tls('shared'));
    expect(await only('gateway.CertificateAnalyzer', yaml)).toEqual([`Warning [IST0138] (Gateway edge/public :1) Duplicate certificate in multiple gateways [edge/public ops/private] may cause 404s if clients re-use HTTP2 connections.`]);
  });

  it('certificate files count when neither server names a credential', async () => {
    const files = `  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: ["a"]\n    tls: {mode: SIMPLE, serverCertificate: /etc/c.pem, privateKey: /etc/k.pem}\n`;
    const yaml = gw('a', 'x', '    app: gw', files) + gw('b', 'x', '    app: gw', files);
    const out = await only('gateway.CertificateAnalyzer', yaml);
    expect(out).toEqual([
      `Warning [IST0138] (Gateway x/a :1) Duplicate certificate in multiple gateways [x/a x/b] may cause 404s if clients re-use HTTP2 connections.`,
      `Warning [IST0138] (Gateway x/b :${docLine(yaml, 'name: b')}) Duplicate certificate in multiple gateways [x/b x/a] may cause 404s if clients re-use HTTP2 connections.`,
    ]);
  });
});

describe('gateway.ConflictingGatewayAnalyzer (IST0145)', () => {
  it('a selector and a sub-selector sharing a Pod conflict on the same port and host, per server, on both', async () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata: {name: ingress-a, namespace: edge, labels: {istio: ingress, zone: a}}
spec: {containers: [{name: istio-proxy, image: proxyv2}]}
---
` + gw('zone-a', 'edge', '    istio: ingress\n    zone: a', http(8080, 'shop.test') + http(9090, 'admin.test')) + gw('all', 'edge', '    istio: ingress', http(8080, 'shop.test') + http(9090, 'other.test'));
    expect(await only('gateway.ConflictingGatewayAnalyzer', yaml)).toEqual([
      `Error [IST0145] (Gateway edge/all :${docLine(yaml, 'name: all')}) Conflict with gateways edge/zone-a (workload selector istio=ingress, port 8080, hosts shop.test).`,
      `Error [IST0145] (Gateway edge/zone-a :${docLine(yaml, 'name: zone-a')}) Conflict with gateways edge/all (workload selector istio=ingress,zone=a, port 8080, hosts shop.test).`,
    ]);
  });

  it("Istio's quirk: hosts compared without conflict are merged into the other gateway, so later conflicts can chain", async () => {
    const yaml = gw('a', 'edge', '    app: gw', http(80, 'one.test')) + gw('b', 'edge', '    app: gw', http(80, 'two.test')) + gw('c', 'edge', '    app: gw', http(80, 'one.test'));
    expect(await only('gateway.ConflictingGatewayAnalyzer', yaml)).toEqual([
      `Error [IST0145] (Gateway edge/a :1) Conflict with gateways edge/c (workload selector app=gw, port 80, hosts one.test).`,
      `Error [IST0145] (Gateway edge/c :${docLine(yaml, 'name: c')}) Conflict with gateways edge/a,edge/b (workload selector app=gw, port 80, hosts one.test).`,
    ]);
  });

  it('hosts are compared as written (no wildcard matching) and bind must agree', async () => {
    const yaml = gw('a', 'edge', '    app: gw', http(80, '*.shop.test') + http(81, 'x.test', '\n    bind: 10.0.0.1')) + gw('b', 'edge', '    app: gw', http(80, 'www.shop.test') + http(81, 'x.test', '\n    bind: 10.0.0.2'));
    expect(await only('gateway.ConflictingGatewayAnalyzer', yaml)).toEqual([]);
  });
});

describe('IST0101 for a gateway selector collapses across analyzers', () => {
  it('the port and secret analyzers give the same message once', async () => {
    const yaml = gw('lonely', 'edge', '    app: nothing-here', tls('c'));
    expect((await run(yaml)).filter((l) => l.includes('IST0101'))).toEqual([`Error [IST0101] (Gateway edge/lonely :8) Referenced selector not found: "app=nothing-here"`]);
  });
});
