/** Test helpers: build resources from YAML and run analyzers the way the engine does. */
import { parseYamlDocuments } from '../../src/yaml/documents.js';
import { AnalysisContext, defaultMeshConfig, type MeshConfig } from '../../src/analyze/context.js';
import { runAnalyzers, type Analyzer } from '../../src/analyze/framework.js';
import { friendlyName, makeResource, type Resource } from '../../src/analyze/resource.js';

export function resources(yaml: string, file = 'test.yaml'): Resource[] {
  return parseYamlDocuments(yaml, file).map((d) =>
    makeResource({ body: d.value as Record<string, unknown>, defaultNamespace: 'default', origin: { source: 'file', file, line: d.line }, lineOf: (p) => d.lineOf(p) }),
  );
}

export interface RunOptions {
  mesh?: Partial<MeshConfig>;
  completeKinds?: string[];
  clusterDomain?: string;
}

/** Runs analyzers over YAML; returns `CODE Kind ns/name` strings in report order. */
export async function findings(analyzers: Analyzer | Analyzer[], yaml: string, options: RunOptions = {}): Promise<string[]> {
  const ctx = await context(analyzers, yaml, options);
  return ctx.diagnostics.map((d) => `${d.type.code} ${d.resource ? friendlyName(d.resource) : '-'}`);
}

export async function context(analyzers: Analyzer | Analyzer[], yaml: string, options: RunOptions = {}): Promise<AnalysisContext> {
  const list = Array.isArray(analyzers) ? analyzers : [analyzers];
  const istioNs = makeResource({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } }, defaultNamespace: 'default', origin: { source: 'default' } });
  const ctx = new AnalysisContext([...resources(yaml), istioNs], {
    meshConfig: { ...defaultMeshConfig('istio-system'), ...options.mesh },
    istioNamespace: 'istio-system',
    completeKinds: new Set(options.completeKinds ?? []),
    clusterDomain: options.clusterDomain,
  });
  await runAnalyzers(ctx, list);
  return ctx;
}

/** Messages as text, for asserting on the facts a message carries. */
export async function messages(analyzers: Analyzer | Analyzer[], yaml: string, options: RunOptions = {}): Promise<string[]> {
  const ctx = await context(analyzers, yaml, options);
  return ctx.diagnostics.map((d) => d.text);
}

export const svc = (name: string, ns = 'default', ports: (number | [number, string])[] = [[80, 'http']], extra = '') => `
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
${extra}
spec:
  selector:
    app: ${name}
  ports:
${ports.map((p) => (Array.isArray(p) ? `    - port: ${p[0]}\n      name: ${p[1]}` : `    - port: ${p}`)).join('\n')}
---
`;
