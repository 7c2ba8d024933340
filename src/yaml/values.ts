/**
 * YAML text ⇄ plain values, where neither positions nor comments matter (ConfigMap data,
 * annotations, rendered templates, records, `-o yaml`). Reading tries the fast reader first,
 * which gives the library's value or declines; the library path applies limits.ts (depth,
 * size, alias expansion, and duplicate keys for user files).
 */
import { LineCounter, stringify } from 'yaml';
import { parseFastYaml } from './fast-parse.js';
import { checkDocument, composeDocuments, TO_JS_OPTIONS } from './limits.js';

export interface ParseYamlOptions {
  /**
   * The input's name for limit errors (`file:line: ...`, DataError). With a name, a key given
   * twice in one map is an error as in Kubernetes' strict decoding; without one (template output,
   * cluster ConfigMap data, as Go's non-strict decoding reads them) the last one wins.
   */
  source?: string;
}

/**
 * The value of one YAML (or JSON) document; throws the library's error for malformed text
 * (with `linePos`), and a DataError for a broken limit or a duplicate key.
 */
export function parseYaml(text: string, options: ParseYamlOptions = {}): unknown {
  const fast = tryFastYaml(text);
  if (fast !== undefined) return fast;
  const lineCounter = new LineCounter();
  const origin = { file: options.source ?? '<yaml>', lineBase: 0, lineCounter };
  const docs = [...composeDocuments(text, origin, { forceDoc: true })];
  const doc = docs[0]!;
  const error = doc.errors[0];
  if (error) {
    const pos = lineCounter.linePos(error.pos[0]);
    throw Object.assign(new Error(`${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')} at line ${pos.line}, column ${pos.col}`), {
      linePos: [pos],
    });
  }
  if (docs.length > 1) {
    const pos = lineCounter.linePos(docs[1]!.range[0]);
    throw Object.assign(new Error(`Source contains multiple documents at line ${pos.line}, column ${pos.col}`), { linePos: [pos] });
  }
  checkDocument(doc, origin, 0, { uniqueKeys: options.source !== undefined });
  return doc.toJS(TO_JS_OPTIONS);
}

/**
 * The fast reader's value, or undefined when it declines, and also when the input nests deeper
 * than it can recurse: the library path then judges the input against the limits.
 */
export function tryFastYaml(text: string): ReturnType<typeof parseFastYaml> {
  try {
    return parseFastYaml(text);
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/**
 * Block-style YAML text, lines never folded: how sailctl writes YAML for people and tools.
 * `literalBlocks` writes multi-line strings as `|` blocks (ConfigMap data people read).
 */
export function stringifyYaml(value: unknown, options: { literalBlocks?: boolean } = {}): string {
  return stringify(value, options.literalBlocks ? { lineWidth: 0, blockQuote: 'literal' } : { lineWidth: 0 });
}
