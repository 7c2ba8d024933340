/**
 * The checks Go's typed unmarshal does for istioctl before injecting: a pod template whose
 * fields have the wrong JSON type is refused with one message naming the field, instead of
 * surfacing later as a confusing template error.
 */
import { type JsonObject, isObject } from '../core/json.js';

const LIST_OF_OBJECTS = ['containers', 'initContainers', 'volumes', 'imagePullSecrets', 'ephemeralContainers'];
const CONTAINER_LISTS = ['ports', 'env', 'volumeMounts'];

/** The first type error in the pod, as `field.path: expected X, got Y`, or undefined. */
export function podShapeError(metadata: unknown, spec: unknown, metaPath: string, specPath: string): string | undefined {
  if (metadata !== undefined && metadata !== null && !isObject(metadata)) return `${metaPath}: expected an object, got ${typeOf(metadata)}`;
  if (spec !== undefined && spec !== null && !isObject(spec)) return `${specPath}: expected an object, got ${typeOf(spec)}`;
  const meta = (metadata ?? {}) as JsonObject;
  for (const field of ['labels', 'annotations']) {
    const map = meta[field];
    if (map === undefined || map === null) continue;
    if (!isObject(map)) return `${metaPath}.${field}: expected a map of strings, got ${typeOf(map)}`;
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') return `${metaPath}.${field}.${k}: expected a string, got ${typeOf(v)} (quote the value)`;
    }
  }
  const pod = (spec ?? {}) as JsonObject;
  for (const field of LIST_OF_OBJECTS) {
    const list = pod[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) return `${specPath}.${field}: expected a list, got ${typeOf(list)}`;
    for (const [i, item] of list.entries()) {
      if (!isObject(item)) return `${specPath}.${field}[${i}]: expected an object, got ${typeOf(item)}`;
      if (field.endsWith('ontainers')) {
        for (const sub of CONTAINER_LISTS) {
          const inner = item[sub];
          if (inner === undefined || inner === null) continue;
          if (!Array.isArray(inner) || !inner.every(isObject)) return `${specPath}.${field}[${i}].${sub}: expected a list of objects, got ${typeOf(inner)}`;
        }
      }
    }
  }
  return undefined;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}
