/** Deterministic text forms: YAML with sorted keys (as sigs.k8s.io/yaml re-marshals) and sorted JSON. */
import { isMap } from './tree.js';

export { emitYaml as yamlText } from './yaml-emit.js';

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

/** Pretty JSON with keys sorted, so the values ConfigMaps are byte-stable. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}
