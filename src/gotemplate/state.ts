/**
 * Execution state of a Go template (output, variables, current node for error locations) and the
 * general evaluator of expressions with Go text/template semantics: pipelines, variables, field
 * chains on maps/objects, function and method calls, and Go's handling of nil and missing values
 * (undefined = "no value", null = nil interface, which becomes "no value" at the end of each
 * pipeline command as in Go). compile.ts runs templates; it calls this evaluator for the rare
 * forms it does not compile (method calls with arguments, `(pipeline).Field` chains).
 */
import type { ArgNode, CommandNode, PipeNode, Tree } from './ast.js';
import { TemplateError } from './errors.js';
import { formatValue } from './format.js';
import { ArgTypeError, GoFloat, goFieldToJsonName, goTypeName, isStringMap, isTrue, mapGet, mapHas } from './values.js';

export type Fn = (...args: unknown[]) => unknown;

export interface TemplateSet {
  /** Name given to parseTemplate; error locations use it, as Go's ParseName. */
  parseName: string;
  trees: Map<string, Tree>;
  funcs: Map<string, Fn>;
  missingKey: 'default' | 'zero' | 'error';
  /** The built-in `and`/`or` (short-circuit evaluation applies only to these). */
  and: Fn;
  or: Fn;
}

/** Arity metadata for functions ([min, max]); functions without it are not checked. */
export const ARITY = Symbol('goArity');

/** "No value piped in from a previous command" (Go's missingVal for `final`). */
export const NO_FINAL = Symbol('noFinal');
export type Final = unknown | typeof NO_FINAL;

interface Var {
  name: string;
  value: unknown;
}

/** The executor's state; compile.ts runs compiled templates on it (so members are not private). */
export class State {
  out = '';
  vars: Var[];
  tree: Tree;
  depth = 0;
  /** Node the executor is at, for error messages (Go's s.at). */
  atPos = 0;
  atText = '';
  readonly root: unknown;

  constructor(
    readonly set: TemplateSet,
    tree: Tree,
    data: unknown,
  ) {
    this.tree = tree;
    this.root = data;
    this.vars = [{ name: '$', value: data }];
  }

  at(pos: number, text: string): void {
    this.atPos = pos;
    this.atText = text;
  }

  error(msg: string): TemplateError {
    const { parseName } = this.set;
    const src = this.tree.source.slice(0, this.atPos);
    const nl = src.lastIndexOf('\n');
    const line = 1 + (src.match(/\n/g)?.length ?? 0);
    const col = Buffer.byteLength(src.slice(nl + 1));
    const loc = `template: ${parseName}:${line}:${col}`;
    const ctx = this.atText ? ` at <${this.atText}>` : '';
    return new TemplateError(`${loc}: executing "${this.tree.name}"${ctx}: ${msg}`, parseName, line, col);
  }

  fail(msg: string): never {
    throw this.error(msg);
  }

  printable(v: unknown, pipe: PipeNode): string {
    if (v === undefined) return '<no value>';
    if (typeof v === 'string') return v;
    if (typeof v === 'function') {
      this.at(pipe.pos, pipe.text);
      this.fail(`can't print ${pipe.text} of type ${goTypeName(v)}`);
    }
    return formatValue(v);
  }

  evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    let value: unknown = NO_FINAL;
    for (let i = 0; i < pipe.cmds.length; i++) {
      value = this.evalCommand(dot, pipe.cmds[i], value);
      // Go digs a nil out of an empty interface: it becomes "no value".
      if (value === null) value = undefined;
    }
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, value);
      else this.vars.push({ name, value });
    }
    return value;
  }

  setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    this.fail(`undefined variable: ${name}`);
  }

  evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    switch (first.k) {
      case 'field':
        return this.evalFieldChain(dot, dot, first, first.idents, cmd.args, final);
      case 'chain':
        return this.evalChain(dot, first, cmd.args, final);
      case 'ident':
        return this.evalFunction(dot, first.name, cmd, cmd.args, final);
      case 'pipe':
        this.at(first.pos, first.text);
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first.pipe);
      case 'var':
        return this.evalVariable(dot, first, cmd.args, final);
    }
    this.at(first.pos, first.text);
    this.notAFunction(cmd.args, final);
    switch (first.k) {
      case 'nil':
        this.fail('nil is not a command');
      // falls through (fail never returns)
      case 'dot':
        return dot;
      case 'const':
        return first.value;
    }
  }

  notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== NO_FINAL) this.fail(`can't give argument to non-function ${args[0].text}`);
  }

  evalVariable(dot: unknown, v: Extract<ArgNode, { k: 'var' }>, args: ArgNode[] | null, final: Final): unknown {
    this.at(v.pos, v.text);
    const value = this.varValue(v.name);
    if (v.idents.length === 0) {
      if (args) this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.idents, args, final);
  }

  evalChain(dot: unknown, chain: Extract<ArgNode, { k: 'chain' }>, args: ArgNode[] | null, final: Final): unknown {
    this.at(chain.pos, chain.text);
    if (chain.node.k === 'nil') this.fail(`indirection through explicit nil in ${chain.text}`);
    let recv = this.evalArg(dot, chain.node);
    if (recv === null) recv = undefined;
    return this.evalFieldChain(dot, recv, chain, chain.idents, args, final);
  }

  evalFieldChain(dot: unknown, receiver: unknown, node: ArgNode, idents: string[], args: ArgNode[] | null, final: Final): unknown {
    this.at(node.pos, node.text);
    const n = idents.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, idents[i], null, NO_FINAL, receiver);
    return this.evalField(dot, idents[n - 1], args, final, receiver);
  }

  evalField(dot: unknown, name: string, args: ArgNode[] | null, final: Final, receiver: unknown): unknown {
    const hasArgs = (args !== null && args.length > 1) || final !== NO_FINAL;
    if (receiver === undefined) {
      if (this.set.missingKey === 'error') this.fail(`nil data; no entry for key "${name}"`);
      return undefined;
    }
    if (receiver === null) this.fail(`nil pointer evaluating interface {}.${name}`);
    if (typeof receiver === 'object' && !Array.isArray(receiver) && !(receiver instanceof GoFloat)) {
      let key = name;
      let found = mapHas(receiver, key);
      if (!found && name.charCodeAt(0) >= 65 && name.charCodeAt(0) <= 90) {
        // Go struct field names (`.Spec.Containers`) map onto JSON names (`spec.containers`).
        const alt = goFieldToJsonName(name);
        if (mapHas(receiver, alt)) {
          key = alt;
          found = true;
        }
      }
      if (!found && isMethod(receiver, name)) {
        return this.callFunction((receiver as Record<string, Fn>)[name], name, dot, args, final, receiver);
      }
      const value = found ? mapGet(receiver, key) : undefined;
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      if (found) return value;
      switch (this.set.missingKey) {
        case 'error':
          this.fail(`map has no entry for key "${name}"`);
        // falls through (fail never returns)
        case 'zero':
          return isStringMap(receiver) ? '' : null;
        default:
          return undefined;
      }
    }
    // Stringer-like methods on scalars (proto enums and wrappers in Istio's data).
    if ((name === 'String' || name === 'GetValue') && !hasArgs && typeof receiver !== 'function') {
      return name === 'String' ? formatValue(receiver) : receiver;
    }
    this.fail(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  evalFunction(dot: unknown, name: string, cmd: CommandNode | ArgNode, args: ArgNode[] | null, final: Final): unknown {
    this.at(cmd.pos, cmd.text);
    const fn = this.set.funcs.get(name);
    if (!fn) this.fail(`"${name}" is not a defined function`);
    if ((fn === this.set.and || fn === this.set.or) && args) {
      return this.evalAndOr(dot, fn === this.set.and, name, args, final);
    }
    return this.callFunction(fn, name, dot, args, final, undefined, cmd);
  }

  evalAndOr(dot: unknown, isAnd: boolean, name: string, args: ArgNode[], final: Final): unknown {
    const n = args.length - 1 + (final !== NO_FINAL ? 1 : 0);
    if (n < 1) this.fail(`wrong number of args for ${name}: want at least 1 got 0`);
    let v: unknown;
    for (let i = 1; i < args.length; i++) {
      v = this.evalArg(dot, args[i]);
      if (isTrue(v) !== isAnd) return v;
    }
    if (final !== NO_FINAL) v = final;
    return v;
  }

  callFunction(fn: Fn, name: string, dot: unknown, args: ArgNode[] | null, final: Final, receiver?: unknown, cmd?: CommandNode | ArgNode): unknown {
    const argv: unknown[] = [];
    if (args) for (let i = 1; i < args.length; i++) argv.push(this.evalArg(dot, args[i]));
    if (final !== NO_FINAL) argv.push(final);
    return this.invoke(fn, name, argv, args, receiver, cmd);
  }

  /** Calls `fn` with evaluated arguments: Go's arity check, and errors reported at the right node. */
  invoke(fn: Fn, name: string, argv: unknown[], args: ArgNode[] | null, receiver?: unknown, cmd?: CommandNode | ArgNode): unknown {
    if (cmd) this.at(cmd.pos, cmd.text);
    const arity = (fn as unknown as { [ARITY]?: [number, number] })[ARITY];
    if (arity) {
      const min = arity[0];
      const max = arity[1];
      if (argv.length < min || argv.length > max) {
        const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
        this.fail(`wrong number of args for ${name}: want ${want} got ${argv.length}`);
      }
    }
    try {
      return fn.apply(receiver, argv);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      if (e instanceof ArgTypeError) {
        // Go reports a badly typed argument at the argument's node.
        const i = argv.indexOf(e.value);
        if (args && i >= 0 && i < args.length - 1) this.at(args[i + 1].pos, args[i + 1].text);
        this.fail(msg);
      }
      this.fail(`error calling ${name}: ${msg}`);
    }
  }

  evalArg(dot: unknown, n: ArgNode): unknown {
    this.at(n.pos, n.text);
    switch (n.k) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'const':
        return n.value;
      case 'field':
        return this.evalFieldChain(dot, dot, n, n.idents, null, NO_FINAL);
      case 'var':
        return this.evalVariable(dot, n, null, NO_FINAL);
      case 'pipe':
        return this.evalPipeline(dot, n.pipe);
      case 'ident':
        return this.evalFunction(dot, n.name, n, [n], NO_FINAL);
      case 'chain':
        return this.evalChain(dot, n, null, NO_FINAL);
    }
  }
}

/** A method of a class instance (Go method); own function-valued keys are plain values, as map entries. */
export function isMethod(receiver: object, name: string): boolean {
  const proto = Object.getPrototypeOf(receiver);
  return proto !== null && proto !== Object.prototype && typeof (receiver as Record<string, unknown>)[name] === 'function';
}
