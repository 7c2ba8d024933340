/** VirtualService analyzers: destinations, subsets, gateways, mesh host conflicts, rule order. */
import type { Analyzer } from '../framework.js';
import { exportedTo, type AnalysisContext } from '../context.js';
import { asArray, isAnyObject, type AnyObject, type Resource } from '../resource.js';
import { hostsMatch, parseGatewayRef, vsDestinations, vsGateways } from './util.js';

const quote = (s: string) => JSON.stringify(s);

export const destinationHost: Analyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  description: 'Checks the destination hosts of VirtualServices: the host exists (Service or ServiceEntry, exportTo honoured), the port exists, and gateway routes name a port when the service has several',
  inputs: ['VirtualService'],
  codes: ['IST0101', 'IST0112'],
  run(ctx) {
    for (const vs of ctx.all('VirtualService')) {
      const onGateway = vsGateways(vs).some((g) => g !== 'mesh');
      for (const { destination, path, mirror } of vsDestinations(vs)) {
        const host = String(destination.host ?? '');
        if (!host || host.includes('*')) continue;
        const found = ctx.lookupHost(host, vs.namespace);
        if (found.length === 0) {
          ctx.report('IST0101', vs, `Referenced ${mirror ? 'mirror host' : 'host'} not found: ${quote(host)}`, [...path, 'host']);
          continue;
        }
        const port = destination.port?.number;
        const ports = found.flatMap((h) => h.ports);
        if (port !== undefined) {
          if (ports.length > 0 && !ports.some((p) => p.number === Number(port))) {
            ctx.report('IST0101', vs, `Referenced host:port not found: ${quote(`${host}:${port}`)}`, [...path, 'port']);
          }
        } else if (onGateway && !mirror) {
          const numbers = [...new Set(ports.map((p) => p.number))];
          if (numbers.length > 1 && found.every((h) => h.resource.kind === 'Service')) {
            ctx.report('IST0112', vs, `This VirtualService routes to a service ${quote(host)} that exposes multiple ports [${numbers.join(' ')}]. Specifying a port in the destination is required to disambiguate.`, path);
          }
        }
      }
    }
  },
};

/** DestinationRules by canonical host, with wildcard hosts kept apart. */
function destinationRuleIndex(ctx: AnalysisContext) {
  const exact = new Map<string, Resource[]>();
  const wildcard: Resource[] = [];
  for (const dr of ctx.all('DestinationRule')) {
    const host = String(dr.spec.host ?? '');
    if (!host) continue;
    if (host.includes('*')) wildcard.push(dr);
    else {
      const key = ctx.canonicalHost(host, dr.namespace);
      const list = exact.get(key);
      if (list) list.push(dr);
      else exact.set(key, [dr]);
    }
  }
  return (host: string, fromNamespace: string): Resource[] => {
    const canonical = ctx.canonicalHost(host, fromNamespace);
    const candidates = [...(exact.get(canonical) ?? []), ...wildcard.filter((dr) => hostsMatch(String(dr.spec.host), canonical))];
    return candidates.filter((dr) => exportedTo(dr.spec.exportTo, dr.namespace, fromNamespace, ctx.mesh.defaultDestinationRuleExportTo));
  };
}

export const destinationRuleSubsets: Analyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  description: 'Checks that the subsets VirtualServices route to are defined by a DestinationRule visible to them',
  inputs: ['VirtualService'],
  codes: ['IST0101'],
  run(ctx) {
    const rulesFor = destinationRuleIndex(ctx);
    for (const vs of ctx.all('VirtualService')) {
      for (const { destination, path } of vsDestinations(vs)) {
        const subset = destination.subset;
        const host = String(destination.host ?? '');
        if (!subset || !host) continue;
        const ok = rulesFor(host, vs.namespace).some((dr) => asArray<AnyObject>(dr.spec.subsets).some((s) => s?.name === subset));
        if (!ok) ctx.report('IST0101', vs, `Referenced host+subset in destinationrule not found: ${quote(`${host}+${subset}`)}`, [...path, 'subset']);
      }
    }
  },
};

/** Gateway server hosts as (namespace part, host), `ns/host` form resolved. */
function gatewayHosts(gw: Resource): { ns: string; host: string }[] {
  const out: { ns: string; host: string }[] = [];
  for (const server of asArray<AnyObject>(gw.spec.servers)) {
    for (const h of asArray<string>(server?.hosts)) {
      if (typeof h !== 'string') continue;
      const slash = h.indexOf('/');
      out.push(slash < 0 ? { ns: '*', host: h } : { ns: h.slice(0, slash), host: h.slice(slash + 1) });
    }
  }
  return out;
}

export const gatewayReferences: Analyzer = {
  name: 'virtualservice.GatewayAnalyzer',
  description: 'Checks that the Gateways VirtualServices bind to exist, are not internal, and serve the VirtualService hosts',
  inputs: ['VirtualService'],
  codes: ['IST0101', 'IST0132', 'IST0165'],
  run(ctx) {
    for (const vs of ctx.all('VirtualService')) {
      const refs = asArray<string>(vs.spec.gateways);
      refs.forEach((ref, i) => {
        if (typeof ref !== 'string' || ref === 'mesh') return;
        const { namespace, name } = parseGatewayRef(ref, vs.namespace);
        if (name.endsWith('-istio-autogenerated-k8s-gateway')) {
          ctx.report('IST0165', vs, `VirtualService ${vs.namespace}/${vs.name} references internal gateway ${namespace}/${name}; bind to a Gateway you manage instead`, ['spec', 'gateways', i]);
          return;
        }
        const gw = ctx.get('Gateway', namespace, name);
        if (!gw) {
          ctx.report('IST0101', vs, `Referenced gateway not found: ${quote(ref)}`, ['spec', 'gateways', i]);
          return;
        }
        const served = gatewayHosts(gw).filter((h) => h.ns === '*' || (h.ns === '.' ? gw.namespace === vs.namespace : h.ns === vs.namespace));
        const missing = asArray<string>(vs.spec.hosts).filter((h) => typeof h === 'string' && !served.some((s) => hostsMatch(s.host, h)));
        if (missing.length > 0) {
          ctx.report('IST0132', vs, `one or more host (${missing.join(', ')}) defined in VirtualService ${vs.namespace}/${vs.name} not found in Gateway ${gw.namespace}/${gw.name}.`, ['spec', 'hosts']);
        }
      });
    }
  },
};

export const conflictingMeshHosts: Analyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  description: 'Checks that no two VirtualServices bound to the mesh gateway define the same host where both are visible',
  inputs: ['VirtualService'],
  codes: ['IST0109'],
  run(ctx) {
    const byHost = new Map<string, Resource[]>();
    for (const vs of ctx.all('VirtualService')) {
      if (!vsGateways(vs).includes('mesh')) continue;
      // A VirtualService never conflicts with itself, even if it names one host twice.
      const own = new Set(asArray<string>(vs.spec.hosts).filter((h) => typeof h === 'string' && h !== '*').map((h) => ctx.canonicalHost(h, vs.namespace)));
      for (const h of own) {
        const list = byHost.get(h);
        if (list) list.push(vs);
        else byHost.set(h, [vs]);
      }
    }
    const visibleIn = (vs: Resource): Set<string> | undefined => {
      const list = asArray<string>(vs.spec.exportTo).length > 0 ? asArray<string>(vs.spec.exportTo) : ctx.mesh.defaultVirtualServiceExportTo;
      if (!list || list.length === 0 || list.includes('*')) return undefined;
      return new Set(list.filter((e) => e !== '~').map((e) => (e === '.' ? vs.namespace : e)));
    };
    const overlap = (a: Set<string> | undefined, b: Set<string> | undefined) => !a || !b || [...a].some((n) => b.has(n));
    for (const [host, list] of byHost) {
      if (list.length < 2) continue;
      const scopes = list.map(visibleIn);
      const conflicting = list.filter((_, i) => list.some((_, j) => i !== j && overlap(scopes[i], scopes[j])));
      if (conflicting.length < 2) continue;
      const names = conflicting.map((v) => `${v.namespace}/${v.name}`).join(',');
      for (const vs of conflicting) {
        ctx.report('IST0109', vs, `The VirtualServices ${names} associated with mesh gateway define the same host ${host} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.`, ['spec', 'hosts']);
      }
    }
  },
};

/** A match in comparable form: keys sorted, `name` ignored. */
function matchKey(match: unknown): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (isAnyObject(v)) {
      const out: AnyObject = {};
      for (const k of Object.keys(v).sort()) if (k !== 'name') out[k] = norm(v[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(norm(match));
}

export const routeRules: Analyzer = {
  name: 'virtualservice.ConflictAnalyzer',
  description: 'Checks VirtualService rule order: rules after a catch-all or repeating earlier matches are never used',
  inputs: ['VirtualService'],
  codes: ['IST0130', 'IST0131'],
  run(ctx) {
    for (const vs of ctx.all('VirtualService')) {
      for (const section of ['http', 'tcp', 'tls'] as const) {
        const routes = asArray<AnyObject>(vs.spec[section]);
        const ruleName = (i: number) => (routes[i]?.name ? quote(String(routes[i]!.name)) : `#${i}`);
        const seen = new Map<string, number>();
        let catchAll = -1;
        routes.forEach((route, i) => {
          if (!isAnyObject(route)) return;
          const matches = asArray(route.match);
          if (catchAll >= 0) {
            ctx.report('IST0130', vs, `VirtualService rule ${ruleName(i)} not used (rule ${ruleName(catchAll)} has no matches and catches all ${section} traffic before it).`, ['spec', section, i]);
            return;
          }
          if (matches.length === 0) {
            catchAll = i;
            return;
          }
          const dups = matches.map((m) => seen.get(matchKey(m)));
          if (dups.every((d) => d !== undefined)) {
            ctx.report('IST0130', vs, `VirtualService rule ${ruleName(i)} not used (same matches as rule ${ruleName(dups[0]!)}).`, ['spec', section, i]);
            return;
          }
          dups.forEach((d, m) => {
            if (d !== undefined) ctx.report('IST0131', vs, `VirtualService rule ${ruleName(i)} match #${m} is not used (duplicate/overlapping match in rule ${ruleName(d)}).`, ['spec', section, i, 'match', m]);
          });
          matches.forEach((m) => {
            const k = matchKey(m);
            if (!seen.has(k)) seen.set(k, i);
          });
        });
      }
    }
  },
};

export const jwtClaimRoutes: Analyzer = {
  name: 'virtualservice.JWTClaimRouteAnalyzer',
  description: 'Checks that gateway VirtualServices routing on JWT claims have a RequestAuthentication for the gateway workloads',
  inputs: ['VirtualService'],
  codes: ['IST0149'],
  run(ctx) {
    for (const vs of ctx.all('VirtualService')) {
      const claimKey = asArray<AnyObject>(vs.spec.http)
        .flatMap((r) => asArray<AnyObject>(r?.match))
        .flatMap((m) => [...Object.keys(isAnyObject(m?.headers) ? m.headers : {}), ...Object.keys(isAnyObject(m?.withoutHeaders) ? m.withoutHeaders : {})])
        .find((k) => k.startsWith('@request.auth.claims'));
      if (!claimKey) continue;
      for (const ref of vsGateways(vs)) {
        if (ref === 'mesh') continue;
        const { namespace, name } = parseGatewayRef(ref, vs.namespace);
        const gw = ctx.get('Gateway', namespace, name);
        if (!gw) continue;
        const selector: Record<string, string> = isAnyObject(gw.spec.selector) ? gw.spec.selector : {};
        const covers = (ra: Resource) => {
          const sel = ra.spec.selector?.matchLabels;
          if (!isAnyObject(sel) || Object.keys(sel).length === 0) return ra.namespace === ctx.mesh.rootNamespace || ra.namespace === gw.namespace;
          return Object.entries(sel).every(([k, v]) => selector[k] === String(v));
        };
        if (!ctx.all('RequestAuthentication').some(covers)) {
          ctx.report('IST0149', vs, `The virtual service uses the JWT claim based routing (key: ${claimKey}) but found no request authentication for the gateway (${gw.namespace}/${gw.name}). The request authentication must first be applied for the gateway pods to validate the JWT token and make the claims available for routing.`);
        }
      }
    }
  },
};

export const virtualServiceAnalyzers = [destinationHost, destinationRuleSubsets, gatewayReferences, conflictingMeshHosts, routeRules, jwtClaimRoutes];
