/**
 * schema.ValidationAnalyzer.<Kind>: each Istio kind against its CRD schema and Istio's
 * validation rules (IST0106 errors, IST0133 warnings); for VirtualServices also Istio's rule-order
 * warnings, rules never reached (IST0130) and matches never used (IST0131).
 */
import type { Analyzer } from '../framework.js';
import type { AnalysisContext } from '../context.js';
import { isObject } from '../../core/json.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { ISTIO_GROUPS, validateResource } from '../schema.js';

/** The Istio kinds with CRDs (schemas/crds/index.json; a test keeps the two in step). */
export const SCHEMA_KINDS = ['AuthorizationPolicy', 'DestinationRule', 'EnvoyFilter', 'Gateway', 'PeerAuthentication', 'ProxyConfig', 'RequestAuthentication', 'ServiceEntry', 'Sidecar', 'Telemetry', 'TrafficExtension', 'VirtualService', 'WasmPlugin', 'WorkloadEntry', 'WorkloadGroup'];

function istioObjects(ctx: AnalysisContext, kind: string): Resource[] {
  return ctx.all(kind).filter((r) => ISTIO_GROUPS.has(r.group) && r.origin.source !== 'default');
}

function schemaAnalyzer(kind: string): Analyzer {
  return {
    name: `schema.ValidationAnalyzer.${kind}`,
    description: `Runs schema validation as an analyzer on '${kind}' resources`,
    inputs: [kind],
    codes: kind === 'VirtualService' ? ['IST0106', 'IST0133', 'IST0130', 'IST0131'] : ['IST0106', 'IST0133'],
    async prepare(ctx) {
      const found: [Resource, Awaited<ReturnType<typeof validateResource>>][] = [];
      for (const r of istioObjects(ctx, kind)) found.push([r, await validateResource(r)]);
      pending.set(ctx, found);
    },
    run(ctx) {
      for (const [r, problems] of pending.get(ctx) ?? []) {
        for (const p of problems) {
          if (p.level === 'Error') ctx.report('IST0106', r, `Schema validation error: ${p.message}`);
          else ctx.report('IST0133', r, `Schema validation warning: ${p.message}`);
        }
        if (kind === 'VirtualService') ruleOrder(ctx, r);
      }
      pending.delete(ctx);
    },
  };
}

const pending = new WeakMap<object, [Resource, Awaited<ReturnType<typeof validateResource>>][]>();

export const schemaAnalyzers: Analyzer[] = SCHEMA_KINDS.map(schemaAnalyzer);

/** A match in comparable form: keys sorted, empty values dropped (as Go's omitempty), HTTP match names ignored. */
function matchKey(match: unknown, http: boolean): string {
  const norm = (v: unknown, top: boolean): unknown => {
    if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => norm(x, false));
    if (isObject(v)) {
      const out: AnyObject = {};
      for (const k of Object.keys(v).sort()) {
        if (top && http && k === 'name') continue;
        const n = norm(v[k], false);
        if (n !== undefined) out[k] = n;
      }
      return Object.keys(out).length === 0 && !top ? undefined : out;
    }
    return v === '' || v === 0 || v === false || v === null ? undefined : v;
  };
  return JSON.stringify(norm(match, true) ?? {});
}

const exactOrPrefix = (m: unknown): string => {
  if (!isObject(m)) return '';
  if (typeof m.exact === 'string' && m.exact !== '') return `exact:${m.exact}`;
  if (typeof m.prefix === 'string' && m.prefix !== '') return `prefix:${m.prefix}`;
  return '';
};

interface PrefixMatch {
  route: string;
  match: string;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  without: Record<string, string>;
}

function stringMatches(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, m] of Object.entries(v)) out[k] = exactOrPrefix(m);
  return out;
}

function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix) || a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  for (const [x, y] of [[a.headers, b.headers], [a.query, b.query], [a.without, b.without]] as const) {
    if (Object.keys(x).length !== Object.keys(y).length) return false;
    for (const [k, v] of Object.entries(x)) if (!(k in y) || (v !== y[k] && !v.startsWith(y[k]!))) return false;
  }
  return true;
}

/** Istio's analyzeUnreachable{HTTP,TCP,TLS}Rules. */
function ruleOrder(ctx: AnalysisContext, vs: Resource): void {
  const unreachable = (rule: string, reason: string) => ctx.report('IST0130', vs, `VirtualService rule ${rule} not used (${reason}).`);
  const ineffective = (rule: string, match: string, dup: string) => ctx.report('IST0131', vs, `VirtualService rule ${rule} match ${match} is not used (duplicate/overlapping match in rule ${dup}).`);
  for (const section of ['http', 'tcp', 'tls'] as const) {
    const http = section === 'http';
    const routes = asArray<AnyObject>(vs.spec[section]);
    const routeName = (i: number) => (http && typeof routes[i]?.name === 'string' && routes[i]!.name !== '' ? JSON.stringify(routes[i]!.name) : `#${i}`);
    const seen = new Map<string, number>();
    const prefixes: PrefixMatch[] = [];
    let catchAll = -1;
    routes.forEach((route, i) => {
      if (!isObject(route)) return;
      const matches = asArray<unknown>(route.match);
      if (matches.length === 0) {
        if (catchAll >= 0) unreachable(routeName(i), 'only the last rule can have no matches');
        catchAll = i;
        return;
      }
      let duplicates = 0;
      matches.forEach((m, j) => {
        if (catchAll >= 0) {
          unreachable(routeName(i), 'route without matches defined before');
          return;
        }
        const matchName = http && isObject(m) && typeof m.name === 'string' && m.name !== '' ? JSON.stringify(m.name) : `#${j}`;
        const key = matchKey(m, http);
        const dup = seen.get(key);
        if (dup !== undefined) {
          ineffective(routeName(i), matchName, routeName(dup));
          duplicates++;
          return;
        }
        seen.set(key, i);
        if (http && isObject(m) && isObject(m.uri) && typeof m.uri.prefix === 'string' && m.uri.prefix !== '') {
          prefixes.push({ route: routeName(i), match: matchName, prefix: m.uri.prefix, port: Number(m.port ?? 0), method: exactOrPrefix(m.method) || 'exact:GET', authority: exactOrPrefix(m.authority), headers: stringMatches(m.headers), query: stringMatches(m.queryParams), without: stringMatches(m.withoutHeaders) });
        }
      });
      if (duplicates === matches.length) unreachable(routeName(i), 'all matches used by prior rules');
    });
    for (let a = 0; a < prefixes.length; a++) {
      for (let b = a + 1; b < prefixes.length; b++) {
        const pa = prefixes[a]!;
        const pb = prefixes[b]!;
        if (pa.prefix === pb.prefix || !covers(pa, pb)) continue;
        ineffective(pb.route, `${pb.match} of prefix ${pb.prefix}`, `${pa.match} of prefix ${pa.prefix} on ${pa.route}`);
      }
    }
  }
}
