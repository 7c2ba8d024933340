import { describe, expect, it } from 'vitest';
import { annotationsAnalyzer } from '../../src/analyze/analyzers/annotations.js';
import { applicationUid, imageAuto, injectedProxyImage, namespaceInjectionAnalyzer, proxyImageMismatch } from '../../src/analyze/analyzers/injection.js';
import { externalNamePorts, portNames, serviceAssociation } from '../../src/analyze/analyzers/services.js';
import { findings, messages } from './helpers.js';

const ns = (name: string, labels = '{}') => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${labels}}\n---\n`;
const pod = (name: string, nsName: string, containers: string, meta = '') => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${nsName}${meta}}\nspec: {containers: ${containers}}\n---\n`;
const deploy = (name: string, labels: string, annotations = '{}', extra = '', meta = '') => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: default${meta}}\nspec:\n  template:\n    metadata: {labels: ${labels}, annotations: ${annotations}}\n    spec:\n${extra || '      containers: [{name: app, image: x}]'}\n---\n`;
const service = (name: string, selector: string, ports: string, type = '') => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: default}\nspec:\n  ${type}selector: ${selector}\n  ports: ${ports}\n---\n`;

const injector = (values: object, name = 'istio-sidecar-injector') => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: istio-system}\ndata:\n  values: '${JSON.stringify(values)}'\n---\n`;
const proxy = (image: string) => `[{name: app, image: x}, {name: istio-proxy, image: "${image}"}]`;

describe('injection.ImageMismatchAnalyzer (IST0158) and injection by default (IST0148)', () => {
  const values = { global: { hub: 'docker.io/istio', tag: '1.30.0', proxy: { image: 'proxyv2' } } };
  it.each([
    ['pods on the injected image', injector(values) + ns('shop', '{istio-injection: enabled}') + pod('a', 'shop', proxy('docker.io/istio/proxyv2:1.30.0')), []],
    ['a pod on an older proxy', injector(values) + ns('shop', '{istio-injection: enabled}') + pod('a', 'shop', proxy('docker.io/istio/proxyv2:1.30.0')) + pod('b', 'shop', proxy('docker.io/istio/proxyv2:1.29.0')), ['IST0158 Namespace shop']],
    ['a namespace of another revision is not judged', injector(values) + ns('shop', '{istio.io/rev: canary}') + pod('b', 'shop', proxy('docker.io/istio/proxyv2:1.29.0')), []],
    ['namespace not injected', injector(values) + ns('shop') + pod('b', 'shop', proxy('docker.io/istio/proxyv2:1.29.0')), []],
    ['no injector configuration in view', ns('shop', '{istio-injection: enabled}') + pod('b', 'shop', proxy('old')), []],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(proxyImageMismatch, yaml as string)).toEqual(want);
  });
  it('the injected image: hub/image:tag, a variant suffix, or a full reference', () => {
    expect(injectedProxyImage(values)).toBe('docker.io/istio/proxyv2:1.30.0');
    expect(injectedProxyImage({ global: { ...values.global, variant: 'distroless' } })).toBe('docker.io/istio/proxyv2:1.30.0-distroless');
    expect(injectedProxyImage({ global: { proxy: { image: 'registry.example/proxy:7' } } })).toBe('registry.example/proxy:7');
  });
  it('enableNamespacesByDefault: IST0148 instead of IST0102, and pods there must carry a proxy', async () => {
    const yaml = injector({ ...values, sidecarInjectorWebhook: { enableNamespacesByDefault: true } }) + ns('shop') + ns('off', '{istio-injection: disabled}') + pod('a', 'shop', '[{name: app, image: x}]');
    expect(await findings(namespaceInjectionAnalyzer, yaml)).toEqual(['IST0148 Namespace shop', 'IST0103 Pod shop/a']);
  });
});

describe('injection.Analyzer (IST0102, IST0123, IST0103)', () => {
  it.each([
    ['namespace without injection label', ns('shop'), ['IST0102 Namespace shop']],
    ['injection enabled', ns('shop', '{istio-injection: enabled}'), []],
    ['injection explicitly disabled', ns('shop', '{istio-injection: disabled}'), []],
    ['revision label', ns('shop', '{istio.io/rev: canary}'), []],
    ['ambient namespace', ns('shop', '{istio.io/dataplane-mode: ambient}'), []],
    ['system namespaces are skipped', ns('kube-system'), []],
    ['both labels', ns('shop', '{istio-injection: enabled, istio.io/rev: canary}'), ['IST0123 Namespace shop']],
    ['pod without proxy in an injected namespace', ns('shop', '{istio-injection: enabled}') + pod('web', 'shop', '[{name: web, image: x}]'), ['IST0103 Pod shop/web']],
    ['pod with proxy', ns('shop', '{istio-injection: enabled}') + pod('web', 'shop', '[{name: web, image: x}, {name: istio-proxy, image: y}]'), []],
    ['pod that opts out', ns('shop', '{istio-injection: enabled}') + pod('web', 'shop', '[{name: web, image: x}]', ', labels: {sidecar.istio.io/inject: "false"}'), []],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(namespaceInjectionAnalyzer, yaml as string)).toEqual(want);
  });
  it('tells how to label the namespace', async () => {
    expect((await messages(namespaceInjectionAnalyzer, ns('shop')))[0]).toContain("kubectl label namespace shop istio-injection=enabled");
  });
});

describe('injection.ImageAutoAnalyzer (IST0146, IST0147)', () => {
  const gwDeploy = (labels: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: gw, namespace: shop}\nspec:\n  template:\n    metadata: {labels: ${labels}}\n    spec: {containers: [{name: istio-proxy, image: auto}]}\n---\n`;
  it('image: auto in a namespace without injection', async () => {
    expect(await findings(imageAuto, ns('shop') + gwDeploy('{app: gw}'))).toEqual(['IST0146 Deployment shop/gw']);
    expect(await findings(imageAuto, ns('shop') + pod('gw', 'shop', '[{name: istio-proxy, image: auto}]'))).toEqual(['IST0147 Pod shop/gw']);
  });
  it('targeted for injection by namespace or label', async () => {
    expect(await findings(imageAuto, ns('shop', '{istio-injection: enabled}') + gwDeploy('{app: gw}'))).toEqual([]);
    expect(await findings(imageAuto, ns('shop') + gwDeploy('{app: gw, sidecar.istio.io/inject: "true"}'))).toEqual([]);
  });
});

describe('deployment.ApplicationUIDAnalyzer (IST0144)', () => {
  it('container running as 1337', async () => {
    expect(await findings(applicationUid, deploy('web', '{app: web}', '{}', '      containers: [{name: app, image: x, securityContext: {runAsUser: 1337}}]'))).toEqual(['IST0144 Deployment default/web']);
    expect(await findings(applicationUid, deploy('web', '{app: web}', '{}', '      containers: [{name: app, image: x, securityContext: {runAsUser: 1000}}]'))).toEqual([]);
  });
  it("Istio's own gateways and istiod run as 1337 by design and are not reported", async () => {
    const podLevel = '      securityContext: {runAsUser: 1337}\n      containers: [{name: istio-proxy, image: x}]';
    expect(await findings(applicationUid, deploy('istio-ingressgateway', '{app: istio-ingressgateway, istio: ingressgateway}', '{}', podLevel))).toEqual([]);
    expect(await findings(applicationUid, deploy('istiod', '{app: istiod, istio: pilot}', '{}', podLevel))).toEqual([]);
    expect(await findings(applicationUid, deploy('mine', '{app: mine, istio: mygateway}', '{}', podLevel))).toEqual(['IST0144 Deployment default/mine']);
  });
  it('a ReplicaSet its Deployment made is reported once, on the Deployment (live clusters hold both)', async () => {
    const spec = '      containers: [{name: app, image: x, securityContext: {runAsUser: 1337}}]';
    const rs = `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web-5d8f, namespace: default, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]}\nspec:\n  template:\n    metadata: {labels: {app: web}, annotations: {sidecar.istio.io/bogus: "1"}}\n    spec:\n${spec}\n---\n`;
    const lone = rs.replace('web-5d8f', 'lone').replace(/, ownerReferences: \[[^\]]*\]/, '');
    expect(await findings(applicationUid, deploy('web', '{app: web}', '{}', spec) + rs + lone)).toEqual(['IST0144 Deployment default/web', 'IST0144 ReplicaSet default/lone']);
    expect(await findings(annotationsAnalyzer, rs + lone)).toEqual(['IST0108 ReplicaSet default/lone']);
  });
});

describe('annotations.K8sAnalyzer (IST0107, IST0108, IST0125, IST0135, IST0136)', () => {
  it.each([
    ['known pod annotation on the pod template', deploy('web', '{app: web}', '{sidecar.istio.io/proxyCPU: 100m}'), []],
    ['unknown Istio annotation', deploy('web', '{app: web}', '{sidecar.istio.io/proxyCPUs: 100m}'), ['IST0108 Deployment default/web']],
    ['pod annotation on the Deployment itself', deploy('web', '{app: web}', '{}', '', ', annotations: {sidecar.istio.io/proxyCPU: 100m}'), ['IST0107 Deployment default/web']],
    ['invalid value', deploy('web', '{app: web}', '{sidecar.istio.io/interceptionMode: BOGUS}'), ['IST0125 Deployment default/web']],
    ['deprecated annotation', deploy('web', '{app: web}', '{sidecar.istio.io/statsInclusionPrefixes: "cluster"}'), ['IST0135 Deployment default/web']],
    ['deprecated inject annotation', deploy('web', '{app: web}', '{sidecar.istio.io/inject: "false"}'), ['IST0135 Deployment default/web']],
    ['deprecated inject annotation kept beside the same label (as Istio\'s charts do)', deploy('web', '{app: web, sidecar.istio.io/inject: "false"}', '{sidecar.istio.io/inject: "false"}'), []],
    ['deprecated inject annotation contradicting its label', deploy('web', '{app: web, sidecar.istio.io/inject: "false"}', '{sidecar.istio.io/inject: "true"}'), ['IST0135 Deployment default/web']],
    ['alpha annotation', deploy('web', '{app: web}', '{inject.istio.io/templates: "sidecar"}'), ['IST0136 Deployment default/web']],
    ['non-Istio annotations are ignored', deploy('web', '{app: web}', '{example.com/foo: bar}'), []],
    ['analyze-suppress fits anywhere', ns('shop', '{istio-injection: enabled}').replace('labels:', 'annotations: {galley.istio.io/analyze-suppress: IST0102}, labels:'), []],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(annotationsAnalyzer, yaml as string)).toEqual(want);
  });
  it('says where the annotation belongs', async () => {
    expect((await messages(annotationsAnalyzer, deploy('web', '{app: web}', '{}', '', ', annotations: {sidecar.istio.io/proxyCPU: 100m}')))[0]).toBe('Misplaced annotation: sidecar.istio.io/proxyCPU can only be applied to Pod (put it on the pod template, spec.template.metadata.annotations)');
  });
});

describe('service.PortNameAnalyzer (IST0118) and ExternalName ports (IST0150)', () => {
  it.each([
    ['protocol-prefixed names', service('web', '{app: web}', '[{name: http-web, port: 80}, {name: grpc, port: 90}]'), []],
    ['appProtocol instead of a name', service('web', '{app: web}', '[{name: web, port: 80, appProtocol: http}]'), []],
    ['unconventional name', service('web', '{app: web}', '[{name: web, port: 80}]'), ['IST0118 Service default/web']],
    ['unnamed port', service('web', '{app: web}', '[{port: 80}]'), ['IST0118 Service default/web']],
    ['UDP is not judged', service('dns', '{app: dns}', '[{name: dns, port: 53, protocol: UDP}]'), []],
  ])('%s', async (_n, yaml, want) => {
    expect(await findings(portNames, yaml as string)).toEqual(want);
  });
  it('ExternalName with a tcp port', async () => {
    expect(await findings(externalNamePorts, service('ext', '{}', '[{name: tcp-db, port: 5432}]', 'type: ExternalName\n  externalName: db.example.com\n  '))).toEqual(['IST0150 Service default/ext']);
    expect(await findings(externalNamePorts, service('ext', '{}', '[{name: http, port: 80}]', 'type: ExternalName\n  externalName: db.example.com\n  '))).toEqual([]);
  });
});

describe('deployment.MultiServiceAnalyzer (IST0116, IST0137)', () => {
  it('two services, same port, different protocols', async () => {
    const yaml = deploy('web', '{app: web}') + service('a', '{app: web}', '[{name: http, port: 80}]') + service('b', '{app: web}', '[{name: tcp, port: 80}]');
    expect(await findings(serviceAssociation, yaml)).toEqual(['IST0116 Deployment default/web']);
    expect(await messages(serviceAssociation, yaml)).toEqual(['This deployment web is associated with multiple services using port 80 but different protocols: HTTP,TCP']);
  });
  it('two services, same targetPort, different ports', async () => {
    const yaml = deploy('web', '{app: web}') + service('a', '{app: web}', '[{name: http, port: 80, targetPort: 8080}]') + service('b', '{app: web}', '[{name: http, port: 8000, targetPort: 8080}]');
    expect(await findings(serviceAssociation, yaml)).toEqual(['IST0137 Deployment default/web']);
  });
  it('consistent services', async () => {
    const yaml = deploy('web', '{app: web}') + service('a', '{app: web}', '[{name: http, port: 80}]') + service('b', '{app: web}', '[{name: http-alt, port: 80}]');
    expect(await findings(serviceAssociation, yaml)).toEqual([]);
  });
});
