/** Behaviour of the renderer beyond the goldens: output format, order, k8s settings, overlays, errors. */
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { allObjects, serializeManifests, type K8sObject } from '../../src/render/index.js';
import { applyPathPatch } from '../../src/render/overlays.js';
import { find, render } from './helpers.js';

describe('serializeManifests', () => {
  it('is byte-identical across renders and independent of input order', async () => {
    const a = serializeManifests(allObjects(await render(['profile=demo'])));
    const objs = allObjects(await render(['profile=demo']));
    const b = serializeManifests([...objs].reverse());
    expect(b).toBe(a);
  });

  it("uses istioctl's order: kind rank, then group, kind and name", async () => {
    const text = serializeManifests(allObjects(await render([])));
    const docs = parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean) as K8sObject[];
    expect(docs).toHaveLength(39);
    const order = docs.slice(15).map((d) => `${d.kind}/${d.metadata.name}`);
    expect(docs.slice(0, 15).every((d) => d.kind === 'CustomResourceDefinition')).toBe(true);
    expect(order).toEqual([
      'ServiceAccount/istio-ingressgateway-service-account',
      'ServiceAccount/istio-reader-service-account',
      'ServiceAccount/istiod',
      'ClusterRole/istio-reader-clusterrole-istio-system',
      'ClusterRole/istiod-clusterrole-istio-system',
      'ClusterRole/istiod-gateway-controller-istio-system',
      'ClusterRoleBinding/istio-reader-clusterrole-istio-system',
      'ClusterRoleBinding/istiod-clusterrole-istio-system',
      'ClusterRoleBinding/istiod-gateway-controller-istio-system',
      'ValidatingWebhookConfiguration/istio-validator-istio-system',
      'ConfigMap/istio',
      'ConfigMap/istio-sidecar-injector',
      'ConfigMap/values',
      'MutatingWebhookConfiguration/istio-sidecar-injector',
      'Deployment/istio-ingressgateway',
      'Deployment/istiod',
      'Role/istio-ingressgateway-sds',
      'Role/istiod',
      'RoleBinding/istio-ingressgateway-sds',
      'RoleBinding/istiod',
      'HorizontalPodAutoscaler/istio-ingressgateway',
      'HorizontalPodAutoscaler/istiod',
      'Service/istio-ingressgateway',
      'Service/istiod',
    ]);
  });

  it('writes sorted keys, unindented lists, and "\\n---\\n" after every document', async () => {
    const sa = find(await render([]), 'ServiceAccount', 'istiod');
    expect(serializeManifests([sa])).toBe(
      [
        'apiVersion: v1',
        'kind: ServiceAccount',
        'metadata:',
        '  labels:',
        '    app: istiod',
        '    app.kubernetes.io/instance: istio',
        '    app.kubernetes.io/managed-by: Helm',
        '    app.kubernetes.io/part-of: istio',
        '    app.kubernetes.io/version: 1.30.0',
        '    helm.sh/chart: istiod-1.30.0',
        '    install.operator.istio.io/owning-resource: unknown',
        '    istio.io/rev: default',
        '    operator.istio.io/component: Pilot',
        '    release: istio',
        '  name: istiod',
        '  namespace: istio-system',
        '',
        '---',
        '',
      ].join('\n'),
    );
  });
});

describe('component settings (components.<c>.k8s)', () => {
  it('patches the main workload, its Service and HPA', async () => {
    const comps = await render([
      'components.ingressGateways[0].name=istio-ingressgateway',
      'components.ingressGateways[0].k8s.hpaSpec.maxReplicas=9',
      'components.ingressGateways[0].k8s.serviceAnnotations.cloud/lb=internal',
      'components.ingressGateways[0].k8s.service.type=NodePort',
      'components.ingressGateways[0].k8s.env[0].name=ISTIO_META_ROUTER_MODE',
      'components.ingressGateways[0].k8s.env[0].value=standard',
      'components.ingressGateways[0].k8s.nodeSelector.zone=a',
      'components.ingressGateways[0].k8s.podAnnotations.team=edge',
      'components.ingressGateways[0].k8s.resources.requests.cpu=1',
    ]);
    const dep = find(comps, 'Deployment', 'istio-ingressgateway');
    const c = dep.spec.template.spec.containers[0];
    expect(c.env.at(-1)).toEqual({ name: 'ISTIO_META_ROUTER_MODE', value: 'standard' });
    expect(c.resources).toEqual({ requests: { cpu: 1 } });
    expect(dep.spec.template.spec.nodeSelector).toEqual({ zone: 'a' });
    expect(dep.spec.template.metadata.annotations.team).toBe('edge');
    const svc = find(comps, 'Service', 'istio-ingressgateway');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.metadata.annotations).toEqual({ 'cloud/lb': 'internal' });
    expect(find(comps, 'HorizontalPodAutoscaler', 'istio-ingressgateway').spec.maxReplicas).toBe(9);
  });

  it('renders a PDB only when more than one replica is meant to run', async () => {
    const two = await render(['components.pilot.k8s.hpaSpec.minReplicas=2']);
    expect(find(two, 'PodDisruptionBudget', 'istiod').spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: 'istiod', istio: 'pilot' } } });
    expect(find(two, 'HorizontalPodAutoscaler', 'istiod').spec.minReplicas).toBe(2);
    const one = allObjects(await render([]));
    expect(one.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    const fixed = await render(['values.pilot.autoscaleEnabled=false', 'components.pilot.k8s.replicaCount=3']);
    expect(find(fixed, 'Deployment', 'istiod').spec.replicas).toBe(3);
    expect(find(fixed, 'PodDisruptionBudget', 'istiod').spec.minAvailable).toBe(1);
  });

  it('renders every enabled gateway entry with its own name, labels and namespace', async () => {
    const comps = await render([
      'components.ingressGateways[0].name=istio-ingressgateway',
      'components.ingressGateways[1].name=internal-gw',
      'components.ingressGateways[1].namespace=edge',
      'components.ingressGateways[1].label.istio=internal',
    ]);
    const gw = find(comps, 'Deployment', 'internal-gw');
    expect(gw.metadata.namespace).toBe('edge');
    expect(gw.spec.selector.matchLabels).toEqual({ app: 'istio-ingressgateway', istio: 'internal' });
    expect(find(comps, 'Service', 'internal-gw').spec.selector).toEqual({ app: 'istio-ingressgateway', istio: 'internal' });
    expect(find(comps, 'RoleBinding', 'internal-gw-sds').subjects).toEqual([{ kind: 'ServiceAccount', name: 'internal-gw-service-account', namespace: 'edge' }]);
    expect(comps.filter((c) => c.component === 'IngressGateways').map((c) => `${c.namespace}/${c.name}`)).toEqual(['istio-system/istio-ingressgateway', 'edge/internal-gw']);
  });
});

describe('overlays', () => {
  it('sets, selects by key and deletes along a path', async () => {
    const comps = await render([
      'components.pilot.k8s.overlays[0].kind=Deployment',
      'components.pilot.k8s.overlays[0].name=istiod',
      'components.pilot.k8s.overlays[0].patches[0].path=spec.template.spec.containers.[name:discovery].env.[name:PILOT_TRACE_SAMPLING].value',
      'components.pilot.k8s.overlays[0].patches[0].value=50',
      'components.pilot.k8s.overlays[0].patches[1].path=spec.template.metadata.annotations.prometheus\\.io/scrape',
    ]);
    const dep = find(comps, 'Deployment', 'istiod');
    expect(dep.spec.template.spec.containers[0].env.find((e: any) => e.name === 'PILOT_TRACE_SAMPLING').value).toBe(50);
    expect(dep.spec.template.metadata.annotations['prometheus.io/scrape']).toBeUndefined();
  });

  it('patches one CRD version without touching the others (they share a schema until patched)', async () => {
    const comps = await render([
      'components.base.k8s.overlays[0].kind=CustomResourceDefinition',
      'components.base.k8s.overlays[0].name=gateways.networking.istio.io',
      'components.base.k8s.overlays[0].patches[0].path=spec.versions.[name:v1beta1].schema.openAPIV3Schema.description',
      'components.base.k8s.overlays[0].patches[0].value=patched',
    ]);
    const crd = find(comps, 'CustomResourceDefinition', 'gateways.networking.istio.io');
    const byName = Object.fromEntries(crd.spec.versions.map((v: any) => [v.name, v.schema.openAPIV3Schema.description]));
    expect(byName.v1beta1).toBe('patched');
    expect(byName.v1).not.toBe('patched');
    expect(byName.v1alpha3).toBe(byName.v1);
    const text = serializeManifests([crd]);
    expect(text.match(/description: patched/g)).toHaveLength(1);
  });

  it('reports an overlay that matches no object, naming what exists', async () => {
    const err = await render(['components.pilot.k8s.overlays[0].kind=Deployment', 'components.pilot.k8s.overlays[0].name=nope']).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain('components.pilot.k8s.overlays[0]: no rendered Deployment named "nope"');
    expect(err.hint).toContain('Deployment/istiod');
  });

  it('appends past the end of a list and rejects a missing selector', () => {
    const obj: any = { spec: { list: [{ name: 'a' }] } };
    applyPathPatch(obj, 'spec.list.[5]', { name: 'b' });
    expect(obj.spec.list).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(() => applyPathPatch(obj, 'spec.list.[name:zzz].x', 1)).toThrow(/no "\[name:zzz\]"/);
  });
});

describe('values that change the render', () => {
  it('points everything at a custom hub, tag and namespace', async () => {
    const comps = await render(['hub=registry.example/istio', 'tag=1.30.1', 'values.global.istioNamespace=mesh']);
    const dep = find(comps, 'Deployment', 'istiod');
    expect(dep.metadata.namespace).toBe('mesh');
    expect(dep.spec.template.spec.containers[0].image).toBe('registry.example/istio/pilot:1.30.1');
    expect(find(comps, 'Deployment', 'istio-ingressgateway').spec.template.spec.containers[0].image).toBe('registry.example/istio/proxyv2:1.30.1');
    // Outside istio-system the injector webhook name carries the namespace (injection.md §4.1).
    const mwc = find(comps, 'MutatingWebhookConfiguration', 'istio-sidecar-injector-mesh');
    expect(mwc.webhooks[0].clientConfig.service).toEqual({ name: 'istiod', namespace: 'mesh', path: '/inject', port: 443 });
    expect(find(comps, 'ValidatingWebhookConfiguration', 'istio-validator-mesh').webhooks[0].clientConfig.service.namespace).toBe('mesh');
  });

  it('adds revision tags and the default validator when asked', async () => {
    const comps = await render(['revision=canary', 'values.revisionTags[0]=prod', 'values.defaultRevision=canary']);
    const tag = find(comps, 'MutatingWebhookConfiguration', 'istio-revision-tag-prod');
    expect(tag.webhooks.map((w: any) => w.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
    expect(tag.webhooks[0].namespaceSelector.matchExpressions[0]).toEqual({ key: 'istio.io/rev', operator: 'In', values: ['prod'] });
    expect(find(comps, 'Service', 'istiod-revision-tag-prod').spec.selector).toEqual({ app: 'istiod', 'istio.io/rev': 'canary' });
    expect(find(comps, 'ValidatingWebhookConfiguration', 'istiod-default-validator').webhooks[0].clientConfig.service.name).toBe('istiod-canary');
  });

  it('stable adds the admission policy and its binding, named per revision', async () => {
    const comps = await render(['profile=stable']);
    expect(allObjects(comps)).toHaveLength(41);
    const vap = find(comps, 'ValidatingAdmissionPolicy', 'stable-channel-policy-istio-system.istio.io');
    expect(vap.apiVersion).toBe('admissionregistration.k8s.io/v1');
    expect(vap.spec.matchConstraints.namespaceSelector.matchExpressions).toEqual([{ key: 'istio.io/rev', operator: 'In', values: ['default'] }]);
    expect(vap.spec.validations.map((v: any) => v.expression)).toEqual(
      expect.arrayContaining(["object.kind != 'EnvoyFilter'", "object.kind != 'WasmPlugin'", "object.kind != 'ProxyConfig'"]),
    );
    expect(find(comps, 'ValidatingAdmissionPolicyBinding', 'stable-channel-policy-binding-istio-system.istio.io').spec).toEqual({
      policyName: 'stable-channel-policy-istio-system.istio.io',
      validationActions: ['Deny'],
    });
    const canary = await render(['profile=stable', 'revision=canary']);
    expect(find(canary, 'ValidatingAdmissionPolicy', 'stable-channel-policy-canary-istio-system.istio.io').spec.matchConstraints.namespaceSelector.matchExpressions[0].values).toEqual(['canary']);
    expect(allObjects(await render([])).some((o) => o.kind === 'ValidatingAdmissionPolicy')).toBe(false);
  });

  it('puts the CNI in kube-system with multus on OpenShift', async () => {
    const comps = await render(['profile=openshift']);
    const cni = comps.find((c) => c.component === 'Cni')!;
    expect(cni.namespace).toBe('kube-system');
    const ds = find(comps, 'DaemonSet', 'istio-cni-node');
    expect(ds.spec.template.spec.volumes.find((v: any) => v.name === 'cni-net-dir').hostPath.path).toBe('/etc/cni/multus/net.d');
    expect(find(comps, 'NetworkAttachmentDefinition', 'istio-cni').metadata.namespace).toBe('default');
    expect(find(comps, 'Deployment', 'istio-ingressgateway').spec.template.spec.securityContext).toEqual({ runAsNonRoot: true });
  });

  it('omits the injector ConfigMap when asked and honours an unknown profile as an error', async () => {
    const comps = await render(['values.global.omitSidecarInjectorConfigMap=true']);
    expect(allObjects(comps).some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio-sidecar-injector')).toBe(false);
    await expect(render(['values.profile=nope'], { force: true })).rejects.toThrow(/unknown profile \(values.profile\) "nope"/);
  });

  it('writes the injector ConfigMap from the injection engineer\'s builder', async () => {
    const cm = find(await render(['profile=demo']), 'ConfigMap', 'istio-sidecar-injector');
    expect(cm.data.config).toContain('templates:');
    const values = JSON.parse(cm.data.values);
    expect(values.global.proxy.resources.requests).toEqual({ cpu: '10m', memory: '40Mi' });
  });
});
