/** -o json|yaml, spelled the same way by every command. */
import { stringifyYaml } from '../yaml/values.js';

export type StructuredFormat = 'json' | 'yaml';

export function formatStructured(data: unknown, format: StructuredFormat): string {
  if (format === 'json') return JSON.stringify(data, null, 2) + '\n';
  return stringifyYaml(data);
}
