/**
 * A reader for the plain block YAML that profile files are written in: nested maps and lists,
 * `#` comment lines, plain, single- or double-quoted scalars, empty `{}`, one-line `[a, b]`. The `yaml`
 * library costs ~25 ms of cold start to read two small profiles, a tenth of a whole
 * `manifest generate`. Anything outside this subset returns undefined and the caller uses the
 * full parser, so a result is either what the `yaml` library would give or nothing.
 */

interface Line {
  indent: number;
  text: string;
}

class Unsupported extends Error {}

const KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]*|"[^"\\]*"|'[^']*'):(?: (.*))?$/;

export function parseBlockYaml(text: string): unknown {
  const lines: Line[] = [];
  let started = false;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed === '---' && !started) continue;
    if (line.includes('\t') || trimmed === '---' || trimmed === '...' || trimmed.startsWith('%')) return undefined;
    started = true;
    lines.push({ indent: line.length - line.trimStart().length, text: trimmed });
  }
  if (lines.length === 0) return undefined;
  try {
    const at = { i: 0 };
    const value = node(lines, at, lines[0]!.indent);
    return at.i === lines.length ? value : undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

/** The block starting at lines[at.i], whose lines are indented exactly `indent`. */
function node(lines: Line[], at: { i: number }, indent: number): unknown {
  return lines[at.i]!.text.startsWith('- ') || lines[at.i]!.text === '-' ? list(lines, at, indent) : map(lines, at, indent);
}

function map(lines: Line[], at: { i: number }, indent: number, first?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let text = first;
  for (;;) {
    if (text === undefined) {
      const line = lines[at.i];
      if (!line || line.indent < indent) break;
      if (line.indent > indent) throw new Unsupported();
      text = line.text;
    }
    at.i++;
    const m = KEY.exec(text);
    if (!m) throw new Unsupported();
    const key = unquoteKey(m[1]!);
    if (key === '<<' || Object.prototype.hasOwnProperty.call(out, key)) throw new Unsupported();
    out[key] = m[2] === undefined || m[2] === '' ? nested(lines, at, indent, true) : scalar(m[2]);
    text = undefined;
  }
  return out;
}

function list(lines: Line[], at: { i: number }, indent: number): unknown[] {
  const out: unknown[] = [];
  for (;;) {
    const line = lines[at.i];
    if (!line || line.indent < indent) break;
    if (line.indent > indent || !(line.text.startsWith('- ') || line.text === '-')) {
      if (line.indent === indent) break; // a map key after a list at the same indentation
      throw new Unsupported();
    }
    const rest = line.text === '-' ? '' : line.text.slice(2).trimStart();
    if (rest === '') {
      at.i++;
      out.push(nested(lines, at, indent, false));
    } else if (KEY.test(rest)) {
      // `- key: v`: a map whose keys align two columns in from the dash.
      out.push(map(lines, at, indent + 2 + (line.text.length - 2 - rest.length), rest));
    } else if (rest.startsWith('- ')) {
      throw new Unsupported();
    } else {
      at.i++;
      out.push(scalar(rest));
    }
  }
  return out;
}

/** The value of `key:` or `-` with nothing after it: a deeper block, or null. */
function nested(lines: Line[], at: { i: number }, indent: number, underKey: boolean): unknown {
  const next = lines[at.i];
  if (!next) return null;
  // Lists under a key may sit at the key's own indentation.
  if (next.indent > indent || (underKey && next.indent === indent && (next.text.startsWith('- ') || next.text === '-'))) return node(lines, at, next.indent);
  return null;
}

function unquoteKey(k: string): string {
  if (k.startsWith('"')) return k.slice(1, -1);
  if (k.startsWith("'")) return k.slice(1, -1);
  return k;
}

const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;
/** Other spellings the YAML 1.2 core schema reads as numbers (exponents, hex, octal, inf/nan). */
const OTHER_NUMBER = /^[-+]?(?:[0-9]+\.?[0-9]*[eE][-+]?[0-9]+|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan)$/i;
const PLAIN = /^[A-Za-z0-9/$][A-Za-z0-9_./:$()@%+=-]*$/;
const WORDS = /^(?:true|false|null|yes|no|on|off|y|n)$/i;

function scalar(s: string): unknown {
  if (s === '{}') return {};
  if (s === '[]') return [];
  if (s.startsWith('[') && s.endsWith(']')) {
    // A one-line flow list of scalars; a comma inside quotes splits a quoted item, which
    // then fails the quote checks below.
    return s.slice(1, -1).split(',').map((item) => {
      const t = item.trim();
      if (t === '' || /[[\]{}]/.test(t)) throw new Unsupported();
      return scalar(t);
    });
  }
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s === 'null' || s === '~') return null;
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    const body = s.slice(1, -1);
    if (body.includes('\\') || body.includes('"')) throw new Unsupported();
    return body;
  }
  if (s.length >= 2 && s.startsWith("'") && s.endsWith("'")) {
    const body = s.slice(1, -1);
    if (body.replace(/''/g, '').includes("'")) throw new Unsupported();
    return body.replace(/''/g, "'");
  }
  if (INT.test(s)) {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || /^[-+]?0[0-9]/.test(s)) throw new Unsupported();
    return n;
  }
  if (FLOAT.test(s)) return Number(s);
  // Conservative plain strings only: no spaces (so no ': ' or ' #'), no leading indicator,
  // nothing another YAML reader might take for a bool, null or number.
  if (!PLAIN.test(s) || s.endsWith(':') || WORDS.test(s) || OTHER_NUMBER.test(s)) throw new Unsupported();
  return s;
}
