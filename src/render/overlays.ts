/**
 * `k8s.overlays`: free-form patches `{kind, name, patches: [{path, value}]}` on a
 * component's rendered objects. Path steps are map keys, `[N]` list indexes, `[key:value]`
 * list selectors and `[value]` scalar list items; a patch without a value deletes the target.
 */
import { UserError } from '../core/errors.js';
import type { K8sObjectOverlay } from '../operator/types.js';
import { clone, getOwn, setOwn, UNSAFE_KEYS, type Json } from '../core/json.js';
import { isMap } from './tree.js';
import type { JsonMap, K8sObject } from './types.js';

type Step = { key: string } | { index: number } | { match: string; value: string } | { scalar: string };

export function parseOverlayPath(path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '.') {
      i++;
      continue;
    }
    if (path[i] === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed "[" at character ${i + 1}`);
      const inner = path.slice(i + 1, end);
      const colon = inner.indexOf(':');
      if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (colon > 0) {
        const match = inner.slice(0, colon).trim();
        if (UNSAFE_KEYS.has(match)) throw new Error(`"${match}" is not allowed in a path`);
        steps.push({ match, value: inner.slice(colon + 1).trim().replace(/^"|"$/g, '') });
      }
      else steps.push({ scalar: inner });
      i = end + 1;
      continue;
    }
    let key = '';
    while (i < path.length && path[i] !== '.' && path[i] !== '[') {
      if (path[i] === '\\' && path[i + 1] === '.') {
        key += '.';
        i += 2;
        continue;
      }
      key += path[i++];
    }
    // a patch through such a key could reach Object.prototype (prototype pollution)
    if (UNSAFE_KEYS.has(key)) throw new Error(`"${key}" is not allowed in a path`);
    steps.push({ key });
  }
  if (steps.length === 0) throw new Error('empty path');
  return steps;
}

function describe(step: Step): string {
  if ('key' in step) return step.key;
  if ('index' in step) return `[${step.index}]`;
  if ('match' in step) return `[${step.match}:${step.value}]`;
  return `[${step.scalar}]`;
}

/** Where a step lands: an entry of a list or a key of a map. */
type Slot = { list: unknown[]; index: number } | { map: JsonMap; key: string };

function locate(container: unknown, step: Step): Slot | undefined {
  if ('key' in step) return isMap(container) ? { map: container, key: step.key } : undefined;
  if (!Array.isArray(container)) return undefined;
  if ('index' in step) return { list: container, index: step.index };
  const idx =
    'match' in step
      ? container.findIndex((e) => isMap(e) && String(e[step.match]) === step.value)
      : container.findIndex((e) => String(e) === step.scalar);
  return idx < 0 ? undefined : { list: container, index: idx };
}

function read(at: Slot): unknown {
  return 'list' in at ? at.list[at.index] : getOwn(at.map, at.key);
}

function assign(at: Slot, value: unknown): void {
  if ('list' in at) at.list[at.index] = value;
  else setOwn(at.map, at.key, value);
}

/** Sets (or, with `value === undefined`, deletes) the value at `path` inside `root`. */
export function applyPathPatch(root: unknown, path: string, value: Json | undefined): void {
  const steps = parseOverlayPath(path);
  let cur = root;
  for (let n = 0; n < steps.length - 1; n++) {
    const step = steps[n]!;
    const at = locate(cur, step);
    if (!at) throw new Error(`no "${describe(step)}" at step ${n + 1}`);
    if (read(at) === undefined || read(at) === null) {
      if (value === undefined) return;
      assign(at, 'index' in steps[n + 1]! || 'match' in steps[n + 1]! ? [] : {});
    }
    cur = read(at);
  }
  const last = steps[steps.length - 1]!;
  const at = locate(cur, last);
  if (value === undefined) {
    if (!at) return;
    if ('list' in at) at.list.splice(at.index, 1);
    else delete at.map[at.key];
    return;
  }
  if (!at) throw new Error(`no "${describe(last)}" to set`);
  if ('list' in at && at.index >= at.list.length) at.list.push(clone(value));
  else assign(at, clone(value));
}

/** Applies every overlay of a component to its objects (in place). */
export function applyOverlays(objects: K8sObject[], overlays: K8sObjectOverlay[] | undefined, where: string): void {
  for (const [n, overlay] of (overlays ?? []).entries()) {
    const targets = objects.filter(
      (o) => o.kind === overlay.kind && o.metadata.name === overlay.name && (!overlay.apiVersion || overlay.apiVersion === o.apiVersion),
    );
    if (targets.length === 0) {
      throw new UserError(`${where}.k8s.overlays[${n}]: no rendered ${overlay.kind ?? '<kind>'} named "${overlay.name ?? ''}" in this component`, {
        hint: `Overlays can patch: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
      });
    }
    // Patch private copies: rendered objects may share subtrees (a CRD's version schemas), and
    // structuredClone would keep that sharing, so copy through JSON.
    const copies = targets.map((target) => (objects[objects.indexOf(target)] = JSON.parse(JSON.stringify(target)) as K8sObject));
    for (const [p, patch] of (overlay.patches ?? []).entries()) {
      for (const target of copies) {
        try {
          applyPathPatch(target, String(patch.path ?? ''), patch.value === null ? undefined : patch.value);
        } catch (err) {
          throw new UserError(`${where}.k8s.overlays[${n}].patches[${p}] (${overlay.kind}/${overlay.name}, path "${patch.path ?? ''}"): ${(err as Error).message}`);
        }
      }
    }
  }
}
