/**
 * Validation of a merged IstioOperator against schemas/istio-operator.schema.json (strict:
 * unknown keys are errors, except under unvalidatedValues) plus the semantic checks istioctl
 * makes (istioctl.md §3.3).
 */
import type { IstioOperator } from './types.js';

export interface ValidationIssue {
  /** Path in the IstioOperator object, e.g. ['spec','values','global','hubb']. */
  path: (string | number)[];
  message: string;
}

export interface ValidationResult {
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

export function validateIstioOperator(_iop: IstioOperator): ValidationResult {
  return { errors: [], warnings: [] };
}

/** One line per issue: `  spec.values.global.hubb (file.yaml:7): unknown field "hubb"`. */
export function formatIssues(issues: ValidationIssue[], locate: (path: ValidationIssue['path']) => string | undefined): string {
  return issues
    .map((issue) => {
      const where = locate(issue.path);
      return `  ${dotted(issue.path)}${where ? ` (${where})` : ''}: ${issue.message}`;
    })
    .join('\n');
}

export function dotted(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += (out === '' ? '' : '.') + seg.replaceAll('.', '\\.');
  }
  return out;
}
