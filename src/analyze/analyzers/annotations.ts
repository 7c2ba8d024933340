/** Istio annotations: unknown, on the wrong kind, invalid values, deprecated, alpha (IST0107/0108/0125/0135/0136). */
import type { Analyzer } from '../framework.js';
import { ownedTemplateCopy } from './util.js';
import { isObject } from '../../core/json.js';
import type { AnyObject, Resource } from '../resource.js';
import { parseYaml } from '../../yaml/values.js';

type Check = (value: string) => string | undefined;

interface AnnotationFact {
  /** Kinds it belongs on; `Pod` also covers pod templates. `*` = any kind. */
  on: readonly string[];
  deprecated?: string;
  alpha?: boolean;
  check?: Check;
}

const bool: Check = (v) => (v === 'true' || v === 'false' ? undefined : `must be "true" or "false", got ${JSON.stringify(v)}`);
const uint: Check = (v) => (/^\d+$/.test(v) && Number(v) <= 4294967295 ? undefined : `must be a non-negative integer, got ${JSON.stringify(v)}`);
const port: Check = (v) => (/^\d+$/.test(v) && Number(v) <= 65535 ? undefined : `must be a port number (0-65535), got ${JSON.stringify(v)}`);
const portList = (star: boolean): Check => (v) => {
  if (v.trim() === '' || (star && v.trim() === '*')) return undefined;
  const bad = v.split(',').map((p) => p.trim()).find((p) => !/^\d+$/.test(p) || Number(p) > 65535);
  return bad === undefined ? undefined : `${JSON.stringify(bad)} is not a port number`;
};
const cidrList = (star: boolean): Check => (v) => {
  if (v.trim() === '' || (star && v.trim() === '*')) return undefined;
  const bad = v.split(',').map((c) => c.trim()).find((c) => !/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/.test(c));
  return bad === undefined ? undefined : `${JSON.stringify(bad)} is not a CIDR`;
};
const quantity: Check = (v) => (/^\d+(\.\d+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/.test(v) ? undefined : `${JSON.stringify(v)} is not a resource quantity`);
const oneOf = (...allowed: string[]): Check => (v) => (allowed.includes(v) ? undefined : `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
const yamlDoc: Check = (v) => {
  try {
    const parsed = parseYaml(v);
    return parsed === null || isObject(parsed) ? undefined : 'must be a ProxyConfig object';
  } catch (err) {
    return `does not parse: ${(err as Error).message.split('\n')[0]}`;
  }
};
const jsonObject: Check = (v) => {
  try {
    return isObject(JSON.parse(v)) ? undefined : 'must be a JSON object';
  } catch {
    return 'must be a JSON object';
  }
};

const POD = ['Pod'];
export const ANNOTATIONS: Record<string, AnnotationFact> = {
  'galley.istio.io/analyze-suppress': { on: ['*'] },
  'inject.istio.io/templates': { on: POD, alpha: true },
  'istio.io/dry-run': { on: ['AuthorizationPolicy'], alpha: true, check: bool },
  'istio.io/rev': { on: ['*'] },
  'istio.io/reroute-virtual-interfaces': { on: POD },
  'networking.istio.io/exportTo': { on: ['Service'], alpha: true },
  'networking.istio.io/traffic-distribution': { on: ['Service'] },
  'networking.istio.io/address-type': { on: ['Gateway'] },
  'networking.istio.io/service-type': { on: ['Gateway'] },
  'gateway.istio.io/service-account': { on: ['Gateway'] },
  'gateway.istio.io/controller-version': { on: ['Gateway'] },
  'gateway.istio.io/name-override': { on: ['Gateway'] },
  'policy.istio.io/check': { on: POD, deprecated: '' },
  'policy.istio.io/checkBaseRetryWaitTime': { on: POD, deprecated: '' },
  'policy.istio.io/checkMaxRetryWaitTime': { on: POD, deprecated: '' },
  'policy.istio.io/checkRetries': { on: POD, deprecated: '' },
  'policy.istio.io/lang': { on: ['AuthorizationPolicy'], alpha: true },
  'prometheus.istio.io/merge-metrics': { on: POD, check: bool },
  'proxy.istio.io/config': { on: POD, check: yamlDoc },
  'proxy.istio.io/overrides': { on: POD },
  'readiness.status.sidecar.istio.io/applicationPorts': { on: POD, check: portList(false) },
  'readiness.status.sidecar.istio.io/failureThreshold': { on: POD, check: uint },
  'readiness.status.sidecar.istio.io/initialDelaySeconds': { on: POD, check: uint },
  'readiness.status.sidecar.istio.io/periodSeconds': { on: POD, check: uint },
  'sidecar.istio.io/agentLogLevel': { on: POD },
  'sidecar.istio.io/bootstrapOverride': { on: POD },
  'sidecar.istio.io/capNetBindService': { on: POD, check: bool },
  'sidecar.istio.io/componentLogLevel': { on: POD },
  'sidecar.istio.io/controlPlaneAuthPolicy': { on: POD, deprecated: '' },
  'sidecar.istio.io/discoveryAddress': { on: POD, deprecated: 'the proxy.istio.io/config annotation (discoveryAddress)' },
  'sidecar.istio.io/enableCoreDump': { on: POD, check: bool },
  'sidecar.istio.io/extraStatTags': { on: POD, deprecated: 'the Telemetry API' },
  'sidecar.istio.io/inject': { on: POD, deprecated: 'the sidecar.istio.io/inject label', check: bool },
  'sidecar.istio.io/interceptionMode': { on: POD, check: oneOf('REDIRECT', 'TPROXY', 'NONE') },
  'sidecar.istio.io/logLevel': { on: POD, check: oneOf('trace', 'debug', 'info', 'warning', 'error', 'critical', 'off') },
  'sidecar.istio.io/nativeSidecar': { on: POD, check: bool },
  'sidecar.istio.io/proxyCPU': { on: POD, check: quantity },
  'sidecar.istio.io/proxyCPULimit': { on: POD, check: quantity },
  'sidecar.istio.io/proxyImage': { on: POD },
  'sidecar.istio.io/proxyImageType': { on: POD, check: oneOf('default', 'debug', 'distroless') },
  'sidecar.istio.io/proxyMemory': { on: POD, check: quantity },
  'sidecar.istio.io/proxyMemoryLimit': { on: POD, check: quantity },
  'sidecar.istio.io/rewriteAppHTTPProbers': { on: POD, check: bool },
  'sidecar.istio.io/statsCompression': { on: POD },
  'sidecar.istio.io/statsFlushInterval': { on: POD },
  'sidecar.istio.io/statsHistogramBuckets': { on: POD, check: jsonObject },
  'sidecar.istio.io/statsInclusionPrefixes': { on: POD, deprecated: 'the proxy.istio.io/config annotation (proxyStatsMatcher)' },
  'sidecar.istio.io/statsInclusionRegexps': { on: POD, deprecated: 'the proxy.istio.io/config annotation (proxyStatsMatcher)' },
  'sidecar.istio.io/statsInclusionSuffixes': { on: POD, deprecated: 'the proxy.istio.io/config annotation (proxyStatsMatcher)' },
  'sidecar.istio.io/status': { on: POD },
  'sidecar.istio.io/userVolume': { on: POD, check: jsonObject },
  'sidecar.istio.io/userVolumeMount': { on: POD, check: jsonObject },
  'status.sidecar.istio.io/port': { on: POD, check: port },
  'topology.istio.io/controlPlaneClusters': { on: ['*'] },
  'traffic.istio.io/nodeSelector': { on: ['Service'] },
  'traffic.sidecar.istio.io/excludeInboundPorts': { on: POD, check: portList(false) },
  'traffic.sidecar.istio.io/excludeInterfaces': { on: POD },
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': { on: POD, check: cidrList(false) },
  'traffic.sidecar.istio.io/excludeOutboundPorts': { on: POD, check: portList(false) },
  'traffic.sidecar.istio.io/includeInboundPorts': { on: POD, check: portList(true) },
  'traffic.sidecar.istio.io/includeOutboundIPRanges': { on: POD, check: cidrList(true) },
  'traffic.sidecar.istio.io/includeOutboundPorts': { on: POD, check: portList(false) },
  'traffic.sidecar.istio.io/kubevirtInterfaces': { on: POD, deprecated: 'the istio.io/reroute-virtual-interfaces annotation' },
  'ambient.istio.io/redirection': { on: POD },
  'ambient.istio.io/bypass-inbound-capture': { on: POD, alpha: true, check: bool },
  'ambient.istio.io/dns-capture': { on: POD, check: bool },
};

const POD_TEMPLATE_KINDS: Record<string, (string | number)[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

function isIstioKey(key: string): boolean {
  const slash = key.indexOf('/');
  return slash > 0 && (key.slice(0, slash) === 'istio.io' || key.slice(0, slash).endsWith('.istio.io'));
}

function checkAnnotations(r: Resource, annotations: AnyObject, kind: string, base: (string | number)[], report: (code: string, text: string, path: (string | number)[]) => void): void {
  let holder: AnyObject | undefined = r.body;
  for (const k of base) holder = holder?.[k];
  const labels: AnyObject = holder?.metadata?.labels ?? {};
  for (const [key, raw] of Object.entries(annotations)) {
    if (!isIstioKey(key)) continue;
    const path = [...base, 'metadata', 'annotations', key];
    const fact = ANNOTATIONS[key];
    if (!fact) {
      report('IST0108', `Unknown annotation: ${key}`, path);
      continue;
    }
    if (!fact.on.includes('*') && !fact.on.includes(kind)) {
      report('IST0107', `Misplaced annotation: ${key} can only be applied to ${fact.on.join(', ')}${kind === 'Pod' ? '' : fact.on.includes('Pod') && POD_TEMPLATE_KINDS[r.kind] ? ` (put it on the pod template, ${POD_TEMPLATE_KINDS[r.kind]!.join('.')}.metadata.annotations)` : ''}`, path);
      continue;
    }
    const problem = fact.check?.(raw === null || raw === undefined ? '' : String(raw));
    if (problem) report('IST0125', `Invalid annotation ${key}: ${problem}`, path);
    // A deprecated annotation kept beside the label that replaces it (as Istio's own charts do, for older
    // injectors) is not a finding: the label already does the work.
    const replacedByLabel = key in labels && String(labels[key]) === String(raw);
    if (fact.deprecated !== undefined && !replacedByLabel) report('IST0135', `The annotation ${JSON.stringify(key)} has been deprecated${fact.deprecated ? ` in favor of ${fact.deprecated}` : ''} and may not work in future Istio versions.`, path);
    if (fact.alpha) report('IST0136', `The annotation ${JSON.stringify(key)} is part of an alpha-phase feature and may be incompletely supported.`, path);
  }
}

export const annotationsAnalyzer: Analyzer = {
  name: 'annotations.K8sAnalyzer',
  description: 'Checks Istio annotations on every resource (and pod template): unknown, misplaced, invalid values, deprecated, alpha',
  inputs: ['*'],
  codes: ['IST0107', 'IST0108', 'IST0125', 'IST0135', 'IST0136'],
  run(ctx) {
    for (const kind of ctx.kinds()) {
      for (const r of ctx.all(kind)) {
        const report = (code: string, text: string, path: (string | number)[]) => ctx.report(code, r, text, path);
        checkAnnotations(r, r.annotations, r.kind, [], report);
        const tplPath = POD_TEMPLATE_KINDS[r.kind];
        if (tplPath && !ownedTemplateCopy(r)) {
          let tpl: AnyObject | undefined = r.body;
          for (const k of tplPath) tpl = tpl?.[k as string];
          if (isObject(tpl?.metadata?.annotations)) checkAnnotations(r, tpl!.metadata.annotations, 'Pod', tplPath, report);
        }
      }
    }
  },
};
