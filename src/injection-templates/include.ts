/**
 * A build-time include for the injection templates. istiod parses every ConfigMap template on
 * its own, so a block shared by several templates cannot stay a Go `{{ template }}` call into a
 * common define: it is pasted in when the templates are loaded instead.
 *
 * A shared block is written once, in a shared file, as
 *
 *     {{ define "name" }}
 *     ...lines, indented as if they started at column 0...
 *     {{ end }}
 *
 * and used from a template by a line holding only `{{ template "name" . }}`, which is replaced
 * by the block's lines, each indented like the use line. The paste is textual: the block sees
 * the use site's dot and variables. Other `{{ template }}` calls (to the template's own
 * defines, or with trim markers) are Go's and stay as they are.
 */

/** Shared blocks by name: their lines, joined, indented from column 0. */
export type Blocks = ReadonlyMap<string, string>;

const DEFINE_LINE = /^\{\{ define "([\w.-]+)" \}\}$/;
const USE_LINES = /^( *)\{\{ template "([\w.-]+)" \. \}\}$/gm;
// Actions that open a block closed by `{{ end }}` (else/else if stay inside their block).
const OPENS = /\{\{-?\s*(?:if|range|with|define|block)\b/g;
const ENDS = /\{\{-?\s*end\s*-?\}\}/g;

/** Reads the defines of a shared file; text outside them (comments, blank lines) is ignored. */
export function parseBlocks(text: string, file: string): Map<string, string> {
  const lines = text.split('\n');
  const blocks = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const open = DEFINE_LINE.exec(lines[i]);
    if (!open) {
      if (/\{\{-?\s*define\b/.test(lines[i])) throw new Error(`${file}:${i + 1}: a shared block opens with a line holding only {{ define "name" }}`);
      continue;
    }
    const name = open[1];
    if (blocks.has(name)) throw new Error(`${file}:${i + 1}: block "${name}" is defined twice`);
    let depth = 1;
    let end = i + 1;
    for (; end < lines.length; end++) {
      depth += count(lines[end], OPENS) - count(lines[end], ENDS);
      if (depth <= 0) break;
    }
    if (depth !== 0 || lines[end] !== '{{ end }}') {
      throw new Error(`${file}:${i + 1}: block "${name}" must close with a line holding only {{ end }}`);
    }
    blocks.set(name, lines.slice(i + 1, end).join('\n'));
    i = end;
  }
  return blocks;
}

/** The template with every use of a shared block replaced by the block's lines. */
export function expandBlocks(template: string, blocks: Blocks, file: string): string {
  return expand(template, blocks, [], (offset) => `${file}:${template.slice(0, offset).split('\n').length}`);
}

// One native regex pass over the text: this runs on every start-up that needs the templates.
function expand(text: string, blocks: Blocks, using: readonly string[], where: (offset: number) => string): string {
  return text.replace(USE_LINES, (line: string, indent: string, name: string, offset: number) => {
    const body = blocks.get(name);
    if (body === undefined) return line;
    if (using.includes(name)) throw new Error(`${where(offset)}: block "${name}" includes itself (${[...using, name].join(' -> ')})`);
    if (body === '') throw new Error(`${where(offset)}: block "${name}" is empty`);
    const inner = expand(body, blocks, [...using, name], () => `block "${name}"`);
    return inner.split('\n').map((l) => (l === '' ? '' : indent + l)).join('\n');
  });
}

function count(line: string, pattern: RegExp): number {
  return line.match(pattern)?.length ?? 0;
}
