/**
 * Tokenizer for Go templates: text outside `{{ }}` and the tokens inside actions, with Go's
 * trim markers (`{{- ` and ` -}}`) applied to the surrounding text and comments dropped.
 */
export type TokenKind =
  | 'text'
  | 'left' // {{
  | 'right' // }}
  | 'space'
  | 'ident'
  | 'keyword'
  | 'field' // .Name
  | 'var' // $name or $
  | 'dot'
  | 'string' // value already unquoted
  | 'number' // raw text
  | 'char' // value is the code point as text
  | 'bool'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Raw text of the token (for strings: the unquoted value). */
  val: string;
  pos: number;
}

export class LexError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'nil', 'template', 'with']);

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined): boolean =>
  c !== undefined && (/[A-Za-z0-9_]/.test(c) || (c > '\x7f' && /[\p{L}\p{N}]/u.test(c)));
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

const NUMBER = /[+-]?(?:0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?|0[bB][01_]+|0[oO][0-7_]+|[0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)i?/y;

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };

/** Go's strconv.Unquote for the body of a "..." or '...' literal. */
export function unescapeGo(body: string, pos: number): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e !== undefined && e in ESCAPES) {
      out += ESCAPES[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) throw new LexError('invalid syntax', pos);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += n;
    } else if (e !== undefined && e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new LexError('invalid syntax', pos);
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else {
      throw new LexError('invalid syntax', pos);
    }
  }
  return out;
}

export function lex(text: string): Token[] {
  const toks: Token[] = [];
  let pos = 0;
  let trimNext = false;
  const n = text.length;
  while (pos < n) {
    const open = text.indexOf('{{', pos);
    const textEnd = open < 0 ? n : open;
    const trimLeft = open >= 0 && text[open + 2] === '-' && isSpace(text[open + 3]);
    let start = pos;
    let end = textEnd;
    if (trimNext) while (start < end && isSpace(text[start])) start++;
    if (trimLeft) while (end > start && isSpace(text[end - 1])) end--;
    trimNext = false;
    if (end > start) toks.push({ kind: 'text', val: text.slice(start, end), pos: start });
    if (open < 0) break;
    let p = open + 2 + (trimLeft ? 2 : 0);
    // Comments: {{/* ... */}} with optional trim markers, nothing else in the action.
    let q = p;
    while (trimLeft && isSpace(text[q])) q++;
    if (text.startsWith('/*', trimLeft ? q : p)) {
      const cstart = trimLeft ? q : p;
      const close = text.indexOf('*/', cstart + 2);
      if (close < 0) throw new LexError('unclosed comment', open);
      p = close + 2;
      const r = atRight(text, p);
      if (!r) throw new LexError('comment ends before closing delimiter', open);
      trimNext = r.trim;
      pos = p + r.len;
      continue;
    }
    toks.push({ kind: 'left', val: '{{', pos: open });
    // Tokens inside the action.
    let parenDepth = 0;
    for (;;) {
      const r = atRight(text, p);
      if (r) {
        if (parenDepth > 0) throw new LexError('unclosed left paren', p);
        toks.push({ kind: 'right', val: '}}', pos: p });
        trimNext = r.trim;
        pos = p + r.len;
        break;
      }
      if (p >= n) throw new LexError('unclosed action', open);
      const c = text[p];
      const s = p;
      if (isSpace(c)) {
        while (p < n && isSpace(text[p]) && !atRight(text, p)) p++;
        toks.push({ kind: 'space', val: text.slice(s, p), pos: s });
      } else if (c === '|') {
        toks.push({ kind: 'pipe', val: c, pos: p++ });
      } else if (c === '(') {
        parenDepth++;
        toks.push({ kind: 'lparen', val: c, pos: p++ });
      } else if (c === ')') {
        if (--parenDepth < 0) throw new LexError('unexpected right paren', p);
        toks.push({ kind: 'rparen', val: c, pos: p++ });
      } else if (c === ':') {
        if (text[p + 1] !== '=') throw new LexError('expected :=', p);
        toks.push({ kind: 'declare', val: ':=', pos: p });
        p += 2;
      } else if (c === '=') {
        toks.push({ kind: 'assign', val: c, pos: p++ });
      } else if (c === ',') {
        toks.push({ kind: 'comma', val: c, pos: p++ });
      } else if (c === '"') {
        p++;
        while (p < n && text[p] !== '"') {
          if (text[p] === '\\') p++;
          if (text[p] === '\n' || p >= n) throw new LexError('unterminated quoted string', s);
          p++;
        }
        if (p >= n) throw new LexError('unterminated quoted string', s);
        p++;
        toks.push({ kind: 'string', val: unescapeGo(text.slice(s + 1, p - 1), s), pos: s });
      } else if (c === '`') {
        const close = text.indexOf('`', p + 1);
        if (close < 0) throw new LexError('unterminated raw quoted string', s);
        p = close + 1;
        toks.push({ kind: 'string', val: text.slice(s + 1, close), pos: s });
      } else if (c === "'") {
        p++;
        while (p < n && text[p] !== "'") {
          if (text[p] === '\\') p++;
          if (text[p] === '\n' || p >= n) throw new LexError('unterminated character constant', s);
          p++;
        }
        p++;
        const ch = unescapeGo(text.slice(s + 1, p - 1), s);
        if ([...ch].length !== 1) throw new LexError(`malformed character constant: ${text.slice(s, p)}`, s);
        toks.push({ kind: 'char', val: String(ch.codePointAt(0)), pos: s });
      } else if (c === '$') {
        p++;
        while (isAlnum(text[p])) p++;
        toks.push({ kind: 'var', val: text.slice(s, p), pos: s });
      } else if (c === '.' && !isDigit(text[p + 1])) {
        p++;
        if (isAlnum(text[p])) {
          while (isAlnum(text[p])) p++;
          toks.push({ kind: 'field', val: text.slice(s, p), pos: s });
        } else {
          toks.push({ kind: 'dot', val: '.', pos: s });
        }
      } else if (isDigit(c) || ((c === '+' || c === '-' || c === '.') && (isDigit(text[p + 1]) || (text[p + 1] === '.' && isDigit(text[p + 2]))))) {
        NUMBER.lastIndex = p;
        const m = NUMBER.exec(text);
        p = m ? p + m[0].length : p + 1;
        if (isAlnum(text[p])) {
          while (isAlnum(text[p])) p++;
          throw new LexError(`bad number syntax: "${text.slice(s, p)}"`, s);
        }
        toks.push({ kind: 'number', val: text.slice(s, p), pos: s });
      } else if (isAlnum(c)) {
        while (isAlnum(text[p])) p++;
        const word = text.slice(s, p);
        const kind: TokenKind = KEYWORDS.has(word) ? 'keyword' : word === 'true' || word === 'false' ? 'bool' : 'ident';
        toks.push({ kind, val: word, pos: s });
      } else {
        const cp = c.codePointAt(0)!;
        throw new LexError(`unrecognized character in action: U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCodePoint(cp)}'`, s);
      }
    }
  }
  toks.push({ kind: 'eof', val: '', pos: n });
  return toks;
}

/** Is `p` at a closing delimiter (`}}` or ` -}}`)? Returns its length and whether it trims. */
function atRight(text: string, p: number): { len: number; trim: boolean } | null {
  if (text.charCodeAt(p) === 125 && text.charCodeAt(p + 1) === 125) return { len: 2, trim: false };
  if (isSpace(text[p]) && text[p + 1] === '-' && text.startsWith('}}', p + 2)) return { len: 4, trim: true };
  return null;
}
