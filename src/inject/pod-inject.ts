/**
 * Injecting one pod (or pod template) as istiod does (injection.md §2, injection-fidelity.md):
 * each requested template is rendered against a stripped copy of the pod, strategic-merged into
 * the "template pod" and onto the pod itself; then the user's own versions of injected
 * containers are merged back, and post-processing runs in istiod's order: cluster/network env,
 * Prometheus merge, probe rewrite, status annotation, container order. Quantities end up in
 * Kubernetes' canonical form everywhere, as istiod's typed pod has them. Works on plain JSON;
 * the caller writes the result back into its document.
 */
import { parseTemplate, type Template } from '../gotemplate/index.js';
import { findInvalidAnnotation, parseGoBool } from './annotations.js';
import type { InjectionConfig } from './config.js';
import { adjustRunAs, applyUserContainers, findIn, listOf, overridesAnnotation, PROXY, readOverrides, type InjectionStatus, type Overrides } from './overrides.js';
import { clearPrometheusAnnotations, mergePrometheus } from './prometheus.js';
import { proberEnvValue, rewriteAppProbes } from './probes.js';
import { canonicalQuantity } from './quantity.js';
import { asPatch, strategicMerge } from './smp.js';
import { buildTemplateData, dataShapeFuncs } from './template-data.js';
import { clone, isObject, stringMap, withDefaults, type Json, type JsonObject } from '../core/json.js';
import { parseSharedYaml } from '../yaml/fast-parse.js';
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
const NETWORK_LABEL = 'topology.istio.io/network';

export function injectPod(config: InjectionConfig, input: PodToInject): { metadata: JsonObject; spec: JsonObject } {
  const annotations = stringMap(input.metadata.annotations);
  const invalid = findInvalidAnnotation(annotations);
  if (invalid) throw new InjectionError(invalid);

  const meshProxy = isObject(config.meshConfig.defaultConfig) ? config.meshConfig.defaultConfig : {};
  const proxyConfig = annotations['proxy.istio.io/config'] ? withDefaults(meshProxy, (parseYaml(annotations['proxy.istio.io/config']) ?? {}) as JsonObject) : meshProxy;
  const meshStatusPort = Number(meshProxy.statusPort ?? 15020);

  const previous = readStatus(annotations[STATUS]);
  const overrides = readOverrides(annotations[OVERRIDES]);
  const nativeAnnotation = annotations['sidecar.istio.io/nativeSidecar'];
  const native = nativeAnnotation === 'true' ? true : nativeAnnotation === 'false' ? false : config.nativeSidecars;

  const dataPod = previous ? strippedForTemplates(input, previous, overrides, meshStatusPort) : input;
  const data = buildTemplateData(config, {
    typeMeta: input.typeMeta,
    deployMeta: input.deployMeta,
    metadata: dataPod.metadata,
    spec: dataPod.spec,
    proxyConfig,
    native,
    proxyUID: 1337,
    proxyGID: 1337,
  });

  // Templates merge onto the pod as given (not the stripped copy): a re-injected pod keeps what
  // the new templates do not replace, as with istiod.
  let pod: JsonObject = { metadata: clone(input.metadata), spec: clone(input.spec) };
  let templatePod: JsonObject = {};
  for (const name of templateNames(config, annotations)) {
    const patch = renderTemplate(config, name, data);
    templatePod = strategicMerge(templatePod, patch);
    // A native proxy lives in initContainers: the user's own istio-proxy (or an old classic
    // one) moves there first, so the template merges into it by name.
    if (native && findIn(specOf(templatePod), ['initContainers'], PROXY) && findIn(specOf(pod), ['containers'], PROXY)) relocateProxy(specOf(pod));
    pod = strategicMerge(pod, patch);
  }

  const templateSpec = specOf(templatePod);
  const user = applyUserContainers(pod, input.spec, templateSpec, previous, overrides);
  pod = user.pod;
  const metadata = isObject(pod.metadata) ? pod.metadata : {};
  const spec = ownContainers(specOf(pod));
  const anns = stringMap(metadata.annotations);
  if (!previous && (user.applied.containers.length > 0 || user.applied.initContainers.length > 0)) anns[OVERRIDES] = overridesAnnotation(user.applied);
  const tproxy = String(proxyConfig.interceptionMode ?? '') === 'TPROXY' || anns['sidecar.istio.io/interceptionMode'] === 'TPROXY';
  adjustRunAs(spec, input.spec, tproxy);

  const labels = stringMap(metadata.labels);
  const proxy = findIn(spec, ['containers', 'initContainers'], PROXY);
  const network = labels[NETWORK_LABEL] || stringAt(config.values, 'global', 'network');
  const clusterName = stringAt(config.values, 'global', 'multiCluster', 'clusterName');
  if (proxy) overwriteClusterEnv(proxy, { ...(clusterName ? { ISTIO_META_CLUSTER_ID: clusterName } : {}), ...(network ? { ISTIO_META_NETWORK: network } : {}) });

  let prometheus;
  try {
    prometheus = mergePrometheus(anns, meshStatusPort, config.meshConfig.enablePrometheusMerge !== false);
  } catch (err) {
    throw new InjectionError((err as Error).message);
  }
  if (prometheus) {
    replaceAnnotations(anns, prometheus.annotations);
    if (proxy && prometheus.env) appendEnv(proxy, 'ISTIO_PROMETHEUS_ANNOTATIONS', prometheus.env);
  }
  if (proxy) {
    const securePort = envOf(proxy).get('ENVOY_SECURE_MERGED_METRICS_PORT');
    if (securePort && securePort !== '0' && anns['prometheus.istio.io/secure-port'] === undefined) anns['prometheus.istio.io/secure-port'] = securePort;
    const rewrite = parseGoBool(anns['sidecar.istio.io/rewriteAppHTTPProbers']) ?? valueAt(config.values, 'sidecarInjectorWebhook', 'rewriteAppHTTPProbe') !== false;
    const probePort = Number(anns['status.sidecar.istio.io/port'] ?? meshStatusPort);
    if (rewrite && probePort !== 0) {
      const probers = rewriteAppProbes([...listOf(spec.containers), ...listOf(spec.initContainers)], probePort);
      const old = previous ? envOf(proxy).get('ISTIO_KUBE_APP_PROBERS') : undefined;
      const value = proberEnvValue(old, probers);
      if (value) setEnv(proxy, 'ISTIO_KUBE_APP_PROBERS', value);
    }
  }

  if (network && labels[NETWORK_LABEL] !== network) metadata.labels = { ...(isObject(metadata.labels) ? metadata.labels : {}), [NETWORK_LABEL]: network };
  anns[STATUS] = JSON.stringify(statusOf(templateSpec, config.revision));
  metadata.annotations = anns;

  const hold = proxyConfig.holdApplicationUntilProxyStarts === true || valueAt(config.values, 'global', 'proxy', 'holdApplicationUntilProxyStarts') === true;
  reorderContainers(spec, hold);
  canonicalQuantities(spec);
  return { metadata, spec };
}

/**
 * Template output comes from parseSharedYaml: parts of it are frozen and shared with other
 * pods. Post-processing changes containers (and only replaces what lies below them), so the
 * pod gets its own spec lists and containers first.
 */
function ownContainers(spec: JsonObject): JsonObject {
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    if (Array.isArray(spec[list])) spec[list] = spec[list].map((c) => (isObject(c) ? { ...c } : c));
  }
  return spec;
}

function specOf(pod: JsonObject): JsonObject {
  if (!isObject(pod.spec)) pod.spec = {};
  return pod.spec as JsonObject;
}

function relocateProxy(spec: JsonObject): void {
  const containers = listOf(spec.containers);
  const at = containers.findIndex((c) => c.name === PROXY);
  const [proxy] = containers.splice(at, 1);
  spec.containers = containers;
  spec.initContainers = [...listOf(spec.initContainers), proxy!];
}

function renderTemplate(config: InjectionConfig, name: string, data: unknown): JsonObject {
  const text = config.templates[name];
  if (text === undefined) {
    throw new InjectionError(`requested template "${name}" not found; have ${Object.keys(config.templates).sort().join(', ')}`);
  }
  let output: string;
  try {
    output = compiled(config, name, text).execute(data);
  } catch (err) {
    throw new InjectionError(`failed to render template "${name}": ${(err as Error).message}`);
  }
  // Rendered pod after pod, the output repeats itself: shared (frozen) blocks where it does.
  let parsed: unknown = parseSharedYaml(output);
  try {
    if (parsed === undefined) parsed = parseYaml(output);
  } catch (err) {
    throw new InjectionError(`template "${name}" did not produce valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed !== null && parsed !== undefined && !isObject(parsed)) throw new InjectionError(`template "${name}" did not produce a pod (got ${Array.isArray(parsed) ? 'a list' : typeof parsed})`);
  const patch = asPatch((parsed ?? {}) as Json);
  return isObject(patch) ? patch : {};
}

const compiledByConfig = new WeakMap<Record<string, string>, Map<string, Template>>();

/** Each template is compiled once per configuration (parseTemplate's own cache hashes the whole text). */
function compiled(config: InjectionConfig, name: string, text: string): Template {
  let byName = compiledByConfig.get(config.templates);
  if (!byName) compiledByConfig.set(config.templates, (byName = new Map()));
  let template = byName.get(name);
  if (!template) byName.set(name, (template = parseTemplate(name, text, { funcs: dataShapeFuncs })));
  return template;
}

/** istiod's list: the annotation split at commas (empty names kept, repeats applied again), aliases expanded once. */
function templateNames(config: InjectionConfig, annotations: Record<string, string>): string[] {
  const requested = annotations['inject.istio.io/templates'];
  const names = requested !== undefined ? requested.split(',').map((s) => s.trim()) : config.defaultTemplates;
  return names.flatMap((name) => config.aliases[name] ?? [name]);
}

function statusOf(templateSpec: JsonObject, revision: string): InjectionStatus {
  const names = (field: string): string[] | null => {
    const out = listOf(templateSpec[field]).map((item) => String(item.name ?? ''));
    return out.length > 0 ? out : null;
  };
  return {
    initContainers: names('initContainers'),
    containers: names('containers'),
    volumes: names('volumes'),
    imagePullSecrets: names('imagePullSecrets'),
    revision: revision || 'default',
  };
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

/**
 * The pod the templates read on re-injection: the previously injected containers out (per
 * list), the user's recorded customisations back in, Prometheus annotations that point at the
 * agent cleared, and no status annotation; so app containers and ports are computed fresh.
 */
function strippedForTemplates(input: PodToInject, status: InjectionStatus, overrides: Overrides, statusPort: number): { metadata: JsonObject; spec: JsonObject } {
  const spec = clone(input.spec);
  for (const list of ['containers', 'initContainers'] as const) {
    const kept = listOf(spec[list]);
    for (const name of status[list] ?? []) {
      const at = kept.findIndex((c) => c.name === name);
      if (at >= 0) kept.splice(at, 1);
    }
    const restored = [...kept, ...clone(overrides[list])];
    if (restored.length > 0 || spec[list] !== undefined) spec[list] = restored;
  }
  const annotations = stringMap(input.metadata.annotations);
  delete annotations[STATUS];
  if (annotations['prometheus.io/port'] === String(statusPort)) clearPrometheusAnnotations(annotations);
  return { metadata: { ...input.metadata, annotations }, spec };
}

/** Entries post-processing appends after the cluster entries on first injection. */
const APPENDED_LATER = new Set(['ISTIO_PROMETHEUS_ANNOTATIONS', 'ISTIO_KUBE_APP_PROBERS']);

/**
 * istiod's overwriteClusterInfo: these env entries go last, sorted by name, with these values.
 * On re-injection the entries appended after them the first time stay after them, so injecting
 * twice writes the same order (istiod would move the cluster entries behind them).
 */
function overwriteClusterEnv(proxy: JsonObject, envs: Record<string, string>): void {
  const names = Object.keys(envs).sort();
  if (names.length === 0) return;
  const env = listOf(proxy.env).filter((e) => !(String(e.name) in envs));
  let tail = env.length;
  while (tail > 0 && APPENDED_LATER.has(String(env[tail - 1]!.name))) tail--;
  proxy.env = [...env.slice(0, tail), ...names.map((name) => ({ name, value: envs[name]! })), ...env.slice(tail)];
}

/**
 * istiod's reorderPod: the proxy goes last among containers (first when the app waits for
 * it); a native proxy's init containers run capture, proxy, core dump, then the user's; else
 * CNI validation first and iptables capture and core dump last. Nothing moves between lists.
 */
function reorderContainers(spec: JsonObject, hold: boolean): void {
  if (Array.isArray(spec.containers)) spec.containers = moveNamed(listOf(spec.containers), PROXY, hold ? 'first' : 'last');
  if (!Array.isArray(spec.initContainers)) return;
  let inits = listOf(spec.initContainers);
  if (inits.some((c) => c.name === PROXY)) {
    for (const name of ['enable-core-dump', PROXY, 'istio-validation', 'istio-init']) inits = moveNamed(inits, name, 'first');
  } else {
    inits = moveNamed(inits, 'istio-validation', 'first');
    inits = moveNamed(inits, 'istio-init', 'last');
    inits = moveNamed(inits, 'enable-core-dump', 'last');
  }
  spec.initContainers = inits;
}

function moveNamed(list: JsonObject[], name: string, where: 'first' | 'last'): JsonObject[] {
  const at = list.findIndex((c) => c.name === name);
  if (at < 0) return list;
  const rest = [...list.slice(0, at), ...list.slice(at + 1)];
  return where === 'first' ? [list[at]!, ...rest] : [...rest, list[at]!];
}

/**
 * Kubernetes writes every quantity canonically (`1000m` → `"1"`); istiod's pod is typed, so it
 * does too. Sections that change are replaced, not edited (they may be shared template output).
 */
function canonicalQuantities(spec: JsonObject): void {
  /** The section with canonical quantities: itself when they already are. */
  const fix = (section: Json | undefined): Json | undefined => {
    if (!isObject(section)) return section;
    let out: JsonObject | undefined;
    for (const k of Object.keys(section)) {
      const q = canonicalQuantity(section[k]) as Json;
      if (q !== section[k]) (out ??= { ...section })[k] = q;
    }
    return out ?? section;
  };
  /** Limits and requests of a `resources` holder, replaced when either changes. */
  const fixResources = (owner: JsonObject, key: string): void => {
    const resources = owner[key];
    if (!isObject(resources)) return;
    const limits = fix(resources.limits);
    const requests = fix(resources.requests);
    if (limits !== resources.limits || requests !== resources.requests) owner[key] = { ...resources, ...(limits !== undefined ? { limits } : {}), ...(requests !== undefined ? { requests } : {}) };
  };
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) for (const c of listOf(spec[list])) fixResources(c, 'resources');
  if (Array.isArray(spec.volumes)) {
    spec.volumes = spec.volumes.map((v) => {
      if (!isObject(v) || !isObject(v.emptyDir) || v.emptyDir.sizeLimit === undefined) return v;
      const sizeLimit = canonicalQuantity(v.emptyDir.sizeLimit) as Json;
      return sizeLimit === v.emptyDir.sizeLimit ? v : { ...v, emptyDir: { ...v.emptyDir, sizeLimit } };
    });
  }
  const overhead = fix(spec.overhead);
  if (overhead !== spec.overhead && overhead !== undefined) spec.overhead = overhead;
  fixResources(spec, 'resources');
}

function envOf(container: JsonObject): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of listOf(container.env)) if (typeof e.value === 'string') out.set(String(e.name), e.value);
  return out;
}

function setEnv(container: JsonObject, name: string, value: string): void {
  const env = listOf(container.env);
  const at = env.findIndex((e) => e.name === name);
  if (at >= 0) env[at] = { ...env[at]!, value };
  else env.push({ name, value });
  container.env = env;
}

function appendEnv(container: JsonObject, name: string, value: string): void {
  container.env = [...listOf(container.env), { name, value }];
}

function replaceAnnotations(target: Record<string, string>, next: Record<string, string>): void {
  for (const k of Object.keys(target)) if (!(k in next)) delete target[k];
  Object.assign(target, next);
}

function valueAt(root: JsonObject, ...path: string[]): Json | undefined {
  let cur: Json | undefined = root;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function stringAt(root: JsonObject, ...path: string[]): string {
  const v = valueAt(root, ...path);
  return typeof v === 'string' ? v : '';
}
