/** Deterministic text forms: YAML with sorted keys (as sigs.k8s.io/yaml re-marshals) and sorted JSON. */
import { stringify } from 'yaml';
import { isMap } from './tree.js';

export function yamlText(value: unknown): string {
  return stringify(value, { sortMapEntries: true, indentSeq: false, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

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
