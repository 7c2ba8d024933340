/**
 * Chart values the user set to null. Istio's charts merge user values over their defaults
 * keeping an explicit null, so `global.proxy.resources.limits.cpu: null` (in a file, or
 * `--set values.global.proxy.resources.limits.cpu=null`) removes the default CPU limit and
 * reaches the injector ConfigMap as null (injection-fidelity.md group 3). Our merges treat null
 * as "remove this key", which would let the chart default come back, so the user's nulls are
 * collected here and written back after each merge.
 */
import { isObject, type JsonObject } from '../core/json.js';
import type { SetFlag } from './set-path.js';

export type KeyPath = readonly string[];

/** `--set values.x=null` means null (istioctl writes the flag into YAML, where `null` is null). */
export function nullSetValue(flag: SetFlag): SetFlag {
  if (flag.value !== 'null' || !underValues(flag)) return flag;
  return { ...flag, value: null };
}

function underValues(flag: SetFlag): boolean {
  const top = flag.path[1];
  return top?.kind === 'key' && (top.key === 'values' || top.key === 'unvalidatedValues') && flag.path.every((s) => s.kind === 'key');
}

/**
 * Paths under spec.values that end as null once the files (in order) and then the --set flags
 * (in order) are applied: a later value for the same path, or for a path above it, wins.
 */
export function userNullPaths(files: readonly JsonObject[], sets: readonly SetFlag[]): KeyPath[] {
  const tree: JsonObject = {};
  for (const doc of files) {
    const spec = doc.spec;
    if (!isObject(spec)) continue;
    for (const key of ['values', 'unvalidatedValues']) if (isObject(spec[key])) mergeKeepingNulls(tree, spec[key]);
  }
  for (const flag of sets) {
    if (!underValues(flag)) continue;
    const keys = flag.path.slice(2).map((s) => (s.kind === 'key' ? s.key : ''));
    if (keys.length === 0) continue;
    let at = tree;
    for (const key of keys.slice(0, -1)) {
      if (!isObject(at[key])) setKey(at, key, {});
      at = at[key] as JsonObject;
    }
    setKey(at, keys[keys.length - 1]!, flag.value);
  }
  const out: string[][] = [];
  collect(tree, [], out);
  return out;
}

/** Writes null at each path whose parent maps exist (`create`: make missing parents). */
export function applyNullPaths(values: JsonObject, paths: readonly KeyPath[], create: boolean): void {
  for (const path of paths) {
    let at: JsonObject | undefined = values;
    for (const key of path.slice(0, -1)) {
      if (!isObject(at[key])) {
        if (!create || at[key] !== undefined) {
          at = undefined;
          break;
        }
        setKey(at, key, {});
      }
      at = at[key] as JsonObject;
    }
    if (at) setKey(at, path[path.length - 1]!, null);
  }
}

function mergeKeepingNulls(target: JsonObject, layer: JsonObject): void {
  for (const key of Object.keys(layer)) {
    const value = layer[key]!;
    if (isObject(value) && isObject(target[key])) mergeKeepingNulls(target[key] as JsonObject, value);
    else setKey(target, key, isObject(value) ? copyOf(value) : value);
  }
}

function copyOf(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  mergeKeepingNulls(out, value);
  return out;
}

function collect(tree: JsonObject, prefix: string[], out: string[][]): void {
  for (const key of Object.keys(tree)) {
    const value = tree[key];
    if (value === null) out.push([...prefix, key]);
    else if (isObject(value)) collect(value, [...prefix, key], out);
  }
}

/** Plain assignment, except that a `__proto__` key stays a data key. */
function setKey(target: JsonObject, key: string, value: JsonObject[string]): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
