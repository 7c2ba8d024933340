/**
 * Validation of the injection annotations (injection.md §3): a bad value stops injection of
 * the workload with `invalid value '<v>' for annotation '<k>': <why>`.
 */
import { parseYaml } from '../yaml/values.js';
import { isQuantity } from './quantity.js';

type Check = (value: string) => string | undefined;

const uint32: Check = (v) => (/^\d+$/.test(v) && Number(v) <= 0xffffffff ? undefined : 'must be a non-negative 32-bit integer');
const port: Check = (v) => (/^\d+$/.test(v) && Number(v) <= 65535 ? undefined : 'must be a port number between 0 and 65535');

function portList(allowStar: boolean): Check {
  return (v) => {
    if (allowStar && v.trim() === '*') return undefined;
    for (const part of v.split(',')) {
      const p = part.trim();
      if (p === '') continue;
      if (!/^\d+$/.test(p) || Number(p) > 65535) return `'${p}' is not a port number (0-65535)${allowStar ? "; use '*' or a comma-separated port list" : '; use a comma-separated port list'}`;
    }
    return undefined;
  };
}

function cidrList(allowStar: boolean): Check {
  return (v) => {
    if (v.trim() === '*') return allowStar ? undefined : "'*' is not allowed here; list CIDRs such as 10.0.0.0/8";
    for (const part of v.split(',')) {
      const p = part.trim();
      if (p === '') continue;
      if (!isCidr(p)) return `'${p}' is not a CIDR range such as 10.0.0.0/8 or fd00::/8`;
    }
    return undefined;
  };
}

function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const [ip, bits] = [text.slice(0, slash), text.slice(slash + 1)];
  if (!/^\d+$/.test(bits)) return false;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return ip.split('.').every((o) => Number(o) <= 255 && !/^0\d/.test(o)) && Number(bits) <= 32;
  return /^[0-9a-fA-F:]+$/.test(ip) && ip.includes(':') && (ip.match(/::/g) ?? []).length <= 1 && Number(bits) <= 128;
}

const interfaces: Check = (v) => {
  for (const part of v.split(',')) {
    const name = part.trim();
    if (name === '' || name.length > 15 || /[\s/:]/.test(name)) return `'${name}' is not a network interface name`;
  }
  return undefined;
};

const bool: Check = (v) => (['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v) ? undefined : 'must be true or false');
const quantity: Check = (v) => (isQuantity(v) ? undefined : 'must be a Kubernetes quantity such as 100m or 128Mi');
const interception: Check = (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : 'must be one of REDIRECT, TPROXY, NONE');
const proxyConfig: Check = (v) => {
  try {
    const parsed: unknown = parseYaml(v);
    if (parsed === null || parsed === undefined) return undefined;
    return typeof parsed === 'object' && !Array.isArray(parsed) ? undefined : 'must be a ProxyConfig object in YAML or JSON';
  } catch (err) {
    return `not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`;
  }
};
const jsonObject: Check = (v) => {
  try {
    const parsed: unknown = JSON.parse(v);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? undefined : 'must be a JSON object';
  } catch {
    return 'must be a JSON object';
  }
};

export const ANNOTATION_CHECKS: Readonly<Record<string, Check>> = {
  'sidecar.istio.io/interceptionMode': interception,
  'status.sidecar.istio.io/port': port,
  'readiness.status.sidecar.istio.io/initialDelaySeconds': uint32,
  'readiness.status.sidecar.istio.io/periodSeconds': uint32,
  'readiness.status.sidecar.istio.io/failureThreshold': uint32,
  'traffic.sidecar.istio.io/includeOutboundIPRanges': cidrList(true),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': cidrList(false),
  'traffic.sidecar.istio.io/includeInboundPorts': portList(true),
  'traffic.sidecar.istio.io/excludeInboundPorts': portList(false),
  'traffic.sidecar.istio.io/excludeOutboundPorts': portList(false),
  'traffic.sidecar.istio.io/excludeInterfaces': interfaces,
  'traffic.sidecar.istio.io/kubevirtInterfaces': interfaces,
  'istio.io/reroute-virtual-interfaces': interfaces,
  'prometheus.istio.io/merge-metrics': bool,
  'proxy.istio.io/config': proxyConfig,
  'sidecar.istio.io/proxyCPU': quantity,
  'sidecar.istio.io/proxyMemory': quantity,
  'sidecar.istio.io/proxyCPULimit': quantity,
  'sidecar.istio.io/proxyMemoryLimit': quantity,
  // The templates parse these as JSON; a bad value would otherwise fail deep inside rendering.
  'sidecar.istio.io/userVolume': jsonObject,
  'sidecar.istio.io/userVolumeMount': jsonObject,
};

/** Returns the first problem as `invalid value ...`, or undefined when every annotation is valid. */
export function findInvalidAnnotation(annotations: Record<string, string>): string | undefined {
  for (const [key, check] of Object.entries(ANNOTATION_CHECKS)) {
    const value = annotations[key];
    if (value === undefined) continue;
    const why = check(String(value));
    if (why) return `invalid value '${value}' for annotation '${key}': ${why}`;
  }
  return undefined;
}

export function parseGoBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}
