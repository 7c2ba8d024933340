/**
 * `sailctl analyze` as a library: gather resources (files now, a cluster through a
 * ResourceSource), add istioctl's defaults, run the analyzers, suppress, sort.
 */
import { DataError, UsageError } from '../core/errors.js';
import { parseYamlDocuments, readInput } from '../core/yaml-docs.js';
import { ALL_ANALYZERS } from './analyzers/index.js';
import { AnalysisContext, defaultMeshConfig, type MeshConfig } from './context.js';
import { loadFiles } from './files.js';
import { runAnalyzers, type Analyzer } from './framework.js';
import { documentationUrl, MESSAGE_TYPES } from './messages.js';
import { sortFindings, type Finding } from './report.js';
import { friendlyName, identity, isObject, keyOf, makeResource, type Json, type Resource } from './resource.js';
import type { ResourceSource } from './sources.js';
import { isSuppressed, parseSuppressions } from './suppress.js';

export interface AnalyzeOptions {
  /** Files, directories or `-` (stdin). */
  files: readonly string[];
  /** Namespace for file resources without one (-n); default `default`. */
  namespace?: string;
  istioNamespace: string;
  meshConfigFile?: string;
  meshNetworksFile?: string;
  ignoreUnknown: boolean;
  /** Run only these analyzers (by name). */
  analyzers?: readonly string[];
  suppress?: readonly string[];
  /** A live cluster, listed before the files so files overlay it. */
  cluster?: ResourceSource;
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

export function selectAnalyzers(names: readonly string[] | undefined): Analyzer[] {
  if (!names || names.length === 0) return [...ALL_ANALYZERS];
  const byName = new Map(ALL_ANALYZERS.map((a) => [a.name, a]));
  return names.map((n) => {
    const a = byName.get(n) ?? ALL_ANALYZERS.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (!a) throw new UsageError(`unknown analyzer "${n}"`, 'Run sailctl analyze --list-analyzers to see their names.');
    return a;
  });
}

async function readYamlObject(path: string, what: string): Promise<{ value: Json; file: string; line: number; lineOf: (p: readonly (string | number)[]) => number | undefined }> {
  const { name, text } = await readInput(path);
  const docs = parseYamlDocuments(text, name);
  const doc = docs[0];
  if (!doc || !isObject(doc.value)) throw new DataError(`${name}:1: the ${what} file holds no YAML object`);
  return { value: doc.value, file: name, line: doc.line, lineOf: (p) => doc.lineOf(p) };
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
  return { ...mesh, ...cfg, defaultConfig: { ...mesh.defaultConfig, ...(isObject(cfg.defaultConfig) ? cfg.defaultConfig : {}) } } as MeshConfig;
}

export async function analyze(options: AnalyzeOptions): Promise<AnalysisResult> {
  const analyzers = selectAnalyzers(options.analyzers);
  const suppressions = parseSuppressions(options.suppress ?? [], options.warn);
  const defaultNamespace = options.namespace || 'default';
  const mesh = await loadMeshConfig(options.meshConfigFile, options.istioNamespace);

  const loaded = options.files.length > 0 ? await loadFiles(options.files, { defaultNamespace, ignoreUnknown: options.ignoreUnknown, warn: options.warn }) : { resources: [], files: [], skipped: [] };
  const byId = new Map<string, Resource>();
  const complete = new Set<string>();
  if (options.cluster) {
    const kinds = new Set(analyzers.flatMap((a) => a.inputs));
    for await (const r of options.cluster.list(kinds)) byId.set(identity(r), r);
    for (const k of options.cluster.completeKinds()) complete.add(k);
  }
  for (const r of loaded.resources) byId.set(identity(r), r);
  if (byId.size === 0) {
    const where = loaded.files.length > 0 ? loaded.files.join(', ') : options.files.join(', ');
    throw new DataError(`no Kubernetes resources found in ${where || 'the input'}: nothing was analyzed`, {
      hint: loaded.skipped.length > 0 ? `${loaded.skipped.length} document(s) could not be parsed and were skipped (--ignore-unknown).` : 'Pass files or directories holding Kubernetes/Istio YAML or JSON, or - for stdin.',
    });
  }
  // istioctl's defaults even offline: the Istio namespace exists.
  const istioNs = makeResource({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: options.istioNamespace } }, defaultNamespace, origin: { source: 'default' } });
  if (!byId.has(identity(istioNs))) byId.set(identity(istioNs), istioNs);
  if (options.meshNetworksFile) {
    const { value, file, line, lineOf } = await readYamlObject(options.meshNetworksFile, 'mesh networks');
    const body = { apiVersion: 'v1alpha1', kind: 'MeshNetworks', metadata: { name: 'meshnetworks', namespace: options.istioNamespace }, ...value };
    const r = makeResource({ body, defaultNamespace: options.istioNamespace, origin: { source: 'file', file, line }, lineOf });
    byId.set(identity(r), r);
  }

  const ctx = new AnalysisContext([...byId.values()], { meshConfig: mesh, istioNamespace: options.istioNamespace, completeKinds: complete });
  const { executed, skipped } = await runAnalyzers(ctx, analyzers);

  const findings: Finding[] = [];
  for (const d of ctx.diagnostics) {
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
    });
  }
  return { findings: sortFindings(findings), files: loaded.files, skippedFiles: loaded.skipped, resources: byId.size, executed, skipped };
}

/** `--list-analyzers`: `* Name:` and the indented description, sorted, as istioctl prints. */
export function listAnalyzers(): string {
  return ALL_ANALYZERS.map((a) => `* ${a.name}:\n    ${a.description} [${a.codes.join(', ')}]\n`).join('');
}

export { MESSAGE_TYPES };
