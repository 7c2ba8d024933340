/** Parse tree of a Go template. `pos` is the 0-based offset in the template text. */

export type ArgNode =
  | { k: 'field'; pos: number; idents: string[]; text: string }
  | { k: 'var'; pos: number; name: string; idents: string[]; text: string }
  | { k: 'chain'; pos: number; node: ArgNode; idents: string[]; text: string }
  | { k: 'ident'; pos: number; name: string; text: string }
  | { k: 'dot'; pos: number; text: string }
  | { k: 'nil'; pos: number; text: string }
  | { k: 'const'; pos: number; value: unknown; text: string }
  | { k: 'pipe'; pos: number; pipe: PipeNode; text: string };

export interface CommandNode {
  pos: number;
  args: ArgNode[];
  text: string;
}

export interface PipeNode {
  pos: number;
  /** Declared or assigned variables (`$x :=`, `$i, $v :=`, `$x =`). */
  decl: string[];
  isAssign: boolean;
  cmds: CommandNode[];
  text: string;
}

export type Node =
  | { k: 'text'; text: string }
  | { k: 'action'; pos: number; pipe: PipeNode }
  | { k: 'if' | 'with'; pos: number; pipe: PipeNode; list: Node[]; elseList: Node[] | null }
  | { k: 'range'; pos: number; pipe: PipeNode; list: Node[]; elseList: Node[] | null }
  | { k: 'template'; pos: number; name: string; pipe: PipeNode | null; text: string }
  | { k: 'break' | 'continue'; pos: number };

export interface Tree {
  name: string;
  /** The full text the tree was parsed from (positions refer to it). */
  source: string;
  root: Node[];
}
