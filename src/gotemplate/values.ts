/**
 * JavaScript has one number type; Go templates distinguish int from float64 when printing.
 * Plain JS numbers that are integers behave as Go ints, other numbers as float64. Wrap a number
 * in GoFloat when it is a float64 in Go but happens to be integral (e.g. a float literal `1e6`,
 * which Go prints as `1e+06`).
 */
export class GoFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

const stringMaps = new WeakSet<object>();

/**
 * Marks a plain object as a Go `map[string]string` (e.g. labels, annotations): `index` of a
 * missing key then yields `""` as in Go, instead of nil (`<nil>`) for `map[string]any`.
 * Returns the same object.
 */
export function asStringMap<T extends object>(map: T): T {
  stringMaps.add(map);
  return map;
}

export function isStringMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && stringMaps.has(value);
}
