/** injection.Analyzer (IST0102, IST0103, IST0123, IST0148), injection.ImageAnalyzer (IST0158), injection.ImageAutoAnalyzer (IST0146, IST0147). */
import { describe, expect, it } from 'vitest';
import { docLine, lineOf, only } from '../helpers.js';

const ns = (name: string, labels = '') => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}${labels ? `\n  labels: {${labels}}` : ''}\n---\n`;
const pod = (name: string, namespace: string, containers: string, meta = '', spec = '') => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${namespace}${meta}}\nspec:\n  containers: ${containers}${spec}\n---\n`;

describe('injection.Analyzer', () => {
  it('labels: none or empty is IST0102; several kinds is IST0123 (rev and dataplane-mode count only when injection is enabled or absent)', async () => {
    const yaml =
      ns('plain') + ns('blank', 'istio-injection: ""') + ns('odd', 'istio-injection: maybe') + ns('mixed', 'istio-injection: enabled, istio.io/dataplane-mode: ambient') + ns('rev-ambient', 'istio.io/rev: stable, istio.io/dataplane-mode: ambient') + ns('opted-out', 'istio-injection: disabled, istio.io/rev: stable') + ns('lite', 'istio.io/dataplane-mode: ambient') + ns('istio-system') + ns('kube-public');
    const line = (n: string) => lineOf(yaml, `name: ${n}`);
    expect(await only('injection.Analyzer', yaml)).toEqual([
      `Warning [IST0123] (Namespace mixed :${line('mixed')}) The namespace has more than one type of injection labels [istio-injection=enabled istio.io/dataplane-mode=ambient], which may lead to undefined behavior. Make sure only one injection label exists.`,
      `Warning [IST0123] (Namespace rev-ambient :${line('rev-ambient')}) The namespace has more than one type of injection labels [istio.io/rev=stable istio.io/dataplane-mode=ambient], which may lead to undefined behavior. Make sure only one injection label exists.`,
      `Info [IST0102] (Namespace blank :${line('blank')}) The namespace is not enabled for Istio injection. Run 'kubectl label namespace blank istio-injection=enabled' to enable it, or 'kubectl label namespace blank istio-injection=disabled' to explicitly mark it as not needing injection.`,
      `Info [IST0102] (Namespace plain :${line('plain')}) The namespace is not enabled for Istio injection. Run 'kubectl label namespace plain istio-injection=enabled' to enable it, or 'kubectl label namespace plain istio-injection=disabled' to explicitly mark it as not needing injection.`,
    ]);
  });

  it('IST0148 instead of IST0102 when the injector injects every namespace by default', async () => {
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio-sidecar-injector, namespace: istio-system}\ndata:\n  values: '{"sidecarInjectorWebhook": {"enableNamespacesByDefault": true}}'\n---\n`;
    expect(await only('injection.Analyzer', cm + ns('plain'))).toEqual([`Info [IST0148] (Namespace plain :${docLine(cm + ns('plain'), 'name: plain')}) is enabled for Istio injection, as Istio is installed with enableNamespacesByDefault as true.`]);
  });

  it('IST0103 only in istio-injection=enabled namespaces, for pods without an istio-proxy image that did not opt out', async () => {
    const yaml =
      ns('shop', 'istio-injection: enabled') + ns('revved', 'istio.io/rev: canary') +
      pod('bare', 'shop', '[{name: app, image: app}]') +
      pod('imageless', 'shop', '[{name: app, image: app}, {name: istio-proxy}]') +
      pod('injected', 'shop', '[{name: app, image: app}, {name: istio-proxy, image: proxyv2}]') +
      pod('native', 'shop', '[{name: app, image: app}]', '', '\n  initContainers: [{name: istio-proxy, image: proxyv2}]') +
      pod('opted-out', 'shop', '[{name: app, image: app}]', ', labels: {sidecar.istio.io/inject: "False"}') +
      pod('host', 'shop', '[{name: app, image: app}]', '', '\n  hostNetwork: true') +
      pod('rev-pod', 'revved', '[{name: app, image: app}]');
    expect(await only('injection.Analyzer', yaml)).toEqual([
      `Warning [IST0103] (Pod shop/bare :${docLine(yaml, 'name: bare')}) The pod shop/bare is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.`,
      `Warning [IST0103] (Pod shop/imageless :${docLine(yaml, 'name: imageless')}) The pod shop/imageless is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.`,
    ]);
  });
});

describe('injection.ImageAnalyzer (IST0158)', () => {
  const injector = (name: string, tag: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: istio-system}\ndata:\n  values: '{"global": {"hub": "reg.corp.test/istio", "tag": "${tag}", "proxy": {"image": "proxyv2"}}}'\n---\n`;
  it('every revision injector is read; the effective image type (mesh, ProxyConfig, annotation) allows the -<type> variant', async () => {
    const yaml =
      injector('istio-sidecar-injector', '1.30.1') + injector('istio-sidecar-injector-blue', '1.31.0') +
      ns('orders', 'istio-injection: enabled') + ns('canary', 'istio.io/rev: blue') + ns('missing-rev', 'istio.io/rev: green') +
      `apiVersion: networking.istio.io/v1beta1\nkind: ProxyConfig\nmetadata: {name: slim, namespace: orders}\nspec: {selector: {matchLabels: {app: slim}}, image: {imageType: distroless}}\n---\n` +
      pod('ok', 'orders', '[{name: istio-proxy, image: reg.corp.test/istio/proxyv2:1.30.1}]') +
      pod('slim', 'orders', '[{name: istio-proxy, image: reg.corp.test/istio/proxyv2:1.30.1-distroless}]', ', labels: {app: slim}') +
      pod('debug', 'orders', '[{name: istio-proxy, image: reg.corp.test/istio/proxyv2:1.30.1-debug}]', ', annotations: {proxy.istio.io/config: "image: {imageType: debug}"}') +
      pod('pinned', 'orders', '[{name: istio-proxy, image: elsewhere/proxy:1}]', ', annotations: {sidecar.istio.io/proxyImage: elsewhere/proxy:1}') +
      pod('old', 'orders', '[{name: istio-proxy, image: reg.corp.test/istio/proxyv2:1.29.0}]') +
      pod('stale', 'canary', '[{name: app, image: a}]', '', '\n  initContainers: [{name: istio-proxy, image: reg.corp.test/istio/proxyv2:1.30.1}]') +
      pod('whatever', 'missing-rev', '[{name: istio-proxy, image: x}]');
    const msg = (n: string, pods: string) => `Warning [IST0158] (Namespace ${n} :${docLine(yaml, `name: ${n}`)}) The Istio proxy images of the pods running in the namespace do not match the image defined in the injection configuration (pod names: [${pods}]). This often happens after upgrading the Istio control-plane and can be fixed by redeploying the pods.`;
    expect(await only('injection.ImageAnalyzer', yaml)).toEqual([msg('canary', 'stale'), msg('orders', 'old')]);
    // With distroless as the mesh default, the plain image still matches and the distroless one too.
    expect(await only('injection.ImageAnalyzer', yaml, { mesh: 'defaultConfig:\n  image: {imageType: distroless}\n' })).toEqual([msg('canary', 'stale'), msg('orders', 'old')]);
  });
});

describe('injection.ImageAutoAnalyzer (IST0146, IST0147)', () => {
  it('a Pod still saying image: auto was never injected; a Deployment must match some istio.io webhook', async () => {
    const hook = `apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: {name: istio-sidecar-injector}\nwebhooks:\n- name: namespace.sidecar-injector.istio.io\n  namespaceSelector: {matchLabels: {istio-injection: enabled}}\n  clientConfig: {service: {name: istiod, namespace: istio-system}}\n---\n`;
    const dep = (name: string, namespace: string, labels = '{app: gw}') => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec:\n  selector: {matchLabels: {app: gw}}\n  template:\n    metadata: {labels: ${labels}}\n    spec:\n      containers:\n      - name: istio-proxy\n        image: auto\n---\n`;
    const yaml = hook + ns('injected', 'istio-injection: enabled') + dep('gw-ok', 'injected') + dep('gw-unlabelled', 'nowhere') + pod('gw-pod', 'injected', '[{name: istio-proxy, image: auto}]');
    expect(await only('injection.ImageAutoAnalyzer', yaml)).toEqual([
      `Error [IST0147] (Pod injected/gw-pod :${lineOf(yaml, '[{name: istio-proxy, image: auto}]')}) Pod gw-pod contains \`image: auto\` but does not match any Istio injection webhook selectors.`,
      `Warning [IST0146] (Deployment nowhere/gw-unlabelled :${lineOf(yaml, 'image: auto', lineOf(yaml, 'name: gw-unlabelled'))}) Deployment gw-unlabelled contains \`image: auto\` but does not match any Istio injection webhook selectors.`,
    ]);
  });
});
