/** Line numbers of keys in parsed YAML, for error messages that point where a reader looks. */
import type { SourceDoc } from '../core/yaml-docs.js';

/** Line of the key that holds `path` (where a reader looks), else of its value. */
export function keyLine(doc: SourceDoc, text: string, path: readonly (string | number)[]): number | undefined {
  const last = path[path.length - 1];
  if (typeof last === 'string' && path.length > 0) {
    const parent = path.length === 1 ? doc.doc.contents : doc.doc.getIn(path.slice(0, -1), true);
    const items = (parent as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | null)?.items;
    const offset = items?.find((item) => item.key?.value === last)?.key?.range?.[0];
    if (offset !== undefined) return lineAt(doc, text, offset);
  }
  return doc.lineOf(path);
}

const lineStarts = new WeakMap<SourceDoc, number[]>();

/** 1-based line of a character offset (binary search over the document's line starts). */
function lineAt(doc: SourceDoc, text: string, offset: number): number {
  let starts = lineStarts.get(doc);
  if (!starts) {
    starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    lineStarts.set(doc, starts);
  }
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
