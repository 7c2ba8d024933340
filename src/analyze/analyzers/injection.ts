/** Injection analyzers: namespaces without injection, pods without a proxy, `image: auto` without injection, UID 1337. */
import type { Analyzer } from '../framework.js';
import { ownedTemplateCopy } from './util.js';
import type { AnalysisContext } from '../context.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';

export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

type InjectionState = 'enabled' | 'disabled' | 'ambient' | 'unset';

function namespaceInjection(ns: Resource): InjectionState {
  const legacy = ns.labels['istio-injection'];
  if (legacy === 'enabled' || ns.labels['istio.io/rev'] !== undefined) return 'enabled';
  if (legacy === 'disabled') return 'disabled';
  if (ns.labels['istio.io/dataplane-mode'] === 'ambient') return 'ambient';
  return 'unset';
}

function skipNamespace(ctx: AnalysisContext, name: string): boolean {
  return SYSTEM_NAMESPACES.has(name) || name === ctx.options.istioNamespace;
}

/** Whether a pod (its labels/annotations) asks for injection itself, or refuses it. */
function podChoice(labels: Record<string, string>, annotations: Record<string, string>): 'yes' | 'no' | undefined {
  const v = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
  if (v === 'true') return 'yes';
  if (v === 'false') return 'no';
  if (labels['istio.io/rev'] !== undefined) return 'yes';
  return undefined;
}

/** The injector's values (the `values` JSON of the revision's istio-sidecar-injector ConfigMap), if in view. */
export function injectorValues(ctx: AnalysisContext): AnyObject | undefined {
  const rev = ctx.options.revision;
  const name = rev && rev !== 'default' ? `istio-sidecar-injector-${rev}` : 'istio-sidecar-injector';
  const cm = ctx.get('ConfigMap', ctx.options.istioNamespace, name);
  const text = cm?.body.data?.values;
  if (typeof text !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as AnyObject) : undefined;
  } catch {
    return undefined;
  }
}

/** The proxy image injection writes: `<hub>/<image>:<tag>[-<variant>]`, or a full image reference as given. */
export function injectedProxyImage(values: AnyObject): string | undefined {
  const g = values.global ?? {};
  const image = String(g.proxy?.image ?? 'proxyv2');
  const tag = g.tag === undefined || g.tag === '' ? undefined : String(g.tag);
  const variant = g.variant ? `-${g.variant}` : '';
  if (image.includes('/')) return image.includes(':') ? image : tag ? `${image}:${tag}${variant}` : image;
  if (!g.hub || !tag) return undefined;
  return `${g.hub}/${image}:${tag}${variant}`;
}

export const namespaceInjectionAnalyzer: Analyzer = {
  name: 'injection.Analyzer',
  description: 'Checks namespace injection labels and that pods in injected namespaces carry the Istio proxy',
  inputs: ['Namespace', 'Pod'],
  codes: ['IST0102', 'IST0123', 'IST0103', 'IST0148'],
  run(ctx) {
    const byDefault = injectorValues(ctx)?.sidecarInjectorWebhook?.enableNamespacesByDefault === true;
    for (const ns of ctx.all('Namespace')) {
      if (skipNamespace(ctx, ns.name)) continue;
      if (ns.labels['istio-injection'] !== undefined && ns.labels['istio.io/rev'] !== undefined) {
        ctx.report('IST0123', ns, `The namespace has both new and legacy injection labels. Run 'kubectl label namespace ${ns.name} istio.io/rev-' or 'kubectl label namespace ${ns.name} istio-injection-'`, ['metadata', 'labels']);
      }
      if (namespaceInjection(ns) === 'unset' && byDefault) {
        ctx.report('IST0148', ns, `The namespace ${ns.name} is injected by default because the injector sets enableNamespacesByDefault. Run 'kubectl label namespace ${ns.name} istio-injection=enabled' to say so, or 'kubectl label namespace ${ns.name} istio-injection=disabled' to opt it out.`);
      } else if (namespaceInjection(ns) === 'unset') {
        ctx.report('IST0102', ns, `The namespace is not enabled for Istio injection. Run 'kubectl label namespace ${ns.name} istio-injection=enabled' to enable it, or 'kubectl label namespace ${ns.name} istio-injection=disabled' to explicitly mark it as not needing injection.`);
      }
    }
    for (const pod of ctx.all('Pod')) {
      const ns = ctx.get('Namespace', '', pod.namespace);
      if (!ns || skipNamespace(ctx, pod.namespace) || pod.spec.hostNetwork === true) continue;
      const choice = podChoice(pod.labels, pod.annotations);
      const wanted = choice === 'yes' || (choice === undefined && (namespaceInjection(ns) === 'enabled' || (byDefault && namespaceInjection(ns) === 'unset')));
      if (!wanted) continue;
      const containers = [...asArray<AnyObject>(pod.spec.containers), ...asArray<AnyObject>(pod.spec.initContainers)];
      if (!containers.some((c) => c?.name === 'istio-proxy')) {
        ctx.report('IST0103', pod, `The pod ${pod.namespace}/${pod.name} is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.`);
      }
    }
  },
};

export const proxyImageMismatch: Analyzer = {
  name: 'injection.ImageMismatchAnalyzer',
  description: "Checks that the proxies of pods in injected namespaces run the image the revision's injector configuration injects",
  inputs: ['ConfigMap'],
  codes: ['IST0158'],
  run(ctx) {
    const values = injectorValues(ctx);
    const want = values && injectedProxyImage(values);
    if (!want) return;
    const rev = ctx.options.revision ?? 'default';
    for (const ns of ctx.all('Namespace')) {
      if (skipNamespace(ctx, ns.name) || namespaceInjection(ns) !== 'enabled') continue;
      // A namespace bound to another revision is that injector's business.
      const nsRev = ns.labels['istio.io/rev'] ?? 'default';
      if (nsRev !== rev) continue;
      const mismatch = ctx.inNamespace('Pod', ns.name).some((pod) => {
        const proxy = [...asArray<AnyObject>(pod.spec.containers), ...asArray<AnyObject>(pod.spec.initContainers)].find((c) => c?.name === 'istio-proxy');
        return proxy !== undefined && typeof proxy.image === 'string' && proxy.image !== want && (pod.labels['istio.io/rev'] ?? nsRev) === rev;
      });
      if (mismatch) ctx.report('IST0158', ns, `The Istio proxy images of the pods running in the namespace do not match the image defined in the injection configuration (${want}). This often happens after upgrading the Istio control plane; redeploying the pods fixes it.`);
    }
  },
};

export const imageAuto: Analyzer = {
  name: 'injection.ImageAutoAnalyzer',
  description: 'Checks that workloads using `image: auto` (gateway injection) are targeted for injection',
  inputs: ['Deployment', 'Pod'],
  codes: ['IST0146', 'IST0147'],
  run(ctx) {
    for (const kind of ['Deployment', 'Pod'] as const) {
      for (const r of ctx.all(kind)) {
        const pod = kind === 'Pod' ? { labels: r.labels, annotations: r.annotations, spec: r.spec } : { labels: strMap(r.spec.template?.metadata?.labels), annotations: strMap(r.spec.template?.metadata?.annotations), spec: r.spec.template?.spec ?? {} };
        const auto = asArray<AnyObject>(pod.spec.containers).findIndex((c) => c?.image === 'auto');
        if (auto < 0) continue;
        const choice = podChoice(pod.labels, pod.annotations);
        if (choice === 'yes') continue;
        const ns = ctx.get('Namespace', '', r.namespace);
        if (choice === undefined && (!ns || namespaceInjection(ns) === 'enabled')) continue;
        const path = kind === 'Pod' ? ['spec', 'containers', auto, 'image'] : ['spec', 'template', 'spec', 'containers', auto, 'image'];
        if (kind === 'Deployment') ctx.report('IST0146', r, `Deployment ${r.name} uses "image: auto" but is not targeted for injection: namespace ${r.namespace} is not enabled for injection and the pod template does not set sidecar.istio.io/inject=true.`, path);
        else ctx.report('IST0147', r, `Pod ${r.name} uses "image: auto" but is not targeted for injection: namespace ${r.namespace} is not enabled for injection and the pod does not set sidecar.istio.io/inject=true.`, path);
      }
    }
  },
};

export const applicationUid: Analyzer = {
  name: 'deployment.ApplicationUIDAnalyzer',
  description: 'Checks that application containers do not run as UID 1337, which the sidecar proxy uses',
  inputs: ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'],
  codes: ['IST0144'],
  run(ctx) {
    for (const kind of ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']) {
      for (const r of ctx.all(kind)) {
        if (ownedTemplateCopy(r) || isIstioControlPlane(r, kind)) continue;
        const base = kind === 'Pod' ? ['spec'] : kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : ['spec', 'template', 'spec'];
        let spec: AnyObject | undefined = r.body;
        for (const k of base) spec = spec?.[k];
        if (!spec) continue;
        if (spec.securityContext?.runAsUser === 1337) ctx.report('IST0144', r, 'User ID (UID) 1337 is reserved for the sidecar proxy.', [...base, 'securityContext', 'runAsUser']);
        asArray<AnyObject>(spec.containers).forEach((c, i) => {
          if (c?.name !== 'istio-proxy' && c?.securityContext?.runAsUser === 1337) ctx.report('IST0144', r, `User ID (UID) 1337 is reserved for the sidecar proxy (container ${c.name}).`, [...base, 'containers', i, 'securityContext', 'runAsUser']);
        });
      }
    }
  },
};

/** Istio's own workloads (istiod, gateways) run as the proxy's UID by design; Istio's analyzer skips them too. */
const CONTROL_PLANE_ISTIO_LABELS = new Set(['pilot', 'ingressgateway', 'egressgateway', 'eastwestgateway', 'istiod']);
function isIstioControlPlane(r: Resource, kind: string): boolean {
  const labels = kind === 'Pod' ? r.body.metadata?.labels : (kind === 'CronJob' ? r.body.spec?.jobTemplate?.spec : r.body.spec)?.template?.metadata?.labels;
  const istio = (labels as AnyObject | undefined)?.istio;
  return typeof istio === 'string' && CONTROL_PLANE_ISTIO_LABELS.has(istio);
}

function strMap(v: unknown): Record<string, string> {
  return typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};
}

export const injectionAnalyzers = [namespaceInjectionAnalyzer, proxyImageMismatch, imageAuto, applicationUid];
