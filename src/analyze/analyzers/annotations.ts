/**
 * Istio annotations on Namespaces, Services, Pods and Deployments (each object's own metadata
 * only): unknown (IST0108), deprecated (IST0135), on the wrong kind (IST0107), invalid values
 * (IST0125); and, for precheck only, alpha-phase annotations (IST0136). The catalogue is Istio's
 * (istio/api annotation/annotations.yaml).
 */
import { isIP } from 'node:net';
import type { Analyzer } from '../framework.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { parseYaml } from '../../yaml/values.js';
import { isObject } from '../../core/json.js';

type Check = (value: string) => string | undefined;

interface AnnotationFact {
  /** Kinds it belongs on; `Any` for every kind. */
  on: readonly string[];
  deprecated?: boolean;
  status?: 'Beta' | 'Stable';
  check?: Check;
}

const uint = (bits: 16 | 32): Check => (v) => (/^\d+$/.test(v) && Number(v) < 2 ** bits ? undefined : `strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
const ports = (star: boolean): Check => (v) => {
  if (v.trim() === '' || (star && v.trim() === '*')) return undefined;
  const bad = v.split(',').map((p) => p.trim()).find((p) => !/^\d+$/.test(p) || Number(p) > 65535 || Number(p) === 0);
  return bad === undefined ? undefined : `port list: ${JSON.stringify(bad)} is not a valid port`;
};
const cidrs = (star: boolean): Check => (v) => {
  if (v.trim() === '' || (star && v.trim() === '*')) return undefined;
  const bad = v.split(',').map((c) => c.trim()).find((c) => !validCidr(c));
  return bad === undefined ? undefined : `invalid CIDR ${JSON.stringify(bad)}`;
};
const interfaces: Check = (v) => {
  const bad = v.split(',').map((i) => i.trim()).filter((i) => i !== '').find((i) => i.length > 15 || !/^[^\s/:]+$/.test(i));
  return bad === undefined ? undefined : `invalid interface name ${JSON.stringify(bad)}`;
};
const goBool: Check = (v) => (['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v) ? undefined : `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
const quantity: Check = (v) => (/^[+-]?(\d+(\.\d*)?|\.\d+)(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei|[eE][+-]?\d+)?$/.test(v) ? undefined : 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'');
const interception: Check = (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : `interceptionMode: ${v} is not a valid mode`);
const proxyConfig: Check = (v) => {
  try {
    const parsed = parseYaml(v);
    return parsed === null || isObject(parsed) ? undefined : 'cannot unmarshal into ProxyConfig';
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
};

function validCidr(c: string): boolean {
  const slash = c.indexOf('/');
  if (slash < 0) return false;
  const ip = c.slice(0, slash);
  const bits = c.slice(slash + 1);
  const family = isIP(ip);
  return family !== 0 && /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const POD = ['Pod'];
const p = (extra: Partial<AnnotationFact> = {}): AnnotationFact => ({ on: POD, ...extra });
export const ANNOTATIONS: Record<string, AnnotationFact> = {
  'alpha.istio.io/canonical-serviceaccounts': { on: ['Service'], deprecated: true },
  'alpha.istio.io/kubernetes-serviceaccounts': { on: ['Service'], deprecated: true },
  'ambient.istio.io/bypass-inbound-capture': p(),
  'ambient.istio.io/dns-capture': p(),
  'ambient.istio.io/redirection': p({ status: 'Beta' }),
  'ambient.istio.io/waypoint-inbound-binding': { on: ['GatewayClass', 'Gateway'] },
  'galley.istio.io/analyze-suppress': { on: ['Any'] },
  'gateway.istio.io/controller-version': { on: ['Any'] },
  'gateway.istio.io/name-override': { on: ['Gateway'] },
  'gateway.istio.io/service-account': { on: ['Gateway'] },
  'inject.istio.io/templates': p(),
  'istio.io/autoRegistrationGroup': { on: ['WorkloadEntry'] },
  'istio.io/connectedAt': { on: ['WorkloadEntry'] },
  'istio.io/disconnectedAt': { on: ['WorkloadEntry'] },
  'istio.io/dry-run': { on: ['AuthorizationPolicy'] },
  'istio.io/reroute-virtual-interfaces': p({ check: interfaces }),
  'istio.io/rev': p(),
  'istio.io/use-waypoint-canary-weight': { on: ['Service', 'ServiceEntry', 'Namespace'] },
  'istio.io/workloadController': { on: ['WorkloadEntry'] },
  'kubernetes.io/ingress.class': { on: ['Ingress'], status: 'Stable' },
  'networking.istio.io/address-type': { on: ['Gateway'] },
  'networking.istio.io/exportTo': { on: ['Service'] },
  'networking.istio.io/service-type': { on: ['Gateway'] },
  'networking.istio.io/traffic-distribution': { on: ['Namespace', 'Service', 'ServiceEntry'] },
  'prometheus.istio.io/merge-metrics': p({ check: goBool }),
  'proxy.istio.io/config': p({ status: 'Beta', check: proxyConfig }),
  'proxy.istio.io/overrides': p(),
  'readiness.status.sidecar.istio.io/applicationPorts': p(),
  'readiness.status.sidecar.istio.io/failureThreshold': p({ check: uint(32) }),
  'readiness.status.sidecar.istio.io/initialDelaySeconds': p({ check: uint(32) }),
  'readiness.status.sidecar.istio.io/periodSeconds': p({ check: uint(32) }),
  'sidecar.istio.io/agentLogLevel': p(),
  'sidecar.istio.io/bootstrapOverride': p(),
  'sidecar.istio.io/componentLogLevel': p(),
  'sidecar.istio.io/discoveryAddress': p({ deprecated: true }),
  'sidecar.istio.io/enableCoreDump': p(),
  'sidecar.istio.io/extraStatTags': p({ deprecated: true }),
  'sidecar.istio.io/inject': p({ status: 'Beta', deprecated: true }),
  'sidecar.istio.io/interceptionMode': p({ check: interception }),
  'sidecar.istio.io/logLevel': p(),
  'sidecar.istio.io/nativeSidecar': p(),
  'sidecar.istio.io/proxyCPU': p({ check: quantity }),
  'sidecar.istio.io/proxyCPULimit': p({ check: quantity }),
  'sidecar.istio.io/proxyImage': p(),
  'sidecar.istio.io/proxyImageType': p(),
  'sidecar.istio.io/proxyMemory': p({ check: quantity }),
  'sidecar.istio.io/proxyMemoryLimit': p({ check: quantity }),
  'sidecar.istio.io/rewriteAppHTTPProbers': p(),
  'sidecar.istio.io/statsCompression': p({ deprecated: true }),
  'sidecar.istio.io/statsEvictionInterval': p(),
  'sidecar.istio.io/statsFlushInterval': p(),
  'sidecar.istio.io/statsHistogramBins': p(),
  'sidecar.istio.io/statsHistogramBuckets': p(),
  'sidecar.istio.io/statsInclusionPrefixes': p({ deprecated: true }),
  'sidecar.istio.io/statsInclusionRegexps': p({ deprecated: true }),
  'sidecar.istio.io/statsInclusionSuffixes': p({ deprecated: true }),
  'sidecar.istio.io/status': p(),
  'sidecar.istio.io/userVolume': p(),
  'sidecar.istio.io/userVolumeMount': p(),
  'status.sidecar.istio.io/port': p({ check: uint(16) }),
  'topology.istio.io/controlPlaneClusters': { on: ['Namespace'] },
  'traffic.istio.io/nodeSelector': { on: ['Service'], status: 'Stable' },
  'traffic.sidecar.istio.io/excludeInboundPorts': p({ check: ports(false) }),
  'traffic.sidecar.istio.io/excludeInterfaces': p({ check: interfaces }),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': p({ check: cidrs(false) }),
  'traffic.sidecar.istio.io/excludeOutboundPorts': p({ check: ports(false) }),
  'traffic.sidecar.istio.io/includeInboundPorts': p({ check: ports(true) }),
  'traffic.sidecar.istio.io/includeOutboundIPRanges': p({ check: cidrs(true) }),
  'traffic.sidecar.istio.io/includeOutboundPorts': p(),
  'traffic.sidecar.istio.io/kubevirtInterfaces': p({ deprecated: true, check: interfaces }),
};

/** Keys whose domain ends in istio.io, and kubernetes.io/ingress.class. */
function isIstioKey(key: string): boolean {
  const slash = key.indexOf('/');
  return key === 'kubernetes.io/ingress.class' || (slash > 0 && key.slice(0, slash).endsWith('istio.io'));
}

/** Set by the proxy or controllers, never the user's to get wrong. */
const ALWAYS_IGNORED = new Set(['sidecar.istio.io/status', 'gateway.istio.io/controller-version', 'istio.io/rev']);

/** The kinds Istio's annotation analyzers look at (core Namespace, Service, Pod; apps Deployment). */
function* annotated(ctx: Parameters<Analyzer['run']>[0]): Generator<Resource> {
  for (const kind of ['Namespace', 'Service', 'Pod', 'Deployment']) {
    for (const r of ctx.all(kind)) if (r.group === (kind === 'Deployment' ? 'apps' : '') && r.origin.source !== 'default') yield r;
  }
}

const path = (key: string) => ['metadata', 'annotations', key];

export const annotationsAnalyzer: Analyzer = {
  name: 'annotations.K8sAnalyzer',
  description: 'Checks for misplaced and invalid Istio annotations in Kubernetes resources',
  inputs: ['Namespace', 'Service', 'Pod', 'Deployment'],
  codes: ['IST0107', 'IST0108', 'IST0125', 'IST0135'],
  run(ctx) {
    for (const r of annotated(ctx)) {
      for (const [key, value] of Object.entries(r.annotations)) {
        if (!isIstioKey(key) || ALWAYS_IGNORED.has(key)) continue;
        const fact = ANNOTATIONS[key];
        if (!fact) {
          ctx.report('IST0108', r, `Unknown annotation: ${key}`, path(key));
          continue;
        }
        // The inject annotation is superseded by a label of the same key, whatever its value.
        if (fact.deprecated && !(key === 'sidecar.istio.io/inject' && key in r.labels)) {
          const extra = key === 'sidecar.istio.io/inject' ? ' in favor of the "sidecar.istio.io/inject" label' : '';
          ctx.report('IST0135', r, `Annotation ${JSON.stringify(key)} has been deprecated${extra} and may not work in future Istio versions.`, path(key));
        }
        if (fact.on.includes('Any')) continue;
        if (!fact.on.includes(r.kind)) {
          ctx.report('IST0107', r, `Misplaced annotation: ${key} can only be applied to ${fact.on.join(', ')}`, path(key));
          continue;
        }
        const problem = fact.check?.(value);
        if (problem) ctx.report('IST0125', r, `Invalid annotation ${key}: ${problem}`, path(key));
      }
    }
  },
};

/** Annotations CNI sets on every pod it redirects; only an `istio-init` pod sets them itself. */
const CNI_SET = new Set(['sidecar.istio.io/interceptionMode', 'traffic.sidecar.istio.io/includeInboundPorts', 'traffic.sidecar.istio.io/excludeInboundPorts', 'traffic.sidecar.istio.io/includeOutboundIPRanges']);

/** Precheck's analyzer (not part of analyze's set; selectable by name). */
export const alphaAnnotations: Analyzer = {
  name: 'annotations.AlphaAnalyzer',
  description: 'Checks for alpha Istio annotations in Kubernetes resources',
  inputs: ['Namespace', 'Service', 'Pod', 'Deployment'],
  codes: ['IST0136'],
  optIn: true,
  run(ctx) {
    for (const r of annotated(ctx)) {
      const cni = r.kind === 'Pod' && !asArray<AnyObject>(r.spec.initContainers).some((c) => c?.name === 'istio-init');
      for (const key of Object.keys(r.annotations)) {
        if (!isIstioKey(key) || ALWAYS_IGNORED.has(key)) continue;
        const fact = ANNOTATIONS[key];
        if (!fact || fact.status !== undefined) continue;
        if (cni && CNI_SET.has(key)) continue;
        ctx.report('IST0136', r, `Annotation ${JSON.stringify(key)} is part of an alpha-phase feature and may be incompletely supported.`, path(key));
      }
    }
  },
};
