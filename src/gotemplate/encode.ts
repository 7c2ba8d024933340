/**
 * Go's encoding/json Marshal (map keys sorted, HTML-safe escaping, Go number forms) and
 * sigs.k8s.io/yaml Marshal (JSON first, then go-yaml v2 block style), as Sprig's and Istio's
 * toJson/toYaml produce them.
 * marshalYAML is deliberately not src/yaml/'s writer: it is go-yaml's dialect (single quotes,
 * Go float forms, its own block-scalar rules) that templates must reproduce byte for byte.
 */
import { formatFloatG } from './format.js';
import { GoFloat, asStruct, isStruct, mapGet, sortedKeys } from './values.js';

function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26 && c !== 0x2028 && c !== 0x2029 && (c < 0xd800 || c > 0xdfff)) {
      out += s[i];
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      default:
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
          out += s[i] + s[i + 1];
          i++;
        } else if (c >= 0xd800 && c <= 0xdfff) {
          out += '\\ufffd';
        } else {
          out += `\\u${c.toString(16).padStart(4, '0')}`;
        }
    }
  }
  return out + '"';
}

function jsonNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${formatFloatG(n)}`);
  return Object.is(n, -0) ? '-0' : String(n);
}

/** Go json.Marshal; `indent` gives MarshalIndent output. */
export function marshalJSON(v: unknown, indent = '', prefix = ''): string {
  const nl = indent ? '\n' : '';
  const enc = (x: unknown, depth: number): string => {
    if (x === undefined || x === null) return 'null';
    switch (typeof x) {
      case 'string':
        return jsonString(x);
      case 'number':
        return jsonNumber(x);
      case 'boolean':
        return x ? 'true' : 'false';
      case 'bigint':
        return x.toString();
      case 'function':
        throw new Error('json: unsupported type: func()');
    }
    if (x instanceof GoFloat) return jsonNumber(x.value);
    const pad = indent ? prefix + indent.repeat(depth + 1) : '';
    const end = indent ? prefix + indent.repeat(depth) : '';
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return `[${nl}${x.map((e) => pad + enc(e, depth + 1)).join(',' + nl)}${nl}${end}]`;
    }
    const keys = isStruct(x) ? Object.keys(x as object) : sortedKeys(x as object);
    if (keys.length === 0) return '{}';
    const sep = indent ? ': ' : ':';
    return `{${nl}${keys.map((k) => pad + jsonString(k) + sep + enc(mapGet(x as object, k), depth + 1)).join(',' + nl)}${nl}${end}}`;
  };
  return enc(v, 0);
}

// ---- YAML (go-yaml v2 emitter conventions) ----

const YAML11_NON_STRING = new Set(
  ['~', 'null', 'Null', 'NULL', 'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '.nan', '.NaN', '.NAN', '<<'],
);

/** Would a plain scalar with this text resolve to something other than a string in YAML 1.1? */
function resolvesNonString(s: string): boolean {
  if (s === '' || YAML11_NON_STRING.has(s)) return true;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(plain) || /^[-+]?0[0-7]+$/.test(plain) || /^[-+]?0x[0-9a-fA-F]+$/.test(plain) || /^[-+]?0b[01]+$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s)) return true; // base 60
  if (/^\d{4}-\d\d?-\d\d?([Tt ]|$)/.test(s)) return true; // timestamp
  return false;
}

const SPECIAL_FIRST = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

/** May the string be written as a plain scalar in block context (go-yaml's analyze_scalar)? */
function plainAllowed(s: string): boolean {
  const first = s[0];
  if (first === ' ' || s[s.length - 1] === ' ' || first === '\t') return false;
  if (SPECIAL_FIRST.has(first)) {
    if (first === '-' || first === '?' || first === ':') {
      if (s.length === 1 || s[1] === ' ' || s[1] === '\t') return false;
    } else return false;
  }
  if (s.startsWith('---') || s.startsWith('...')) return false;
  if (/: |:$| #|\t/.test(s)) return false;
  return true;
}

/** Characters go-yaml does not print as-is (is_printable), forcing double quotes. */
const needsDoubleQuotes = (s: string): boolean => /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff\p{Cs}]/u.test(s);

function yamlDoubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c === 0) out += '\\0';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (c === 0x85) out += '\\N';
    else if (c === 0x2028) out += '\\L';
    else if (c === 0x2029) out += '\\P';
    else if (c === 0xfeff) out += '\\uFEFF';
    else out += ch;
  }
  return out + '"';
}

function yamlScalarString(s: string, indent: string): string {
  if (needsDoubleQuotes(s)) return yamlDoubleQuoted(s);
  if (s.includes('\n')) {
    // Literal block unless a line ends in spaces (go-yaml then falls back to double quotes).
    if (/ \n|\t\n/.test(s) || /[ \t]$/.test(s.replace(/\n+$/, '')) || /^\s/.test(s)) return yamlDoubleQuoted(s);
    const trailing = /\n+$/.exec(s)?.[0].length ?? 0;
    const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
    const body = trailing > 0 ? s.slice(0, s.length - trailing) : s;
    const lines = body.split('\n').map((l) => (l === '' ? '' : indent + l));
    const extra = trailing > 1 ? '\n'.repeat(trailing - 1) : '';
    return `|${chomp}\n${lines.join('\n')}${extra}`;
  }
  if (resolvesNonString(s)) return yamlDoubleQuoted(s);
  if (plainAllowed(s)) return s;
  return `'${s.replace(/'/g, "''")}'`;
}

function yamlScalar(v: unknown, indent: string): string | null {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return yamlScalarString(v, indent);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : yamlFloat(v);
    case 'bigint':
      return v.toString();
  }
  if (v instanceof GoFloat) return Number.isInteger(v.value) && Math.abs(v.value) < 1e21 ? String(v.value) : yamlFloat(v.value);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : null;
  if (typeof v === 'object') return Object.keys(v).length === 0 && !(v instanceof Map && v.size > 0) ? '{}' : null;
  return null;
}

function yamlFloat(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (!Number.isFinite(f)) return f > 0 ? '.inf' : '-.inf';
  return formatFloatG(f);
}

function emitYaml(v: unknown, indent: string, out: string[], inSeq: boolean): void {
  if (Array.isArray(v)) {
    let first = true;
    for (const e of v) {
      const prefix = first && inSeq ? '' : indent;
      first = false;
      const s = yamlScalar(e, indent + '  ');
      if (s !== null) {
        out.push(`${prefix}- ${s}\n`);
      } else {
        out.push(`${prefix}- `);
        emitYaml(e, indent + '  ', out, true);
      }
    }
    return;
  }
  const obj = v as object;
  const keys = isStruct(obj) ? Object.keys(obj) : sortedKeys(obj);
  let first = true;
  for (const k of keys) {
    const prefix = first && inSeq ? '' : indent;
    first = false;
    const val = mapGet(obj, k);
    const key = yamlScalarString(k, indent);
    const s = yamlScalar(val, indent + '  ');
    if (s !== null) {
      out.push(`${prefix}${key}: ${s}\n`);
    } else if (Array.isArray(val)) {
      out.push(`${prefix}${key}:\n`);
      emitYaml(val, indent, out, false);
    } else {
      out.push(`${prefix}${key}:\n`);
      emitYaml(val, indent + '  ', out, false);
    }
  }
}

/** sigs.k8s.io/yaml Marshal: block YAML ending in a newline (`{}` for an empty map). */
export function marshalYAML(v: unknown): string {
  // Round-trip through Go JSON rules: drops functions, normalises GoFloat.
  const norm = normalise(v);
  const s = yamlScalar(norm, '');
  if (s !== null) return s + '\n';
  const out: string[] = [];
  emitYaml(norm, '', out, false);
  return out.join('');
}

/** Converts to the JSON data model (undefined → null, Map → object, struct order kept). */
function normalise(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'function') throw new Error('json: unsupported type: func()');
  if (typeof v !== 'object' || v === null || v instanceof GoFloat) return v;
  if (Array.isArray(v)) return v.map(normalise);
  const keys = isStruct(v) ? Object.keys(v) : sortedKeys(v);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = normalise(mapGet(v, k));
  // Keep the chosen order when emitting.
  return isStruct(v) ? asStruct(out) : out;
}

