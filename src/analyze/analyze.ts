/**
 * `sailctl analyze` as a library: gather resources (files now, a cluster through a
 * ResourceSource), add istioctl's offline defaults, run the analyzers, suppress, sort.
 */
import { DataError, UsageError } from '../core/errors.js';
import { parseYamlDocuments, readInput, readYamlStream } from '../yaml/documents.js';
import { ALL_ANALYZERS, DEFAULT_ANALYZERS, LEGACY_NAMES } from './analyzers/index.js';
import { AnalysisContext, defaultMeshConfig, type MeshConfig } from './context.js';
import { loadFiles } from './files.js';
import { runAnalyzers, type Analyzer } from './framework.js';
import { documentationUrl, MESSAGE_TYPES } from './messages.js';
import { sortFindings, type Finding } from './report.js';
import { isObject } from '../core/json.js';
import { friendlyName, identity, keyOf, makeResource, type AnyObject, type Locator, type Resource } from './resource.js';
import type { ResourceSource } from './sources.js';
import { isSuppressed, parseSuppressions } from './suppress.js';

export interface RemoteCluster {
  /** The cluster's ID in messages (a kubeconfig context, or the name given with --remote-files). */
  id: string;
  /** Its Services (the multi-cluster analyzer compares them with the primary cluster's). */
  services(): Promise<Resource[]>;
}

export interface AnalyzeOptions {
  /** Files, directories or `-` (stdin). */
  files: readonly string[];
  /** Namespace for file resources without one (-n, the kubeconfig's, else `default`). */
  namespace?: string;
  /**
   * Report only findings about resources in this namespace (a Namespace object counts as in
   * itself; cluster-scoped objects always count). undefined: every namespace (-A).
   */
  targetNamespace?: string;
  istioNamespace: string;
  /** Control plane revision whose mesh and injector ConfigMaps apply (`default`: istio, istio-sidecar-injector). */
  revision?: string;
  meshConfigFile?: string;
  meshNetworksFile?: string;
  ignoreUnknown: boolean;
  /** Run only these analyzers (Istio's names; older sailctl names are accepted too). */
  analyzers?: readonly string[];
  suppress?: readonly string[];
  /** A live cluster; files overlay what it holds. */
  cluster?: ResourceSource;
  /** Other clusters of a multi-cluster mesh, and the ID of the primary one. */
  remotes?: readonly RemoteCluster[];
  clusterId?: string;
  warn: (line: string) => void;
}

export interface AnalysisResult {
  findings: Finding[];
  files: string[];
  skippedFiles: string[];
  resources: number;
  executed: string[];
  skipped: string[];
}

/** The analyzers named by --analyzer (Istio's names, any case, or older sailctl names); all of istioctl's when none. */
export function selectAnalyzers(names: readonly string[] | undefined): Analyzer[] {
  if (!names || names.length === 0) return [...DEFAULT_ANALYZERS];
  const byName = new Map(ALL_ANALYZERS.map((a) => [a.name.toLowerCase(), a]));
  const legacy = new Map(Object.entries(LEGACY_NAMES).map(([k, v]) => [k.toLowerCase(), v]));
  const chosen = new Set<Analyzer>();
  for (const n of names) {
    const key = n.trim().toLowerCase();
    const direct = byName.get(key);
    const mapped = direct ? [direct] : (legacy.get(key) ?? []).map((m) => byName.get(m.toLowerCase())!);
    if (mapped.length === 0) throw new UsageError(`unknown analyzer "${n}"`, 'Run sailctl analyze --list-analyzers to see their names.');
    for (const a of mapped) chosen.add(a);
  }
  return ALL_ANALYZERS.filter((a) => chosen.has(a));
}

async function readYamlObject(path: string, what: string): Promise<{ value: AnyObject; file: string; line: number; locator: Locator }> {
  const { name, text } = await readInput(path);
  const doc = readYamlStream(text, name)[0];
  if (!doc || !isObject(doc.value)) throw new DataError(`${name}:1: the ${what} file holds no YAML object`);
  return { value: doc.value, file: name, line: doc.line, locator: doc };
}

/** Overlays a MeshConfig object on the defaults (defaultConfig merged one level deep). */
function overlayMesh(mesh: MeshConfig, cfg: AnyObject): MeshConfig {
  return { ...mesh, ...cfg, defaultConfig: { ...mesh.defaultConfig, ...(isObject(cfg.defaultConfig) ? cfg.defaultConfig : {}) } } as MeshConfig;
}

/** A MeshConfig file (plain, or the `istio` ConfigMap with data.mesh) over the defaults. */
export async function loadMeshConfig(path: string | undefined, istioNamespace: string): Promise<MeshConfig> {
  const mesh = defaultMeshConfig(istioNamespace);
  if (!path) return mesh;
  const { value, file } = await readYamlObject(path, 'mesh config');
  let cfg: unknown = value;
  if (value.kind === 'ConfigMap' && typeof value.data?.mesh === 'string') {
    const inner = parseYamlDocuments(value.data.mesh, `${file} (data.mesh)`)[0]?.value;
    cfg = inner ?? {};
  }
  if (!isObject(cfg)) throw new DataError(`${file}: mesh config must be a YAML object`);
  return overlayMesh(mesh, cfg);
}

/** The revision's mesh ConfigMap (`istio` or `istio-<rev>` in the Istio namespace), from the cluster or the files. */
function meshConfigMap(all: readonly Resource[], istioNamespace: string, revision: string | undefined): Resource | undefined {
  const name = revision && revision !== 'default' ? `istio-${revision}` : 'istio';
  return all.find((r) => r.kind === 'ConfigMap' && r.group === '' && r.namespace === istioNamespace && r.name === name);
}

/** Adds a resource, or replaces the one with the same identity (a few calls: defaults and mesh networks). */
function put(all: Resource[], r: Resource, replace: boolean): void {
  const id = identity(r);
  const i = all.findIndex((x) => identity(x) === id);
  if (i < 0) all.push(r);
  else if (replace) all[i] = r;
}

function configMapYaml(cm: Resource, key: string): AnyObject | undefined {
  const text = cm.body.data?.[key];
  if (typeof text !== 'string') return undefined;
  const where = cm.origin.file ? `${cm.origin.file}:${cm.lineOf(['data', key]) ?? cm.origin.line}` : `ConfigMap ${cm.namespace}/${cm.name}`;
  const value = parseYamlDocuments(text, `${where} (data.${key})`)[0]?.value;
  return isObject(value) ? value : undefined;
}

/**
 * What istioctl adds to an offline analysis while the mesh has an ingress controller: the
 * ingress gateway's Pod and Service in the Istio namespace, so Gateways selecting
 * `istio: ingressgateway` find a workload and its ports. Objects in the files replace them.
 */
export function defaultIngressResources(mesh: MeshConfig, istioNamespace: string): Resource[] {
  if (String(mesh.ingressControllerMode ?? 'STRICT').toUpperCase() === 'OFF') return [];
  const service = String(mesh.ingressService || 'istio-ingressgateway');
  const origin = { source: 'default' as const };
  const port = (name: string, n: number) => ({ name, port: n, targetPort: n, protocol: 'TCP' });
  return [
    makeResource({ body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${service}-dummypod`, namespace: istioNamespace, labels: { istio: 'ingressgateway' } }, spec: { containers: [{ name: 'istio-proxy' }] } }, defaultNamespace: istioNamespace, origin }),
    makeResource({ body: { apiVersion: 'v1', kind: 'Service', metadata: { name: service, namespace: istioNamespace }, spec: { selector: { istio: 'ingressgateway' }, ports: [port('http2', 80), port('https', 443), port('tcp', 31400), port('tls', 15443)] } }, defaultNamespace: istioNamespace, origin }),
  ];
}

/** Whether a finding belongs to the analyzed namespace (istioctl: a Namespace is in itself). */
function inTarget(f: { resource?: Resource }, target: string): boolean {
  const r = f.resource;
  if (!r) return true;
  if (r.kind === 'Namespace' && r.group === '') return r.name === target;
  return r.namespace === '' || r.namespace === target;
}

export async function analyze(options: AnalyzeOptions): Promise<AnalysisResult> {
  const analyzers = selectAnalyzers(options.analyzers);
  const suppressions = parseSuppressions(options.suppress ?? [], options.warn);
  const defaultNamespace = options.namespace || 'default';

  const loaded = options.files.length > 0 ? await loadFiles(options.files, { defaultNamespace, ignoreUnknown: options.ignoreUnknown, warn: options.warn }) : { resources: [], files: [], skipped: [] };
  if (options.files.length > 0 && loaded.resources.length === 0) {
    const where = loaded.files.length > 0 ? loaded.files.join(', ') : options.files.join(', ');
    throw new DataError(`no Kubernetes resources found in ${where || 'the input'}: nothing was analyzed`, {
      hint: loaded.skipped.length > 0 ? `${loaded.skipped.length} document(s) could not be parsed and were skipped (--ignore-unknown).` : 'Pass files or directories holding Kubernetes/Istio YAML or JSON, or - for stdin.',
    });
  }
  // Files only: the files' resources as read (already one per identity); with a cluster, files overlay it.
  let all: Resource[] = loaded.resources;
  if (options.cluster) {
    const byId = new Map<string, Resource>();
    const kinds = new Set(analyzers.flatMap((a) => a.inputs));
    for await (const r of options.cluster.list(kinds)) byId.set(identity(r), r);
    for (const r of loaded.resources) byId.set(identity(r), r);
    for (const r of (await options.cluster.referenced?.(byId.values())) ?? []) if (!byId.has(identity(r))) byId.set(identity(r), r);
    all = [...byId.values()];
  }
  if (all.length === 0) throw new DataError('nothing to analyze: no files were given and the cluster returned no resources');

  // Mesh config: --meshConfigFile over the defaults, else the revision's ConfigMap (cluster or files) over them.
  const meshCm = meshConfigMap(all, options.istioNamespace, options.revision);
  let mesh = defaultMeshConfig(options.istioNamespace);
  if (options.meshConfigFile) mesh = await loadMeshConfig(options.meshConfigFile, options.istioNamespace);
  else {
    const fromCm = meshCm && configMapYaml(meshCm, 'mesh');
    if (fromCm) mesh = overlayMesh(mesh, fromCm);
  }
  if (!options.cluster) for (const r of defaultIngressResources(mesh, options.istioNamespace)) put(all, r, false);

  if (options.meshNetworksFile) {
    const { value, file, line, locator } = await readYamlObject(options.meshNetworksFile, 'mesh networks');
    const body = { apiVersion: 'v1alpha1', kind: 'MeshNetworks', metadata: { name: 'meshnetworks', namespace: options.istioNamespace }, ...value };
    put(all, makeResource({ body, defaultNamespace: options.istioNamespace, origin: { source: 'file', file, line }, locator }), true);
  } else if (meshCm) {
    const networks = configMapYaml(meshCm, 'meshNetworks');
    if (networks) {
      put(all, makeResource({ body: { apiVersion: 'v1alpha1', kind: 'MeshNetworks', metadata: { name: 'meshnetworks', namespace: options.istioNamespace }, ...networks }, defaultNamespace: options.istioNamespace, origin: meshCm.origin }), true);
    }
  }

  // A multi-cluster analysis: Services carry their cluster, remote ones are compared with ours.
  const remoteServices: Resource[] = [];
  if (options.remotes && options.remotes.length > 0) {
    const primary = options.clusterId ?? 'primary';
    for (const r of all) if (r.kind === 'Service' && r.group === '') r.origin.cluster = primary;
    for (const remote of options.remotes) remoteServices.push(...(await remote.services()));
  }

  const ctx = new AnalysisContext(all, { meshConfig: mesh, istioNamespace: options.istioNamespace, revision: options.revision, remoteServices });
  const { executed, skipped } = await runAnalyzers(ctx, analyzers);

  const findings: Finding[] = [];
  for (const d of ctx.diagnostics) {
    if (options.targetNamespace !== undefined && !inTarget(d, options.targetNamespace)) continue;
    const origin = d.resource ? friendlyName(d.resource) : undefined;
    if (isSuppressed(suppressions, d.type.code, origin)) continue;
    const file = d.resource?.origin.file;
    const line = d.line ?? d.resource?.origin.line;
    findings.push({
      code: d.type.code,
      level: d.type.level,
      origin,
      reference: file ? `${file}${line ? `:${line}` : ''}` : undefined,
      file,
      line,
      kind: d.resource ? keyOf(d.resource) : undefined,
      message: d.text,
      documentationUrl: documentationUrl(d.type.code),
      analyzer: d.analyzer,
      cluster: d.resource?.origin.cluster,
    });
  }
  return { findings: sortFindings(findings), files: loaded.files, skippedFiles: loaded.skipped, resources: all.length, executed, skipped };
}

/** `--list-analyzers`: `* Name:` and the indented description, sorted, as istioctl prints. */
export function listAnalyzers(): string {
  return ALL_ANALYZERS.map((a) => `* ${a.name}:\n    ${a.description}${a.optIn ? ' (precheck; runs only when named with --analyzer)' : ''}\n`).join('');
}

export { MESSAGE_TYPES };
