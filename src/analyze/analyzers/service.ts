/** Service port names Istio cannot read a protocol from (IST0118), and tcp-ish ports of ExternalName Services (IST0150). */
import type { Analyzer } from '../framework.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { SYSTEM_NAMESPACES } from './injection.js';

const PROTOCOLS: Record<string, string> = { tcp: 'TCP', udp: 'UDP', grpc: 'GRPC', 'grpc-web': 'GRPC-Web', http: 'HTTP', http_proxy: 'HTTP_PROXY', http2: 'HTTP2', https: 'HTTPS', tls: 'TLS', mongo: 'Mongo', redis: 'Redis', mysql: 'MySQL' };
/** Ports whose protocol Istio takes as TCP without a name (SMTP, DNS, MySQL, MongoDB). */
const WELL_KNOWN_PORTS = new Set([25, 53, 3306, 27017]);

/** Istio's protocol from a protocol name, any case; undefined when unsupported. */
export function parseProtocol(name: string): string | undefined {
  return PROTOCOLS[name.toLowerCase()];
}

/**
 * The protocol Istio gives a Service port (pkg/config/kube ConvertProtocol): UDP as declared;
 * else appProtocol (with Kubernetes' h2c/ws/wss names) or the port name's prefix before `-`;
 * undefined when it falls back to protocol sniffing.
 */
export function convertProtocol(p: AnyObject): string | undefined {
  if (p?.protocol === 'UDP') return 'UDP';
  let name = String(p?.name ?? '');
  if (typeof p?.appProtocol === 'string') {
    name = p.appProtocol;
    if (name === 'kubernetes.io/h2c') return 'HTTP2';
    if (name === 'kubernetes.io/ws') return 'HTTP';
    if (name === 'kubernetes.io/wss') return 'HTTPS';
  }
  if (name.toLowerCase().startsWith('grpc-web')) return 'GRPC-Web';
  const dash = name.indexOf('-');
  const proto = parseProtocol(dash >= 0 ? name.slice(0, dash) : name);
  if (proto === undefined && WELL_KNOWN_PORTS.has(Number(p?.port))) return 'TCP';
  return proto;
}

function controlPlane(r: Resource): boolean {
  return 'istio' in r.labels || r.labels.release === 'istio';
}

/** A targetPort as Kubernetes prints it: the number or name, `0` when unset. */
function targetPortText(v: unknown): string {
  return typeof v === 'number' || typeof v === 'string' ? String(v) : '0';
}

export const portNameAnalyzer: Analyzer = {
  name: 'service.PortNameAnalyzer',
  description: 'Checks the port names associated with each service',
  inputs: ['Service'],
  codes: ['IST0118', 'IST0150'],
  run(ctx) {
    for (const svc of ctx.all('Service')) {
      if (svc.group !== '' || SYSTEM_NAMESPACES.has(svc.namespace) || controlPlane(svc)) continue;
      const external = svc.spec.type === 'ExternalName';
      asArray<AnyObject>(svc.spec.ports).forEach((p, i) => {
        const name = String(p?.name ?? '');
        if (convertProtocol(p) !== undefined && !(name === 'tcp' && external)) return;
        const path = ['spec', 'ports', i, 'port'];
        if (external) ctx.report('IST0150', svc, 'Port name for ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched traffic for ports serving TCP protocol from being forwarded correctly', path);
        else ctx.report('IST0118', svc, `Port name ${name} (port: ${p?.port}, targetPort: ${targetPortText(p?.targetPort)}) doesn't follow the naming convention of Istio port.`, path);
      });
    }
  },
};
