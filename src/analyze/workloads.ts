/**
 * Pods and pod templates as Istio's analyzers read them: label selectors (an empty selector
 * matches everything), selector text, the pod template of a workload controller, and whether a
 * workload is "in the mesh".
 */
import { isObject } from '../core/json.js';
import { asArray, type AnyObject, type Resource } from './resource.js';

/** A label map with every value as text (a selector written as `{version: 1}` still selects "1"). */
export function labelsOf(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = x === null ? '' : String(x);
  return out;
}

/** Whether `labels` carries every selector label with its value. */
export function matchesLabels(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

/** A selector as Kubernetes prints it: `k=v` pairs sorted by key, joined with commas ('' when empty). */
export function selectorText(selector: Record<string, string>): string {
  return Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k]}`)
    .join(',');
}

/** The first label of a selector's text, whose value line Istio points at. */
export function firstSelectorKey(selector: Record<string, string>): string | undefined {
  return Object.keys(selector).sort()[0];
}

export interface PodTemplate {
  owner: Resource;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: AnyObject;
  /** Field path of the template in the owner. */
  path: (string | number)[];
}

const TEMPLATE_PATHS: Record<string, (string | number)[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** The pod template of a workload controller, or undefined. */
export function podTemplate(r: Resource): PodTemplate | undefined {
  const path = TEMPLATE_PATHS[r.kind];
  if (!path) return undefined;
  let tpl: unknown = r.body;
  for (const k of path) tpl = isObject(tpl) ? tpl[k as string] : undefined;
  if (!isObject(tpl)) return undefined;
  const meta = isObject(tpl.metadata) ? tpl.metadata : {};
  return { owner: r, labels: labelsOf(meta.labels), annotations: labelsOf(meta.annotations), spec: isObject(tpl.spec) ? (tpl.spec as AnyObject) : {}, path };
}

/** Containers of a pod spec (init containers too when asked). */
export function containersOf(spec: AnyObject, withInit = false): AnyObject[] {
  const list = asArray<AnyObject>(spec.containers).filter(isObject);
  return withInit ? [...list, ...asArray<AnyObject>(spec.initContainers).filter(isObject)] : list;
}

/**
 * Istio's "in the mesh" rule: an `istio-proxy` container with an image; else the
 * `sidecar.istio.io/inject` label, then annotation, when present (in only when exactly "true");
 * else the namespace's `istio-injection=enabled` label when the Namespace object exists.
 */
export function inMesh(pod: { labels: Record<string, string>; annotations: Record<string, string>; containers: AnyObject[] }, namespace: Resource | undefined): boolean {
  if (pod.containers.some((c) => c.name === 'istio-proxy' && typeof c.image === 'string' && c.image !== '')) return true;
  const label = pod.labels['sidecar.istio.io/inject'];
  if (label !== undefined) return label === 'true';
  const anno = pod.annotations['sidecar.istio.io/inject'];
  if (anno !== undefined) return anno === 'true';
  if (namespace) return namespace.labels['istio-injection'] === 'enabled';
  return false;
}

/**
 * A Kubernetes LabelSelector (matchLabels and matchExpressions with In, NotIn, Exists,
 * DoesNotExist) against labels; a missing selector matches everything, an invalid one nothing.
 */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return true;
  if (!isObject(selector)) return false;
  if (!matchesLabels(labelsOf(selector.matchLabels), labels)) return false;
  for (const e of asArray<AnyObject>(selector.matchExpressions)) {
    if (!isObject(e) || typeof e.key !== 'string') return false;
    const values = asArray<unknown>(e.values).map(String);
    const has = e.key in labels;
    switch (e.operator) {
      case 'In':
        if (values.length === 0) return false;
        if (!has || !values.includes(labels[e.key]!)) return false;
        break;
      case 'NotIn':
        if (values.length === 0) return false;
        if (has && values.includes(labels[e.key]!)) return false;
        break;
      case 'Exists':
        if (values.length > 0 || !has) return false;
        break;
      case 'DoesNotExist':
        if (values.length > 0 || has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
