/**
 * The layout rules ARCHITECTURE.md states, checked on the source: no import cycles, and the
 * concerns with one home stay there (YAML text in src/yaml/, the Kubernetes client in src/kube/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.m?ts$/.test(name) && !/\.d\.m?ts$/.test(name)) out.push(path);
  }
  return out;
}

const files = sourceFiles(SRC);
const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));

/** Relative imports of each module (static, dynamic and type-only alike). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of texts) {
    const deps: string[] = [];
    for (const m of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = resolve(dirname(file), m[1]!).replace(/\.m?js$/, '');
      const target = [base + '.ts', base + '.mts'].find((p) => texts.has(p));
      if (target) deps.push(target);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(relative(SRC, w));
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Modules outside `home` that import `pkg` (or a path inside it). */
function importersOutside(pkg: string, home: string): string[] {
  const re = new RegExp(`(?:from|import\\()\\s*['"]${pkg.replace(/[/@-]/g, '\\$&')}(?:/[^'"]*)?['"]`);
  return files.filter((f) => !relative(SRC, f).startsWith(home) && re.test(texts.get(f)!)).map((f) => relative(SRC, f));
}

describe('source layout', () => {
  it('has no import cycles', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(cycles(importGraph())).toEqual([]);
  });

  it('the cycle check finds a cycle when there is one', () => {
    const graph = new Map([['/a.ts', ['/b.ts']], ['/b.ts', ['/c.ts']], ['/c.ts', ['/a.ts']], ['/d.ts', ['/a.ts']]]);
    expect(cycles(graph)).toHaveLength(1);
  });

  it('YAML text is read and written only in src/yaml/ (gotemplate keeps its own Go dialect)', () => {
    expect(importersOutside('yaml', 'yaml/')).toEqual([]);
  });

  it('the Kubernetes client library is loaded only by src/kube/', () => {
    expect(importersOutside('@kubernetes/client-node', 'kube/')).toEqual([]);
  });
});
