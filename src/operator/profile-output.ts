/**
 * What `profile dump` and `profile diff` print: the resolved IstioOperator spec as YAML, JSON
 * (4-space indent, as istioctl) or `path=value` flags, and a unified diff of two profiles.
 * Keys are sorted, as istioctl's marshaller does, so output is stable.
 */
import { existsSync, statSync } from 'node:fs';
import { UsageError, UserError } from '../core/errors.js';
import { isObject, type Json, type JsonObject } from '../core/json.js';
import { stringifyYaml } from '../yaml/values.js';
import { resolveIstioOperator } from './resolve.js';
import { formatPath, parsePath } from './set-path.js';
import { IOP_API_VERSION, IOP_KIND } from './types.js';

export type DumpFormat = 'yaml' | 'json' | 'flags';

export interface DumpInput {
  profile?: string;
  files?: string[];
  sets?: string[];
  manifestsDir?: string;
  configPath?: string;
  format: DumpFormat;
}

export interface DumpResult {
  text: string;
  warnings: string[];
}

export async function dumpProfile(input: DumpInput): Promise<DumpResult> {
  if (input.profile !== undefined && (input.files?.length ?? 0) > 0) {
    throw new UsageError('cannot specify both profile name and filename flag', 'Pass the profile as --set profile=<name> together with -f, or drop -f.');
  }
  // istioctl renders dumps with force: problems are reported, the dump still happens.
  const { iop, warnings } = await resolveIstioOperator({
    files: input.files,
    sets: input.sets,
    manifestsDir: input.manifestsDir,
    profile: input.profile,
    force: true,
  });
  const spec = sortKeys(iop.spec as unknown as JsonObject) as JsonObject;
  let prefix: string[] = [];
  let data: Json = spec;
  if (input.configPath) {
    const path = parsePath(input.configPath);
    prefix = path.slice(1).map((s) => (s.kind === 'key' ? s.key : ''));
    if (path.some((s) => s.kind !== 'key')) {
      throw new UserError(`--config-path ${input.configPath}: list indexes are not supported here`, { hint: 'Give a path of field names, e.g. components.pilot or values.global.' });
    }
    data = getPath(spec, prefix, input.configPath);
  }
  if (input.format === 'flags') return { text: toFlags(data, prefix), warnings };
  const doc: Json = input.configPath ? data : { apiVersion: IOP_API_VERSION, kind: IOP_KIND, spec };
  const text = input.format === 'json' ? JSON.stringify(doc, null, 4) + '\n' : stringifyYaml(doc);
  return { text, warnings };
}

function getPath(spec: JsonObject, keys: string[], raw: string): Json {
  let cur: Json = spec;
  for (const key of keys) {
    if (!isObject(cur) || !(key in cur)) {
      throw new UserError(`--config-path ${raw}: no such path in the resolved IstioOperator`, { hint: 'Run sailctl profile dump without -p to see the available paths.' });
    }
    cur = cur[key]!;
  }
  return cur;
}

/** `path=value` lines, sorted; strings quoted, list elements as path[i], dots in keys escaped. */
export function toFlags(data: Json, prefix: string[] = []): string {
  const lines: string[] = [];
  const walk = (v: Json, path: string): void => {
    if (Array.isArray(v)) {
      if (v.length === 0) lines.push(`${path}=[]`);
      v.forEach((el, i) => walk(el, `${path}[${i}]`));
    } else if (isObject(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0 && path !== '') lines.push(`${path}={}`);
      for (const k of keys) walk(v[k]!, path === '' ? escapeKey(k) : `${path}.${escapeKey(k)}`);
    } else {
      lines.push(`${path}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
    }
  };
  walk(data, formatPath(prefix.map((key) => ({ kind: 'key' as const, key }))));
  lines.sort();
  return lines.length ? lines.join('\n') + '\n' : '';
}

function escapeKey(key: string): string {
  return key.replaceAll('.', '\\.');
}

export function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]!);
    return out;
  }
  return v;
}

export interface DiffResult {
  identical: boolean;
  /** Unified diff lines (without colour), empty when identical. */
  lines: DiffLine[];
  warnings: string[];
}

export interface DiffLine {
  kind: 'header' | 'hunk' | 'context' | 'add' | 'remove';
  text: string;
}

/** Compares two profiles; each argument is a profile name or an IstioOperator file. */
export async function diffProfiles(a: string, b: string, manifestsDir?: string): Promise<DiffResult> {
  const [left, right] = await Promise.all([a, b].map((arg) => resolveArg(arg, manifestsDir)));
  const leftLines = left!.text.replace(/\n$/, '').split('\n');
  const rightLines = right!.text.replace(/\n$/, '').split('\n');
  const lines = unifiedDiff(leftLines, rightLines, a, b);
  return { identical: lines.length === 0, lines, warnings: [...left!.warnings, ...right!.warnings] };
}

async function resolveArg(arg: string, manifestsDir?: string): Promise<DumpResult> {
  const isFile = arg === '-' || arg.includes('/') || /\.(ya?ml|json)$/.test(arg) || (existsSync(arg) && statSync(arg).isFile());
  return dumpProfile(isFile ? { files: [arg], manifestsDir, format: 'yaml' } : { profile: arg, manifestsDir, format: 'yaml' });
}

/** A unified diff (3 lines of context) computed with Myers' O(ND) algorithm. */
export function unifiedDiff(a: string[], b: string[], nameA: string, nameB: string, context = 3): DiffLine[] {
  const ops = myers(a, b);
  if (ops.every((op) => op.kind === 'same')) return [];
  const out: DiffLine[] = [
    { kind: 'header', text: `--- ${nameA}` },
    { kind: 'header', text: `+++ ${nameB}` },
  ];
  // Group changes with their surrounding context into hunks.
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === 'same') {
      i++;
      continue;
    }
    let start = Math.max(0, i - context);
    let end = i;
    // extend while the next change is within 2*context of the last one
    for (let j = i; j < ops.length; j++) {
      if (ops[j]!.kind !== 'same') end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    const hunk = ops.slice(start, stop);
    const first = hunk[0]!;
    const countA = hunk.filter((op) => op.kind !== 'add').length;
    const countB = hunk.filter((op) => op.kind !== 'remove').length;
    out.push({ kind: 'hunk', text: `@@ -${first.aLine + 1},${countA} +${first.bLine + 1},${countB} @@` });
    for (const op of hunk) {
      out.push({ kind: op.kind === 'same' ? 'context' : op.kind, text: (op.kind === 'same' ? ' ' : op.kind === 'add' ? '+' : '-') + op.text });
    }
    start = stop;
    i = stop;
  }
  return out;
}

interface DiffOp {
  kind: 'same' | 'add' | 'remove';
  text: string;
  /** Position in a and b before this op (0-based). */
  aLine: number;
  bLine: number;
}

function myers(a: string[], b: string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] = the frontier before round d, only its reachable diagonals [-d, d]: O(D²) memory.
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the saved frontiers.
  const ops: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const at = (diag: number) => vd[diag + d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: 'same', text: a[x]!, aLine: x, bLine: y });
    }
    if (d === 0) break;
    if (x === prevX) {
      y--;
      ops.push({ kind: 'add', text: b[y]!, aLine: x, bLine: y });
    } else {
      x--;
      ops.push({ kind: 'remove', text: a[x]!, aLine: x, bLine: y });
    }
  }
  return ops.reverse();
}
