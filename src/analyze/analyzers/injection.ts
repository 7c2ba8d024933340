/**
 * Sidecar injection: namespaces without injection or with clashing injection labels
 * (IST0102, IST0123, IST0148), pods missing their proxy (IST0103), proxies running another image
 * than the injector's (IST0158), and `image: auto` gateways that nothing injects (IST0146, IST0147).
 */
import type { Analyzer } from '../framework.js';
import type { AnalysisContext } from '../context.js';
import { isObject } from '../../core/json.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { parseYaml } from '../../yaml/values.js';
import { containersOf, labelsOf, matchesLabels, podTemplate, selectorMatches } from '../workloads.js';
import { goList } from './util.js';

/** Namespaces Istio never injects (its injector's ignore list). */
export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** The injector ConfigMap of a revision. */
export function injectorConfigMapName(revision: string | undefined): string {
  return !revision || revision === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${revision}`;
}

/** The `values` JSON of an injector ConfigMap, if it parses. */
export function injectorValues(cm: Resource | undefined): AnyObject | undefined {
  const text = cm?.body.data?.values;
  if (typeof text !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? (v as AnyObject) : undefined;
  } catch {
    return undefined;
  }
}

/** ConfigMaps by name, in any namespace (the last one of a name wins, as Istio's lookups do). */
function configMapsByName(ctx: AnalysisContext): Map<string, Resource> {
  const out = new Map<string, Resource>();
  for (const cm of ctx.all('ConfigMap')) out.set(cm.name, cm);
  return out;
}

export const injectionAnalyzer: Analyzer = {
  name: 'injection.Analyzer',
  description: 'Checks conditions related to Istio sidecar injection',
  inputs: ['Namespace', 'Pod'],
  codes: ['IST0102', 'IST0103', 'IST0123', 'IST0148'],
  run(ctx) {
    const configMaps = configMapsByName(ctx);
    const injected = new Set<string>();
    let byDefault = false;
    for (const ns of ctx.all('Namespace')) {
      if (ns.name === 'istio-system' || SYSTEM_NAMESPACES.has(ns.name)) continue;
      const legacy = ns.labels['istio-injection'];
      const rev = ns.labels['istio.io/rev'];
      const cm = configMaps.get(injectorConfigMapName(rev));
      if (cm) byDefault = injectorValues(cm)?.sidecarInjectorWebhook?.enableNamespacesByDefault === true;
      const labels: string[] = [];
      if (legacy !== undefined) labels.push(`istio-injection=${legacy}`);
      for (const key of ['istio.io/rev', 'istio.io/dataplane-mode']) {
        const v = ns.labels[key];
        if (v !== undefined && (legacy === undefined || legacy === 'enabled')) labels.push(`${key}=${v}`);
      }
      if (labels.length > 1) {
        ctx.report('IST0123', ns, `The namespace has more than one type of injection labels ${goList(labels)}, which may lead to undefined behavior. Make sure only one injection label exists.`, ['metadata', 'name']);
        continue;
      }
      if (ns.labels['istio.io/dataplane-mode'] === 'ambient') continue;
      if ((legacy === undefined || legacy === '') && rev === undefined) {
        if (byDefault) ctx.report('IST0148', ns, 'is enabled for Istio injection, as Istio is installed with enableNamespacesByDefault as true.');
        else ctx.report('IST0102', ns, `The namespace is not enabled for Istio injection. Run 'kubectl label namespace ${ns.name} istio-injection=enabled' to enable it, or 'kubectl label namespace ${ns.name} istio-injection=disabled' to explicitly mark it as not needing injection.`, ['metadata', 'name']);
        continue;
      }
      if (legacy === 'enabled') injected.add(ns.name);
    }
    for (const pod of ctx.all('Pod')) {
      if (!injected.has(pod.namespace) || pod.spec.hostNetwork === true) continue;
      const choice = pod.labels['sidecar.istio.io/inject'] ?? pod.annotations['sidecar.istio.io/inject'];
      if (choice !== undefined && choice.toLowerCase() === 'false') continue;
      if (containersOf(pod.spec, true).some((c) => c.name === 'istio-proxy' && typeof c.image === 'string' && c.image !== '')) continue;
      ctx.report('IST0103', pod, `The pod ${pod.namespace}/${pod.name} is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.`);
    }
  },
};

/** The proxy image an injector's values inject: `global.proxy.image` when it names a registry, else hub/image:tag. */
export function injectedProxyImage(values: AnyObject): string {
  const g: AnyObject = isObject(values.global) ? values.global : {};
  const image = String(g.proxy?.image ?? '');
  if (image.includes('/')) return image;
  return `${String(g.hub ?? '')}/${image}:${String(g.tag ?? '')}`;
}

/** imageType from a ProxyConfig-shaped object; `default` means none. */
function imageTypeOf(config: unknown): string | undefined {
  const t = isObject(config) && isObject(config.image) ? config.image.imageType : undefined;
  return typeof t === 'string' && t !== '' && t !== 'default' ? t : undefined;
}

/** The image type a pod's proxy should run: mesh default, then ProxyConfigs (root, namespace, selecting the pod), then the pod's annotation. */
function effectiveImageType(ctx: AnalysisContext, pod: Resource): string | undefined {
  let type = imageTypeOf(ctx.mesh.defaultConfig);
  const layer = (t: string | undefined) => {
    if (t) type = t;
  };
  for (const pc of ctx.inNamespace('ProxyConfig', ctx.mesh.rootNamespace)) if (!isObject(pc.spec.selector)) layer(imageTypeOf(pc.spec));
  const local = ctx.inNamespace('ProxyConfig', pod.namespace);
  for (const pc of local) if (!isObject(pc.spec.selector)) layer(imageTypeOf(pc.spec));
  for (const pc of local) {
    const sel = labelsOf(pc.spec.selector?.matchLabels);
    if (isObject(pc.spec.selector) && Object.keys(sel).length > 0 && matchesLabels(sel, pod.labels)) layer(imageTypeOf(pc.spec));
  }
  const anno = pod.annotations['proxy.istio.io/config'];
  if (anno) {
    try {
      layer(imageTypeOf(parseYaml(anno)));
    } catch {
      // An unreadable annotation is the annotation analyzer's finding.
    }
  }
  return type;
}

export const imageAnalyzer: Analyzer = {
  name: 'injection.ImageAnalyzer',
  description: 'Checks the image of auto-injection configured with the running proxies on pods',
  inputs: ['Namespace'],
  codes: ['IST0158'],
  run(ctx) {
    const images = new Map<string, string>();
    for (const cm of ctx.all('ConfigMap')) {
      if (!cm.name.startsWith('istio-sidecar-injector')) continue;
      const values = injectorValues(cm);
      if (values) images.set(cm.name, injectedProxyImage(values));
    }
    for (const ns of ctx.all('Namespace')) {
      const rev = ns.labels['istio.io/rev'];
      if (ns.labels['istio-injection'] !== 'enabled' && rev === undefined) continue;
      const want = images.get(injectorConfigMapName(rev ?? 'default'));
      if (want === undefined) continue;
      const mismatched: string[] = [];
      for (const pod of ctx.inNamespace('Pod', ns.name)) {
        if (pod.annotations['sidecar.istio.io/proxyImage']) continue;
        const type = effectiveImageType(ctx, pod);
        const ok = (image: unknown) => image === want || (type !== undefined && image === `${want}-${type}`);
        if (containersOf(pod.spec, true).some((c) => c.name === 'istio-proxy' && !ok(c.image))) mismatched.push(pod.name);
      }
      if (mismatched.length > 0) {
        ctx.report('IST0158', ns, `The Istio proxy images of the pods running in the namespace do not match the image defined in the injection configuration (pod names: ${goList(mismatched)}). This often happens after upgrading the Istio control-plane and can be fixed by redeploying the pods.`);
      }
    }
  },
};

export const imageAutoAnalyzer: Analyzer = {
  name: 'injection.ImageAutoAnalyzer',
  description: 'Makes sure that Pods and Deployments with `image: auto` are going to be injected',
  inputs: ['Pod', 'Deployment'],
  codes: ['IST0146', 'IST0147'],
  run(ctx) {
    const hooks = ctx.all('MutatingWebhookConfiguration').flatMap((c) => asArray<AnyObject>(c.body.webhooks)).filter((h) => isObject(h) && String(h.name ?? '').endsWith('istio.io'));
    const autoIndex = (spec: AnyObject) => asArray<AnyObject>(spec.containers).findIndex((c) => isObject(c) && c.name === 'istio-proxy' && c.image === 'auto');
    for (const pod of ctx.all('Pod')) {
      const i = autoIndex(pod.spec);
      if (pod.group !== '' || i < 0) continue;
      // A running pod that still says `image: auto` was not injected.
      ctx.report('IST0147', pod, `Pod ${pod.name} contains \`image: auto\` but does not match any Istio injection webhook selectors.`, ['spec', 'containers', i, 'image']);
    }
    const byNs = new Map<string, Record<string, string>>();
    for (const dep of ctx.all('Deployment')) {
      const tpl = podTemplate(dep);
      const i = tpl ? autoIndex(tpl.spec) : -1;
      if (dep.group !== 'apps' || !tpl || i < 0) continue;
      if (!byNs.has(dep.namespace)) byNs.set(dep.namespace, ctx.namespace(dep.namespace)?.labels ?? {});
      const nsLabels = byNs.get(dep.namespace)!;
      if (hooks.some((h) => selectorMatches(h.namespaceSelector, nsLabels) && selectorMatches(h.objectSelector, tpl.labels))) continue;
      ctx.report('IST0146', dep, `Deployment ${dep.name} contains \`image: auto\` but does not match any Istio injection webhook selectors.`, ['spec', 'template', 'spec', 'containers', i, 'image']);
    }
  },
};

export const injectionAnalyzers = [injectionAnalyzer, imageAnalyzer, imageAutoAnalyzer];
