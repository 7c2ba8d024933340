/** Small helpers the analyzers share: VirtualService destinations, Go-style rendering, grouping. */
import { isObject } from '../../core/json.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';

export interface RouteDestination {
  destination: AnyObject;
  /** Field path of the destination's `host` (for the line). */
  hostPath: (string | number)[];
  /** `http`, `tcp`, `tls`, or `http.mirror` for mirrors. */
  section: string;
  mirror: boolean;
}

/** Route destinations of a VirtualService in Istio's order: tcp, tls, then http. */
export function routeDestinations(vs: Resource): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const section of ['tcp', 'tls', 'http'] as const) {
    asArray<AnyObject>(vs.spec[section]).forEach((route, i) => {
      asArray<AnyObject>(isObject(route) ? route.route : undefined).forEach((rd, j) => {
        if (isObject(rd) && isObject(rd.destination)) out.push({ destination: rd.destination, hostPath: ['spec', section, i, 'route', j, 'destination', 'host'], section, mirror: false });
      });
    });
  }
  return out;
}

/** Mirror destinations of http routes: `mirror` and each of `mirrors[]`. */
export function mirrorDestinations(vs: Resource): RouteDestination[] {
  const out: RouteDestination[] = [];
  asArray<AnyObject>(vs.spec.http).forEach((route, i) => {
    if (!isObject(route)) return;
    if (isObject(route.mirror)) out.push({ destination: route.mirror, hostPath: ['spec', 'http', i, 'mirror', 'host'], section: 'http.mirror', mirror: true });
    asArray<AnyObject>(route.mirrors).forEach((m, j) => {
      if (isObject(m) && isObject(m.destination)) out.push({ destination: m.destination, hostPath: ['spec', 'http', i, 'mirrors', j, 'destination', 'host'], section: 'http.mirror', mirror: true });
    });
  });
  return out;
}

/** Strings of a list field (other items skipped). */
export function strings(v: unknown): string[] {
  return asArray<unknown>(v).filter((x): x is string => typeof x === 'string');
}

/** Go's %v of a string slice: `[a b c]`. */
export function goList(items: readonly (string | number)[]): string {
  return `[${items.join(' ')}]`;
}

/** Go's %q of a string slice: `["a" "b"]`. */
export function goQuotedList(items: readonly string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** Go's %q of a string (JSON quoting is the same for the text analyzers print). */
export const quote = (s: string): string => JSON.stringify(s);

/** Appends to a list in a map of lists. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export const nsName = (r: Resource): string => (r.namespace ? `${r.namespace}/${r.name}` : r.name);
