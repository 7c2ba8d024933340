/**
 * Kubernetes label selectors, as the API server and kubectl evaluate them: a LabelSelector
 * (matchLabels AND every matchExpression), a plain label map (a Service's selector), and the
 * text form (`a=b,c in (d),!e`). Pure functions, so webhook and selector checks can be tested
 * on their own.
 */

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type Labels = Record<string, string>;

/** Whether every key/value of `subset` is in `labels` (an empty or missing subset matches anything). */
export function containsLabels(labels: Labels | undefined, subset: Labels | undefined): boolean {
  return Object.entries(subset ?? {}).every(([k, v]) => labels?.[k] === v);
}

/**
 * metav1.LabelSelectorAsSelector: an invalid selector (In/NotIn without values, Exists or
 * DoesNotExist with values, an unknown operator) is an error, so callers can treat it as
 * matching nothing; an empty selector matches everything.
 */
export function selectorError(sel: LabelSelector): string | undefined {
  for (const e of sel.matchExpressions ?? []) {
    const n = e.values?.length ?? 0;
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (n === 0) return `for '${e.operator === 'In' ? 'in' : 'notin'}' operator, values set can't be empty`;
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (n > 0) return `values set must be empty for exists and does not exist`;
        break;
      default:
        return `"${e.operator}" is not a valid label selector operator`;
    }
  }
  return undefined;
}

/** Whether `labels` satisfy the selector (call selectorError first for validity). */
export function selectorMatches(sel: LabelSelector, labels: Labels | undefined): boolean {
  if (!containsLabels(labels, sel.matchLabels)) return false;
  return (sel.matchExpressions ?? []).every((e) => {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = has ? labels![e.key] : undefined;
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(value!);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(value!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/** A label selector as text (matchLabels and matchExpressions, as kubectl renders it). */
export function selectorString(sel: LabelSelector | undefined): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/**
 * metav1.ParseToLabelSelector: `k=v`/`k==v` become matchLabels; `k!=v`, `k in (..)`,
 * `k notin (..)`, `k` and `!k` become matchExpressions. Throws a message on bad syntax.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const sel: { matchLabels: Labels; matchExpressions: LabelSelectorRequirement[] } = { matchLabels: {}, matchExpressions: [] };
  for (const raw of splitTopLevel(text)) {
    const part = raw.trim();
    if (part === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([^\s=!(),]+)$/.exec(part))) sel.matchExpressions.push({ key: m[1]!, operator: 'DoesNotExist' });
    else if ((m = /^([^\s=!(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part))) {
      const values = m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
      if (values.length === 0) throw new Error(`unable to parse requirement: values set can't be empty in "${part}"`);
      sel.matchExpressions.push({ key: m[1]!, operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = /^([^\s=!(),]+)\s*!=\s*([^\s=!(),]*)$/.exec(part))) sel.matchExpressions.push({ key: m[1]!, operator: 'NotIn', values: [m[2]!] });
    else if ((m = /^([^\s=!(),]+)\s*==?\s*([^\s=!(),]*)$/.exec(part))) sel.matchLabels[m[1]!] = m[2]!;
    else if ((m = /^([^\s=!(),]+)$/.exec(part))) sel.matchExpressions.push({ key: m[1]!, operator: 'Exists' });
    else throw new Error(`unable to parse requirement: "${part}"`);
  }
  return sel;
}

/** Splits on commas outside parentheses (`a in (x,y),b` is two requirements). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
