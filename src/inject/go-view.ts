/**
 * Istio's templates address Kubernetes objects by Go field names (`.Spec.Containers`,
 * `$c.Ports`, `.TypeMeta.APIVersion`). goView exposes plain Kubernetes JSON under those names
 * without copying it: `Containers` reads `containers`, `APIVersion` reads `apiVersion`.
 */
const rawOf = new WeakMap<object, unknown>();
/** One view per object, so reading the same field again neither re-creates nor re-registers a proxy. */
const viewOf = new WeakMap<object, object>();
const jsonNames = new Map<string, string>();

/** goFieldToJson, memoised: the names come from template field chains, a small set. */
function jsonNameOf(field: string): string {
  let name = jsonNames.get(field);
  if (name === undefined) {
    if (jsonNames.size >= 10_000) jsonNames.clear();
    jsonNames.set(field, (name = goFieldToJson(field)));
  }
  return name;
}

export function goFieldToJson(field: string): string {
  const lead = /^[A-Z]+/.exec(field)?.[0] ?? '';
  if (lead.length === field.length) return field.toLowerCase();
  if (lead.length > 1) return lead.slice(0, -1).toLowerCase() + field.slice(lead.length - 1);
  return field.charAt(0).toLowerCase() + field.slice(1);
}

export function goView<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const cached = viewOf.get(value);
  if (cached !== undefined) return cached as T;
  const target = value as unknown as Record<string, unknown>;
  const lookup = (prop: string): string | undefined => {
    if (Object.prototype.hasOwnProperty.call(target, prop)) return prop;
    const json = jsonNameOf(prop);
    return Object.prototype.hasOwnProperty.call(target, json) ? json : undefined;
  };
  const proxy = new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop !== 'string' || Array.isArray(t)) {
        const v = Reflect.get(t, prop, receiver);
        return typeof prop === 'string' && /^\d+$/.test(prop) ? goView(v) : v;
      }
      const key = lookup(prop);
      return key === undefined ? undefined : goView(t[key]);
    },
    has(t, prop) {
      return typeof prop === 'string' && !Array.isArray(t) ? lookup(prop) !== undefined : Reflect.has(t, prop);
    },
  });
  rawOf.set(proxy, value);
  viewOf.set(value, proxy);
  return proxy as T;
}

/** The plain JSON behind a goView (or the value itself). */
export function unwrapGoView<T>(value: T): T {
  return (value !== null && typeof value === 'object' && rawOf.has(value) ? rawOf.get(value) : value) as T;
}
