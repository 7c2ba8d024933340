/**
 * Go's encoding/json text rules, which istioctl's -o json output passes through: string
 * quoting (HTML characters escaped as \u003c, \u003e, \u0026), float formatting, and
 * json.MarshalIndent's re-indentation of a Marshaler's compact bytes.
 */

const HEX = '0123456789abcdef';

/** json.Marshal(string) with HTML escaping (Go 1.22+: \b and \f get short escapes). */
export function goQuote(s: string, escapeHTML = true): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      rep = c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : c === 0x08 ? '\\b' : c === 0x0c ? '\\f' : `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26)) rep = `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    else if (c === 0x2028 || c === 0x2029) rep = escapeHTML ? `\\u${c.toString(16)}` : undefined;
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is invalid UTF-8 in Go's eyes: it becomes U+FFFD.
      const pair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
        i++;
        continue;
      }
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** encoding/json's float encoding: shortest representation, exponent only outside [1e-6, 1e21). */
export function goFloat(f: number, bits: 32 | 64 = 64): string {
  if (Object.is(f, -0)) return '-0';
  let v = f;
  if (bits === 32) {
    // The shortest decimal that reads back as the same float32.
    const target = Math.fround(f);
    for (let p = 1; p <= 9; p++) {
      const candidate = Number(target.toPrecision(p));
      if (Math.fround(candidate) === target) {
        v = candidate;
        break;
      }
    }
  }
  const s = String(v);
  // JS and Go agree on when to use the exponent form; Go writes e+21 and e-7 the same way.
  return s;
}

/**
 * json.MarshalIndent of a Marshaler's output: compact (escaping HTML characters inside
 * strings), then indent with `indent` per level; `{}` and `[]` stay on one line.
 */
export function goIndent(compact: string, indent: string, escapeHTML = true): string {
  let out = '';
  let depth = 0;
  let needIndent = false;
  let inString = false;
  const newline = () => '\n' + indent.repeat(depth);
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i]!;
    if (inString) {
      if (c === '\\') {
        out += c + compact[++i];
        continue;
      }
      if (c === '"') inString = false;
      out += !escapeHTML ? c : c === '<' ? '\\u003c' : c === '>' ? '\\u003e' : c === '&' ? '\\u0026' : c === '\u2028' ? '\\u2028' : c === '\u2029' ? '\\u2029' : c;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') continue;
    if (needIndent && c !== '}' && c !== ']') {
      needIndent = false;
      depth++;
      out += newline();
    }
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case '{':
      case '[':
        needIndent = true;
        out += c;
        break;
      case ',':
        out += c + newline();
        break;
      case ':':
        out += ': ';
        break;
      case '}':
      case ']':
        if (needIndent) needIndent = false;
        else {
          depth--;
          out += newline();
        }
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}
