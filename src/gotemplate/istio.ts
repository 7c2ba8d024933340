/**
 * Istio's injection template helpers (pkg/kube/inject), re-implemented from their documented
 * behaviour. Where a name clashes with Sprig (indent, contains, omit, toYaml...), this wins.
 */
import { setOwn } from '../core/json.js';
import { goDurationString } from '../core/duration.js';
import { defn, int, map, str, strval } from './args.js';
import { marshalJSON, marshalYAML } from './encode.js';
import type { Fn } from './state.js';
import { formatValue, sprint } from './format.js';
import { GoFloat, goFieldToJsonName, isMapLike, mapGet, mapHas } from './values.js';

/** Reads a Go struct field from a JSON-shaped object: `Annotations` or `annotations`. */
function field(obj: unknown, goName: string): unknown {
  if (!isMapLike(obj)) return undefined;
  if (mapHas(obj, goName)) return mapGet(obj, goName);
  return mapGet(obj, goFieldToJsonName(goName));
}

// ---- durations ----

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Parses a proto-JSON duration ("45s", "0.5s"), a Go duration ("1m30s") or {seconds, nanos}; returns ns. */
export function durationNanos(v: unknown): number | null {
  if (v instanceof GoFloat) v = v.value;
  if (typeof v === 'number') return v * 1e9;
  if (isMapLike(v)) return Number(field(v, 'Seconds') ?? 0) * 1e9 + Number(field(v, 'Nanos') ?? 0);
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (s === '0') return 0;
  const re = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let pos = 0;
  const neg = s.startsWith('-');
  const body = neg || s.startsWith('+') ? s.slice(1) : s;
  while ((m = re.exec(body))) {
    total += Number(m[1]) * UNIT_NS[m[2]];
    pos = re.lastIndex;
  }
  if (pos !== body.length || pos === 0) return null;
  return neg ? -total : total;
}

/** Proto-JSON form of a duration: seconds with 0, 3, 6 or 9 fractional digits. */
function protoDuration(ns: number): string {
  const secs = Math.trunc(ns / 1e9);
  const frac = Math.round(Math.abs(ns % 1e9));
  if (frac === 0) return `${secs}s`;
  let f = String(frac).padStart(9, '0');
  if (f.endsWith('000000')) f = f.slice(0, 3);
  else if (f.endsWith('000')) f = f.slice(0, 6);
  return `${ns < 0 && secs === 0 ? '-' : ''}${secs}.${f}s`;
}

// ---- ProxyConfig proto JSON ----

/** ProxyConfig fields in proto declaration order (protojson output order). */
const PROXY_CONFIG_FIELDS = [
  'configPath', 'binaryPath', 'serviceCluster', 'tracingServiceName', 'drainDuration', 'parentShutdownDuration',
  'discoveryAddress', 'discoveryRefreshDelay', 'zipkinAddress', 'statsdUdpAddress', 'envoyMetricsServiceAddress',
  'proxyAdminPort', 'availabilityZone', 'controlPlaneAuthPolicy', 'customConfigFile', 'statNameLength', 'concurrency',
  'proxyBootstrapTemplatePath', 'interceptionMode', 'tracing', 'sds', 'envoyAccessLogService', 'envoyMetricsService',
  'proxyMetadata', 'runtimeValues', 'statusPort', 'extraStatTags', 'gatewayTopology', 'terminationDrainDuration',
  'meshId', 'readinessProbe', 'proxyStatsMatcher', 'holdApplicationUntilProxyStarts', 'caCertificatesPem', 'image',
  'privateKeyProvider', 'proxyHeaders', 'fileFlushInterval', 'fileFlushMinSizeKb', 'serviceAccountTokenPath',
];
const DURATION_FIELDS = new Set(['drainDuration', 'parentShutdownDuration', 'discoveryRefreshDelay', 'terminationDrainDuration', 'fileFlushInterval']);
const SORTED_MAP_FIELDS = new Set(['proxyMetadata', 'runtimeValues']);
/** Scalar proto3 fields: zero values are not emitted. Wrapper fields (concurrency, hold...) are. */
const ENUM_ZERO: Record<string, string> = { interceptionMode: 'REDIRECT', controlPlaneAuthPolicy: 'NONE', tracingServiceName: 'APP_LABEL_AND_NAMESPACE' };
const WRAPPERS = new Set(['concurrency', 'holdApplicationUntilProxyStarts']);

/** Values mesh.DefaultProxyConfig() sets; injection strips fields equal to them. */
const PROXY_DEFAULTS: Record<string, unknown> = {
  configPath: './etc/istio/proxy',
  binaryPath: '/usr/local/bin/envoy',
  controlPlaneAuthPolicy: 'MUTUAL_TLS',
  serviceCluster: 'istio-proxy',
  drainDuration: 45e9,
  terminationDrainDuration: 5e9,
  parentShutdownDuration: 60e9,
  discoveryAddress: 'istiod.istio-system.svc:15012',
  proxyAdminPort: 15000,
  statNameLength: 189,
  statusPort: 15020,
  concurrency: 2,
};
const DEFAULT_TRACING = { zipkin: { address: 'zipkin.istio-system:9411' } };

function isZero(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isMapLike(v)) return Object.keys(v).length === 0;
  return false;
}

/** protoToJSON on a ProxyConfig: defaults removed, compact proto-JSON in field order. */
export function proxyConfigJSON(pc: unknown): string {
  if (!isMapLike(pc)) return '{}';
  const out: Record<string, unknown> = {};
  const keys = [...PROXY_CONFIG_FIELDS.filter((k) => mapHas(pc, k)), ...Object.keys(pc).filter((k) => !PROXY_CONFIG_FIELDS.includes(k))];
  for (const k of keys) {
    let v = mapGet(pc, k);
    if (v instanceof GoFloat) v = v.value;
    if (isMapLike(v) && WRAPPERS.has(k) && 'value' in v) v = v.value;
    if (v === undefined || v === null) continue;
    if (!WRAPPERS.has(k) && (isZero(v) || ENUM_ZERO[k] === v)) continue;
    if (DURATION_FIELDS.has(k)) {
      const ns = durationNanos(v);
      if (ns !== null && ns === PROXY_DEFAULTS[k]) continue;
      if (ns !== null) v = protoDuration(ns);
    } else if (k in PROXY_DEFAULTS && PROXY_DEFAULTS[k] === v) {
      continue;
    }
    if (k === 'tracing' && JSON.stringify(v) === JSON.stringify(DEFAULT_TRACING)) continue;
    out[k] = SORTED_MAP_FIELDS.has(k) && isMapLike(v) ? v : v;
  }
  // Maps inside are emitted with sorted keys, messages in the order given.
  return orderedJSON(out);
}

function orderedJSON(o: Record<string, unknown>): string {
  const parts = Object.keys(o).map((k) => {
    const v = o[k];
    const enc = SORTED_MAP_FIELDS.has(k) ? marshalJSON(v) : isMapLike(v) ? orderedJSON(v) : marshalJSON(v);
    return `${marshalJSON(k)}:${enc}`;
  });
  return `{${parts.join(',')}}`;
}

// ---- container ports ----

function containerPorts(containers: unknown, include: (c: unknown) => boolean): string {
  if (containers === null || containers === undefined) return '';
  if (!Array.isArray(containers)) throw new Error(`wrong type for value; expected []v1.Container; got ${typeof containers}`);
  const parts: string[] = [];
  for (const c of containers) {
    if (!include(c)) continue;
    const ports = field(c, 'Ports');
    if (!Array.isArray(ports)) continue;
    for (const p of ports) {
      const proto = field(p, 'Protocol');
      if (proto === 'UDP' || proto === 'SCTP') continue;
      parts.push(String(Number(field(p, 'ContainerPort') ?? 0)));
    }
  }
  return parts.join(',');
}

// ---- misc ----

/**
 * Adds `namespace/name` to a Multus networks annotation unless it is there: a JSON list of
 * objects gets `{"name": ..., "namespace": ...}` inserted before its last `]` (the rest of the
 * text kept byte for byte; unparsable JSON is left alone), a comma list gets `, namespace/name`.
 */
function appendMultusNetwork(existing: string, network: string): string {
  if (existing === '') return network;
  const slash = network.indexOf('/');
  const namespace = slash < 0 ? '' : network.slice(0, slash);
  const name = slash < 0 ? network : network.slice(slash + 1);
  const i = existing.lastIndexOf(']');
  if (i !== -1) {
    let nets: unknown;
    try {
      nets = JSON.parse(existing);
    } catch {
      return existing;
    }
    if (!Array.isArray(nets) || !nets.every(isMapLike)) return existing;
    if (nets.some((n) => n.name === name && (typeof n.namespace === 'string' ? n.namespace : '') === namespace)) return existing;
    const entry = namespace ? `{"name": ${JSON.stringify(name)}, "namespace": ${JSON.stringify(namespace)}}` : `{"name": ${JSON.stringify(name)}}`;
    return `${existing.slice(0, i)}, ${entry}${existing.slice(i)}`;
  }
  if (existing.split(',').some((n) => n.trim() === network)) return existing;
  return `${existing}, ${network}`;
}

/** Object.assign for Go maps: keys are data, so a `__proto__` key stays an entry (prototype pollution). */
function assignOwn(out: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const k of Object.keys(from)) setOwn(out, k, from[k]);
}

// ---- OpenTelemetry service attributes ----

const OTEL_ANNOTATION = 'resource.opentelemetry.io/';

/**
 * OTEL_RESOURCE_ATTRIBUTES for the proxy, following OpenTelemetry's Kubernetes service
 * attribute rules, but only when some mesh OpenTelemetry provider asks for them
 * (serviceAttributeEnrichment: OTEL_SEMANTIC_CONVENTIONS); otherwise "". Each attribute is its
 * `resource.opentelemetry.io/*` annotation, else: the namespace; the `app.kubernetes.io/version`
 * label, else the single container's image tag/digest; `<namespace>.$(POD_NAME).<container>`.
 */
function otelResourceAttributes(mesh: unknown, annotations: unknown, labels: unknown, namespace: unknown, containers: unknown): string {
  if (!semanticConventionsEnabled(mesh)) return '';
  const annotation = (key: string): string => {
    const v = isMapLike(annotations) ? mapGet(annotations, OTEL_ANNOTATION + key) : undefined;
    return typeof v === 'string' ? v : '';
  };
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const ns = text(namespace) || 'default';
  const list = Array.isArray(containers) ? containers : [];
  const label = isMapLike(labels) ? mapGet(labels, 'app.kubernetes.io/version') : undefined;
  const version = annotation('service.version') || (typeof label === 'string' ? label : '') || (list.length === 1 ? imageVersion(text(field(list[0], 'Image'))) : '');
  const first = list.length > 0 ? text(field(list[0], 'Name')) : '';
  const instance = annotation('service.instance.id') || (first ? `${ns}.$(POD_NAME).${first}` : '');
  const parts = [['service.namespace', annotation('service.namespace') || ns], ['service.version', version], ['service.instance.id', instance]];
  return parts.filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join(',');
}

function semanticConventionsEnabled(mesh: unknown): boolean {
  const providers = field(mesh, 'ExtensionProviders');
  if (!Array.isArray(providers)) return false;
  return providers.some((p) => {
    const otel = field(p, 'Opentelemetry');
    return otel !== undefined && otel !== null && field(otel, 'ServiceAttributeEnrichment') === 'OTEL_SEMANTIC_CONVENTIONS';
  });
}

const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** `<tag>@<digest>`, `<digest>` or `<tag>` of an image reference (distribution/reference rules); "" if none or invalid. */
export function imageVersion(image: string): string {
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const digest = at < 0 ? '' : image.slice(at + 1);
  if (digest && !DIGEST.test(digest)) return '';
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon < 0 ? '' : lastSegment.slice(colon + 1);
  if (tag && !TAG.test(tag)) return '';
  if (tag && digest) return `${tag}@${digest}`;
  return digest || tag;
}

function omitNil(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) {
    const out = v.map(omitNil).filter((e) => e !== null);
    return out.length === 0 && v.length > 0 ? null : out;
  }
  if (isMapLike(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const e = omitNil(v[k]);
      if (e !== null) setOwn(out, k, e);
    }
    return Object.keys(out).length === 0 && Object.keys(v).length > 0 ? null : out;
  }
  return v;
}

/** Istio's indent: every line but the first gets `n` spaces (unlike Sprig's). */
function istioIndent(n: unknown, s: unknown): string {
  const pad = ' '.repeat(int(n));
  return str(s).split('\n').map((line, i) => (i > 0 ? pad + line : line)).join('\n');
}

export const istioFuncs: Record<string, Fn> = {
  formatDuration: defn(1, 1, (d: unknown) => {
    if (d === null || d === undefined) return '0s';
    const ns = durationNanos(d);
    if (ns === null) throw new Error(`invalid duration ${formatValue(d)}`);
    return goDurationString(ns);
  }),
  isset: defn(2, 2, (m: unknown, key: unknown) => mapHas(map(m, 'map[string]string'), str(key))),
  excludeInboundPort: defn(2, 2, (port: unknown, excluded: unknown) => {
    const list = str(excluded);
    const p = sprint([port]).trim();
    if (p === '' || p === '0') return list;
    const out: string[] = [];
    for (const raw of list.split(',')) {
      if (raw === p) return list;
      const t = raw.trim();
      if (t) out.push(t);
    }
    out.push(p);
    return out.join(',');
  }),
  includeInboundPorts: defn(1, 1, (containers: unknown) => containerPorts(containers, () => true)),
  applicationPorts: defn(1, 1, (containers: unknown) => containerPorts(containers, (c) => field(c, 'Name') !== 'istio-proxy')),
  kubevirtInterfaces: defn(1, 1, (s: unknown) => str(s)),
  excludeInterfaces: defn(1, 1, (s: unknown) => str(s)),
  annotation: defn(3, 3, (meta: unknown, name: unknown, def: unknown) => {
    const annotations = field(meta, 'Annotations');
    const key = str(name);
    if (isMapLike(annotations) && mapHas(annotations, key)) return strval(mapGet(annotations, key));
    return sprint([def]);
  }),
  valueOrDefault: defn(2, 2, (v: unknown, def: unknown) => (v === '' || v === null || v === undefined ? def : v)),
  toJSON: defn(1, 1, (m: unknown) => {
    if (m === null || m === undefined) return '{}';
    try {
      return marshalJSON(m);
    } catch {
      return '{}';
    }
  }),
  fromJSON: defn(1, 1, (s: unknown) => {
    try {
      return JSON.parse(str(s));
    } catch {
      return '{}';
    }
  }),
  structToJSON: defn(1, 1, (v: unknown) => {
    if (v === null || v === undefined) return '{}';
    try {
      return marshalJSON(v);
    } catch {
      return '{}';
    }
  }),
  protoToJSON: defn(1, 1, (v: unknown) => (v === null || v === undefined ? '{}' : proxyConfigJSON(v))),
  toYaml: defn(1, 1, (v: unknown) => {
    try {
      return marshalYAML(v);
    } catch {
      return '';
    }
  }),
  indent: defn(2, 2, istioIndent),
  directory: defn(1, 1, (p: unknown) => {
    const s = str(p);
    return s.slice(0, s.lastIndexOf('/') + 1);
  }),
  contains: defn(2, 2, (needle: unknown, haystack: unknown) => str(haystack).includes(str(needle))),
  toLower: defn(1, 1, (s: unknown) => str(s).toLowerCase()),
  appendMultusNetwork: defn(2, 2, (existing: unknown, net: unknown) => appendMultusNetwork(str(existing), str(net))),
  env: defn(2, 2, (key: unknown, def: unknown) => {
    const v = process.env[str(key)];
    return v === undefined || v === '' ? str(def) : v;
  }),
  omit: defn(1, Infinity, (m: unknown, ...keys: unknown[]) => {
    const skip = new Set(keys.map(str));
    const src = map(m);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src)) if (!skip.has(k)) setOwn(out, k, src[k]);
    return out;
  }),
  strdict: defn(0, Infinity, (...kv: unknown[]) => {
    const out: Record<string, string> = {};
    for (let i = 0; i < kv.length; i += 2) setOwn(out, str(kv[i]), i + 1 < kv.length ? str(kv[i + 1]) : '');
    return out;
  }),
  toJsonMap: defn(0, Infinity, (...ms: unknown[]) => {
    const out: Record<string, unknown> = {};
    for (const m of ms) assignOwn(out, map(m));
    return marshalJSON(out);
  }),
  mergeMaps: defn(0, Infinity, (...ms: unknown[]) => {
    const out: Record<string, unknown> = {};
    for (const m of ms) assignOwn(out, map(m));
    return out;
  }),
  omitNil: defn(1, 1, omitNil),
  otelResourceAttributes: defn(5, 5, otelResourceAttributes),
};
