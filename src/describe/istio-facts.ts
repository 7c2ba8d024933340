/**
 * The small pieces of Istio's model describe prints through: a port's protocol from its
 * name or appProtocol, which pod port a Service port targets, a pod's revision, host
 * name resolution, and Go's %q and proto text renderings of values.
 */
import type { Pod } from '../kube/pods.js';
import { ISTIO_VERSION } from '../version/build-info.js';

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
  targetPort?: number | string;
}

const PROTOCOLS: Record<string, string> = {
  tcp: 'TCP',
  udp: 'UDP',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-Web',
  http: 'HTTP',
  http_proxy: 'HTTP_PROXY',
  http2: 'HTTP2',
  https: 'HTTPS',
  tls: 'TLS',
  mongo: 'Mongo',
  redis: 'Redis',
  mysql: 'MySQL',
};
const UNSUPPORTED = 'UnsupportedProtocol';
/** SMTP, DNS, MySQL, MongoDB: TCP when the name says nothing, since sniffing would break them. */
const WELL_KNOWN_PORTS = new Set([25, 53, 3306, 27017]);
/** Kubernetes' standard appProtocol values. */
const K8S_APP_PROTOCOLS: Record<string, string> = { 'kubernetes.io/h2c': 'HTTP2', 'kubernetes.io/ws': 'HTTP', 'kubernetes.io/wss': 'HTTPS' };

/** Istio's kube.ConvertProtocol: UDP wins; else appProtocol, else the name's prefix before '-'. */
export function convertProtocol(port: number, name: string | undefined, protocol: string | undefined, appProtocol: string | undefined): string {
  if (protocol === 'UDP') return 'UDP';
  let n = appProtocol ?? name ?? '';
  if (appProtocol !== undefined && K8S_APP_PROTOCOLS[appProtocol]) return K8S_APP_PROTOCOLS[appProtocol];
  if (n.length >= 8 && n.slice(0, 8).toLowerCase() === 'grpc-web') return 'GRPC-Web';
  const dash = n.indexOf('-');
  if (dash >= 0) n = n.slice(0, dash);
  const p = PROTOCOLS[n.toLowerCase()] ?? UNSUPPORTED;
  return p === UNSUPPORTED && WELL_KNOWN_PORTS.has(port) ? 'TCP' : p;
}

/** describe's protocol column: auto-detect for an unnamed port without appProtocol. */
export function protocolForPort(port: ServicePort): string {
  if (!port.name && port.appProtocol === undefined && port.protocol !== 'UDP') return 'auto-detect';
  const p = convertProtocol(port.port, port.name, port.protocol ?? 'TCP', port.appProtocol);
  return p === UNSUPPORTED && port.appProtocol === 'hbone' ? 'HBONE' : p;
}

/**
 * The pod port a Service port targets (Istio's FindPort): a number as is, a name looked up
 * among the containers' ports of the same protocol. The API server defaults an unset
 * targetPort to the port, and protocols to TCP.
 */
export function findPort(pod: Pod, port: ServicePort): number | { error: string } {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP')) return p.containerPort;
  }
  return { error: `no suitable port for manifest: ${pod.metadata.uid ?? ''}` };
}

/** The revision a pod was injected by: the istio.io/rev annotation, else the sidecar status's. */
export function podRevision(pod: Pod): string {
  const annotations = pod.metadata.annotations ?? {};
  if ('istio.io/rev' in annotations) return annotations['istio.io/rev']!;
  try {
    const status = JSON.parse(annotations['sidecar.istio.io/status'] ?? '') as { revision?: unknown };
    return typeof status?.revision === 'string' ? status.revision : '';
  } catch {
    return '';
  }
}

const NAME_LABELS = ['service.istio.io/canonical-name', 'app.kubernetes.io/name', 'app'];
const REVISION_LABELS = ['service.istio.io/canonical-revision', 'app.kubernetes.io/version', 'version'];
export const hasCanonicalName = (labels: Record<string, string> | undefined) => NAME_LABELS.some((k) => labels !== undefined && k in labels);
export const hasCanonicalRevision = (labels: Record<string, string> | undefined) => REVISION_LABELS.some((k) => labels !== undefined && k in labels);

/** istio.io's docs page for pod requirements, for this Istio minor version. */
export const DEPLOYMENT_REQUIREMENTS_URL = `https://istio.io/v${ISTIO_VERSION.split('.').slice(0, 2).join('.')}/docs/ops/deployment/requirements/`;

const K8S_SUFFIX = '.svc.cluster.local';

/** Appends .svc.cluster.local unless present (wildcards stay). */
export function extendFQDN(host: string): string {
  if (host.startsWith('*') || host.endsWith(K8S_SUFFIX)) return host;
  return host + K8S_SUFFIX;
}

/** model.ResolveShortnameToFQDN without a domain: a short name gets the namespace appended. */
export function resolveShortname(host: string, namespace: string): string {
  if (host === '' || host === '*' || isIPAddress(host) || host.includes('.')) return host;
  return namespace ? `${host}.${namespace}` : host;
}

function isIPAddress(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
}

/** Go's strconv.Quote (%q): printable text as is, control characters escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/**
 * A message in protobuf text format, as Go's String() prints it (field names in snake_case,
 * nested messages in braces, repeated fields repeated, maps as key/value entries). Go
 * randomises the spacing of this format on purpose, so only its content is comparable.
 */
export function protoText(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return '';
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const name = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (MAP_FIELDS.has(key) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, item] of Object.entries(v)) parts.push(`${name}:{key:${goQuote(k)} value:${protoScalar(item)}}`);
      continue;
    }
    for (const item of Array.isArray(v) ? v : [v]) parts.push(`${name}:${protoScalar(item)}`);
  }
  return parts.join(' ');
}

/** Map fields of the Istio messages describe prints (text format writes them as key/value entries). */
const MAP_FIELDS = new Set(['sourceLabels', 'headers', 'withoutHeaders', 'queryParams']);

function protoScalar(v: unknown): string {
  if (typeof v === 'string') {
    // google.protobuf.Duration is a message: "5s" prints as {seconds:5}.
    const d = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(v);
    if (d) return `{seconds:${d[1]}${d[2] ? ` nanos:${Number(d[2].padEnd(9, '0'))}` : ''}}`;
    return goQuote(v);
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v !== null && typeof v === 'object') return `{${protoText(v)}}`;
  return '';
}
