/**
 * Test helpers: run the analysis library over YAML written to a temporary file (so lines come
 * from the real reader and istioctl's offline defaults are added), and print each finding the
 * way a user reads it: `Level [CODE] (Kind ns/name :line) text`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, type RemoteCluster } from '../../src/analyze/analyze.js';
import { parseYamlDocuments } from '../../src/yaml/documents.js';
import { makeResource, type Resource } from '../../src/analyze/resource.js';

const dir = mkdtempSync(join(tmpdir(), 'sailctl-analyze-unit-'));
let n = 0;

export interface RunOptions {
  /** --analyzer names (all of istioctl's when absent). */
  analyzers?: string[];
  /** A mesh config (YAML) for --meshConfigFile. */
  mesh?: string;
  /** A mesh networks file (YAML) for --meshNetworksFile. */
  meshNetworks?: string;
  remotes?: RemoteCluster[];
  clusterId?: string;
  namespace?: string;
}

function write(text: string): string {
  const file = join(dir, `in-${++n}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** Findings as `Level [CODE] (Kind ns/name :line) text`, in report order. */
export async function run(yaml: string, options: RunOptions = {}): Promise<string[]> {
  const result = await analyze({
    files: [write(yaml)],
    namespace: options.namespace,
    istioNamespace: 'istio-system',
    ignoreUnknown: false,
    analyzers: options.analyzers,
    meshConfigFile: options.mesh === undefined ? undefined : write(options.mesh),
    meshNetworksFile: options.meshNetworks === undefined ? undefined : write(options.meshNetworks),
    remotes: options.remotes,
    clusterId: options.clusterId,
    warn: () => {},
  });
  return result.findings.map((f) => `${f.level} [${f.code}]${f.cluster ? ` [cluster-${f.cluster}]` : ''} (${f.origin} :${f.line}) ${f.message}`);
}

/** Only the findings of one analyzer, as istioctl's --analyzer gives them. */
export const only = (analyzer: string, yaml: string, options: RunOptions = {}) => run(yaml, { ...options, analyzers: [analyzer] });

/** 1-based line of the first line of `yaml` containing `text` (the line a finding should point at). */
export function lineOf(yaml: string, text: string, from = 0): number {
  const lines = yaml.split('\n');
  const i = lines.findIndex((l, k) => k >= from && l.includes(text));
  if (i < 0) throw new Error(`test input has no line with ${JSON.stringify(text)}`);
  return i + 1;
}

/** Resources from YAML (for tests of the pieces below analyze). */
export function resources(yaml: string, file = 'test.yaml'): Resource[] {
  return parseYamlDocuments(yaml, file).map((d) =>
    makeResource({ body: d.value as Record<string, unknown>, defaultNamespace: 'default', origin: { source: 'file', file, line: d.line }, lineOf: (p) => d.lineOf(p) }),
  );
}

/** 1-based first line of the document holding the first line with `text` (where a finding without a field line points). */
export function docLine(yaml: string, text: string): number {
  const lines = yaml.split('\n');
  for (let i = lineOf(yaml, text) - 1; i >= 0; i--) if (i === 0 || lines[i - 1] === '---') return i + 1;
  return 1;
}
