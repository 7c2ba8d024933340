/**
 * `--suppress "IST0102=Namespace frod"`: a code and a glob on the resource name. Both
 * `Kind ns/name` (what istioctl matches) and the `Kind name.ns` form its help shows are
 * accepted (a deliberate fix of istioctl quirk §7.2).
 */
import { UsageError } from '../core/errors.js';
import { MESSAGE_TYPES } from './messages.js';

export interface Suppression {
  code: string;
  matchers: RegExp[];
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

export function parseSuppressions(values: readonly string[], warn: (line: string) => void): Suppression[] {
  return values.map((value) => {
    const parts = value.split('=');
    if (parts.length !== 2) {
      throw new UsageError(`invalid --suppress value ${JSON.stringify(value)}: expected <code>=<Kind> <name pattern>, e.g. "IST0102=Namespace frod"`);
    }
    const code = parts[0]!.trim().toUpperCase();
    const target = parts[1]!.trim();
    if (!MESSAGE_TYPES.has(code)) warn(`Warning: supplied message code '${code}' is an unknown message code and will not have any effect`);
    const matchers = [glob(target)];
    // `Pod mypod.testing` (istioctl's documented form) also means `Pod testing/mypod`.
    const space = target.indexOf(' ');
    const name = space < 0 ? target : target.slice(space + 1);
    if (!name.includes('/') && name.includes('.')) {
      const dot = name.lastIndexOf('.');
      matchers.push(glob(`${space < 0 ? '' : target.slice(0, space + 1)}${name.slice(dot + 1)}/${name.slice(0, dot)}`));
    }
    return { code, matchers };
  });
}

export function isSuppressed(suppressions: readonly Suppression[], code: string, origin: string | undefined): boolean {
  if (origin === undefined) return false;
  return suppressions.some((s) => (s.code === code || s.code === '*') && s.matchers.some((m) => m.test(origin)));
}
