/**
 * `sailctl validate -f`: schema validation only (IST0106's checks), plus istioctl's Service
 * port-naming errors and Deployment telemetry-label advisories (istioctl.md §2.9).
 */
import { loadFiles } from './files.js';
import { isObject } from '../core/json.js';
import type { AnyObject, Resource } from './resource.js';
import { ISTIO_GROUPS, validateResource, dotted } from './schema.js';
import { convertProtocol } from './analyzers/service.js';
import { asArray } from './resource.js';

export interface ValidationProblem {
  level: 'Error' | 'Warning';
  file?: string;
  line?: number;
  kind: string;
  namespace: string;
  name: string;
  message: string;
}

export interface ValidationResult {
  files: string[];
  resources: number;
  problems: ValidationProblem[];
}

export interface ValidateOptions {
  namespace?: string;
  istioNamespace: string;
  warn: (line: string) => void;
}

const NAME_LABELS = ['service.istio.io/canonical-name', 'app.kubernetes.io/name', 'app'];
const VERSION_LABELS = ['service.istio.io/canonical-revision', 'app.kubernetes.io/version', 'version'];
const NAMING_DOCS = 'See https://istio.io/latest/docs/ops/deployment/application-requirements/';

function serviceProblems(r: Resource): { message: string; path: (string | number)[] }[] {
  const out: { message: string; path: (string | number)[] }[] = [];
  asArray<AnyObject>(r.spec.ports).forEach((p, i) => {
    if (String(p?.protocol ?? 'TCP').toUpperCase() === 'UDP') return;
    if (convertProtocol(p)) return;
    if (p?.appProtocol) out.push({ message: `port ${p.port} appProtocol ${JSON.stringify(p.appProtocol)} doesn't follow Istio protocol selection. ${NAMING_DOCS}`, path: ['spec', 'ports', i, 'appProtocol'] });
    else if (!p?.name) out.push({ message: `port ${p?.port} is unnamed. This is not recommended. ${NAMING_DOCS}`, path: ['spec', 'ports', i] });
    else out.push({ message: `port "${p.name}" does not follow the Istio naming convention (<protocol>[-<suffix>], or set appProtocol). ${NAMING_DOCS}`, path: ['spec', 'ports', i, 'name'] });
  });
  return out;
}

/** The few distinct advisory texts, one string each (an input can have one per Deployment). */
const advisories = new Map<string, string>();

function deploymentAdvisory(r: Resource): string | undefined {
  const labels = isObject(r.spec.template?.metadata?.labels) ? r.spec.template.metadata.labels : {};
  const missing: string[] = [];
  if (!NAME_LABELS.some((l) => labels[l] !== undefined)) missing.push(`name label (${NAME_LABELS.join(', ')})`);
  if (!VERSION_LABELS.some((l) => labels[l] !== undefined)) missing.push(`version label (${VERSION_LABELS.join(', ')})`);
  if (missing.length === 0) return undefined;
  const key = missing.join('|');
  if (!advisories.has(key)) advisories.set(key, `may not provide Istio metrics and telemetry labels: the pod template has no ${missing.join(' and no ')}`);
  return advisories.get(key);
}

export async function validateFiles(paths: readonly string[], options: ValidateOptions): Promise<ValidationResult> {
  const { resources, files } = await loadFiles(paths, { defaultNamespace: options.namespace || 'default', ignoreUnknown: false, warn: options.warn });
  const problems: ValidationProblem[] = [];
  const add = (r: Resource, level: 'Error' | 'Warning', message: string, path?: (string | number)[]) =>
    problems.push({ level, file: r.origin.file, line: (path && r.lineOf(path)) ?? r.origin.line, kind: r.kind, namespace: r.namespace, name: r.name, message });
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i]!;
    // Each resource is judged alone: let it go once judged, so a large input is not held whole.
    (resources as (Resource | undefined)[])[i] = undefined;
    if (ISTIO_GROUPS.has(r.group)) {
      for (const p of await validateResource(r)) add(r, p.level, p.message, p.path.length > 0 ? p.path : undefined);
    } else if (r.namespace !== options.istioNamespace && r.kind === 'Service' && r.group === '') {
      for (const p of serviceProblems(r)) add(r, 'Error', p.message, p.path);
    } else if (r.namespace !== options.istioNamespace && r.kind === 'Deployment' && r.group === 'apps') {
      const advisory = deploymentAdvisory(r);
      if (advisory) add(r, 'Warning', advisory, ['spec', 'template', 'metadata']);
    }
  }
  const order = new Map(files.map((f, i) => [f, i]));
  problems.sort((a, b) => (order.get(a.file ?? '') ?? 0) - (order.get(b.file ?? '') ?? 0) || (a.line ?? 0) - (b.line ?? 0));
  return { files, resources: resources.length, problems };
}

export function describeProblem(p: ValidationProblem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : '';
  return `${where}${p.kind}/${p.namespace ? `${p.namespace}/` : ''}${p.name}: ${p.message}`;
}

export { dotted };
