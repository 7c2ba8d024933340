/** AuthorizationPolicies: source namespaces that match no Namespace (IST0101), selectors that match no workload (IST0127). */
import type { Analyzer } from '../framework.js';
import type { AnalysisContext } from '../context.js';
import { asArray, isAnyObject, type AnyObject, type Resource } from '../resource.js';
import { containersOf, inMesh, labelsOf, matchesLabels, selectorText } from '../workloads.js';
import { pushTo } from './util.js';

/** Istio's namespace patterns: `*`, `*suffix`, `prefix*`, or a name compared without case. */
function namespaceMatches(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return name.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  return pattern.toLowerCase() === name.toLowerCase();
}

/** Labels of the pods a policy can apply to, by namespace: in-mesh pods and ambient-redirected pods. */
function meshPodLabels(ctx: AnalysisContext): Map<string, Record<string, string>[]> {
  const byNs = new Map<string, Record<string, string>[]>();
  for (const pod of ctx.all('Pod')) {
    const ambient = pod.annotations['ambient.istio.io/redirection'] === 'enabled';
    if (ambient || inMesh({ labels: pod.labels, annotations: pod.annotations, containers: containersOf(pod.spec, true) }, ctx.namespace(pod.namespace))) pushTo(byNs, pod.namespace, pod.labels);
  }
  return byNs;
}

export const authorizationPolicies: Analyzer = {
  name: 'auth.AuthorizationPoliciesAnalyzer',
  description: 'Checks the validity of authorization policies',
  inputs: ['AuthorizationPolicy'],
  codes: ['IST0101', 'IST0127'],
  run(ctx) {
    const namespaces = ctx.all('Namespace').map((n) => n.name);
    const pods = meshPodLabels(ctx);
    const anyPodMatches = (selector: Record<string, string>, ns: string | undefined) =>
      (ns === undefined ? [...pods.values()].flat() : (pods.get(ns) ?? [])).some((l) => matchesLabels(selector, l)) ||
      // A workload controller whose Pods are not in the input stands in for them (context.ts).
      ctx.templateMatches(selector, ns, (t) => inMesh({ labels: t.labels, annotations: t.annotations, containers: containersOf(t.spec, true) }, ctx.namespace(t.owner.namespace)));
    for (const ap of ctx.all('AuthorizationPolicy')) {
      checkSelector(ctx, ap, anyPodMatches);
      asArray<AnyObject>(ap.spec.rules).forEach((rule, i) => {
        asArray<AnyObject>(rule?.from).forEach((from, j) => {
          for (const field of ['namespaces', 'notNamespaces'] as const) {
            asArray<unknown>(from?.source?.[field]).forEach((entry, k) => {
              const pattern = String(entry);
              if (namespaces.some((n) => namespaceMatches(pattern, n))) return;
              ctx.report('IST0101', ap, `Referenced namespace not found: ${JSON.stringify(pattern)}`, ['spec', 'rules', i, 'from', j, 'source', field, k]);
            });
          }
        });
      });
    }
  },
};

function checkSelector(ctx: AnalysisContext, ap: Resource, anyPodMatches: (selector: Record<string, string>, ns: string | undefined) => boolean): void {
  const hasSelector = isAnyObject(ap.spec.selector);
  const selector = hasSelector ? labelsOf(ap.spec.selector.matchLabels) : {};
  if (ap.namespace === ctx.mesh.rootNamespace) {
    // Mesh-wide: a selector must match somewhere; no selector applies to the whole mesh.
    if (hasSelector && !anyPodMatches(selector, undefined)) report(ctx, ap, selector);
    return;
  }
  if (!anyPodMatches(selector, ap.namespace)) report(ctx, ap, selector);
}

function report(ctx: AnalysisContext, ap: Resource, selector: Record<string, string>): void {
  ctx.report('IST0127', ap, `No matching workloads for this resource with the following labels: ${selectorText(selector)}`, ['spec', 'selector']);
}
