/** deployment.MultiServiceAnalyzer (IST0116, IST0137), applicationUID.Analyzer (IST0144), service.PortNameAnalyzer (IST0118, IST0150). */
import { describe, expect, it } from 'vitest';
import { docLine, lineOf, only } from '../helpers.js';

const dep = (name: string, ns: string, template: string, labels = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}${labels}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
${template}
---
`;
const svc = (name: string, ns: string, app: string, ports: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {app: ${app}}\n  ports: ${ports}\n---\n`;

describe('deployment.MultiServiceAnalyzer', () => {
  const services = svc('wh-tcp', 'depot', 'wh', '[{name: a, port: 7000, protocol: TCP, targetPort: 7000}]') + svc('wh-udp', 'depot', 'wh', '[{name: b, port: 7000, protocol: UDP}]') + svc('wh-alt', 'depot', 'wh', '[{name: c, port: 7001, targetPort: 7000}]');
  it('mesh Deployments only: protocol (the L4 field) per port, and port per targetPort', async () => {
    const yaml = `apiVersion: v1\nkind: Namespace\nmetadata: {name: depot, labels: {istio-injection: enabled}}\n---\n` + dep('wh', 'depot', '    metadata: {labels: {app: wh}}\n    spec: {containers: [{name: wh, image: wh}]}') + services;
    const line = docLine(yaml, 'name: wh, namespace');
    expect(await only('deployment.MultiServiceAnalyzer', yaml)).toEqual([
      `Warning [IST0116] (Deployment depot/wh :${line}) This deployment wh is associated with multiple services using port 7000 but different protocols: [depot/wh-tcp depot/wh-udp]`,
      `Warning [IST0137] (Deployment depot/wh :${line}) This deployment wh is associated with multiple services [wh-alt wh-tcp wh-udp] using targetPort "7000" but different ports: [7000 7001].`,
    ]);
  });
  it('out of the mesh (opt-out annotation, no namespace label, waypoints) nothing is said', async () => {
    const optOut = `apiVersion: v1\nkind: Namespace\nmetadata: {name: depot, labels: {istio-injection: enabled}}\n---\n` + dep('wh', 'depot', '    metadata: {labels: {app: wh}, annotations: {sidecar.istio.io/inject: "false"}}\n    spec: {containers: [{name: wh, image: wh}]}') + services;
    expect(await only('deployment.MultiServiceAnalyzer', optOut)).toEqual([]);
    expect(await only('deployment.MultiServiceAnalyzer', dep('wh', 'depot', '    metadata: {labels: {app: wh}}\n    spec: {containers: [{name: wh, image: wh}]}') + services)).toEqual([]);
    const waypoint = dep('wh', 'depot', '    metadata: {labels: {app: wh}}\n    spec: {containers: [{name: istio-proxy, image: proxyv2}]}', ', labels: {gateway.istio.io/managed: istio.io-mesh-controller}') + services;
    expect(await only('deployment.MultiServiceAnalyzer', waypoint)).toEqual([]);
  });
});

describe('applicationUID.Analyzer (IST0144)', () => {
  it('once per resource, whether the pod or a container runs as 1337; the proxy, istio-operator and control-plane objects are exempt', async () => {
    const yaml =
      dep('api', 'billing', '    metadata: {labels: {app: api}}\n    spec:\n      securityContext: {runAsUser: 1337}\n      containers:\n      - {name: api, image: api, securityContext: {runAsUser: 1337}}') +
      dep('gw', 'billing', '    metadata: {labels: {app: gw}}\n    spec: {securityContext: {runAsUser: 1337}, containers: [{name: gw, image: gw}]}', ', labels: {istio: ingressgateway}') +
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: billing}\nspec:\n  containers:\n  - {name: istio-proxy, image: proxyv2, securityContext: {runAsUser: 1337}}\n  - {name: istio-operator, image: op, securityContext: {runAsUser: 1337}}\n  initContainers:\n  - {name: init, image: i, securityContext: {runAsUser: 1337}}\n---\n` +
      `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: billing}\nspec:\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {securityContext: {runAsUser: 1337}, containers: [{name: db, image: db}]}\n`;
    expect(await only('applicationUID.Analyzer', yaml)).toEqual([`Warning [IST0144] (Deployment billing/api :1) User ID (UID) 1337 is reserved for the sidecar proxy.`]);
  });
});

describe('service.PortNameAnalyzer (IST0118, IST0150)', () => {
  it("ports whose name or appProtocol names no protocol Istio knows; well-known ports and UDP are fine; ExternalName ports are IST0150", async () => {
    const yaml = `apiVersion: v1
kind: Service
metadata: {name: mixed, namespace: shop}
spec:
  ports:
  - name: web
    port: 8080
    targetPort: http-web
  - name: grpc-web-ui
    port: 8081
  - port: 3306
  - name: metrics
    port: 9090
    appProtocol: prometheus
  - name: dns
    port: 5353
    protocol: UDP
  - port: 9000
---
apiVersion: v1
kind: Service
metadata: {name: partner, namespace: shop}
spec:
  type: ExternalName
  externalName: partner.test
  ports:
  - name: tcp
    port: 443
  - name: https
    port: 8443
---
apiVersion: v1
kind: Service
metadata: {name: infra, namespace: kube-system}
spec:
  ports: [{name: weird, port: 1}]
---
apiVersion: v1
kind: Service
metadata: {name: istiod, namespace: istio-system, labels: {istio: pilot}}
spec:
  ports: [{name: weird, port: 1}]
`;
    expect(await only('service.PortNameAnalyzer', yaml)).toEqual([
      `Warning [IST0150] (Service shop/partner :${lineOf(yaml, 'port: 443')}) Port name for ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched traffic for ports serving TCP protocol from being forwarded correctly`,
      `Info [IST0118] (Service shop/mixed :${lineOf(yaml, 'port: 8080')}) Port name web (port: 8080, targetPort: http-web) doesn't follow the naming convention of Istio port.`,
      `Info [IST0118] (Service shop/mixed :${lineOf(yaml, 'port: 9090')}) Port name metrics (port: 9090, targetPort: 0) doesn't follow the naming convention of Istio port.`,
      `Info [IST0118] (Service shop/mixed :${lineOf(yaml, 'port: 9000')}) Port name  (port: 9000, targetPort: 0) doesn't follow the naming convention of Istio port.`,
    ]);
  });
});
