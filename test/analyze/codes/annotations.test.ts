/** annotations.K8sAnalyzer (IST0107, IST0108, IST0125, IST0135) and precheck's annotations.AlphaAnalyzer (IST0136). */
import { describe, expect, it } from 'vitest';
import { lineOf, only, run } from '../helpers.js';

const INPUT = `apiVersion: v1
kind: Namespace
metadata:
  name: storefront
  annotations:
    kubernetes.io/ingress.class: traefik
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: basket
  namespace: storefront
  annotations:
    sidecar.istio.io/statsInclusionPrefixes: "cluster.outbound"
spec:
  selector: {matchLabels: {app: basket}}
  template:
    metadata:
      labels: {app: basket}
      annotations:
        sidecar.istio.io/proxyCPU: "lots"
    spec:
      containers: [{name: basket, image: basket:1}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: front
  namespace: storefront
  annotations:
    istio.io/made-up: "1"
spec: {}
---
apiVersion: v1
kind: Pod
metadata:
  name: gw-7
  namespace: storefront
  annotations:
    gateway.istio.io/controller-version: "4"
    sidecar.istio.io/status: "{}"
    istio.io/rev: canary
spec:
  containers: [{name: app, image: app}]
---
apiVersion: v1
kind: Service
metadata:
  name: ledger
  namespace: storefront
  annotations:
    policy.istio.io/check: disable
    networking.istio.io/exportTo: "."
    traffic.sidecar.istio.io/excludeOutboundPorts: "9000"
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Pod
metadata:
  name: tuned
  namespace: storefront
  labels:
    sidecar.istio.io/inject: "false"
  annotations:
    sidecar.istio.io/inject: "true"
    sidecar.istio.io/interceptionMode: BOUNCE
    status.sidecar.istio.io/port: "70000"
    prometheus.istio.io/merge-metrics: "T"
    traffic.sidecar.istio.io/includeOutboundIPRanges: "10.0.0.0/8,10.1.0.0/33"
    sidecar.istio.io/proxyMemory: "512Mi"
spec:
  containers: [{name: app, image: app}]
`;

describe('annotations.K8sAnalyzer', () => {
  it("reads the own annotations of Namespaces, Services, Pods and Deployments only, in Istio's order of checks", async () => {
    const at = (t: string) => lineOf(INPUT, t);
    expect(await only('annotations.K8sAnalyzer', INPUT)).toEqual([
      `Warning [IST0107] (Deployment storefront/basket :${at('statsInclusionPrefixes')}) Misplaced annotation: sidecar.istio.io/statsInclusionPrefixes can only be applied to Pod`,
      `Warning [IST0107] (Namespace storefront :${at('ingress.class')}) Misplaced annotation: kubernetes.io/ingress.class can only be applied to Ingress`,
      `Warning [IST0107] (Service storefront/ledger :${at('excludeOutboundPorts')}) Misplaced annotation: traffic.sidecar.istio.io/excludeOutboundPorts can only be applied to Pod`,
      `Warning [IST0108] (Service storefront/ledger :${at('policy.istio.io/check')}) Unknown annotation: policy.istio.io/check`,
      `Warning [IST0125] (Pod storefront/tuned :${at('interceptionMode')}) Invalid annotation sidecar.istio.io/interceptionMode: interceptionMode: BOUNCE is not a valid mode`,
      `Warning [IST0125] (Pod storefront/tuned :${at('status.sidecar')}) Invalid annotation status.sidecar.istio.io/port: strconv.ParseUint: parsing "70000": invalid syntax`,
      `Warning [IST0125] (Pod storefront/tuned :${at('includeOutboundIPRanges')}) Invalid annotation traffic.sidecar.istio.io/includeOutboundIPRanges: invalid CIDR "10.1.0.0/33"`,
      `Info [IST0135] (Deployment storefront/basket :${at('statsInclusionPrefixes')}) Annotation "sidecar.istio.io/statsInclusionPrefixes" has been deprecated and may not work in future Istio versions.`,
    ]);
  });

  it('the inject annotation is deprecated in favour of the label, and quiet when the label is there', async () => {
    const pod = (labels: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n${labels}  annotations:\n    sidecar.istio.io/inject: "false"\nspec: {containers: [{name: a, image: a}]}\n`;
    expect(await only('annotations.K8sAnalyzer', pod(''))).toEqual([`Info [IST0135] (Pod shop/p :7) Annotation "sidecar.istio.io/inject" has been deprecated in favor of the "sidecar.istio.io/inject" label and may not work in future Istio versions.`]);
    expect(await only('annotations.K8sAnalyzer', pod('  labels: {sidecar.istio.io/inject: "true"}\n'))).toEqual([]);
  });
});

describe('annotations.AlphaAnalyzer (IST0136, precheck only)', () => {
  it('is not part of the default run', async () => {
    expect((await run(INPUT)).filter((l) => l.includes('IST0136'))).toEqual([]);
  });

  it('names alpha-phase keys; CNI pods (no istio-init) skip the four keys CNI sets', async () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata:
  name: with-init
  namespace: pay
  annotations:
    sidecar.istio.io/proxyCPU: "200m"
    sidecar.istio.io/interceptionMode: REDIRECT
    proxy.istio.io/config: "{}"
spec:
  initContainers: [{name: istio-init, image: proxyv2}]
  containers: [{name: app, image: app}]
---
apiVersion: v1
kind: Pod
metadata:
  name: cni
  namespace: pay
  annotations:
    sidecar.istio.io/proxyCPU: "200m"
    sidecar.istio.io/interceptionMode: REDIRECT
spec:
  containers: [{name: app, image: app}]
`;
    const alpha = (pod: string, key: string, from = 0) => `Info [IST0136] (Pod pay/${pod} :${lineOf(yaml, key, from)}) Annotation "${key}" is part of an alpha-phase feature and may be incompletely supported.`;
    expect(await only('annotations.AlphaAnalyzer', yaml)).toEqual([
      alpha('cni', 'sidecar.istio.io/proxyCPU', 14),
      alpha('with-init', 'sidecar.istio.io/proxyCPU'),
      alpha('with-init', 'sidecar.istio.io/interceptionMode'),
    ]);
  });
});
