/**
 * Where kube-inject's configuration comes from (injection.md §5.3), per part, highest first:
 *   templates: --injectConfigFile  >  cluster ConfigMap istio-sidecar-injector[-REV] key `config`
 *   values:    --operatorFileName  >  --valuesFile  >  the same ConfigMap's key `values`
 *   mesh:      --operatorFileName  >  --meshConfigFile  >  ConfigMap istio[-REV] key `mesh`
 * An IstioOperator file is rendered like `manifest generate` (profile and chart defaults
 * included), so it is a complete source by itself. Parts no file gives come from the cluster;
 * with no cluster configured or reachable, from the built-in default profile (said on stderr).
 */
import { DataError, UserError } from '../core/errors.js';
import { ClusterUnreachable, type ClusterConfigReader } from './cluster-source.js';
import { nativeSidecarsFromEnv, withMeshDefaults, type InjectionConfig } from './config.js';
import { defaultInjectionValues } from './default-values.js';
import { buildInjectorConfig, injectorConfigObject } from '../injection-templates/injector-config.js';
import { isObject, type JsonObject } from '../core/json.js';
import type { BuiltinInjection } from './builtin-injection.js';
import { readInput } from '../yaml/documents.js';
import { parseYaml } from '../yaml/values.js';

export interface InjectionConfigOptions {
  injectConfigFile?: string;
  valuesFile?: string;
  meshConfigFile?: string;
  operatorFileName?: string;
  revision?: string;
  /** Default `istio-system`. */
  istioNamespace?: string;
  /** Default `istio`; `-REV` is appended for a revision. */
  meshConfigMapName?: string;
  /** Default `istio-sidecar-injector`; `-REV` is appended for a revision. */
  injectConfigMapName?: string;
}

export interface LoadedInjectionConfig {
  config: InjectionConfig;
  /** Said on stderr: where the configuration came from when it is not the user's. */
  notice?: string;
}

export interface ConfigEnvironment {
  env?: NodeJS.ProcessEnv;
  /**
   * Opens the cluster when some part is still missing: undefined when no cluster is
   * configured; throws a UserError when it cannot be reached.
   */
  cluster?: () => Promise<ClusterConfigReader | undefined>;
}

/** The three rendered ConfigMap payloads kube-inject needs. */
interface ConfigMapPayloads {
  config: string;
  /** The `config` key already as data (rebuilt from the values it depends on, not parsed back). */
  parsed: ParsedInjectorConfig;
  values: JsonObject;
  mesh?: JsonObject;
}

export async function loadInjectionConfig(options: InjectionConfigOptions, environment: ConfigEnvironment = {}): Promise<LoadedInjectionConfig> {
  const env = environment.env ?? process.env;
  let injectorText: string | undefined;
  let injectorName = options.injectConfigFile ?? '';
  let values: JsonObject | undefined;
  let mesh: JsonObject | undefined;
  let revision = options.revision && options.revision !== 'default' ? options.revision : '';
  let injector: ParsedInjectorConfig | undefined;
  const notices: string[] = [];

  if (options.operatorFileName) {
    const rendered = await renderedPayloads({ files: [options.operatorFileName], revision: options.revision });
    values = rendered.values;
    mesh = rendered.mesh ?? {};
    if (!options.injectConfigFile) injector = rendered.parsed;
  }
  if (options.injectConfigFile) injectorText = (await readInput(options.injectConfigFile)).text;
  const needTemplates = () => injector === undefined && injectorText === undefined;
  if (!values && options.valuesFile) values = await readStructured(options.valuesFile);
  if (!mesh && options.meshConfigFile) mesh = await readStructured(options.meshConfigFile);

  if (needTemplates() || !values || !mesh) {
    const missing = [needTemplates() && 'templates', !values && 'values', !mesh && 'mesh config'].filter(Boolean).join(', ');
    let reader: ClusterConfigReader | undefined;
    let unreachable: string | undefined;
    try {
      reader = await environment.cluster?.();
    } catch (err) {
      if (!(err instanceof ClusterUnreachable)) throw err;
      unreachable = err.message;
    }
    if (reader) {
      try {
        if (!options.revision) revision = (await reader.defaultRevision()) ?? '';
        const fromCluster = await readClusterConfigMaps(reader, options, revision, { injector: needTemplates() || !values, mesh: !mesh });
        if (needTemplates()) {
          injectorText = fromCluster.config;
          injectorName = fromCluster.injectorName;
        }
        values ??= fromCluster.values;
        mesh ??= fromCluster.mesh;
      } catch (err) {
        // No answer at all means "no reachable cluster"; a refusal or a missing ConfigMap is an answer.
        if (!(err instanceof ClusterUnreachable)) throw err;
        unreachable = err.message;
      }
    }
    if (needTemplates() || !values || !mesh) {
      const builtin = await builtinInjection(revision);
      if (needTemplates()) injector = builtin.injector;
      values ??= builtin.values;
      mesh ??= builtin.mesh;
      const why = unreachable ? `the cluster is not reachable (${unreachable})` : 'no cluster is configured';
      notices.push(`${why}: using the built-in default profile's ${missing}; pass --injectConfigFile, --valuesFile and --meshConfigFile (or --operatorFileName) to inject for your installation`);
    }
  }

  // Rendered configs come parsed; text from a file or the cluster is parsed here.
  injector ??= parseInjectorConfig(injectorText ?? '', injectorName);
  const fromValues = typeof values.revision === 'string' ? values.revision : '';
  const effective = fromValues || revision;
  return {
    config: {
      ...injector,
      values,
      meshConfig: withMeshDefaults(mesh),
      revision: effective === 'default' ? '' : effective,
      nativeSidecars: nativeSidecarsFromEnv(env),
      compliancePolicy: env.COMPLIANCE_POLICY || undefined,
    },
    notice: notices.length > 0 ? notices.join('\n') : undefined,
  };
}

async function readClusterConfigMaps(
  reader: ClusterConfigReader,
  options: InjectionConfigOptions,
  revision: string,
  need: { injector: boolean; mesh: boolean },
): Promise<{ config?: string; values?: JsonObject; mesh?: JsonObject; injectorName: string }> {
  const ns = options.istioNamespace || 'istio-system';
  const suffix = revision && revision !== 'default' ? `-${revision}` : '';
  const injectName = `${options.injectConfigMapName || 'istio-sidecar-injector'}${suffix}`;
  const meshName = `${options.meshConfigMapName || 'istio'}${suffix}`;
  const out: { config?: string; values?: JsonObject; mesh?: JsonObject; injectorName: string } = { injectorName: `ConfigMap ${ns}/${injectName}` };
  const missingHint = `Is Istio${suffix ? ` revision "${revision}"` : ''} installed in namespace ${ns}? Use -i/--istioNamespace and -r/--revision to point at it, or pass --injectConfigFile, --valuesFile and --meshConfigFile.`;
  if (need.injector) {
    const data = await reader.configMapData(ns, injectName);
    if (!data) throw new UserError(`ConfigMap ${ns}/${injectName} not found on ${reader.describe()}`, { hint: missingHint });
    if (typeof data.config !== 'string') throw new UserError(`ConfigMap ${ns}/${injectName} has no key "config" (the injection templates)`, { hint: missingHint });
    out.config = data.config;
    if (typeof data.values !== 'string') throw new UserError(`ConfigMap ${ns}/${injectName} has no key "values"`, { hint: 'Pass --valuesFile with the injection values.' });
    out.values = parseObject(data.values, `ConfigMap ${ns}/${injectName} key values`);
  }
  if (need.mesh) {
    const data = await reader.configMapData(ns, meshName);
    if (!data) throw new UserError(`ConfigMap ${ns}/${meshName} not found on ${reader.describe()}`, { hint: missingHint });
    out.mesh = data.mesh === undefined ? {} : parseObject(data.mesh, `ConfigMap ${ns}/${meshName} key mesh`);
  }
  return out;
}

function parseObject(text: string, what: string, source?: string): JsonObject {
  let value: unknown;
  try {
    value = parseYaml(text, { source });
  } catch (err) {
    if (err instanceof DataError) throw err; // a broken limit or duplicate key, already placed
    throw new DataError(`${what}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (value === null || value === undefined) return {};
  if (!isObject(value)) throw new DataError(`${what}: expected a YAML/JSON object`);
  return value;
}

export type ParsedInjectorConfig = Pick<InjectionConfig, 'templates' | 'defaultTemplates' | 'aliases'>;

/** A full injector config (`templates:` map) or a bare template (used as `sidecar`). */
export function parseInjectorConfig(text: string, name: string): ParsedInjectorConfig {
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { source: name });
  } catch (err) {
    if (err instanceof DataError) throw err; // a broken limit or duplicate key, already placed
    parsed = undefined; // not YAML: a bare Go template
  }
  if (isObject(parsed) && isObject(parsed.templates)) return injectorTemplates(parsed);
  if (text.trim() === '') throw new DataError(`${name}: the injection config is empty`, { hint: 'Pass the istio-sidecar-injector ConfigMap key `config`, or a template.' });
  return { templates: { sidecar: text }, defaultTemplates: ['sidecar'], aliases: {} };
}

/** What injection uses of an injector config object: its templates, default list and aliases. */
function injectorTemplates(parsed: Record<string, unknown>): ParsedInjectorConfig {
  const templates: Record<string, string> = {};
  if (isObject(parsed.templates)) for (const [k, v] of Object.entries(parsed.templates)) if (typeof v === 'string') templates[k] = v;
  const defaults = Array.isArray(parsed.defaultTemplates) && parsed.defaultTemplates.length > 0 ? parsed.defaultTemplates.map(String) : ['sidecar'];
  const aliases: Record<string, string[]> = {};
  if (isObject(parsed.aliases)) for (const [k, v] of Object.entries(parsed.aliases)) if (Array.isArray(v)) aliases[k] = v.map(String);
  return { templates, defaultTemplates: defaults, aliases };
}

async function readStructured(file: string): Promise<JsonObject> {
  const { name, text } = await readInput(file);
  return parseObject(text, name, name);
}

/**
 * The built-in config for a revision ('' for none). Without a revision it is the same every
 * run, so the bundle reads it from dist/builtin-injection.json, which the build writes with
 * computeBuiltinInjection (a test checks the file against a fresh computation).
 */
async function builtinInjection(revision: string): Promise<BuiltinInjection> {
  if (revision === '' || revision === 'default') {
    const { precomputedBuiltinInjection } = await import('./builtin-injection.js');
    const precomputed = precomputedBuiltinInjection();
    if (precomputed) return precomputed;
  }
  return computeBuiltinInjection(revision);
}

export async function computeBuiltinInjection(revision = ''): Promise<BuiltinInjection> {
  const rendered = await renderedPayloads({ files: [], revision });
  return { injector: rendered.parsed, values: rendered.values, mesh: rendered.mesh ?? {} };
}

/**
 * The injector and mesh ConfigMaps exactly as `manifest generate` renders them for these
 * IstioOperator files (none: the default profile), read back like a cluster's.
 */
async function renderedPayloads(input: { files: string[]; revision?: string }): Promise<ConfigMapPayloads> {
  const [{ resolveIstioOperator }, { renderManifests, allObjects }] = await Promise.all([import('../operator/resolve.js'), import('../render/index.js')]);
  const { iop } = await resolveIstioOperator({ files: input.files, sets: [], revision: input.revision && input.revision !== 'default' ? input.revision : undefined });
  const objects = allObjects(renderManifests(iop)) as unknown as JsonObject[];
  const rev = iop.spec?.revision && iop.spec.revision !== 'default' ? `-${iop.spec.revision}` : '';
  const data = (name: string) => {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && isObject(o.metadata) && o.metadata.name === name + rev && isObject(o.data));
    return cm?.data as Record<string, unknown> | undefined;
  };
  const injector = data('istio-sidecar-injector');
  const mesh = data('istio');
  if (injector && typeof injector.config === 'string' && typeof injector.values === 'string') {
    const values = parseObject(injector.values, 'rendered injector values');
    return {
      config: injector.config,
      parsed: injectorTemplates(injectorConfigObject(values)),
      values,
      mesh: typeof mesh?.mesh === 'string' ? parseObject(mesh.mesh, 'rendered mesh config') : undefined,
    };
  }
  // A profile without istiod (e.g. `empty`) renders no injector: our defaults, same builder.
  const values = defaultInjectionValues();
  if (input.revision && input.revision !== 'default') values.revision = input.revision;
  return { config: buildInjectorConfig(values).config, parsed: injectorTemplates(injectorConfigObject(values)), values: values as JsonObject };
}
