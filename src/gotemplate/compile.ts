/**
 * Templates compiled to JavaScript closures, run on the executor's State (state.ts): Go's
 * semantics and error messages without per-node dispatch, argument arrays built through generic
 * paths, or Go-to-JSON field-name work on every access (rendering Istio's sidecar template for
 * every pod made a tree walker the largest cost of kube-inject). Rare forms (method calls with
 * arguments, `(pipeline).Field` chains) call State's general evaluator.
 */
import type { ArgNode, CommandNode, Node, PipeNode, Tree } from './ast.js';
import { TemplateError } from './errors.js';
import { ARITY, isMethod, NO_FINAL, State, type Final, type Fn, type TemplateSet } from './state.js';
import { formatValue } from './format.js';
import { fingerprint, memoSafe } from './memo.js';
import { GoFloat, goFieldToJsonName, goTypeName, isStringMap, isTrue, mapGet, sortedKeys } from './values.js';

type Run = (st: State, dot: unknown) => void;
type Eval = (st: State, dot: unknown) => unknown;
type Cmd = (st: State, dot: unknown, final: Final) => unknown;

const BREAK = { signal: 'break' };
const CONTINUE = { signal: 'continue' };
const MAX_DEPTH = 1000;
/** Outputs remembered per `template` call site, and misses after which a call that never repeats stops trying. */
const MEMO_LIMIT = 64;
const GIVE_UP = 16;

/** Compiled trees of one template set, by tree (templates call each other by name). */
const compiledTrees = new WeakMap<Tree, Run>();

export function executeCompiled(set: TemplateSet, tree: Tree, data: unknown): string {
  const st = new State(set, tree, data === null ? undefined : data);
  try {
    compiledTree(set, tree)(st, st.root);
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    if (e instanceof RangeError && /call stack/.test(e.message)) throw st.error(`exceeded maximum template depth (${MAX_DEPTH})`);
    throw e;
  }
  return st.out;
}

function compiledTree(set: TemplateSet, tree: Tree): Run {
  let run = compiledTrees.get(tree);
  if (!run) {
    run = new Compiler(set).list(tree.root);
    compiledTrees.set(tree, run);
  }
  return run;
}

class Compiler {
  constructor(private readonly set: TemplateSet) {}

  list(nodes: Node[]): Run {
    const runs: Run[] = [];
    let text = '';
    for (const node of nodes) {
      if (node.k === 'text') {
        text += node.text;
        continue;
      }
      if (text) runs.push(textRun(text));
      text = '';
      runs.push(this.node(node));
    }
    if (text) runs.push(textRun(text));
    if (runs.length === 0) return () => {};
    if (runs.length === 1) return runs[0]!;
    return (st, dot) => {
      for (let i = 0; i < runs.length; i++) runs[i]!(st, dot);
    };
  }

  private node(node: Exclude<Node, { k: 'text' }>): Run {
    switch (node.k) {
      case 'action': {
        const pipe = this.pipe(node.pipe);
        if (node.pipe.decl.length > 0) return (st, dot) => void pipe(st, dot);
        const p = node.pipe;
        return (st, dot) => {
          const v = pipe(st, dot);
          st.out += typeof v === 'string' ? v : st.printable(v, p);
        };
      }
      case 'if':
      case 'with': {
        const pipe = this.pipe(node.pipe);
        const body = this.list(node.list);
        const other = node.elseList ? this.list(node.elseList) : undefined;
        const isWith = node.k === 'with';
        return (st, dot) => {
          const mark = st.vars.length;
          const v = pipe(st, dot);
          if (isTrue(v)) body(st, isWith ? v : dot);
          else if (other) other(st, dot);
          st.vars.length = mark;
        };
      }
      case 'range':
        return this.range(node);
      case 'template':
        return this.template(node);
      case 'break':
        return () => {
          throw BREAK;
        };
      case 'continue':
        return () => {
          throw CONTINUE;
        };
    }
  }

  private range(node: Extract<Node, { k: 'range' }>): Run {
    const decl = node.pipe.decl;
    const pipe = this.pipe({ ...node.pipe, decl: [] });
    const body = this.list(node.list);
    const other = node.elseList ? this.list(node.elseList) : undefined;
    const rangeText = `{{range ${node.pipe.text}}}`;
    return (st, dot) => {
      const mark = st.vars.length;
      const val = pipe(st, dot);
      let ran = false;
      const one = (index: unknown, elem: unknown): boolean => {
        ran = true;
        if (decl.length === 1) st.vars.push({ name: decl[0]!, value: elem });
        else if (decl.length === 2) {
          st.vars.push({ name: decl[0]!, value: index });
          st.vars.push({ name: decl[1]!, value: elem });
        }
        try {
          body(st, elem);
        } catch (e) {
          if (e === BREAK) return false;
          if (e !== CONTINUE) throw e;
        } finally {
          st.vars.length = mark;
        }
        return true;
      };
      if (val === undefined || val === null) {
        // nothing to iterate
      } else if (Array.isArray(val)) {
        for (let i = 0; i < val.length; i++) if (!one(i, val[i])) break;
      } else if (typeof val === 'number' || val instanceof GoFloat) {
        const n = typeof val === 'number' ? val : val.value;
        st.at(node.pipe.pos, rangeText);
        if (!Number.isInteger(n) || val instanceof GoFloat) st.fail(`range can't iterate over ${formatValue(val)}`);
        if (decl.length > 1) st.fail(`can't use ${n} to iterate over more than one variable`);
        for (let i = 0; i < n; i++) if (!one(i, i)) break;
      } else if (val instanceof Map || typeof val === 'object') {
        for (const k of sortedKeys(val)) if (!one(k, mapGet(val, k))) break;
      } else {
        st.at(node.pipe.pos, rangeText);
        st.fail(`range can't iterate over ${formatValue(val)}`);
      }
      if (!ran && other) other(st, dot);
    };
  }

  private template(node: Extract<Node, { k: 'template' }>): Run {
    const pipe = node.pipe ? this.pipe(node.pipe) : undefined;
    const set = this.set;
    /** This call's outputs by its data's fingerprint (memo.ts): the same data, the same text. */
    const outputs = new Map<string, string>();
    // A call whose data is new every time (it holds the pod) stops being described.
    let hits = 0;
    let misses = 0;
    return (st, dot) => {
      st.at(node.pos, node.text);
      const tree = set.trees.get(node.name);
      if (!tree) return st.fail(`template ${JSON.stringify(node.name)} not defined`);
      if (st.depth >= MAX_DEPTH) st.fail(`exceeded maximum template depth (${MAX_DEPTH})`);
      const newDot = pipe ? pipe(st, dot) : undefined;
      const key = (hits > 0 || misses < GIVE_UP) && memoSafe(set.trees) ? fingerprint(newDot) : undefined;
      if (key !== undefined) {
        const known = outputs.get(key);
        if (known !== undefined) {
          hits++;
          st.out += known;
          return;
        }
        misses++;
      }
      const saved = { vars: st.vars, tree: st.tree, out: st.out };
      st.vars = [{ name: '$', value: newDot }];
      st.tree = tree;
      st.depth++;
      // The call's own output is collected apart, to be remembered (only when it ran to the end).
      if (key !== undefined) st.out = '';
      try {
        compiledTree(set, tree)(st, newDot);
        if (key !== undefined) {
          if (outputs.size >= MEMO_LIMIT) outputs.clear();
          outputs.set(key, st.out);
        }
      } finally {
        st.depth--;
        st.vars = saved.vars;
        st.tree = saved.tree;
        if (key !== undefined) st.out = saved.out + st.out;
      }
    };
  }

  pipe(pipe: PipeNode): Eval {
    const cmds = pipe.cmds.map((c) => this.command(c));
    const { decl, isAssign } = pipe;
    if (cmds.length === 1 && decl.length === 0) {
      const only = cmds[0]!;
      return (st, dot) => {
        const v = only(st, dot, NO_FINAL);
        return v === null ? undefined : v;
      };
    }
    return (st, dot) => {
      let value: unknown = NO_FINAL;
      for (let i = 0; i < cmds.length; i++) {
        value = cmds[i]!(st, dot, value);
        if (value === null) value = undefined;
      }
      for (const name of decl) {
        if (isAssign) st.setVar(name, value);
        else st.vars.push({ name, value });
      }
      return value;
    };
  }

  private command(cmd: CommandNode): Cmd {
    const first = cmd.args[0]!;
    switch (first.k) {
      case 'field':
        if (cmd.args.length === 1) {
          const chain = fieldChain(first.idents, first.pos, first.text);
          return (st, dot, final) => {
            if (final !== NO_FINAL) return st.evalFieldChain(dot, dot, first, first.idents, cmd.args, final);
            return chain(st, dot, dot);
          };
        }
        return (st, dot, final) => st.evalFieldChain(dot, dot, first, first.idents, cmd.args, final);
      case 'ident':
        return this.call(first.name, cmd, cmd.args);
      case 'var':
        if (cmd.args.length === 1) {
          const v = this.variable(first);
          return (st, dot, final) => {
            if (final !== NO_FINAL) return st.evalVariable(dot, first, cmd.args, final);
            return v(st, dot);
          };
        }
        return (st, dot, final) => st.evalVariable(dot, first, cmd.args, final);
      case 'pipe': {
        const inner = this.pipe(first.pipe);
        return (st, dot, final) => {
          st.at(first.pos, first.text);
          st.notAFunction(cmd.args, final);
          return inner(st, dot);
        };
      }
      default:
        // chains, constants, dot and nil: rare enough for State's general evaluator
        return (st, dot, final) => st.evalCommand(dot, cmd, final);
    }
  }

  /** A function call: arguments compiled, `and`/`or` short-circuited, errors as State.invoke reports them. */
  private call(name: string, node: CommandNode | ArgNode, args: ArgNode[]): Cmd {
    const fn = this.set.funcs.get(name);
    if (!fn) {
      return (st) => {
        st.at(node.pos, node.text);
        st.fail(`"${name}" is not a defined function`);
      };
    }
    const argEvals = args.slice(1).map((a) => this.arg(a));
    if (fn === this.set.and || fn === this.set.or) {
      const isAnd = fn === this.set.and;
      return (st, dot, final) => {
        st.at(node.pos, node.text);
        const n = argEvals.length + (final !== NO_FINAL ? 1 : 0);
        if (n < 1) st.fail(`wrong number of args for ${name}: want at least 1 got 0`);
        let v: unknown;
        for (let i = 0; i < argEvals.length; i++) {
          v = argEvals[i]!(st, dot);
          if (isTrue(v) !== isAnd) return v;
        }
        if (final !== NO_FINAL) v = final;
        return v;
      };
    }
    const arity = (fn as unknown as { [ARITY]?: [number, number] })[ARITY];
    const count = argEvals.length;
    return (st, dot, final) => {
      st.at(node.pos, node.text);
      const argv: unknown[] = new Array(count + (final !== NO_FINAL ? 1 : 0));
      for (let i = 0; i < count; i++) argv[i] = argEvals[i]!(st, dot);
      if (final !== NO_FINAL) argv[count] = final;
      // Fast path: arity fine, function does not throw.
      if (!arity || (argv.length >= arity[0] && argv.length <= arity[1])) {
        try {
          st.at(node.pos, node.text);
          return fn(...argv);
        } catch {
          // Report as State.invoke does: arity, argument type, or the function's error.
        }
      }
      return st.invoke(fn, name, argv, args, undefined, node);
    };
  }

  private arg(n: ArgNode): Eval {
    switch (n.k) {
      case 'dot':
        return (_st, dot) => dot;
      case 'nil':
        return () => null;
      case 'const': {
        const value = n.value;
        return () => value;
      }
      case 'field': {
        const chain = fieldChain(n.idents, n.pos, n.text);
        return (st, dot) => chain(st, dot, dot);
      }
      case 'var':
        return this.variable(n);
      case 'pipe': {
        const inner = this.pipe(n.pipe);
        return (st, dot) => {
          st.at(n.pos, n.text);
          return inner(st, dot);
        };
      }
      case 'ident': {
        const call = this.call(n.name, n, [n]);
        return (st, dot) => call(st, dot, NO_FINAL);
      }
      case 'chain':
        return (st, dot) => {
          st.at(n.pos, n.text);
          return st.evalChain(dot, n, null, NO_FINAL);
        };
    }
  }

  private variable(v: Extract<ArgNode, { k: 'var' }>): Eval {
    const name = v.name;
    if (v.idents.length === 0) {
      return (st) => {
        st.at(v.pos, v.text);
        return st.varValue(name);
      };
    }
    const chain = fieldChain(v.idents, v.pos, v.text);
    return (st, dot) => {
      st.at(v.pos, v.text);
      return chain(st, dot, st.varValue(name));
    };
  }
}

function textRun(text: string): Run {
  return (st) => {
    st.out += text;
  };
}

/**
 * `.A.B.C` on a receiver without arguments: State.evalField per step, with each step's
 * JSON field name worked out once.
 */
function fieldChain(idents: string[], pos: number, text: string): (st: State, dot: unknown, receiver: unknown) => unknown {
  const steps = idents.map((name) => ({ name, alt: name.charCodeAt(0) >= 65 && name.charCodeAt(0) <= 90 ? goFieldToJsonName(name) : undefined }));
  return (st, dot, receiver) => {
    st.at(pos, text);
    for (let i = 0; i < steps.length; i++) receiver = field(st, dot, receiver, steps[i]!.name, steps[i]!.alt);
    return receiver;
  };
}

function field(st: State, dot: unknown, receiver: unknown, name: string, alt: string | undefined): unknown {
  if (receiver === undefined) {
    if (st.set.missingKey === 'error') st.fail(`nil data; no entry for key "${name}"`);
    return undefined;
  }
  if (receiver === null) st.fail(`nil pointer evaluating interface {}.${name}`);
  if (typeof receiver === 'object' && !Array.isArray(receiver) && !(receiver instanceof GoFloat)) {
    if (receiver instanceof Map) {
      if (receiver.has(name)) return receiver.get(name);
      if (alt !== undefined && receiver.has(alt)) return receiver.get(alt);
    } else {
      // plain objects (nearly every receiver): own keys only, one lookup each
      if (Object.hasOwn(receiver, name)) return (receiver as Record<string, unknown>)[name];
      if (alt !== undefined && Object.hasOwn(receiver, alt)) return (receiver as Record<string, unknown>)[alt];
    }
    if (isMethod(receiver, name)) return st.callFunction((receiver as Record<string, Fn>)[name]!, name, dot, null, NO_FINAL, receiver);
    switch (st.set.missingKey) {
      case 'error':
        st.fail(`map has no entry for key "${name}"`);
      // falls through (fail never returns)
      case 'zero':
        return isStringMap(receiver) ? '' : null;
      default:
        return undefined;
    }
  }
  if ((name === 'String' || name === 'GetValue') && typeof receiver !== 'function') return name === 'String' ? formatValue(receiver) : receiver;
  st.fail(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
}
