/** How istioctl reads Istio's names out of xDS: cluster keys, config paths in metadata. */
import { goLess } from '../../core/go-sort.js';
import { f, obj, type Json } from '../dump.js';

export interface SubsetKey {
  direction: string;
  subset: string;
  host: string;
  port: number;
}

/** Istio's model.ParseSubsetKey: `direction|port|subset|host`, or the `outbound_.port_.subset_.host` DNS SRV form. */
export function parseSubsetKey(key: string): SubsetKey {
  const out: SubsetKey = { direction: '', subset: '', host: '', port: 0 };
  const sep = key.startsWith('outbound_') || key.startsWith('inbound_') ? '_.' : '|';
  const cut = (s: string): [string, string] | undefined => {
    const i = s.indexOf(sep);
    return i < 0 ? undefined : [s.slice(0, i), s.slice(i + sep.length)];
  };
  let c = cut(key);
  if (!c) return out;
  out.direction = c[0];
  c = cut(c[1]);
  if (!c) return out;
  out.port = goAtoi(c[0]);
  c = cut(c[1]);
  if (!c) return out;
  out.subset = c[0];
  if (c[1].includes(sep)) return out;
  out.host = c[1];
  return out;
}

/** strconv.Atoi, 0 on failure. */
export function goAtoi(s: string): number {
  return /^[+-]?\d+$/.test(s) && Math.abs(Number(s)) <= Number.MAX_SAFE_INTEGER ? Number(s) : 0;
}

/** istioctl's safelyParseSubsetKey: names without 4 parts sort by their whole name. */
function sortKey(name: string): SubsetKey {
  if (name.split('|').length > 3) return parseSubsetKey(name);
  return { direction: '', subset: '', host: name, port: 0 };
}

/** istioctl's order of clusters by name (cluster and eds tables): host, subset, port, direction. */
export function clusterNameLess(a: string, b: string): boolean {
  const i = sortKey(a);
  const j = sortKey(b);
  if (i.host !== j.host) return goLess(i.host, j.host);
  if (i.subset !== j.subset) return goLess(i.subset, j.subset);
  if (i.port !== j.port) return i.port < j.port;
  return goLess(i.direction, j.direction);
}

/** `metadata.filter_metadata.istio.config`: the path of the Istio config a resource came from. */
export function istioConfig(metadata: Json | undefined): Json | undefined {
  return f(f(obj(metadata, 'filter_metadata'), 'istio'), 'config');
}

/** The Istio config a resource came from: `name.namespace`, `<unknown>`, or empty. */
export function describeManagement(metadata: Json | undefined): string {
  const config = istioConfig(metadata);
  if (config === undefined) return '';
  return renderConfig(typeof config === 'string' ? config : '');
}

function renderConfig(path: string): string {
  if (path.startsWith('/apis/networking.istio.io/')) {
    const pieces = path.split('/');
    if (pieces.length !== 8) return '';
    return `${pieces[7]}.${pieces[5]}`;
  }
  return '<unknown>';
}

