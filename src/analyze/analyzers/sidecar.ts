/**
 * Sidecars: selectors that match no Pod (IST0101), several selecting one Pod (IST0110), several
 * without a selector in a namespace (IST0111), and Sidecars with no effect on ambient workloads
 * or namespaces (IST0167).
 */
import type { Analyzer } from '../framework.js';
import type { AnalysisContext } from '../context.js';
import type { Resource } from '../resource.js';
import { firstSelectorKey, labelsOf, selectorText } from '../workloads.js';
import { goList, pushTo, quote } from './util.js';

/** Ambient: the pod was redirected by the CNI. */
export function podInAmbient(pod: Resource): boolean {
  return pod.annotations['ambient.istio.io/redirection'] === 'enabled';
}

/** An ambient namespace: dataplane-mode ambient and no sidecar injection label. */
export function namespaceInAmbient(ns: Resource | undefined): boolean {
  if (!ns) return false;
  return ns.labels['istio.io/dataplane-mode'] === 'ambient' && ns.labels['istio-injection'] !== 'enabled' && !ns.labels['istio.io/rev'];
}

/**
 * The shared selector logic of Sidecar and Telemetry: a selector matching no Pod in the
 * namespace is IST0101; Pods selected by more than one resource give `conflict` per pair.
 * Returns, per Pod, the resources selecting it.
 */
export function selectPodsFor(ctx: AnalysisContext, resources: readonly Resource[], labelsField: (r: Resource) => unknown, selectorPath: (key: string) => (string | number)[]): Map<Resource, Resource[]> {
  const byPod = new Map<Resource, Resource[]>();
  for (const r of resources) {
    const selector = labelsOf(labelsField(r));
    if (Object.keys(selector).length === 0) continue;
    const pods = ctx.selectPods(selector, r.namespace);
    for (const pod of pods) pushTo(byPod, pod, r);
    if (pods.length === 0 && !ctx.templateMatches(selector, r.namespace)) {
      ctx.report('IST0101', r, `Referenced selector not found: ${quote(selectorText(selector))}`, selectorPath(firstSelectorKey(selector)!));
    }
  }
  return byPod;
}

export const sidecarSelectorAnalyzer: Analyzer = {
  name: 'sidecar.SelectorAnalyzer',
  description: "Validates that sidecars that define a workload selector match at least one pod, and that there aren't multiple sidecar resources that select overlapping pods",
  inputs: ['Sidecar'],
  codes: ['IST0101', 'IST0110', 'IST0111', 'IST0167'],
  run(ctx) {
    const sidecars = ctx.all('Sidecar');
    const byPod = selectPodsFor(ctx, sidecars, (s) => s.spec.workloadSelector?.labels, (k) => ['spec', 'workloadSelector', 'labels', k]);
    const reported = new Set<Resource>();
    for (const [pod, list] of byPod) {
      const ambient = podInAmbient(pod);
      if (list.length === 1 && !ambient) continue;
      const names = goList(list.map((s) => s.name));
      for (const sc of list) {
        if (ambient) {
          if (!reported.has(sc)) ctx.report('IST0167', sc, 'The policy has no impact: selected workload is in ambient mode, the policy has no impact.');
          reported.add(sc);
          continue;
        }
        ctx.report('IST0110', sc, `The Sidecars ${names} in namespace ${quote(pod.namespace)} select the same workload pod ${quote(pod.name)}, which can lead to undefined behavior.`, ['metadata', 'name']);
      }
    }
    const bare = new Map<string, Resource[]>();
    for (const sc of sidecars) if (Object.keys(labelsOf(sc.spec.workloadSelector?.labels)).length === 0) pushTo(bare, sc.namespace, sc);
    for (const [ns, list] of bare) {
      if (namespaceInAmbient(ctx.namespace(ns))) {
        for (const sc of list) {
          if (!reported.has(sc)) ctx.report('IST0167', sc, 'The policy has no impact: namespace is in ambient mode, the policy has no impact.');
          reported.add(sc);
        }
        continue;
      }
      if (list.length < 2) continue;
      const names = goList(list.map((s) => s.name));
      for (const sc of list) ctx.report('IST0111', sc, `The Sidecars ${names} in namespace ${quote(ns)} have no workload selector, which can lead to undefined behavior.`);
    }
  },
};
