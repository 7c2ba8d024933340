/** Label and field selectors, in the string syntax of the API (`?labelSelector=`) and as LabelSelector objects. */
import { badRequest, type Obj } from './errors.js';

export type Matcher = (obj: Obj) => boolean;

interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!exists' | '=' | '!=';
  values: string[];
}

/** Splits on commas that are not inside `(...)`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseLabelRequirement(text: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (m) {
    return { key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => v.trim()).filter((v) => v !== '') };
  }
  m = /^!\s*(\S+)$/.exec(text);
  if (m) return { key: m[1], op: '!exists', values: [] };
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (m) return { key: m[1], op: m[2] === '!=' ? '!=' : '=', values: [m[3]] };
  m = /^([^=!\s(),]+)$/.exec(text);
  if (m) return { key: m[1], op: 'exists', values: [] };
  throw badRequest(`unable to parse requirement: ${JSON.stringify(text)}`);
}

function requirementMatches(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case '=':
      return has && value === req.values[0];
    case '!=':
      return !has || value !== req.values[0];
    case 'in':
      return has && req.values.includes(value);
    case 'notin':
      return !has || !req.values.includes(value);
  }
}

export function parseLabelSelector(text: string | undefined): Matcher | undefined {
  if (!text) return undefined;
  const reqs = splitTopLevel(text).map(parseLabelRequirement);
  return (obj) => {
    const labels = obj.metadata?.labels ?? {};
    return reqs.every((r) => requirementMatches(r, labels));
  };
}

/** Reads a dotted field path such as `involvedObject.uid` or `metadata.name`. */
function readField(obj: Obj, path: string): string {
  let cur: any = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = cur[part];
  }
  if (cur === undefined || cur === null) return '';
  return String(cur);
}

export function parseFieldSelector(text: string | undefined): Matcher | undefined {
  if (!text) return undefined;
  const reqs = splitTopLevel(text).map((part) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    return { path: m[1].trim(), negate: m[2] === '!=', value: m[3].trim() };
  });
  return (obj) => reqs.every((r) => (readField(obj, r.path) === r.value) !== r.negate);
}

/** A metav1.LabelSelector object; an empty selector matches everything, a missing one nothing. */
export function labelSelectorMatcher(selector: Obj | undefined | null): Matcher {
  if (!selector) return () => false;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) reqs.push({ key, op: '=', values: [String(value)] });
  for (const expr of selector.matchExpressions ?? []) {
    const op = String(expr.operator);
    const mapped = op === 'In' ? 'in' : op === 'NotIn' ? 'notin' : op === 'Exists' ? 'exists' : '!exists';
    reqs.push({ key: expr.key, op: mapped, values: (expr.values ?? []).map(String) });
  }
  return (obj) => {
    const labels = obj.metadata?.labels ?? {};
    return reqs.every((r) => requirementMatches(r, labels));
  };
}

/** A plain map selector, as Services and ReplicationControllers use: empty or missing matches nothing. */
export function mapSelectorMatcher(selector: Record<string, string> | undefined): Matcher {
  if (!selector || Object.keys(selector).length === 0) return () => false;
  const entries = Object.entries(selector);
  return (obj) => {
    const labels = obj.metadata?.labels ?? {};
    return entries.every(([k, v]) => labels[k] === v);
  };
}
