/**
 * sigs.k8s.io/yaml.JSONToYAML, which istioctl runs on its JSON for -o yaml: the JSON is read
 * as YAML (numbers keep their int/float nature) and written by go-yaml v2: mapping keys in
 * its "natural" order, sequences not indented under their key, strings quoted only when a
 * reader would take them for something else (single quotes unless escapes are needed),
 * `|` blocks for multi-line text, long plain text folded at 80 columns.
 */

type Node = null | boolean | string | { num: string } | Node[] | Map<string, Node>;

// ---- a JSON reader that keeps number literals ----------------------------------------------

export function parseJsonKeepingNumbers(text: string): Node {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\t' || text[i] === '\r')) i++;
  };
  const value = (): Node => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map<string, Node>();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        ws();
        const k = str();
        ws();
        if (text[i++] !== ':') throw new SyntaxError(`expected ':' at position ${i - 1}`);
        m.set(k, value());
        ws();
        const d = text[i++];
        if (d === '}') return m;
        if (d !== ',') throw new SyntaxError(`expected ',' or '}' at position ${i - 1}`);
      }
    }
    if (c === '[') {
      i++;
      const a: Node[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        const d = text[i++];
        if (d === ']') return a;
        if (d !== ',') throw new SyntaxError(`expected ',' or ']' at position ${i - 1}`);
      }
    }
    if (c === '"') return str();
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!lit) throw new SyntaxError(`unexpected character at position ${i}`);
    i += lit[0].length;
    if (lit[0] === 'true') return true;
    if (lit[0] === 'false') return false;
    if (lit[0] === 'null') return null;
    return { num: lit[0] };
  };
  const str = (): string => {
    if (text[i] !== '"') throw new SyntaxError(`expected a string at position ${i}`);
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i < text.length) throw new SyntaxError(`unexpected text at position ${i}`);
  return v;
}

// ---- go-yaml v2's key order ------------------------------------------------------------------

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function keyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = LETTER.test(ar[i]!);
    const bl = LETTER.test(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && DIGIT.test(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && DIGIT.test(ar[ai]!); ai++) an = an * 10 + (ar[ai]!.codePointAt(0)! - 48);
    for (; bi < br.length && DIGIT.test(br[bi]!); bi++) bn = bn * 10 + (br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

// ---- scalar resolution (what a YAML 1.1 reader would make of an unquoted string) -------------

const BOOL_OR_NULL = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF', '~', 'null', 'Null', 'NULL', '', '<<', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '.nan', '.NaN', '.NAN']);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP = [/^\d{4}-\d{1,2}-\d{1,2}[Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{1,2}:\d{2})$/, /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?$/, /^\d{4}-\d{1,2}-\d{1,2}$/];

function resolvesToNonString(s: string): boolean {
  if (BOOL_OR_NULL.has(s)) return true;
  const c = s[0];
  if (c === undefined) return true;
  if (c === '+' || c === '-' || c === '.' || (c >= '0' && c <= '9')) {
    if (c >= '0' && c <= '9' && TIMESTAMP.some((re) => re.test(s))) return true;
    const plain = s.replace(/_/g, '');
    if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|[0-9]+)$/.test(plain) && !/^[-+]?0[0-9]*[89]/.test(plain)) return true;
    if (YAML_FLOAT.test(plain)) return true;
    if (/^-?0b[01]+$/.test(plain)) return true;
  }
  return false;
}

// ---- the emitter's scalar analysis (libyaml's yaml_emitter_analyze_scalar) -------------------

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

const isBreak = (c: string) => c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isPrintable = (c: string) => {
  const x = c.codePointAt(0)!;
  return x === 0x0a || (x >= 0x20 && x <= 0x7e) || x === 0x85 || (x >= 0xa0 && x <= 0xd7ff) || (x >= 0xe000 && x <= 0xfffd && x !== 0xfeff) || x >= 0x10000;
};

function analyze(value: string): Analysis {
  if (value === '') return { multiline: false, blockPlain: true, singleQuoted: true, block: false };
  let blockInd = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) blockInd = true;
  let precededByWhitespace = true;
  const chars = [...value];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t' || isBreak(next);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockInd = true;
      else if ((c === '?' || c === ':') && followedByWhitespace) blockInd = true;
      else if (c === '-' && followedByWhitespace) blockInd = true;
    } else if (c === ':' && followedByWhitespace) blockInd = true;
    else if (c === '#' && precededByWhitespace) blockInd = true;
    if (!isPrintable(c)) special = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWhitespace = c === ' ' || c === '\t' || isBreak(c) || c === '\0';
  }
  const a: Analysis = { multiline: lineBreaks, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || special) a.blockPlain = a.singleQuoted = a.block = false;
  if (lineBreaks) a.blockPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

// ---- writer ----------------------------------------------------------------------------------

const BEST_WIDTH = 80;

class Out {
  text = '';
  column = 0;
  write(s: string): void {
    this.text += s;
    const nl = s.lastIndexOf('\n');
    this.column = nl >= 0 ? [...s.slice(nl + 1)].length : this.column + [...s].length;
  }
  /** A new line at column n; after a line break already written (a `|` block), just the spaces. */
  indent(n: number): void {
    this.write((this.text.endsWith('\n') ? '' : '\n') + ' '.repeat(n));
  }
}

type Style = 'plain' | 'single' | 'double' | 'literal';

function chooseStyle(s: string, isKey: boolean): Style {
  let style: Style = s.includes('\n') ? 'literal' : resolvesToNonString(s) || BASE60.test(s) ? 'double' : 'plain';
  const a = analyze(s);
  if (style === 'plain') {
    if (!a.blockPlain) style = 'single';
    if (s === '' && isKey) style = 'single';
  }
  if (style === 'single' && !a.singleQuoted) style = 'double';
  if (style === 'literal' && (!a.block || isKey)) style = 'double';
  return style;
}

function writePlain(out: Out, s: string, indent: number, allowBreaks: boolean): void {
  const chars = [...s];
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === ' ') {
      if (allowBreaks && !spaces && out.column > BEST_WIDTH && chars[i + 1] !== ' ') out.indent(indent);
      else out.write(c);
      spaces = true;
    } else {
      out.write(c);
      spaces = false;
    }
  }
}

function writeSingle(out: Out, s: string, indent: number, allowBreaks: boolean): void {
  out.write("'");
  const chars = [...s];
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === ' ') {
      if (allowBreaks && !spaces && out.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ') out.indent(indent);
      else out.write(c);
      spaces = true;
    } else {
      out.write(c === "'" ? "''" : c);
      spaces = false;
    }
  }
  out.write("'");
}

const SHORT_ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\x0b': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e', '"': '"', '\\': '\\',
  '\u0085': 'N', '\u00a0': '_', '\u2028': 'L', '\u2029': 'P',
};

function writeDouble(out: Out, s: string, indent: number, allowBreaks: boolean): void {
  out.write('"');
  const chars = [...s];
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (!isPrintable(c) || c === '\ufeff' || isBreak(c) || c === '"' || c === '\\') {
      const short = SHORT_ESCAPES[c];
      if (short) out.write('\\' + short);
      else {
        const x = c.codePointAt(0)!;
        out.write(x <= 0xff ? `\\x${x.toString(16).toUpperCase().padStart(2, '0')}` : x <= 0xffff ? `\\u${x.toString(16).toUpperCase().padStart(4, '0')}` : `\\U${x.toString(16).toUpperCase().padStart(8, '0')}`);
      }
      spaces = false;
    } else if (c === ' ') {
      if (allowBreaks && !spaces && out.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
        out.indent(indent);
        if (chars[i + 1] === ' ') out.write('\\');
      } else out.write(c);
      spaces = true;
    } else {
      out.write(c);
      spaces = false;
    }
  }
  out.write('"');
}

function writeLiteral(out: Out, s: string, indent: number): void {
  let hints = '';
  if (s[0] === ' ' || isBreak(s[0]!)) hints += '2';
  const chars = [...s];
  const last = chars[chars.length - 1]!;
  if (!isBreak(last)) hints += '-';
  else if (chars.length === 1 || isBreak(chars[chars.length - 2]!)) hints += '+';
  out.write('|' + hints + '\n');
  let breaks = true;
  for (const c of chars) {
    if (isBreak(c)) {
      out.write(c === '\r' ? '\r' : '\n');
      breaks = true;
    } else {
      if (breaks) out.write(' '.repeat(indent));
      out.write(c);
      breaks = false;
    }
  }
}

function scalarText(n: Node): { text: string; style: Style } | undefined {
  if (n === null) return { text: 'null', style: 'plain' };
  if (typeof n === 'boolean') return { text: String(n), style: 'plain' };
  if (typeof n === 'object' && 'num' in n) return { text: yamlNumber(n.num), style: 'plain' };
  return undefined;
}

/** How go-yaml prints a JSON number after reading it as YAML: int as is, float with %g. */
function yamlNumber(lit: string): string {
  if (/^-?\d+$/.test(lit)) {
    const v = BigInt(lit);
    if (v >= -(1n << 63n) && v < 1n << 64n) return v.toString();
  }
  const f = Number(lit);
  if (!Number.isFinite(f)) return f > 0 ? '.inf' : f < 0 ? '-.inf' : '.nan';
  return goFormatG(f);
}

/** strconv.FormatFloat(f, 'g', -1, 64): the exponent form below 1e-4 and from 1e6 on (Go picks 6 for shortest). */
function goFormatG(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const exp = f.toExponential(); // shortest digits, e.g. "1.2345e+6"
  const m = /^(-?)(\d)(?:\.(\d+))?e([-+]\d+)$/.exec(exp)!;
  const digits = m[2]! + (m[3] ?? '');
  const e = Number(m[4]);
  if (e < -4 || e >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ee = Math.abs(e) < 10 ? `0${Math.abs(e)}` : String(Math.abs(e));
    return `${m[1]}${mant}e${e < 0 ? '-' : '+'}${ee}`;
  }
  // %f with the shortest digits.
  if (e >= digits.length - 1) return m[1] + digits + '0'.repeat(e - digits.length + 1);
  if (e >= 0) return `${m[1]}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
  return `${m[1]}0.${'0'.repeat(-e - 1)}${digits}`;
}

function writeString(out: Out, s: string, indent: number, isKey: boolean): void {
  const style = chooseStyle(s, isKey);
  const allowBreaks = !isKey;
  if (style === 'plain') writePlain(out, s, indent, allowBreaks);
  else if (style === 'single') writeSingle(out, s, indent, allowBreaks);
  else if (style === 'double') writeDouble(out, s, indent, allowBreaks);
  else writeLiteral(out, s, indent);
}

function isCollection(n: Node): n is Node[] | Map<string, Node> {
  return Array.isArray(n) ? n.length > 0 : n instanceof Map ? n.size > 0 : false;
}

/** Writes `n` as a block node whose content starts at column `indent`. */
function writeNode(out: Out, n: Node, indent: number): void {
  if (Array.isArray(n)) {
    if (n.length === 0) return out.write('[]');
    n.forEach((item, i) => {
      if (i > 0) out.indent(indent);
      out.write('- ');
      writeValue(out, item, indent + 2, true);
    });
    return;
  }
  if (n instanceof Map) {
    if (n.size === 0) return out.write('{}');
    const keys = [...n.keys()].sort((a, b) => (keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0));
    keys.forEach((k, i) => {
      if (i > 0) out.indent(indent);
      writeString(out, k, indent, true);
      out.write(':');
      const v = n.get(k)!;
      if (isCollection(v)) {
        // Sequences sit at the key's column; mappings one level in.
        const childIndent = Array.isArray(v) ? indent : indent + 2;
        out.indent(childIndent);
        writeNode(out, v, childIndent);
      } else {
        out.write(' ');
        writeValue(out, v, indent + 2, false);
      }
    });
    return;
  }
  writeValue(out, n, indent + 2, false);
}

/** A value after `- ` or `key: `: scalars inline, collections as blocks. */
function writeValue(out: Out, n: Node, indent: number, inSequence: boolean): void {
  if (isCollection(n)) {
    if (inSequence) return writeNode(out, n, indent);
    return writeNode(out, n, indent);
  }
  if (Array.isArray(n)) return out.write('[]');
  if (n instanceof Map) return out.write('{}');
  const s = scalarText(n);
  if (s) return out.write(s.text);
  writeString(out, n as string, indent, false);
}

/** JSONToYAML(json): the YAML text, ending with a newline. */
export function jsonToYaml(json: string): string {
  const root = parseJsonKeepingNumbers(json);
  const out = new Out();
  if (isCollection(root)) writeNode(out, root, 0);
  else writeValue(out, root, 0, false);
  return out.text.endsWith('\n') ? out.text : out.text + '\n';
}
