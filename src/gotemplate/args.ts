/** Argument conversions shared by the function libraries, with Go's reflection errors. */
import { ARITY, type Fn } from './state.js';
import { formatValue } from './format.js';
import { ArgTypeError, GoFloat, goTypeName } from './values.js';

/** Declares a template function with Go's argument-count check. */
export function defn<F extends Fn>(min: number, max: number, fn: F): F {
  (fn as unknown as { [ARITY]: [number, number] })[ARITY] = [min, max];
  return fn;
}

function typeError(expected: string, v: unknown): ArgTypeError {
  if (v === undefined) return new ArgTypeError(`invalid value; expected ${expected}`, v);
  const got = v === null ? 'interface {}' : goTypeName(v);
  return new ArgTypeError(`wrong type for value; expected ${expected}; got ${got}`, v);
}

/** A `string` parameter. */
export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  throw typeError('string', v);
}

/** An `int` parameter (JSON numbers are accepted when integral). */
export function int(v: unknown): number {
  const n = v instanceof GoFloat ? v.value : v;
  if (typeof n === 'number' && Number.isInteger(n)) return n;
  throw typeError('int', v);
}

/** A `bool` parameter. */
export function bool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  throw typeError('bool', v);
}

/** A map parameter (nil is allowed: an empty map). */
export function map(v: unknown, expected = 'map[string]interface {}'): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v === 'object' && !Array.isArray(v) && !(v instanceof GoFloat)) {
    if (v instanceof Map) return Object.fromEntries(v) as Record<string, unknown>;
    return v as Record<string, unknown>;
  }
  throw typeError(expected, v);
}

/** Sprig's strval: the string form of any value (`%v`). */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return v.message;
  return formatValue(v);
}

/** spf13/cast ToInt64 as Sprig uses it: lenient, 0 on failure. */
export function toInt64(v: unknown): number {
  if (v instanceof GoFloat) v = v.value;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? Math.trunc(v) : 0;
    case 'boolean':
      return v ? 1 : 0;
    case 'string': {
      const s = v.trim();
      if (/^[+-]?\d+$/.test(s)) return Number(s);
      if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return Number(s.replace(/^([+-]?)/, '')) * (s.startsWith('-') ? -1 : 1);
      return 0;
    }
    default:
      return 0;
  }
}

/** spf13/cast ToFloat64. */
export function toFloat64(v: unknown): number {
  if (v instanceof GoFloat) return v.value;
  switch (typeof v) {
    case 'number':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'string': {
      const f = Number(v.trim());
      return v.trim() !== '' && Number.isFinite(f) ? f : 0;
    }
    default:
      return 0;
  }
}

/** A list parameter given as any Go slice. */
export function list(v: unknown, fname: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined) return [];
  throw new Error(`Cannot ${fname} on type ${goTypeName(v)}`);
}
