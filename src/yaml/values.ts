/**
 * YAML text ⇄ plain values, where neither positions nor comments matter (ConfigMap data,
 * annotations, rendered templates, records, `-o yaml`). Reading tries the fast reader first,
 * which gives the library's value or declines; errors are always the library's.
 */
import { parse, stringify } from 'yaml';
import { parseFastYaml } from './fast-parse.js';

/** The value of one YAML (or JSON) document; throws the library's error for malformed text. */
export function parseYaml(text: string): unknown {
  const fast = parseFastYaml(text);
  return fast !== undefined ? fast : parse(text);
}

/**
 * Block-style YAML text, lines never folded: how sailctl writes YAML for people and tools.
 * `literalBlocks` writes multi-line strings as `|` blocks (ConfigMap data people read).
 */
export function stringifyYaml(value: unknown, options: { literalBlocks?: boolean } = {}): string {
  return stringify(value, options.literalBlocks ? { lineWidth: 0, blockQuote: 'literal' } : { lineWidth: 0 });
}
