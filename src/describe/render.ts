/**
 * The fixed lines istioctl describe prints for a pod, a Service, a DestinationRule, a
 * VirtualService and an ingress gateway's address: pure functions from objects to text,
 * indented by 0, 3 or 6 spaces as istioctl indents them.
 */
import { isMeshed, PROXY_CONTAINER } from '../kube/istio-pods.js';
import type { Pod } from '../kube/pods.js';
import type { KubeObject } from '../kube/resources.js';
import { containsLabels, type Labels } from '../kube/label-selector.js';
import {
  convertProtocol,
  DEPLOYMENT_REQUIREMENTS_URL,
  extendFQDN,
  findPort,
  goQuote,
  hasCanonicalName,
  hasCanonicalRevision,
  protocolForPort,
  protoText,
  resolveShortname,
  type ServicePort,
} from './istio-facts.js';

export const LEVEL1 = 3;
export const LEVEL2 = 6;
const sp = (n: number) => ' '.repeat(n);

export interface Service extends KubeObject {
  spec?: { selector?: Labels; ports?: ServicePort[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

interface PolicySettings {
  loadBalancer?: unknown;
  connectionPool?: unknown;
  outlierDetection?: unknown;
  tls?: { mode?: string };
}

export interface DestinationRule extends KubeObject {
  spec?: {
    host?: string;
    subsets?: { name?: string; labels?: Labels }[];
    trafficPolicy?: PolicySettings & { portLevelSettings?: (PolicySettings & { port?: { number?: number } })[] };
  };
}

interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

interface HTTPMatch {
  uri?: StringMatch;
  ignoreUriCase?: boolean;
  headers?: Record<string, StringMatch>;
}

interface RouteDestination {
  destination?: { host?: string; subset?: string };
  weight?: number;
}

export interface VirtualService extends KubeObject {
  spec?: {
    gateways?: string[];
    http?: { match?: HTTPMatch[]; route?: RouteDestination[]; fault?: unknown }[];
    tcp?: { match?: unknown[]; route?: RouteDestination[] }[];
    tls?: unknown[];
  };
}

export interface Gateway extends KubeObject {
  spec?: { selector?: Labels };
}

/** `name`, or `name.namespace` when outside the namespace being described. */
export type Kname = (obj: { metadata: { name: string; namespace?: string } }) => string;

export function knameIn(namespace: string): Kname {
  return (obj) => (obj.metadata.namespace === namespace ? obj.metadata.name : `${obj.metadata.name}.${obj.metadata.namespace}`);
}

const UID_WARNING = 'WARNING: User ID (UID) 1337 is reserved for the sidecar proxy.\n';

/** The pod header and its warnings. `ignoreUnmeshed` stops after the readiness warnings. */
export function renderPod(pod: Pod, revision: string, kname: Kname, ignoreUnmeshed: boolean): string {
  let out = '';
  const ports: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) ports.push(`${p.containerPort}${(p.protocol ?? 'TCP') !== 'TCP' ? `/${p.protocol}` : ''} (${c.name})`);
    if (c.name !== PROXY_CONTAINER && c.name !== 'istio-operator' && c.securityContext?.runAsUser === 1337) out += UID_WARNING;
  }
  out += `Pod: ${kname(pod)}\n   Pod Revision: ${revision}\n`;
  out += ports.length > 0 ? `   Pod Ports: ${ports.join(', ')}\n` : '   Pod does not expose ports\n';
  const phase = pod.status?.phase ?? '';
  if (phase !== 'Running') return `${out}   Pod is not Running (${phase})\n`;
  for (const s of pod.status?.containerStatuses ?? []) if (!s.ready) out += `WARNING: Pod ${kname(pod)} Container ${s.name} NOT READY\n`;
  for (const s of pod.status?.initContainerStatuses ?? []) if (!s.ready) out += `WARNING: Pod ${kname(pod)} Init Container ${s.name} NOT READY\n`;
  if (ignoreUnmeshed) return out;
  if (!isMeshed(pod)) return `${out}WARNING: ${kname(pod)} is not part of mesh; no Istio sidecar\n`;
  if (pod.spec?.securityContext?.runAsUser === 1337) out += `   ${UID_WARNING}`;
  if (!hasCanonicalName(pod.metadata.labels)) out += `Suggestion: add required service name label for Istio telemetry. See ${DEPLOYMENT_REQUIREMENTS_URL}.\n`;
  if (!hasCanonicalRevision(pod.metadata.labels)) out += `Suggestion: add required service revision label for Istio telemetry. See ${DEPLOYMENT_REQUIREMENTS_URL}.\n`;
  return out;
}

/** `Service: x` and one line per TCP port (UDP ports are not Istio's). */
export function renderService(svc: Service, pod: Pod, kname: Kname): string {
  let out = `Service: ${kname(svc)}\n`;
  for (const port of svc.spec?.ports ?? []) {
    if ((port.protocol ?? 'TCP') !== 'TCP') continue;
    const target = findPort(pod, port);
    if (typeof target === 'number') out += `   Port: ${port.name ?? ''} ${port.port}/${protocolForPort(port)} targets pod port ${target}\n`;
    else out += `   ${target.error}\n`;
  }
  return out;
}

/** Subsets whose labels match any of the pods, and the others. */
export function subsetsFor(dr: DestinationRule | undefined, podsLabels: Labels[]): { matching: string[]; nonMatching: string[] } {
  const matching: string[] = [];
  const nonMatching: string[] = [];
  for (const s of dr?.spec?.subsets ?? []) (podsLabels.some((l) => containsLabels(l, s.labels)) ? matching : nonMatching).push(s.name ?? '');
  return { matching, nonMatching };
}

function shortPolicies(p: PolicySettings): string {
  const extra = [p.loadBalancer && 'load balancer', p.connectionPool && 'connection pool', p.outlierDetection && 'outlier detection'].filter(Boolean);
  return extra.length > 0 ? `Policies: ${extra.join('/')}\n` : '';
}

/** An unset TLS mode is the enum's zero value. */
const tlsMode = (tls: { mode?: string }) => tls.mode ?? 'DISABLE';

export function renderDestinationRule(dr: DestinationRule, podsLabels: Labels[], indent: number, kname: Kname): string {
  let out = `${sp(indent)}DestinationRule: ${kname(dr)} for ${goQuote(dr.spec?.host ?? '')}\n`;
  const { matching, nonMatching } = subsetsFor(dr, podsLabels);
  if (matching.length > 0 || nonMatching.length > 0) {
    if (matching.length === 0) out += `${sp(indent + LEVEL1)}WARNING POD DOES NOT MATCH ANY SUBSETS.  (Non matching subsets ${nonMatching.join(',')})\n`;
    out += `${sp(indent + LEVEL1)}Matching subsets: ${matching.join(',')}\n`;
    if (nonMatching.length > 0) out += `${sp(indent + LEVEL2)}(Non-matching subsets ${nonMatching.join(',')})\n`;
  }
  const tp = dr.spec?.trafficPolicy;
  if (!tp) return `${out}${sp(indent + LEVEL1)}No Traffic Policy\n`;
  if (tp.tls) out += `${sp(indent + LEVEL1)}Traffic Policy TLS Mode: ${tlsMode(tp.tls)}\n`;
  const policies = shortPolicies(tp);
  if (policies) out += `${sp(indent + LEVEL1)}${policies}`;
  if (tp.portLevelSettings) {
    out += `${sp(indent + LEVEL1)}Port Level Settings:\n`;
    for (const ps of tp.portLevelSettings) {
      // istioctl indents the port by 4, whatever the level.
      out += `${sp(4)}${ps.port?.number ?? 0}:\n`;
      if (ps.tls) out += `${sp(indent + LEVEL2)}TLS Mode: ${tlsMode(ps.tls)}\n`;
      const p = shortPolicies(ps);
      if (p) out += `${sp(indent + LEVEL2)}${p}`;
    }
  }
  return out;
}

function renderStringMatch(sm: StringMatch | undefined): string {
  if (!sm) return '';
  if (sm.exact !== undefined) return sm.exact;
  if (sm.prefix !== undefined) return `${sm.prefix}*`;
  return protoText(sm);
}

function renderMatch(m: HTTPMatch): string {
  let out = 'Match: ';
  if (m.uri) {
    out += renderStringMatch(m.uri);
    if (m.ignoreUriCase) out += ' uncased';
  }
  const headers = Object.entries(m.headers ?? {});
  // A Go map: istioctl lists the headers in random order.
  if (headers.length > 0) out += ` when headers are ${headers.map(([k, v]) => `${k}=${renderStringMatch(v)}`).join('; ')}`;
  return out.trim();
}

const renderMatches = (matches: HTTPMatch[] | undefined) => (!matches || matches.length === 0 ? 'everything' : matches.map(renderMatch).join(', '));

export interface RouteContext {
  vs: VirtualService;
  svc: Service;
  matching: string[];
  nonMatching: string[];
  dr: DestinationRule | undefined;
  kname: Kname;
}

const destinationIsService = (ctx: RouteContext, host: string | undefined) =>
  host !== undefined && host !== '' && extendFQDN(resolveShortname(host, ctx.vs.metadata.namespace ?? '')) === extendFQDN(`${ctx.svc.metadata.name}.${ctx.svc.metadata.namespace}`);

/** Whether an HTTP route reaches the Service's pods, and what to say about it. */
function httpRouteFacts(ctx: RouteContext, route: NonNullable<NonNullable<VirtualService['spec']>['http']>[number]): { match: boolean; facts: string[] } {
  const facts: string[] = [];
  const mismatch: string[] = [];
  let match = false;
  for (const dest of route.route ?? []) {
    const host = dest.destination?.host;
    const subset = dest.destination?.subset ?? '';
    const weight = dest.weight ?? 0;
    if (destinationIsService(ctx, host)) {
      if (subset !== '') {
        if (ctx.nonMatching.includes(subset)) {
          mismatch.push(`Route to non-matching subset ${subset} for (${renderMatches(route.match)})`);
          continue;
        }
        if (!ctx.matching.includes(subset)) {
          mismatch.push(ctx.dr ? `Warning: Route to UNKNOWN subset ${subset}; check DestinationRule ${ctx.kname(ctx.dr)}` : `Warning: Route to subset ${subset} but NO DESTINATION RULE defining subsets!`);
          continue;
        }
      }
      match = true;
      if (weight > 0) facts.push(`Route to host "${host}"${subset ? ` subset "${subset}"` : ''} with weight ${weight}%`);
    } else if (subset === '') facts.push(`Route to host "${host ?? ''}" with weight ${weight}%`);
    else facts.push(`Route to ${host ?? ''} with invalid config`);
  }
  if (match) {
    const req: string[] = [];
    if (route.fault !== undefined && route.fault !== null) req.push(`Fault injection ${protoText(route.fault)}`);
    for (const m of route.match ?? []) req.push(renderMatch(m));
    if (req.length > 0) facts.push(req.join(', '));
  }
  if (!match && mismatch.length > 0) facts.push(...mismatch);
  return { match, facts };
}

function tcpRouteFacts(ctx: RouteContext, route: NonNullable<NonNullable<VirtualService['spec']>['tcp']>[number]): { match: boolean; facts: string[] } {
  const match = (route.route ?? []).some((d) => destinationIsService(ctx, d.destination?.host));
  return { match, facts: match ? (route.match ?? []).map(protoText) : [] };
}

export function renderVirtualService(ctx: RouteContext, indent: number): string {
  const { vs } = ctx;
  let out = `${sp(indent)}VirtualService: ${ctx.kname(vs)}\n`;
  const http = vs.spec?.http ?? [];
  const tcp = vs.spec?.tcp ?? [];
  let matches = 0;
  let facts = 0;
  const mismatch: string[] = [];
  const take = (r: { match: boolean; facts: string[] }) => {
    if (!r.match) return void mismatch.push(...r.facts);
    matches++;
    for (const fact of r.facts) {
      out += `${sp(indent + LEVEL1)}${fact}\n`;
      facts++;
    }
  };
  for (const route of http) take(httpRouteFacts(ctx, route));
  for (const route of tcp) take(tcpRouteFacts(ctx, route));
  if (matches === 0) {
    if (http.length > 0) out += `${sp(indent + LEVEL1)}WARNING: No destinations match pod subsets (checked ${http.length} HTTP routes)\n`;
    if (tcp.length > 0) out += `${sp(indent + LEVEL1)}WARNING: No destinations match pod subsets (checked ${tcp.length} TCP routes)\n`;
    for (const m of mismatch) out += `${sp(indent + LEVEL2)}${m}\n`;
    return out;
  }
  const possible = http.length + (vs.spec?.tls ?? []).length + tcp.length;
  if (matches < possible) {
    out += `${sp(indent + LEVEL1)}${possible - matches} additional destination(s) that will not reach this pod\n`;
    if (facts === 0) for (const m of mismatch) out += `${sp(indent + LEVEL2)}${m}\n`;
    return out;
  }
  if (facts === 0) {
    if (http.length > 0) out += `${sp(indent + LEVEL1)}${http.length} HTTP route(s)\n`;
    if (tcp.length > 0) out += `${sp(indent + LEVEL1)}${tcp.length} TCP route(s)\n`;
  }
  return out;
}

/** An ingress gateway Service with the gateway pods it selects. */
export interface Ingress {
  service: Service;
  pods: Pod[];
}

/** The load balancer's IP, else the first pod's host IP, else "unknown". */
export function ingressIP(ingress: Ingress): string {
  const lb = ingress.service.status?.loadBalancer?.ingress ?? [];
  if (lb.length > 0) return lb[0]!.ip ?? '';
  return ingress.pods[0]?.status?.hostIP || 'unknown';
}

/** `Exposed on Ingress Gateway http://ip[:port]` for the gateway Service's http/http2 ports. */
export function renderIngressService(ingress: Ingress): string {
  let out = '';
  const scheme: Record<string, string> = { HTTP2: 'http', HTTP: 'http' };
  for (const port of ingress.service.spec?.ports ?? []) {
    if ((port.protocol ?? 'TCP') !== 'TCP' || (port.name !== 'http2' && port.name !== 'http')) continue;
    if (typeof findPort(ingress.pods[0]!, port) !== 'number') continue;
    const s = scheme[convertProtocol(port.port, port.name, port.protocol ?? 'TCP', port.appProtocol)] ?? '';
    const suffix = (s === 'http' ? 80 : 0) !== port.port ? `:${port.port}` : '';
    out += `Exposed on Ingress Gateway ${s}://${ingressIP(ingress)}${suffix}\n`;
  }
  return out;
}
