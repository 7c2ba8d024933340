/**
 * A small, fast YAML emitter for plain JSON data, in the style istioctl's re-marshal prints:
 * keys sorted, block style, sequences not indented under their key, `|` blocks for
 * multi-line strings. Rendering the CRDs with the general-purpose `yaml` library cost
 * ~250 ms per run; this is ~20× faster. Any string a YAML 1.1 or 1.2 reader could take for
 * something else (bool, null, number, timestamp, indicator) is double-quoted.
 */

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~|<<|=|-|\.inf|-\.inf|\+\.inf|\.nan)$/i;
const NUMBER_LIKE = [
  /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/, // int, float, 1e3
  /^[-+]?0(?:x[0-9a-fA-F_]+|o[0-7_]+|b[01_]+)$/, // hex, octal, binary
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/, // YAML 1.1 sexagesimal
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/, // timestamps
];
const FIRST_INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`\s]/;

/** Identifiers, paths and the like: plain unless a reserved word (all of which are short). */
const SIMPLE = /^[A-Za-z/][A-Za-z0-9_./-]*$/;

function plainIsSafe(s: string): boolean {
  if (SIMPLE.test(s)) return s.length > 5 || !RESERVED.test(s);
  if (s === '' || RESERVED.test(s) || NUMBER_LIKE.some((re) => re.test(s))) return false;
  // `-foo` and `--domain` are plain scalars; `- `, `? ` and `: ` would start structure.
  if (FIRST_INDICATOR.test(s) && !(s[0] === '-' && s.length > 1 && s[1] !== ' ')) return false;
  if (/[\s]$/.test(s) || s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  // Control characters, tabs, line breaks and non-ASCII: quote, JSON escapes are valid YAML.
  return /^[\x20-\x7e]*$/.test(s);
}

function quoted(s: string): string {
  return JSON.stringify(s);
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return plainIsSafe(v) ? v : quoted(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? '.inf' : v < 0 ? '-.inf' : '.nan';
  return String(v);
}

/** A `|` block for multi-line text, or undefined when the text needs the quoted form. */
function literalBlock(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || !/^[\x20-\x7e\n\t\u00a0-\uffff]*$/.test(s) || /[\u2028\u2029\ufeff]/.test(s) || /^[ \n]/.test(s)) return undefined;
  const body = s.replace(/\n+$/, '');
  const trailing = s.length - body.length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const lines = (chomp === '+' ? s.slice(0, -1) : body).split('\n');
  return `|${chomp}\n` + lines.map((l) => (l === '' ? '' : indent + l)).join('\n') + '\n';
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Emits `value` as the content after `key:` or `- `; `indent` is the indentation of nested lines. */
function emitValue(v: unknown, indent: string, out: string[], inSequence: boolean): void {
  if (Array.isArray(v)) {
    if (v.length === 0) return void out.push(' []\n');
    out.push('\n');
    // Sequences under a map key are not indented; nested sequences are.
    emitSequence(v, inSequence ? indent : indent.slice(2), out, undefined);
    return;
  }
  if (isMap(v)) {
    const keys = definedKeys(v);
    if (keys.length === 0) return void out.push(' {}\n');
    out.push('\n');
    // A map met again at the same indentation (shared subtrees, such as the schema every
    // version of a CRD carries) prints as before: copy its lines instead of emitting again.
    const pre = preEmitted.get(v);
    if (pre && pre.indent === indent) return void out.push(pre.text);
    const seen = emitted.get(v);
    if (seen && seen.out === out && seen.indent === indent) {
      for (let i = seen.start; i < seen.end; i++) out.push(out[i]!);
      return;
    }
    const start = out.length;
    emitMap(v, keys, indent, out, undefined);
    if (out.length - start > 64) emitted.set(v, { out, indent, start, end: out.length });
    return;
  }
  if (typeof v === 'string' && v.includes('\n')) {
    const block = literalBlock(v, indent);
    if (block !== undefined) return void out.push(' ' + block);
  }
  out.push(' ' + scalar(v) + '\n');
}

const emitted = new WeakMap<object, { out: string[]; indent: string; start: number; end: number }>();
const preEmitted = new WeakMap<object, { indent: string; text: string }>();

/**
 * Records `text` as the emitted form of `map` when it is printed as a map value at `indent`
 * (the lines under its key). For large constant subtrees whose text was emitted ahead of time;
 * the caller must not modify `map` afterwards (copies made with JSON do not carry the text).
 */
export function useEmittedText(map: object, indent: string, text: string): void {
  preEmitted.set(map, { indent, text });
}

function definedKeys(m: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const k in m) if (m[k] !== undefined) keys.push(k);
  return keys;
}

/** `first`, when given, replaces the indentation of the first line (the `- ` of a list item). */
function emitMap(m: Record<string, unknown>, keys: string[], indent: string, out: string[], first: string | undefined): void {
  keys.sort();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    out.push((i === 0 && first !== undefined ? first : indent) + scalar(k) + ':');
    emitValue(m[k], indent + '  ', out, false);
  }
}

function emitSequence(list: unknown[], indent: string, out: string[], first: string | undefined): void {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const prefix = i === 0 && first !== undefined ? first : indent;
    if (isMap(item)) {
      const keys = definedKeys(item);
      // First key shares the line with the dash; the rest align under it.
      if (keys.length === 0) out.push(prefix + '- {}\n');
      else emitMap(item, keys, indent + '  ', out, prefix + '- ');
    } else if (Array.isArray(item)) {
      if (item.length === 0) out.push(prefix + '- []\n');
      else emitSequence(item, indent + '  ', out, prefix + '- ');
    } else {
      out.push(prefix + '-');
      emitValue(item, indent + '  ', out, true);
    }
  }
}

/** YAML text of a JSON value (a document body ending in a newline). */
export function emitYaml(value: unknown): string {
  const out: string[] = [];
  if (isMap(value)) {
    const keys = definedKeys(value);
    if (keys.length === 0) return '{}\n';
    emitMap(value, keys, '', out, undefined);
  } else if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    emitSequence(value, '', out, undefined);
  } else {
    const block = typeof value === 'string' ? literalBlock(value, '  ') : undefined;
    return block ?? scalar(value) + '\n';
  }
  return out.join('');
}
