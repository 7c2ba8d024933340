/**
 * Parser for Go templates, following text/template/parse: actions, pipelines, control
 * structures, variables (checked at parse time), functions (checked at parse time) and
 * `define`/`block` definitions, which are returned as separate trees.
 */
import type { ArgNode, CommandNode, Node, PipeNode, Tree } from './ast.js';
import { LexError, lex, type Token } from './lexer.js';
import { GoFloat } from './values.js';

export class ParseError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

type Terminator = { kind: 'end' | 'else'; tok: Token };

/** Parses `text`; returns the main tree plus every `define`d / `block` tree by name. */
export function parse(name: string, text: string, hasFunc: (name: string) => boolean): Map<string, Tree> {
  let toks: Token[];
  try {
    toks = lex(text);
  } catch (e) {
    if (e instanceof LexError) throw new ParseError(e.message, e.pos);
    throw e;
  }
  return new Parser(name, text, toks, hasFunc).parseAll();
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'EOF';
  if (t.kind === 'keyword') return `<${t.val}>`;
  if (t.kind === 'left') return '"{{"';
  if (t.kind === 'right') return '"}}"';
  const v = t.kind === 'string' ? JSON.stringify(t.val) : JSON.stringify(t.val);
  return v.length > 12 ? `${v.slice(0, 11)}"...` : v;
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private readonly trees = new Map<string, Tree>();

  constructor(
    private readonly name: string,
    private readonly text: string,
    private readonly toks: Token[],
    private readonly hasFunc: (name: string) => boolean,
  ) {}

  private fail(msg: string, pos: number): never {
    throw new ParseError(msg, pos);
  }
  private next(): Token {
    return this.toks[this.i++];
  }
  private peek(): Token {
    return this.toks[this.i];
  }
  private backup(n = 1): void {
    this.i -= n;
  }
  private nextNonSpace(): Token {
    let t = this.next();
    while (t.kind === 'space') t = this.next();
    return t;
  }
  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }
  private expect(kind: Token['kind'], context: string): Token {
    const t = this.nextNonSpace();
    if (t.kind !== kind) this.unexpected(t, context);
    return t;
  }
  private unexpected(t: Token, context: string): never {
    if (t.kind === 'eof') this.fail(`unexpected EOF`, t.pos);
    this.fail(`unexpected ${describe(t)} in ${context}`, t.pos);
  }

  parseAll(): Map<string, Tree> {
    const root: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind === 'left') {
        this.next();
        const kw = this.peekNonSpace();
        if (kw.kind === 'keyword' && kw.val === 'define') {
          this.nextNonSpace();
          this.parseDefinition();
          continue;
        }
        this.backup();
        while (this.peek().kind !== 'left') this.backup();
      }
      const term = this.textOrAction(root);
      if (term) this.fail(`unexpected {{${term.kind}}}`, term.tok.pos);
    }
    this.addTree(this.name, root, 0);
    return this.trees;
  }

  private addTree(name: string, root: Node[], pos: number): void {
    const existing = this.trees.get(name);
    if (existing && !isEmpty(existing.root) && !isEmpty(root)) {
      this.fail(`template: multiple definition of template "${name}"`, pos);
    }
    if (!existing || isEmpty(existing.root)) this.trees.set(name, { name, source: this.text, root });
  }

  private parseDefinition(): void {
    const nameTok = this.expect('string', 'define clause');
    this.expect('right', 'define clause');
    const saved = this.vars;
    this.vars = ['$'];
    const [list, term] = this.itemList();
    if (term.kind !== 'end') this.fail(`unexpected {{else}} in define clause`, term.tok.pos);
    this.vars = saved;
    this.addTree(nameTok.val, list, nameTok.pos);
  }

  /** Parses nodes until `{{end}}` or `{{else}}`; EOF is an error. */
  private itemList(): [Node[], Terminator] {
    const list: Node[] = [];
    for (;;) {
      if (this.peek().kind === 'eof') this.fail('unexpected EOF', this.peek().pos);
      const term = this.textOrAction(list);
      if (term) return [list, term];
    }
  }

  /** Appends one text node or action to `list`, or returns the `end`/`else` that stopped it. */
  private textOrAction(list: Node[]): Terminator | null {
    const t = this.next();
    if (t.kind === 'text') {
      list.push({ k: 'text', text: t.val });
      return null;
    }
    if (t.kind !== 'left') this.unexpected(t, 'input');
    const kw = this.nextNonSpace();
    if (kw.kind === 'keyword') {
      switch (kw.val) {
        case 'end':
          this.expect('right', 'end');
          return { kind: 'end', tok: kw };
        case 'else': {
          const after = this.peekNonSpace();
          if (!(after.kind === 'keyword' && (after.val === 'if' || after.val === 'with'))) this.expect('right', 'else');
          return { kind: 'else', tok: kw };
        }
        case 'if':
        case 'with':
        case 'range':
          list.push(this.control(kw.val, kw.pos));
          return null;
        case 'template':
        case 'block':
          list.push(this.templateControl(kw.val));
          return null;
        case 'break':
        case 'continue':
          if (this.rangeDepth === 0) this.fail(`{{${kw.val}}} outside {{range}}`, kw.pos);
          this.expect('right', kw.val);
          list.push({ k: kw.val, pos: kw.pos });
          return null;
        case 'define':
          this.fail('unexpected <define> in command', kw.pos);
      }
    }
    this.backup();
    const pipe = this.pipeline('command', 'right');
    list.push({ k: 'action', pos: pipe.pos, pipe });
    return null;
  }

  private control(kind: 'if' | 'with' | 'range', pos: number): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, 'right');
    if (kind === 'range') this.rangeDepth++;
    const [list, first] = this.itemList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | null = null;
    if (first.kind === 'else') {
      const after = this.peekNonSpace();
      if ((kind === 'if' || kind === 'with') && after.kind === 'keyword' && after.val === kind) {
        // `{{else if ...}}` / `{{else with ...}}`: a nested control sharing our {{end}}.
        this.nextNonSpace();
        elseList = [this.control(kind, after.pos)];
      } else {
        if (after.kind === 'keyword' && (after.val === 'if' || after.val === 'with')) this.unexpected(after, 'else');
        const [items, term] = this.itemList();
        if (term.kind !== 'end') this.fail('expected end; found {{else}}', term.tok.pos);
        elseList = items;
      }
    }
    this.vars.length = mark;
    return { k: kind, pos, pipe, list, elseList } as Node;
  }

  private templateControl(kind: string): Node {
    const nameTok = this.nextNonSpace();
    if (nameTok.kind !== 'string') this.unexpected(nameTok, `${kind} clause`);
    let pipe: PipeNode | null = null;
    if (this.peekNonSpace().kind !== 'right') pipe = this.pipeline(`${kind} clause`, 'right');
    else this.nextNonSpace();
    if (kind === 'block') {
      const saved = this.vars;
      this.vars = ['$'];
      const [body, term] = this.itemList();
      if (term.kind !== 'end') this.fail('unexpected {{else}} in block clause', term.tok.pos);
      this.vars = saved;
      this.addTree(nameTok.val, body, nameTok.pos);
      if (!pipe) this.fail('missing value for block clause', nameTok.pos);
    }
    const text = `{{template ${JSON.stringify(nameTok.val)}${pipe ? ' ' + pipe.text : ''}}}`;
    // Go positions a template call at its name.
    return { k: 'template', pos: nameTok.pos, name: nameTok.val, pipe, text };
  }

  private pipeline(context: string, end: 'right' | 'rparen'): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { pos: start.pos, decl: [], isAssign: false, cmds: [], text: '' };
    // Declarations: `$x :=`, `$x =`, `$i, $v :=` (range only).
    const declStart = this.i;
    for (;;) {
      const v = this.peekNonSpace();
      if (v.kind !== 'var') break;
      this.nextNonSpace();
      const afterVar = this.peek();
      const op = this.peekNonSpace();
      if (op.kind === 'declare' || op.kind === 'assign') {
        this.nextNonSpace();
        pipe.isAssign = op.kind === 'assign';
        if (pipe.isAssign && !this.vars.includes(v.val)) this.fail(`undefined variable "${v.val}"`, v.pos);
        pipe.decl.push(v.val);
        break;
      }
      if (op.kind === 'comma') {
        this.nextNonSpace();
        pipe.decl.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const nx = this.peekNonSpace();
          if (nx.kind === 'var') continue;
          this.fail('range can only initialize variables', nx.pos);
        }
        this.fail(`too many declarations in ${context}`, op.pos);
      }
      void afterVar;
      // Not a declaration: the variable is an operand.
      this.i = declStart;
      pipe.decl.length = 0;
      break;
    }
    if (pipe.decl.length > 0 && !pipe.isAssign) for (const d of pipe.decl) this.vars.push(d);
    for (;;) {
      const t = this.nextNonSpace();
      if (t.kind === end) {
        this.checkPipeline(pipe, context, t);
        pipe.text = this.pipeText(pipe);
        return pipe;
      }
      switch (t.kind) {
        case 'bool':
        case 'char':
        case 'dot':
        case 'field':
        case 'ident':
        case 'number':
        case 'string':
        case 'var':
        case 'lparen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        case 'keyword':
          if (t.val === 'nil') {
            this.backup();
            pipe.cmds.push(this.command());
            break;
          }
          this.unexpected(t, context);
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string, at: Token): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`, at.pos);
    for (let i = 1; i < pipe.cmds.length; i++) {
      const first = pipe.cmds[i].args[0];
      if (first.k === 'const' || first.k === 'dot' || first.k === 'nil') {
        this.fail(`non executable command in pipeline stage ${i + 1}`, first.pos);
      }
    }
  }

  private pipeText(pipe: PipeNode): string {
    const decl = pipe.decl.length ? `${pipe.decl.join(', ')} ${pipe.isAssign ? '=' : ':='} ` : '';
    return decl + pipe.cmds.map((c) => c.text).join(' | ');
  }

  private command(): CommandNode {
    const cmd: CommandNode = { pos: this.peekNonSpace().pos, args: [], text: '' };
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (op) cmd.args.push(op);
      const t = this.next();
      if (t.kind === 'space') continue;
      if (t.kind === 'right' || t.kind === 'rparen') {
        this.backup();
      } else if (t.kind !== 'pipe') {
        this.unexpected(t, 'operand');
      }
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command', cmd.pos);
    cmd.text = cmd.args.map((a) => a.text).join(' ');
    return cmd;
  }

  private operand(): ArgNode | null {
    const node = this.term();
    if (!node) return null;
    if (this.peek().kind !== 'field') return node;
    const idents: string[] = [];
    while (this.peek().kind === 'field') idents.push(this.next().val.slice(1));
    const suffix = idents.map((s) => '.' + s).join('');
    switch (node.k) {
      case 'field':
        return { k: 'field', pos: node.pos, idents: [...node.idents, ...idents], text: node.text + suffix };
      case 'var':
        return { k: 'var', pos: node.pos, name: node.name, idents: [...node.idents, ...idents], text: node.text + suffix };
      case 'const':
      case 'nil':
      case 'dot':
        this.fail(`unexpected . after term ${JSON.stringify(node.text)}`, node.pos);
      // falls through (fail never returns)
      default:
        return { k: 'chain', pos: node.pos, node, idents, text: node.text + suffix };
    }
  }

  private term(): ArgNode | null {
    const t = this.nextNonSpace();
    switch (t.kind) {
      case 'ident':
        if (!this.hasFunc(t.val)) this.fail(`function "${t.val}" not defined`, t.pos);
        return { k: 'ident', pos: t.pos, name: t.val, text: t.val };
      case 'dot':
        return { k: 'dot', pos: t.pos, text: '.' };
      case 'var': {
        if (!this.vars.includes(t.val)) this.fail(`undefined variable "${t.val}"`, t.pos);
        return { k: 'var', pos: t.pos, name: t.val, idents: [], text: t.val };
      }
      case 'field':
        return { k: 'field', pos: t.pos, idents: [t.val.slice(1)], text: t.val };
      case 'bool':
        return { k: 'const', pos: t.pos, value: t.val === 'true', text: t.val };
      case 'char':
        return { k: 'const', pos: t.pos, value: Number(t.val), text: this.text.slice(t.pos, this.tokEnd()) };
      case 'number':
        return { k: 'const', pos: t.pos, value: this.number(t), text: t.val };
      case 'string':
        return { k: 'const', pos: t.pos, value: t.val, text: this.text.slice(t.pos, this.tokEnd()) };
      case 'lparen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rparen');
        return { k: 'pipe', pos: t.pos, pipe, text: `(${pipe.text})` };
      }
      case 'keyword':
        if (t.val === 'nil') return { k: 'nil', pos: t.pos, text: 'nil' };
        break;
    }
    this.backup();
    return null;
  }

  /** End offset of the token just consumed (the start of the following one). */
  private tokEnd(): number {
    return this.toks[this.i].pos;
  }

  private number(t: Token): number | GoFloat {
    let s = t.val.replace(/_/g, '');
    if (s.endsWith('i')) this.fail(`complex numbers are not supported: ${t.val}`, t.pos);
    let sign = 1;
    if (s[0] === '+' || s[0] === '-') {
      if (s[0] === '-') sign = -1;
      s = s.slice(1);
    }
    const isHex = /^0[xX]/.test(s);
    const isFloat = isHex ? /[pP.]/.test(s) : /[.eE]/.test(s);
    let v: number;
    if (/^0[0-7]+$/.test(s)) v = parseInt(s, 8);
    else if (isHex && isFloat) v = parseHexFloat(s);
    else v = Number(s);
    if (!Number.isFinite(v) || Number.isNaN(v)) this.fail(`illegal number syntax: "${t.val}"`, t.pos);
    v *= sign;
    if (!isFloat && !Number.isSafeInteger(v)) this.fail(`integer overflow: "${t.val}"`, t.pos);
    return isFloat ? new GoFloat(v) : v;
  }
}

function parseHexFloat(s: string): number {
  const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(s);
  if (!m) return NaN;
  const int = m[1] ? parseInt(m[1], 16) : 0;
  const frac = m[2] ? parseInt(m[2], 16) / 16 ** m[2].length : 0;
  return (int + frac) * 2 ** Number(m[3] ?? 0);
}

function isEmpty(nodes: Node[]): boolean {
  return nodes.every((n) => n.k === 'text' && n.text.trim() === '');
}
