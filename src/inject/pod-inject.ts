/**
 * Injecting one pod (or pod template): render the templates, strategic-merge them onto the
 * pod, then the post-processing chain of injection.md §2 in istiod's order — user overrides,
 * cluster/network env, Prometheus merge, secure metrics port, probe rewrite, status annotation,
 * container order. Works on plain JSON; the caller writes the result back into its document.
 */
import { parseTemplate, type Template } from '../gotemplate/index.js';
import { findInvalidAnnotation, parseGoBool } from './annotations.js';
import type { InjectionConfig } from './config.js';
import { mergePrometheus } from './prometheus.js';
import { proberEnvValue, rewriteAppProbes } from './probes.js';
import { canonicalQuantity } from './quantity.js';
import { dropEmpty, strategicMerge } from './smp.js';
import { buildTemplateData, dataShapeFuncs } from './template-data.js';
import { clone, isObject, stringMap, withDefaults, type Json, type JsonObject } from '../core/json.js';
import { parseYaml } from '../yaml/values.js';

export interface PodToInject {
  typeMeta: { apiVersion: string; kind: string };
  deployMeta: { name: string; namespace: string };
  metadata: JsonObject;
  spec: JsonObject;
}

/** An injection failure the user must fix (bad annotation, bad template, ...). */
export class InjectionError extends Error {}

const STATUS = 'sidecar.istio.io/status';
const OVERRIDES = 'proxy.istio.io/overrides';
const PROXY = 'istio-proxy';

interface InjectionStatus {
  initContainers: string[] | null;
  containers: string[] | null;
  volumes: string[] | null;
  imagePullSecrets: string[] | null;
  revision: string;
}

export function injectPod(config: InjectionConfig, input: PodToInject): { metadata: JsonObject; spec: JsonObject } {
  const annotations = stringMap(input.metadata.annotations);
  const invalid = findInvalidAnnotation(annotations);
  if (invalid) throw new InjectionError(invalid);

  const meshProxy = isObject(config.meshConfig.defaultConfig) ? config.meshConfig.defaultConfig : {};
  const proxyConfig = annotations['proxy.istio.io/config'] ? withDefaults(meshProxy, (parseYaml(annotations['proxy.istio.io/config']) ?? {}) as JsonObject) : meshProxy;

  const previous = readStatus(annotations[STATUS]);
  const previousProxyEnv = envOf(findContainer(input.spec, PROXY));
  const overridesAnnotation = readOverrides(annotations[OVERRIDES]);
  const baseSpec = previous ? stripInjected(input.spec, previous, overridesAnnotation) : clone(input.spec);

  const nativeAnnotation = annotations['sidecar.istio.io/nativeSidecar'];
  const native = nativeAnnotation === 'true' ? true : nativeAnnotation === 'false' ? false : config.nativeSidecars;
  const userProxy = findContainer(baseSpec, PROXY);
  const userSecurity = isObject(userProxy?.securityContext) ? userProxy.securityContext : {};
  const proxyUID = positive(userSecurity.runAsUser) ?? 1337;
  const proxyGID = positive(userSecurity.runAsGroup) ?? 1337;

  const data = buildTemplateData(config, {
    typeMeta: input.typeMeta,
    deployMeta: input.deployMeta,
    metadata: input.metadata,
    spec: baseSpec,
    proxyConfig,
    native,
    proxyUID,
    proxyGID,
  });

  let pod: JsonObject = { metadata: clone(input.metadata), spec: baseSpec };
  const injected = { initContainers: [] as string[], containers: [] as string[], volumes: [] as string[], imagePullSecrets: [] as string[] };
  for (const name of templateNames(config, annotations)) {
    const rendered = renderTemplate(config, name, data);
    canonicaliseResources(rendered);
    recordNames(rendered, injected);
    pod = strategicMerge(pod, rendered);
  }
  const metadata = pod.metadata as JsonObject;
  const spec = pod.spec as JsonObject;

  // User customisations of injected containers win field by field.
  const templateContainers = new Set([...injected.containers, ...injected.initContainers]);
  const overrides = previous
    ? overridesAnnotation
    : {
        containers: listOf(input.spec.containers).filter((c) => templateContainers.has(String(c.name))),
        initContainers: listOf(input.spec.initContainers).filter((c) => templateContainers.has(String(c.name))),
      };
  for (const field of ['containers', 'initContainers'] as const) {
    for (const user of overrides[field]) {
      const patch = { ...user };
      if (patch.image === 'auto') delete patch.image;
      for (const listField of ['containers', 'initContainers'] as const) {
        const list = spec[listField];
        if (!Array.isArray(list)) continue;
        const index = list.findIndex((c) => isObject(c) && c.name === user.name);
        if (index >= 0) list[index] = strategicMerge(list[index] as JsonObject, patch);
      }
    }
  }
  const anns = stringMap(metadata.annotations);
  if (!previous && (overrides.containers.length > 0 || overrides.initContainers.length > 0)) {
    anns[OVERRIDES] = JSON.stringify({
      ...(overrides.containers.length > 0 ? { containers: overrides.containers } : {}),
      ...(overrides.initContainers.length > 0 ? { initContainers: overrides.initContainers } : {}),
    });
  }
  const proxy = findContainer(spec, PROXY);
  const mode = annotations['sidecar.istio.io/interceptionMode'] ?? String(proxyConfig.interceptionMode ?? 'REDIRECT');
  if (proxy && mode === 'TPROXY' && isObject(proxy.securityContext)) proxy.securityContext.runAsUser = 0;

  if (proxy) {
    moveClusterEnv(proxy, config, stringMap(metadata.labels));
    const statusPort = Number(proxyConfig.statusPort ?? 15020);
    let prometheus;
    try {
      prometheus = mergePrometheus(anns, statusPort, config.meshConfig.enablePrometheusMerge !== false);
    } catch (err) {
      throw new InjectionError((err as Error).message);
    }
    if (prometheus) {
      replaceAnnotations(anns, prometheus.annotations);
      if (prometheus.env) setEnv(proxy, 'ISTIO_PROMETHEUS_ANNOTATIONS', prometheus.env);
    }
    if (!envOf(proxy).has('ISTIO_PROMETHEUS_ANNOTATIONS') && previousProxyEnv.has('ISTIO_PROMETHEUS_ANNOTATIONS')) {
      setEnv(proxy, 'ISTIO_PROMETHEUS_ANNOTATIONS', previousProxyEnv.get('ISTIO_PROMETHEUS_ANNOTATIONS')!);
    }
    const securePort = envOf(proxy).get('ENVOY_SECURE_MERGED_METRICS_PORT');
    if (securePort && securePort !== '0' && anns['prometheus.istio.io/secure-port'] === undefined) anns['prometheus.istio.io/secure-port'] = securePort;

    const rewrite = parseGoBool(anns['sidecar.istio.io/rewriteAppHTTPProbers']) ?? (valueAt(config.values, 'sidecarInjectorWebhook', 'rewriteAppHTTPProbe') !== false);
    const probePort = Number(annotations['status.sidecar.istio.io/port'] ?? statusPort);
    if (rewrite && probePort !== 0) {
      const probers = rewriteAppProbes([...listOf(spec.containers), ...listOf(spec.initContainers)], probePort);
      const value = proberEnvValue(previousProxyEnv.get('ISTIO_KUBE_APP_PROBERS'), probers);
      if (value) setEnv(proxy, 'ISTIO_KUBE_APP_PROBERS', value);
    }
  }

  const status: InjectionStatus = {
    initContainers: nullIfEmpty(injected.initContainers),
    containers: nullIfEmpty(injected.containers),
    volumes: nullIfEmpty(injected.volumes),
    imagePullSecrets: nullIfEmpty(injected.imagePullSecrets),
    revision: config.revision || 'default',
  };
  anns[STATUS] = JSON.stringify(status);
  metadata.annotations = anns;

  const hold = proxyConfig.holdApplicationUntilProxyStarts === true || valueAt(config.values, 'global', 'proxy', 'holdApplicationUntilProxyStarts') === true;
  reorderContainers(spec, native, hold);
  return { metadata, spec };
}

function renderTemplate(config: InjectionConfig, name: string, data: unknown): JsonObject {
  const text = config.templates[name];
  if (text === undefined) {
    throw new InjectionError(`requested template "${name}" not found; have ${Object.keys(config.templates).sort().join(', ')}`);
  }
  let output: string;
  try {
    output = compiled(name, text).execute(data);
  } catch (err) {
    throw new InjectionError(`failed to render template "${name}": ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(output);
  } catch (err) {
    throw new InjectionError(`template "${name}" did not produce valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const cleaned = dropEmpty((parsed ?? {}) as Json);
  return isObject(cleaned) ? cleaned : {};
}

/** parseTemplate caches by name and text, so each template is compiled once per process. */
function compiled(name: string, text: string): Template {
  return parseTemplate(name, text, { funcs: dataShapeFuncs });
}

function templateNames(config: InjectionConfig, annotations: Record<string, string>): string[] {
  const requested = annotations['inject.istio.io/templates'];
  const names = requested !== undefined ? requested.split(',').map((s) => s.trim()).filter(Boolean) : config.defaultTemplates;
  const out: string[] = [];
  for (const name of names) for (const n of config.aliases[name] ?? [name]) if (!out.includes(n)) out.push(n);
  return out;
}

function recordNames(rendered: JsonObject, into: Record<'initContainers' | 'containers' | 'volumes' | 'imagePullSecrets', string[]>): void {
  const spec = isObject(rendered.spec) ? rendered.spec : {};
  for (const field of ['initContainers', 'containers', 'volumes', 'imagePullSecrets'] as const) {
    for (const item of listOf(spec[field])) {
      const name = String(item.name ?? '');
      if (name && !into[field].includes(name)) into[field].push(name);
    }
  }
}

function canonicaliseResources(rendered: JsonObject): void {
  const spec = isObject(rendered.spec) ? rendered.spec : {};
  for (const c of [...listOf(spec.containers), ...listOf(spec.initContainers)]) {
    if (!isObject(c.resources)) continue;
    for (const section of Object.values(c.resources)) {
      if (!isObject(section)) continue;
      for (const [k, v] of Object.entries(section)) section[k] = canonicalQuantity(v) as Json;
    }
  }
}

function readStatus(text: string | undefined): InjectionStatus | undefined {
  if (!text) return undefined;
  try {
    const status = JSON.parse(text) as InjectionStatus;
    return isObject(status) ? status : undefined;
  } catch {
    return undefined;
  }
}

function readOverrides(text: string | undefined): { containers: JsonObject[]; initContainers: JsonObject[] } {
  if (text) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (isObject(parsed)) return { containers: listOf(parsed.containers), initContainers: listOf(parsed.initContainers) };
    } catch {
      // fall through: an unreadable overrides annotation carries no customisations
    }
  }
  return { containers: [], initContainers: [] };
}

/** The pod as the user wrote it: previously injected containers out, their customisations back in. */
function stripInjected(spec: JsonObject, status: InjectionStatus, overrides: { containers: JsonObject[]; initContainers: JsonObject[] }): JsonObject {
  const out = clone(spec);
  for (const field of ['containers', 'initContainers'] as const) {
    const injected = new Set([...(status.containers ?? []), ...(status.initContainers ?? [])]);
    const kept = listOf(out[field]).filter((c) => !injected.has(String(c.name)));
    const restored = [...kept, ...clone(overrides[field])];
    if (restored.length > 0) out[field] = restored;
    else delete out[field];
  }
  return out;
}

function moveClusterEnv(proxy: JsonObject, config: InjectionConfig, labels: Record<string, string>): void {
  const networkLabel = labels['topology.istio.io/network'];
  const clusterName = valueAt(config.values, 'global', 'multiCluster', 'clusterName');
  const network = valueAt(config.values, 'global', 'network');
  if (!clusterName && !network && !networkLabel) return;
  const env = listOf(proxy.env);
  const moved = new Map<string, JsonObject>();
  for (const name of ['ISTIO_META_CLUSTER_ID', 'ISTIO_META_NETWORK']) {
    const entry = env.find((e) => e.name === name);
    if (entry) moved.set(name, entry);
  }
  if (networkLabel) moved.set('ISTIO_META_NETWORK', { name: 'ISTIO_META_NETWORK', value: networkLabel });
  proxy.env = [...env.filter((e) => !moved.has(String(e.name))), ...[...moved.keys()].sort().map((k) => moved.get(k)!)];
}

function reorderContainers(spec: JsonObject, native: boolean, hold: boolean): void {
  let containers = listOf(spec.containers);
  let inits = listOf(spec.initContainers);
  const proxy = [...containers, ...inits].find((c) => c.name === PROXY);
  const capture = inits.filter((c) => c.name === 'istio-init' || c.name === 'istio-validation');
  const userInits = inits.filter((c) => c.name !== PROXY && c.name !== 'istio-init' && c.name !== 'istio-validation');
  containers = containers.filter((c) => c.name !== PROXY);
  if (native && proxy) {
    proxy.restartPolicy = 'Always';
    inits = [...capture, proxy, ...userInits];
  } else {
    const validation = capture.filter((c) => c.name === 'istio-validation');
    const init = capture.filter((c) => c.name === 'istio-init');
    inits = [...validation, ...userInits, ...init];
    if (proxy) containers = hold ? [proxy, ...containers] : [...containers, proxy];
  }
  if (containers.length > 0 || spec.containers !== undefined) spec.containers = containers;
  if (inits.length > 0) spec.initContainers = inits;
  else delete spec.initContainers;
}

function findContainer(spec: JsonObject, name: string): JsonObject | undefined {
  return [...listOf(spec.containers), ...listOf(spec.initContainers)].find((c) => c.name === name);
}

function envOf(container: JsonObject | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of listOf(container?.env)) if (typeof e.value === 'string') out.set(String(e.name), e.value);
  return out;
}

function setEnv(container: JsonObject, name: string, value: string): void {
  const env = listOf(container.env);
  const existing = env.find((e) => e.name === name);
  if (existing) existing.value = value;
  else env.push({ name, value });
  container.env = env;
}

function replaceAnnotations(target: Record<string, string>, next: Record<string, string>): void {
  for (const k of Object.keys(target)) if (!(k in next)) delete target[k];
  Object.assign(target, next);
}

function listOf(value: unknown): JsonObject[] {
  return Array.isArray(value) ? (value.filter(isObject) as JsonObject[]) : [];
}

function nullIfEmpty(list: string[]): string[] | null {
  return list.length > 0 ? list : null;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}

function valueAt(root: JsonObject, ...path: string[]): Json | undefined {
  let cur: Json | undefined = root;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}
