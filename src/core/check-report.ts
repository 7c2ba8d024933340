/**
 * The check report shared by verify-install and precheck, modelled on `linkerd check`:
 * categories, one line per check with ✔/✖/⚠, the reason and a hint under each problem,
 * `-o short` (problems only) and one JSON/YAML document. Warnings never fail the run.
 */
import { formatStructured } from './structured.js';
import type { Palette } from './terminal.js';

export type CheckResult = 'success' | 'warning' | 'error';

export interface Check {
  description: string;
  result: CheckResult;
  /** Why it failed or warned. */
  error?: string;
  /** What to do about it. */
  hint?: string;
  /** Extra lines (e.g. each missing object). */
  details?: string[];
}

export interface CheckCategory {
  categoryName: string;
  checks: Check[];
}

export interface CheckReport {
  success: boolean;
  categories: CheckCategory[];
}

export type CheckFormat = 'text' | 'short' | 'json' | 'yaml';

export function ok(description: string): Check {
  return { description, result: 'success' };
}
export function fail(description: string, error: string, hint?: string, details?: string[]): Check {
  return { description, result: 'error', error, hint, details };
}
export function warn(description: string, error: string, hint?: string, details?: string[]): Check {
  return { description, result: 'warning', error, hint, details };
}

export function buildReport(categories: CheckCategory[]): CheckReport {
  const nonEmpty = categories.filter((c) => c.checks.length > 0);
  return { success: nonEmpty.every((c) => c.checks.every((k) => k.result !== 'error')), categories: nonEmpty };
}

export function countResults(report: CheckReport): Record<CheckResult, number> {
  const n: Record<CheckResult, number> = { success: 0, warning: 0, error: 0 };
  for (const c of report.categories) for (const k of c.checks) n[k.result]++;
  return n;
}

export function formatReport(report: CheckReport, format: CheckFormat, p: Palette): string {
  if (format === 'json' || format === 'yaml') return formatStructured(report, format);
  const glyph = (r: CheckResult) => (r === 'success' ? p.green('✔') : r === 'warning' ? p.yellow('⚠') : p.red('✖'));
  const out: string[] = [];
  for (const cat of report.categories) {
    const shown = format === 'short' ? cat.checks.filter((c) => c.result !== 'success') : cat.checks;
    if (shown.length === 0) continue;
    out.push(p.bold(cat.categoryName), '-'.repeat(cat.categoryName.length));
    for (const c of shown) {
      out.push(`${glyph(c.result)} ${c.description}`);
      if (c.error) out.push(`    ${c.error}`);
      for (const d of c.details ?? []) out.push(`      ${d}`);
      if (c.hint && c.result !== 'success') out.push(p.dim(`    hint: ${c.hint}`));
    }
    out.push('');
  }
  out.push(summaryLine(report, p));
  return out.join('\n') + '\n';
}

export function summaryLine(report: CheckReport, p: Palette): string {
  const n = countResults(report);
  const warnings = n.warning ? `, ${n.warning} warning${n.warning === 1 ? '' : 's'}` : '';
  if (report.success) return `Status check results are ${p.green('✔')} (${n.success} passed${warnings})`;
  return `Status check results are ${p.red('✖')} (${n.error} failed, ${n.success} passed${warnings})`;
}
