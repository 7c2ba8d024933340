/**
 * Validation of a merged IstioOperator: the JSON Schema in schemas/istio-operator.schema.json
 * (strict: unknown keys are errors, except under meshConfig, ztunnel values and
 * unvalidatedValues), precompiled into generated/iop-validate.mjs, plus the semantic checks
 * istioctl makes (istioctl.md §3.3): hub, tag, revision, IP ranges, ports, gateway ports.
 */
import validateSchema, { type IopSchemaError } from './generated/iop-validate.mjs';
import { isObject, type Json, type JsonObject } from '../core/json.js';
import type { IstioOperator } from './types.js';

export interface ValidationIssue {
  /** Path in the IstioOperator object, e.g. ['spec','values','global','hubb']. */
  path: (string | number)[];
  message: string;
}

export interface ValidationResult {
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/** A Kubernetes DNS-1123 label (revision names, namespaces). */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// registry[:port]/path, each component lower-case alphanumerics with . _ - separators.
const HUB = /^[a-zA-Z0-9]+([._-][a-zA-Z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function validateIstioOperator(iop: IstioOperator): ValidationResult {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  if (!validateSchema(iop)) {
    for (const err of validateSchema.errors ?? []) {
      const issue = schemaIssue(err);
      if (issue) errors.push(issue);
    }
  }
  semanticChecks(iop.spec as unknown as JsonObject, errors, warnings);
  return { errors: dedupe(errors), warnings };
}

function schemaIssue(err: IopSchemaError): ValidationIssue | undefined {
  const path = pointerToPath(err.instancePath);
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(err.params.additionalProperty);
      const known = Object.keys((err.parentSchema?.properties as object | undefined) ?? {});
      const close = closest(key, known);
      return { path: [...path, key], message: `unknown field "${key}"${close ? ` (did you mean "${close}"?)` : ''}` };
    }
    case 'type':
      return { path, message: `must be ${String(err.params.type).replace(',', ' or ')}, got ${describe((err as { data?: unknown }).data)}` };
    case 'enum':
      return { path, message: `must be one of: ${(err.params.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { path, message: `must be ${String(err.params.allowedValue)}` };
    case 'pattern':
      return { path, message: patternMessage(String(err.params.pattern)) };
    case 'minimum':
      return { path, message: `must be ${String(err.params.comparison)} ${String(err.params.limit)}` };
    case 'required':
      return { path, message: `missing required field "${String(err.params.missingProperty)}"` };
    default:
      return { path, message: err.message ?? err.keyword };
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  const text = JSON.stringify(v);
  return `${typeof v} ${text.length > 40 ? text.slice(0, 37) + '..."' : text}`;
}

function patternMessage(pattern: string): string {
  if (pattern === '^[0-9]+$') return 'must be a non-negative integer';
  if (pattern === '^-?[0-9]+$') return 'must be an integer';
  if (pattern.startsWith('^[-+]?([0-9]+')) return 'must be a number';
  if (pattern.includes('(ns|us|')) return 'must be a duration such as 30s, 5m or 1h';
  if (pattern.startsWith('^[a-z0-9.-]')) return 'must be lower-case letters, digits, "." and "-" (at most 254)';
  return `must match ${pattern}`;
}

function semanticChecks(spec: JsonObject, errors: ValidationIssue[], warnings: ValidationIssue[]): void {
  const at = (...p: (string | number)[]) => ['spec', ...p];
  const values = isObject(spec.values) ? spec.values : {};
  const global = isObject(values.global) ? values.global : {};

  const checkHub = (v: Json | undefined, path: (string | number)[]) => {
    if (typeof v === 'string' && v !== '' && !HUB.test(v)) errors.push({ path, message: `bad hub: "${v}" is not an image registry path such as docker.io/istio` });
  };
  const checkTag = (v: Json | undefined, path: (string | number)[]) => {
    if ((typeof v === 'string' && v !== '') || typeof v === 'number') {
      if (!TAG.test(String(v))) errors.push({ path, message: `bad tag: "${String(v)}" is not a valid image tag` });
    }
  };
  checkHub(spec.hub, at('hub'));
  checkTag(spec.tag, at('tag'));
  // values.global.hub/tag are usually copies of spec.hub/tag: report a bad value once.
  if (global.hub !== spec.hub) checkHub(global.hub, at('values', 'global', 'hub'));
  if (global.tag !== spec.tag) checkTag(global.tag, at('values', 'global', 'tag'));

  for (const path of [at('revision'), at('values', 'revision')]) {
    const rev = path.length === 2 ? spec.revision : values.revision;
    if (path.length === 3 && rev === spec.revision) continue;
    if (typeof rev === 'string' && rev !== '' && (!DNS1123_LABEL.test(rev) || rev.length > 63)) {
      errors.push({ path, message: `invalid revision "${rev}": must be a DNS-1123 label (lower-case letters, digits and "-", at most 63)` });
    }
  }

  const proxy = isObject(global.proxy) ? global.proxy : {};
  for (const key of ['includeIPRanges', 'excludeIPRanges'] as const) {
    const v = proxy[key];
    if (typeof v === 'string' && v !== '' && v !== '*') {
      const bad = v.split(',').map((s) => s.trim()).filter((s) => !isCidr(s));
      if (bad.length) errors.push({ path: at('values', 'global', 'proxy', key), message: `invalid CIDR ${bad.map((b) => `"${b}"`).join(', ')}: expected a comma-separated list of CIDRs or *` });
    }
  }
  for (const key of ['includeInboundPorts', 'excludeInboundPorts', 'includeOutboundPorts', 'excludeOutboundPorts'] as const) {
    const v = proxy[key];
    if (typeof v === 'string' && v !== '' && !(v === '*' && key.startsWith('include'))) {
      const bad = v.split(',').map((s) => s.trim()).filter((s) => !/^\d+$/.test(s) || Number(s) > 65535);
      if (bad.length) errors.push({ path: at('values', 'global', 'proxy', key), message: `invalid port ${bad.map((b) => `"${b}"`).join(', ')}: expected a comma-separated list of ports 0-65535` });
    }
  }

  const components = isObject(spec.components) ? spec.components : {};
  for (const name of ['base', 'pilot', 'cni', 'ztunnel', 'istiodRemote']) {
    const c = components[name];
    if (!isObject(c)) continue;
    checkHub(c.hub, at('components', name, 'hub'));
    checkTag(c.tag, at('components', name, 'tag'));
  }
  const gatewayValues = isObject(values.gateways) ? values.gateways : {};
  for (const list of ['ingressGateways', 'egressGateways'] as const) {
    const entries = components[list];
    if (!Array.isArray(entries)) continue;
    const chartKey = list === 'ingressGateways' ? 'istio-ingressgateway' : 'istio-egressgateway';
    const chartValues = isObject(gatewayValues[chartKey]) ? gatewayValues[chartKey] : {};
    entries.forEach((gw, i) => {
      if (!isObject(gw)) return;
      checkHub(gw.hub, at('components', list, i, 'hub'));
      checkTag(gw.tag, at('components', list, i, 'tag'));
      if (gw.enabled === false) return;
      const k8s = isObject(gw.k8s) ? gw.k8s : {};
      const service = isObject(k8s.service) ? k8s.service : {};
      const runAsRoot = chartValues.runAsRoot === true;
      const gwName = typeof gw.name === 'string' ? gw.name : chartKey;
      const checkPorts = (ports: Json | undefined, path: (string | number)[]) => {
        if (!Array.isArray(ports) || runAsRoot) return;
        ports.forEach((p, j) => {
          if (!isObject(p)) return;
          const target = typeof p.targetPort === 'number' ? p.targetPort : typeof p.targetPort === 'string' && /^\d+$/.test(p.targetPort) ? Number(p.targetPort) : undefined;
          if (target !== undefined && target < 1024) {
            errors.push({
              path: [...path, j, 'targetPort'],
              message: `port ${String(p.name ?? '')}/${String(p.port ?? '')} in gateway ${gwName} invalid: targetPort is set to ${target}, which requires root. Set targetPort to a value >= 1024, or set values.gateways.${chartKey}.runAsRoot=true`,
            });
          }
        });
      };
      checkPorts(service.ports, at('components', list, i, 'k8s', 'service', 'ports'));
      checkPorts(chartValues.ports, at('values', 'gateways', chartKey, 'ports'));
    });
  }

  // replicaCount is ignored while an HPA manages the Deployment.
  const pilot = components.pilot;
  const pilotValues = isObject(values.pilot) ? values.pilot : {};
  if (isObject(pilot) && isObject(pilot.k8s) && pilot.k8s.replicaCount !== undefined && pilotValues.autoscaleEnabled !== false) {
    warnings.push({ path: at('components', 'pilot', 'k8s', 'replicaCount'), message: 'is ignored while autoscaling is on; set values.pilot.autoscaleEnabled=false to pin the replica count' });
  }
}

function isCidr(text: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return false;
  const [, addr, bitsText] = m;
  const bits = Number(bitsText);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr!)) return bits <= 32 && addr!.split('.').every((o) => Number(o) <= 255);
  return addr!.includes(':') && /^[0-9a-fA-F:.]+$/.test(addr!) && bits <= 128;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The known name closest to `key` (edit distance ≤ 2, or case-insensitive equal). */
function closest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const k of known) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, k);
    if (d < bestDist) {
      best = k;
      bestDist = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = dotted(i.path) + '\u0000' + i.message;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One line per issue: `  spec.values.global.hubb (file.yaml:7): unknown field "hubb"`. */
export function formatIssues(issues: ValidationIssue[], locate: (path: ValidationIssue['path']) => string | undefined): string {
  return issues
    .map((issue) => {
      const where = locate(issue.path);
      return `  ${dotted(issue.path)}${where ? ` (${where})` : ''}: ${issue.message}`;
    })
    .join('\n');
}

export function dotted(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += (out === '' ? '' : '.') + seg.replaceAll('.', '\\.');
  }
  return out;
}
