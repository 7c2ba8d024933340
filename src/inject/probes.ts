/**
 * App probe rewriting (injection.md §2.8): kubelet probes of app containers are sent to the
 * agent's status port, and the originals go into ISTIO_KUBE_APP_PROBERS so the agent can run
 * them from inside the pod's network namespace.
 */
import { type Json, type JsonObject, isObject } from '../core/json.js';

const PROBES: [string, string][] = [['readinessProbe', 'app-health/%s/readyz'], ['livenessProbe', 'app-health/%s/livez'], ['startupProbe', 'app-health/%s/startupz']];
const HOOKS: [string, string][] = [['preStop', 'app-lifecycle/%s/prestopz'], ['postStart', 'app-lifecycle/%s/poststartz']];

/**
 * Points the containers' probes at the agent: the containers' probe and lifecycle fields are
 * replaced (never edited: they may be shared template output). Returns the prober map (keys
 * not yet sorted).
 */
export function rewriteAppProbes(containers: JsonObject[], statusPort: number): Record<string, JsonObject> {
  const probers: Record<string, JsonObject> = {};
  for (const container of containers) {
    const name = String(container.name ?? '');
    if (name === 'istio-proxy') continue;
    for (const [field, pattern] of PROBES) {
      const probe = container[field];
      if (!isObject(probe)) continue;
      const url = '/' + pattern.replace('%s', name);
      const prober = proberFor(probe, container, statusPort, true);
      if (!prober) continue;
      probers[url] = prober;
      container[field] = redirected(probe, url, statusPort);
    }
    let lifecycle: Json | undefined = container.lifecycle;
    if (isObject(lifecycle)) {
      for (const [field, pattern] of HOOKS) {
        const hook: Json | undefined = lifecycle[field];
        if (!isObject(hook)) continue;
        const url = '/' + pattern.replace('%s', name);
        const prober = proberFor(hook, container, statusPort, false);
        if (!prober) continue;
        probers[url] = prober;
        lifecycle = { ...lifecycle, [field]: redirected(hook, url, statusPort) };
        container.lifecycle = lifecycle;
      }
    }
  }
  return probers;
}

function proberFor(probe: JsonObject, container: JsonObject, statusPort: number, allowGrpc: boolean): JsonObject | undefined {
  let action: JsonObject;
  let kind: 'httpGet' | 'tcpSocket' | 'grpc';
  if (isObject(probe.httpGet)) [kind, action] = ['httpGet', probe.httpGet];
  else if (isObject(probe.tcpSocket)) [kind, action] = ['tcpSocket', probe.tcpSocket];
  else if (allowGrpc && isObject(probe.grpc)) [kind, action] = ['grpc', probe.grpc];
  else return undefined;
  const port = resolvePort(action.port, container);
  if (port === undefined || port === statusPort) return undefined;
  const order = kind === 'httpGet' ? ['path', 'port', 'host', 'scheme', 'httpHeaders'] : kind === 'tcpSocket' ? ['port', 'host'] : ['port', 'service'];
  const copy: JsonObject = {};
  for (const key of order) {
    if (key === 'port') copy.port = port;
    else if (action[key] !== undefined && action[key] !== null && action[key] !== '') copy[key] = action[key] as Json;
  }
  const prober: JsonObject = { [kind]: copy };
  if (typeof probe.timeoutSeconds === 'number' && probe.timeoutSeconds !== 0) prober.timeoutSeconds = probe.timeoutSeconds;
  return prober;
}

function resolvePort(port: Json | undefined, container: JsonObject): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port !== 'string') return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  const ports = Array.isArray(container.ports) ? container.ports : [];
  const match = ports.find((p) => isObject(p) && p.name === port) as JsonObject | undefined;
  return match && typeof match.containerPort === 'number' ? match.containerPort : undefined;
}

/** The probe (or hook) as an HTTP GET of `url` on the agent's port, in the original's key order. */
function redirected(probe: JsonObject, url: string, statusPort: number): JsonObject {
  const http: JsonObject = isObject(probe.httpGet) ? { ...probe.httpGet } : {};
  const out: JsonObject = { ...probe };
  delete out.tcpSocket;
  delete out.grpc;
  http.path = url;
  http.port = statusPort;
  if (http.scheme === 'HTTPS') http.scheme = 'HTTP';
  out.httpGet = http;
  return out;
}

/** Sorted-key JSON, old entries winning over new ones (re-injection keeps the first originals). */
export function proberEnvValue(previous: string | undefined, current: Record<string, JsonObject>): string | undefined {
  let merged: Record<string, Json> = { ...current };
  if (previous) {
    try {
      const old = JSON.parse(previous) as unknown;
      if (isObject(old)) merged = { ...merged, ...old };
    } catch {
      // an unreadable old value is replaced
    }
  }
  const keys = Object.keys(merged).sort();
  if (keys.length === 0) return undefined;
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, merged[k]])));
}
