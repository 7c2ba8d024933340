/**
 * Istio's validation rules that OpenAPI schemas cannot express: route weights, durations,
 * host formats, regexes, required combinations. Each returns problems with field paths.
 */
import { isIP } from 'node:net';
import { asArray, isAnyObject, type AnyObject, type Resource } from './resource.js';

/** One problem found in a resource, with the field path it is about (for the line number). */
export interface SchemaProblem {
  level: 'Error' | 'Warning';
  /** Field path the problem is about (for the line number). */
  path: (string | number)[];
  message: string;
}

type Path = (string | number)[];
type Add = (path: Path, message: string, level?: 'Error' | 'Warning') => void;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** A host Istio accepts: `*`, `*.suffix`, or a DNS name (labels of letters, digits, dashes). */
export function hostProblem(host: string): string | undefined {
  if (host === '*') return undefined;
  if (host === '') return 'host must not be empty';
  if (host.length > 255) return `host ${JSON.stringify(host)} is longer than 255 characters`;
  const rest = host.startsWith('*.') ? host.slice(2) : host;
  if (rest.includes('*')) return `host ${JSON.stringify(host)} has a wildcard that is not a leading "*."`;
  if (isIP(rest)) return undefined;
  const labels = rest.endsWith('.') ? rest.slice(0, -1).split('.') : rest.split('.');
  const bad = labels.find((l) => !DNS_LABEL.test(l) || l.length > 63);
  return bad === undefined ? undefined : `host ${JSON.stringify(host)} is not a valid DNS name (label ${JSON.stringify(bad)})`;
}

function checkDuration(add: Add, value: unknown, path: Path): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !DURATION.test(value)) add(path, `${JSON.stringify(value)} is not a valid duration (use e.g. 500ms, 10s, 1m)`);
}

function checkRegex(add: Add, value: unknown, path: Path): void {
  if (typeof value !== 'string') return;
  try {
    new RegExp(value, 'u');
  } catch (err) {
    add(path, `invalid regular expression ${JSON.stringify(value)}: ${(err as Error).message}`);
  }
}

function checkPort(add: Add, value: unknown, path: Path): void {
  if (value === undefined) return;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) add(path, `port number ${JSON.stringify(value)} must be between 1 and 65535`);
}

function stringMatches(add: Add, m: unknown, path: Path): void {
  if (!isAnyObject(m)) return;
  if (m.regex !== undefined) checkRegex(add, m.regex, [...path, 'regex']);
}

function virtualService(spec: AnyObject, add: Add): void {
  const hosts = asArray<string>(spec.hosts);
  const delegate = hosts.length === 0;
  hosts.forEach((h, i) => {
    const p = hostProblem(String(h));
    if (p) add(['spec', 'hosts', i], p);
  });
  asArray<string>(spec.gateways).forEach((g, i) => {
    if (typeof g === 'string' && g !== 'mesh' && g.includes('/') && !DNS_LABEL.test(g.split('/')[0]!)) add(['spec', 'gateways', i], `gateway ${JSON.stringify(g)} has an invalid namespace`);
  });
  if (!delegate && asArray(spec.http).length + asArray(spec.tcp).length + asArray(spec.tls).length === 0) add(['spec'], 'http, tcp or tls must provide at least one route');
  for (const section of ['http', 'tcp', 'tls'] as const) {
    asArray<AnyObject>(spec[section]).forEach((route, i) => {
      if (!isAnyObject(route)) return;
      const base: Path = ['spec', section, i];
      const dests = asArray<AnyObject>(route.route);
      if (section === 'http') {
        if (dests.length === 0 && !route.redirect && !route.directResponse && !route.delegate) add(base, 'an http route must have a route, redirect, directResponse or delegate');
        if (dests.length > 0 && route.redirect) add(base, 'an http route may not have both route and redirect');
        checkDuration(add, route.timeout, [...base, 'timeout']);
        checkDuration(add, route.retries?.perTryTimeout, [...base, 'retries', 'perTryTimeout']);
        checkDuration(add, route.fault?.delay?.fixedDelay, [...base, 'fault', 'delay', 'fixedDelay']);
        if (route.retries?.attempts !== undefined && Number(route.retries.attempts) < 0) add([...base, 'retries', 'attempts'], 'retry attempts cannot be negative');
        asArray<AnyObject>(route.match).forEach((m, j) => {
          if (!isAnyObject(m)) return;
          const mp: Path = [...base, 'match', j];
          for (const f of ['uri', 'scheme', 'method', 'authority'] as const) stringMatches(add, m[f], [...mp, f]);
          for (const f of ['headers', 'queryParams', 'withoutHeaders'] as const) if (isAnyObject(m[f])) for (const [k, v] of Object.entries(m[f])) stringMatches(add, v, [...mp, f, k]);
          if (m.port !== undefined) checkPort(add, m.port, [...mp, 'port']);
        });
        if (isAnyObject(route.corsPolicy)) asArray(route.corsPolicy.allowOrigins).forEach((o, j) => stringMatches(add, o, [...base, 'corsPolicy', 'allowOrigins', j]));
      } else if (dests.length === 0) add(base, `a ${section} route must have at least one destination`);
      let total = 0;
      dests.forEach((d, j) => {
        const dp: Path = [...base, 'route', j];
        if (!isAnyObject(d?.destination) || !d.destination.host) add(dp, 'destination.host is required');
        else {
          const p = hostProblem(String(d.destination.host));
          if (p) add([...dp, 'destination', 'host'], p);
        }
        if (d?.destination?.port?.number !== undefined) checkPort(add, d.destination.port.number, [...dp, 'destination', 'port', 'number']);
        const w = d?.weight === undefined ? 0 : Number(d.weight);
        if (!Number.isInteger(w) || w < 0) add([...dp, 'weight'], `weight ${JSON.stringify(d.weight)} must be a non-negative integer`);
        total += w;
      });
      if (dests.length > 1 && total !== 100) add([...base, 'route'], `total destination weight ${total} != 100`);
    });
  }
}

function destinationRule(spec: AnyObject, add: Add): void {
  if (!spec.host) add(['spec'], 'host is required');
  else {
    const p = hostProblem(String(spec.host));
    if (p) add(['spec', 'host'], p);
  }
  const names = new Set<string>();
  asArray<AnyObject>(spec.subsets).forEach((s, i) => {
    if (!s?.name) add(['spec', 'subsets', i], 'subset name is required');
    else if (names.has(s.name)) add(['spec', 'subsets', i, 'name'], `duplicate subset name ${JSON.stringify(s.name)}`);
    else names.add(s.name);
  });
  const policies: [AnyObject, Path][] = [[spec.trafficPolicy, ['spec', 'trafficPolicy']], ...asArray<AnyObject>(spec.subsets).map((s, i): [AnyObject, Path] => [s?.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy']])];
  for (const [tp, path] of policies) {
    if (!isAnyObject(tp)) continue;
    checkDuration(add, tp.connectionPool?.tcp?.connectTimeout, [...path, 'connectionPool', 'tcp', 'connectTimeout']);
    checkDuration(add, tp.connectionPool?.http?.idleTimeout, [...path, 'connectionPool', 'http', 'idleTimeout']);
    checkDuration(add, tp.outlierDetection?.interval, [...path, 'outlierDetection', 'interval']);
    checkDuration(add, tp.outlierDetection?.baseEjectionTime, [...path, 'outlierDetection', 'baseEjectionTime']);
    const mode = tp.tls?.mode;
    if (mode === 'MUTUAL' && !tp.tls.credentialName && (!tp.tls.clientCertificate || !tp.tls.privateKey)) add([...path, 'tls'], 'MUTUAL TLS needs clientCertificate and privateKey, or credentialName');
    asArray<AnyObject>(tp.portLevelSettings).forEach((pl, i) => checkPort(add, pl?.port?.number, [...path, 'portLevelSettings', i, 'port', 'number']));
  }
}

function gateway(spec: AnyObject, add: Add): void {
  const servers = asArray<AnyObject>(spec.servers);
  if (servers.length === 0) add(['spec'], 'gateway must have at least one server');
  const portNames = new Set<string>();
  servers.forEach((s, i) => {
    const base: Path = ['spec', 'servers', i];
    if (!isAnyObject(s?.port)) add(base, 'server port is required');
    else {
      checkPort(add, s.port.number, [...base, 'port', 'number']);
      if (s.port.name) {
        if (portNames.has(s.port.name)) add([...base, 'port', 'name'], `port names in servers must be unique: duplicate name ${s.port.name}`);
        portNames.add(s.port.name);
      }
    }
    const hosts = asArray<string>(s?.hosts);
    if (hosts.length === 0) add(base, 'server config must contain at least one host');
    hosts.forEach((h, j) => {
      const str = String(h);
      const slash = str.indexOf('/');
      const ns = slash < 0 ? undefined : str.slice(0, slash);
      const host = slash < 0 ? str : str.slice(slash + 1);
      if (ns !== undefined && ns !== '*' && ns !== '.' && !DNS_LABEL.test(ns)) add([...base, 'hosts', j], `namespace ${JSON.stringify(ns)} in host ${JSON.stringify(str)} is not valid`);
      const p = hostProblem(host);
      if (p) add([...base, 'hosts', j], p);
    });
    const protocol = String(s?.port?.protocol ?? '').toUpperCase();
    const tls = s?.tls;
    if (protocol === 'HTTPS' && !isAnyObject(tls)) add(base, 'server must have TLS settings for HTTPS or TLS protocols');
    if (isAnyObject(tls) && (tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL' || tls.mode === undefined) && (protocol === 'HTTPS' || (protocol === 'TLS' && tls.mode))) {
      if (!tls.credentialName && !asArray(tls.credentialNames).length && (!tls.serverCertificate || !tls.privateKey)) add([...base, 'tls'], `${tls.mode ?? 'SIMPLE'} TLS requires a credentialName, or serverCertificate and privateKey`);
    }
  });
}

function serviceEntry(spec: AnyObject, add: Add): void {
  const hosts = asArray<string>(spec.hosts);
  if (hosts.length === 0) add(['spec'], 'service entry must have at least one host');
  hosts.forEach((h, i) => {
    if (h === '*') add(['spec', 'hosts', i], 'invalid host *');
    else {
      const p = hostProblem(String(h));
      if (p) add(['spec', 'hosts', i], p);
    }
  });
  asArray<string>(spec.addresses).forEach((a, i) => {
    const [ip, bits] = String(a).split('/');
    if (!isIP(ip ?? '') || (bits !== undefined && !/^\d+$/.test(bits))) add(['spec', 'addresses', i], `${JSON.stringify(a)} is not a valid IP address or CIDR`);
  });
  const numbers = new Set<number>();
  const names = new Set<string>();
  asArray<AnyObject>(spec.ports).forEach((p, i) => {
    checkPort(add, p?.number, ['spec', 'ports', i, 'number']);
    if (numbers.has(Number(p?.number))) add(['spec', 'ports', i, 'number'], `port number ${p?.number} is not unique`);
    numbers.add(Number(p?.number));
    if (p?.name) {
      if (names.has(p.name)) add(['spec', 'ports', i, 'name'], `port name ${p.name} is not unique`);
      names.add(p.name);
    }
  });
  const resolution = spec.resolution ?? 'NONE';
  const wildcard = hosts.some((h) => String(h).startsWith('*'));
  if ((resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') && wildcard && asArray(spec.endpoints).length === 0) add(['spec', 'resolution'], 'wildcard host with DNS resolution needs endpoints');
  if (resolution === 'STATIC' && asArray(spec.endpoints).length === 0 && !spec.workloadSelector) add(['spec', 'resolution'], 'STATIC resolution needs endpoints or a workloadSelector');
  if (spec.endpoints && spec.workloadSelector) add(['spec'], 'only one of endpoints or workloadSelector can be set');
}

function authorizationPolicy(spec: AnyObject, add: Add): void {
  const action = spec.action ?? 'ALLOW';
  if (action === 'CUSTOM' && !spec.provider?.name) add(['spec'], 'a CUSTOM action needs a provider');
  if (action !== 'CUSTOM' && spec.provider) add(['spec', 'provider'], `provider is only allowed with action CUSTOM, not ${action}`);
  if (spec.selector && (spec.targetRef || spec.targetRefs)) add(['spec'], 'only one of selector or targetRef(s) can be set');
  asArray<AnyObject>(spec.rules).forEach((rule, i) => {
    asArray<AnyObject>(rule?.to).forEach((to, j) => asArray<string>(to?.operation?.ports).forEach((p, k) => checkPort(add, p, ['spec', 'rules', i, 'to', j, 'operation', 'ports', k])));
  });
}

function peerAuthentication(spec: AnyObject, add: Add): void {
  if (spec.portLevelMtls && !spec.selector) add(['spec', 'portLevelMtls'], 'portLevelMtls requires a workload selector');
}

function sidecar(spec: AnyObject, add: Add): void {
  asArray<AnyObject>(spec.egress).forEach((e, i) => {
    const hosts = asArray<string>(e?.hosts);
    if (hosts.length === 0) add(['spec', 'egress', i], 'egress listener must have at least one host');
    hosts.forEach((h, j) => {
      const str = String(h);
      const slash = str.indexOf('/');
      if (slash < 0) add(['spec', 'egress', i, 'hosts', j], `egress host ${JSON.stringify(str)} must be of the form namespace/dnsName`);
      else {
        const ns = str.slice(0, slash);
        if (ns !== '*' && ns !== '.' && ns !== '~' && !DNS_LABEL.test(ns)) add(['spec', 'egress', i, 'hosts', j], `egress host ${JSON.stringify(str)} has an invalid namespace`);
        const p = hostProblem(str.slice(slash + 1));
        if (p) add(['spec', 'egress', i, 'hosts', j], p);
      }
    });
  });
}

const RULES: Record<string, (spec: AnyObject, add: Add) => void> = {
  VirtualService: virtualService,
  DestinationRule: destinationRule,
  Gateway: gateway,
  ServiceEntry: serviceEntry,
  AuthorizationPolicy: authorizationPolicy,
  PeerAuthentication: peerAuthentication,
  Sidecar: sidecar,
};

export function semanticProblems(r: Resource): SchemaProblem[] {
  const rule = r.group.endsWith('istio.io') ? RULES[r.kind] : undefined;
  if (!rule) return [];
  const out: SchemaProblem[] = [];
  rule(r.spec, (path, message, level = 'Error') => out.push({ path, message, level }));
  return out;
}
