/**
 * Go's fmt semantics for the values templates print: %v of ints, float64 (shortest %g with
 * Go's exponent rule, e.g. 1e+06), bools, nil, maps (`map[a:1 b:2]`, keys sorted), slices
 * (`[a b]`), and Printf verbs with flags, width and precision.
 */
import { GoFloat, goTypeName, isStruct, mapGet, sortedKeys } from './values.js';

/** Go's strconv.FormatFloat(f, 'g', prec, 64); prec -1 = shortest. `upper` selects E. */
export function formatFloatG(f: number, prec = -1, sharp = false): string {
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const shortest = prec < 0;
  if (prec === 0) prec = 1;
  const exp0 = shortest ? f.toExponential() : f.toExponential(prec - 1);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp0)!;
  const sign = m[1];
  let digits = m[2] + (m[3] ?? '');
  const exp = Number(m[4]);
  if (!sharp) digits = digits.replace(/0+$/, '') || '0';
  let eprec = shortest ? 6 : prec;
  if (!shortest && eprec > digits.length && digits.length >= exp + 1) eprec = digits.length;
  if (sharp && !shortest) digits = digits.padEnd(prec, '0');
  if (exp < -4 || exp >= eprec) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}${frac ? '.' + frac : ''}`;
}

function formatFloatE(f: number, prec: number, upper: boolean): string {
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf';
  const s = f.toExponential(prec).replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? s.toUpperCase() : s;
}

function formatFloatF(f: number, prec: number): string {
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf';
  return f.toFixed(Math.min(prec, 100));
}

const numberOf = (v: number | GoFloat): number => (typeof v === 'number' ? v : v.value);

/** fmt's %v for one value. */
export function formatValue(v: unknown, plus = false): string {
  if (v === undefined || v === null) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isInteger(v) && Math.abs(v) < 1e21 ? (Object.is(v, -0) ? '0' : String(v)) : formatFloatG(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'function':
      return '0x1';
  }
  if (v instanceof GoFloat) return formatFloatG(v.value);
  if (Array.isArray(v)) return `[${v.map((e) => formatValue(e, plus)).join(' ')}]`;
  if (isStruct(v)) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .map((k) => (plus ? `${k}:` : '') + formatValue(o[k], plus))
      .join(' ')}}`;
  }
  if (typeof v === 'object') {
    return `map[${sortedKeys(v)
      .map((k) => `${k}:${formatValue(mapGet(v, k), plus)}`)
      .join(' ')}]`;
  }
  return String(v);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && typeof args[i] !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(args[i]);
  }
  return out;
}

export function sprintln(args: unknown[]): string {
  return args.map((a) => formatValue(a)).join(' ') + '\n';
}

const isPrint = (ch: string): boolean => /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch);

/** strconv.Quote (asciiOnly = QuoteToASCII). */
export function quoteGo(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x80 ? cp >= 0x20 && cp !== 0x7f : !asciiOnly && isPrint(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + '"';
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number; // -1 = none
  prec: number; // -1 = none
  verb: string;
  plusV?: boolean;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  if (spec.width < 0 || [...s].length >= spec.width) return s;
  const n = spec.width - [...s].length;
  if (spec.minus) return s + ' '.repeat(n);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(n) + s.slice(sign.length);
  }
  if (spec.zero && !numeric) return '0'.repeat(n) + s;
  return ' '.repeat(n) + s;
}

function badVerb(spec: Spec, v: unknown): string {
  if (v === undefined || v === null) return `%!${spec.verb}(<nil>)`;
  return `%!${spec.verb}(${goTypeName(v)}=${formatValue(v)})`;
}

function signed(s: string, neg: boolean, spec: Spec): string {
  if (neg) return '-' + s;
  if (spec.plus) return '+' + s;
  if (spec.space) return ' ' + s;
  return s;
}

function fmtInt(n: number, spec: Spec): string | null {
  const neg = n < 0;
  const a = BigInt(Math.abs(n));
  let s: string;
  switch (spec.verb) {
    case 'd':
    case 'v':
      s = a.toString();
      break;
    case 'x':
      s = (spec.sharp ? '0x' : '') + a.toString(16);
      break;
    case 'X':
      s = (spec.sharp ? '0X' : '') + a.toString(16).toUpperCase();
      break;
    case 'o':
      s = (spec.sharp ? '0' : '') + a.toString(8);
      break;
    case 'O':
      s = '0o' + a.toString(8);
      break;
    case 'b':
      s = a.toString(2);
      break;
    case 'c':
      return pad(String.fromCodePoint(n), spec, false);
    case 'q':
      return pad(`'${String.fromCodePoint(n)}'`, spec, false);
    case 'U':
      return pad('U+' + n.toString(16).toUpperCase().padStart(4, '0'), spec, false);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      // JSON numbers are float64 in Go; accept integral ones for float verbs.
      return fmtFloat(n, spec);
    default:
      return null;
  }
  if (spec.prec >= 0) s = s.padStart(spec.prec, '0');
  return pad(signed(s, neg, spec), spec, spec.prec < 0);
}

function fmtFloat(f: number, spec: Spec): string | null {
  let s: string;
  const prec = spec.prec;
  switch (spec.verb) {
    case 'v':
    case 'g':
      s = formatFloatG(Math.abs(f), prec, spec.sharp);
      break;
    case 'G':
      s = formatFloatG(Math.abs(f), prec, spec.sharp).toUpperCase();
      break;
    case 'e':
    case 'E':
      s = formatFloatE(Math.abs(f), prec < 0 ? 6 : prec, spec.verb === 'E');
      break;
    case 'f':
    case 'F':
      s = formatFloatF(Math.abs(f), prec < 0 ? 6 : prec);
      break;
    default:
      return null;
  }
  const neg = f < 0 || Object.is(f, -0);
  if (s === 'NaN') return pad(spec.plus ? '+NaN' : spec.space ? ' NaN' : 'NaN', { ...spec, zero: false }, false);
  if (s === '+Inf') s = 'Inf';
  return pad(signed(s, neg, spec), spec, Number.isFinite(f));
}

function fmtString(s: string, spec: Spec): string | null {
  if (spec.prec >= 0 && spec.verb !== 'x' && spec.verb !== 'X') s = [...s].slice(0, spec.prec).join('');
  switch (spec.verb) {
    case 's':
    case 'v':
      return pad(s, spec, false);
    case 'q':
      if (spec.sharp && !s.includes('`') && !/[\x00-\x08\x0a-\x1f\x7f]/.test(s)) return pad('`' + s + '`', spec, false);
      return pad(quoteGo(s, spec.plus), spec, false);
    case 'x':
    case 'X': {
      let bytes = [...Buffer.from(s, 'utf8')];
      if (spec.prec >= 0) bytes = bytes.slice(0, spec.prec);
      let hex = bytes.map((b) => (spec.sharp && spec.space ? '0x' : '') + b.toString(16).padStart(2, '0')).join(spec.space ? ' ' : '');
      if (spec.sharp && !spec.space) hex = '0x' + hex;
      return pad(spec.verb === 'X' ? hex.toUpperCase() : hex, spec, false);
    }
    default:
      return null;
  }
}

/** Formats one argument for one verb; returns `%!verb(type=value)` on a mismatch like Go. */
function formatArg(v: unknown, spec: Spec): string {
  const verb = spec.verb;
  if (verb === 'v' && spec.plus) {
    // %+v: the flag asks for struct field names; it does not sign numbers.
    return formatArg(v, { ...spec, plus: false, plusV: true });
  }
  if (verb === 'T') return pad(goTypeName(v), spec, false);
  if (verb === 'v' && spec.sharp) return pad(goSyntax(v), spec, false);
  if (v === undefined || v === null) {
    return verb === 'v' ? pad('<nil>', spec, false) : badVerb(spec, v);
  }
  let out: string | null = null;
  if (typeof v === 'string') out = fmtString(v, spec);
  else if (typeof v === 'boolean') out = verb === 't' || verb === 'v' ? pad(String(v), spec, false) : null;
  else if (typeof v === 'number') out = Number.isInteger(v) && verb !== 'v' ? fmtInt(v, spec) : Number.isInteger(v) ? fmtInt(v, spec) : fmtFloat(v, spec);
  else if (v instanceof GoFloat) out = fmtFloat(v.value, spec);
  else if (Array.isArray(v)) {
    if (verb === 'x' || verb === 'X' || verb === 's' || verb === 'v' || verb === 'd' || verb === 'q') {
      return pad(`[${v.map((e) => formatArg(e, { ...spec, width: -1 })).join(' ')}]`, spec, false);
    }
  } else if (typeof v === 'object') {
    if (verb === 's' || verb === 'v' || verb === 'd' || verb === 'q' || verb === 'x' || verb === 'X') {
      if (isStruct(v)) {
        const o = v as Record<string, unknown>;
        return pad(`{${Object.keys(o).map((k) => (spec.plusV ? k + ':' : '') + formatArg(o[k], { ...spec, width: -1 })).join(' ')}}`, spec, false);
      }
      const keys = sortedKeys(v);
      const inner = { ...spec, width: -1 };
      return pad(`map[${keys.map((k) => `${formatArg(k, inner)}:${formatArg(mapGet(v, k), inner)}`).join(' ')}]`, spec, false);
    }
  } else if (typeof v === 'function') {
    out = verb === 'v' || verb === 'p' ? '0x1' : null;
  }
  return out ?? badVerb(spec, v);
}

/** Approximation of %#v (Go syntax). */
function goSyntax(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return quoteGo(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof GoFloat) return formatValue(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSyntax).join(', ')}}`;
  if (typeof v === 'object') {
    return `map[string]interface {}{${sortedKeys(v)
      .map((k) => `${quoteGo(k)}:${goSyntax(mapGet(v, k))}`)
      .join(', ')}}`;
  }
  return formatValue(v);
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let reordered = false;
  const n = format.length;
  for (let i = 0; i < n; ) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: -1, prec: -1, verb: '' };
    flags: for (; i < n; i++) {
      switch (format[i]) {
        case '-':
          spec.minus = true;
          spec.zero = false;
          break;
        case '+':
          spec.plus = true;
          break;
        case '#':
          spec.sharp = true;
          break;
        case ' ':
          spec.space = true;
          break;
        case '0':
          spec.zero = !spec.minus;
          break;
        default:
          break flags;
      }
    }
    const argIndex = (): void => {
      const m = /^\[(\d+)\]/.exec(format.slice(i));
      if (m) {
        argi = Number(m[1]) - 1;
        i += m[0].length;
        reordered = true;
      }
    };
    argIndex();
    if (format[i] === '*') {
      i++;
      const w = args[argi++];
      spec.width = typeof w === 'number' ? w : -1;
      if (spec.width < 0 && typeof w === 'number') {
        spec.minus = true;
        spec.width = -spec.width;
      }
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        spec.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      argIndex();
      if (format[i] === '*') {
        i++;
        const p = args[argi++];
        spec.prec = typeof p === 'number' && p >= 0 ? p : -1;
      } else {
        const m = /^\d+/.exec(format.slice(i));
        spec.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
      }
    }
    argIndex();
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    spec.verb = verb;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argi++], spec);
  }
  if (!reordered && argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`))
      .join(', ')})`;
  }
  return out;
}

export { numberOf };
