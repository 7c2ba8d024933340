/** Assertions shared by the reliability tests: what every run of a command must show. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Expectation, InputCase, Shape } from './corpus.js';
import type { RunResult } from './harness.js';

/** JavaScript's own texts, which must never reach a user. */
export const JS_ERRORS = /Maximum call stack|Invalid string length|Invalid array length|heap out of memory|RangeError|TypeError|ReferenceError|SyntaxError: Unexpected|Cannot read propert|is not a function|an internal error/;

/** The assertions every run gets, whatever the command. */
export function checkOutcome(r: RunResult, file: string, e: Expectation, prints: boolean): void {
  expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
  expect(r.stderr + r.stdout).not.toMatch(JS_ERRORS);
  if (e.code === 0) {
    expect(r.stderr).not.toMatch(/^Error:/m);
    expect(r.exitCode).toBe(0);
    if (prints) expect(r.stdout.length).toBeGreaterThan(0);
    return;
  }
  expect(r.exitCode).toBe(e.code);
  // one error, and it says where and which rule
  expect(r.stderr.match(/^Error:/gm) ?? []).toHaveLength(1);
  const wanted = new RegExp(e.message.source.replaceAll('FILE', escapeRe(file)));
  const line = r.stderr.split('\n').find((l) => wanted.test(l));
  expect(line, `stderr:\n${r.stderr}`).toBeDefined();
  if (e.lineIn) {
    const n = Number(wanted.exec(line!)![1]);
    expect(n).toBeGreaterThanOrEqual(e.lineIn[0]);
    expect(n).toBeLessThanOrEqual(e.lineIn[1]);
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');


export interface CommandUnderTest {
  name: string;
  shape: Shape;
  args: (file: string) => string[];
  /** Prints its result on stdout when it succeeds. */
  prints: boolean;
}

export const COMMANDS: CommandUnderTest[] = [
  { name: 'kube-inject -f', shape: 'workload', args: (f) => ['kube-inject', '-f', f], prints: true },
  // analyze and validate report success on stderr
  { name: 'analyze', shape: 'workload', args: (f) => ['analyze', '--use-kube=false', f], prints: false },
  { name: 'validate -f', shape: 'workload', args: (f) => ['validate', '-f', f], prints: false },
  { name: 'manifest generate -f', shape: 'operator', args: (f) => ['manifest', 'generate', '-f', f], prints: true },
  { name: 'install -f --dry-run', shape: 'operator', args: (f) => ['install', '-f', f, '--dry-run'], prints: true },
  { name: 'profile dump -f', shape: 'operator', args: (f) => ['profile', 'dump', '-f', f], prints: true },
];

export function writeCase(base: string, c: InputCase, shape: Shape): { file: string; expect: Expectation } {
  const { bytes, expect: e } = c.make(shape);
  const caseDir = join(base, `${c.id}-${shape}`);
  mkdirSync(caseDir, { recursive: true });
  const file = join(caseDir, `input${c.ext ?? '.yaml'}`);
  writeFileSync(file, bytes);
  return { file, expect: e };
}

