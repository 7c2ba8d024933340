/**
 * Go's regexp package for the template functions (regexMatch, regexFind, regexReplaceAll, ...),
 * on re2js: the same RE2 syntax (`(?P<name>)`, `(?U)`, no backreferences or lookaround) and, like
 * Go, matching in time linear in the input, so a pattern such as `(a+)+$` from an injector
 * ConfigMap cannot hang injection as JavaScript's backtracking RegExp would.
 * The loops below are Go's: FindAll's rule that an empty match right after a match is skipped,
 * Split's handling of empty matches, and Expand's `$name` / `${name}` templates.
 */
import { RE2JS } from 're2js';

const cache = new Map<string, RE2JS>();
const CACHE_LIMIT = 256;

/** Compiles `expr` as Go's regexp.Compile does; throws Go's `error parsing regexp: ...`. */
export function compileGo(expr: string): RE2JS {
  let re = cache.get(expr);
  if (re === undefined) {
    try {
      re = RE2JS.compile(expr);
    } catch (err) {
      const message = (err as Error).message;
      throw new Error(message.startsWith('error parsing regexp') ? message : `error parsing regexp: ${message}`);
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(expr, re);
  }
  return re;
}

/** One match: the whole match's [start, end) and each group's text (undefined when it did not take part). */
interface Match {
  start: number;
  end: number;
  groups: (string | undefined)[];
}

/** Go's allMatches: successive non-overlapping matches, at most `n` (n < 0: all). */
function allMatches(re: RE2JS, s: string, n: number): Match[] {
  const out: Match[] = [];
  const m = re.matcher(s);
  const count = re.groupCount();
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    if (!m.find(pos)) break;
    const start = m.start();
    const end = m.end();
    let accept = true;
    if (end === pos) {
      // an empty match right after the previous match is not a new match
      if (start === prevEnd) accept = false;
      pos += pos < s.length ? runeWidth(s, pos) : 1;
    } else {
      pos = end;
    }
    prevEnd = end;
    if (accept) {
      const groups: (string | undefined)[] = [];
      for (let g = 1; g <= count; g++) groups.push(m.start(g) < 0 ? undefined : (m.group(g) ?? undefined));
      out.push({ start, end, groups });
    }
  }
  return out;
}

function runeWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}

export function matchString(expr: string, s: string): boolean {
  return compileGo(expr).matcher(s).find(0);
}

export function findString(expr: string, s: string): string {
  const [m] = allMatches(compileGo(expr), s, 1);
  return m === undefined ? '' : s.slice(m.start, m.end);
}

export function findAllString(expr: string, s: string, n: number): string[] {
  return allMatches(compileGo(expr), s, n).map((m) => s.slice(m.start, m.end));
}

/** Go's ReplaceAllString (`literal`: ReplaceAllLiteralString). */
export function replaceAllString(expr: string, s: string, repl: string, literal = false): string {
  const re = compileGo(expr);
  const names = re.namedGroups();
  let out = '';
  let last = 0;
  for (const m of allMatches(re, s, -1)) {
    out += s.slice(last, m.start) + (literal ? repl : expand(repl, s.slice(m.start, m.end), m.groups, names));
    last = m.end;
  }
  return out + s.slice(last);
}

/** Go's Split: n > 0 at most n pieces, n == 0 none, n < 0 all. */
export function split(expr: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (expr.length > 0 && s.length === 0) return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of allMatches(compileGo(expr), s, n)) {
    if (n > 0 && out.length === n - 1) break;
    end = m.start;
    if (m.end !== 0) out.push(s.slice(beg, end));
    beg = m.end;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

const NAME = /^[\p{L}\p{Nd}_]+$/u;
const NAME_PREFIX = /^[\p{L}\p{Nd}_]+/u;

/**
 * Go's Regexp.Expand template: `$$` is a dollar; `$name` takes the longest run of letters,
 * digits and `_` as a group number or name (so `$1x` names group "1x", which is empty);
 * `${name}` delimits it. Unknown groups expand to nothing.
 */
function expand(template: string, whole: string, groups: (string | undefined)[], names: Record<string, number>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === '{') {
      const close = template.indexOf('}', i + 1);
      const inner = close < 0 ? '' : template.slice(i + 1, close);
      if (close >= 0 && NAME.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const m = NAME_PREFIX.exec(template.slice(i));
      if (m) {
        name = m[0];
        i += name.length;
      }
    }
    if (name === undefined) {
      out += '$'; // malformed: Go copies the dollar and goes on
      continue;
    }
    if (/^\d+$/.test(name)) {
      const g = Number(name);
      out += g === 0 ? whole : (groups[g - 1] ?? '');
    } else if (Object.hasOwn(names, name)) {
      out += groups[names[name]! - 1] ?? '';
    }
  }
  return out;
}
