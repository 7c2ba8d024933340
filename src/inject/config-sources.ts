/**
 * Where kube-inject's configuration comes from (injection.md §5.3): an IstioOperator file,
 * explicit files, or the built-in default profile. A cluster source (the istio-sidecar-injector
 * and istio ConfigMaps) plugs in as one more `InjectionConfigSource` with the cluster layer.
 */
import { parse } from 'yaml';
import { DataError } from '../core/errors.js';
import { readInput } from '../core/yaml-docs.js';
import { nativeSidecarsFromEnv, withMeshDefaults, type InjectionConfig } from './config.js';
import { defaultInjectionValues } from './default-values.js';
import { buildInjectorConfig, builtinTemplates } from './injector-config.js';
import type { JsonObject } from './smp.js';
import { isObject } from './smp.js';

export interface InjectionConfigOptions {
  injectConfigFile?: string;
  valuesFile?: string;
  meshConfigFile?: string;
  operatorFileName?: string;
  revision?: string;
}

export interface LoadedInjectionConfig {
  config: InjectionConfig;
  /** Said on stderr: where the configuration came from when the user gave no files. */
  notice?: string;
}

/** A swappable source of the three inputs; the cluster layer will add one reading ConfigMaps. */
export interface InjectionConfigSource {
  injectorConfig(): Promise<string | undefined>;
  values(): Promise<JsonObject | undefined>;
  meshConfig(): Promise<JsonObject | undefined>;
}

export async function loadInjectionConfig(options: InjectionConfigOptions, env: NodeJS.ProcessEnv = process.env): Promise<LoadedInjectionConfig> {
  const fromFiles = Boolean(options.injectConfigFile || options.valuesFile || options.meshConfigFile || options.operatorFileName);
  let notice: string | undefined;
  let injectorText: string | undefined;
  let values: JsonObject | undefined;
  let mesh: JsonObject | undefined;

  if (options.operatorFileName) {
    const iop = await readStructured(options.operatorFileName);
    const spec = isObject(iop.spec) ? iop.spec : {};
    if (isObject(spec.values)) values = spec.values;
    if (isObject(spec.meshConfig)) mesh = spec.meshConfig;
  }
  if (options.injectConfigFile) injectorText = (await readInput(options.injectConfigFile)).text;
  if (!values && options.valuesFile) values = await readStructured(options.valuesFile);
  if (!mesh && options.meshConfigFile) mesh = await readStructured(options.meshConfigFile);

  if (!fromFiles || !injectorText || !values) {
    const builtin = await builtinDefault(options.revision);
    injectorText ??= builtin.config;
    values ??= builtin.values;
    if (!fromFiles) mesh ??= builtin.mesh;
    if (!fromFiles) notice = `using the built-in default profile's injection configuration (${builtin.origin}); pass --injectConfigFile/--valuesFile/--meshConfigFile or --operatorFileName to use your installation's`;
  }
  const injector = parseInjectorConfig(injectorText, options.injectConfigFile ?? 'built-in injector config');
  const revision = typeof values.revision === 'string' ? values.revision : options.revision && options.revision !== 'default' ? options.revision : '';
  return {
    config: {
      ...injector,
      values,
      meshConfig: withMeshDefaults(mesh),
      revision: revision === 'default' ? '' : revision,
      nativeSidecars: nativeSidecarsFromEnv(env),
      compliancePolicy: env.COMPLIANCE_POLICY || undefined,
    },
    notice,
  };
}

/** A full injector config (`templates:` map) or a bare template (used as `sidecar`). */
export function parseInjectorConfig(text: string, name: string): Pick<InjectionConfig, 'templates' | 'defaultTemplates' | 'aliases'> {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch {
    parsed = undefined; // not YAML: a bare Go template
  }
  if (isObject(parsed) && isObject(parsed.templates)) {
    const templates: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed.templates)) if (typeof v === 'string') templates[k] = v;
    const defaults = Array.isArray(parsed.defaultTemplates) && parsed.defaultTemplates.length > 0 ? parsed.defaultTemplates.map(String) : ['sidecar'];
    const aliases: Record<string, string[]> = {};
    if (isObject(parsed.aliases)) for (const [k, v] of Object.entries(parsed.aliases)) if (Array.isArray(v)) aliases[k] = v.map(String);
    return { templates, defaultTemplates: defaults, aliases };
  }
  if (text.trim() === '') throw new DataError(`${name}: the injection config is empty`, { hint: 'Pass the istio-sidecar-injector ConfigMap key `config`, or a template.' });
  return { templates: { sidecar: text }, defaultTemplates: ['sidecar'], aliases: {} };
}

async function readStructured(file: string): Promise<JsonObject> {
  const { name, text } = await readInput(file);
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new DataError(`${name}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObject(value)) throw new DataError(`${name}: expected a YAML/JSON object`);
  return value;
}

/**
 * The default profile's injector and mesh ConfigMaps as `manifest generate` renders them; if
 * the renderer is unavailable, our own default values through the same buildInjectorConfig.
 */
async function builtinDefault(revision?: string): Promise<{ config: string; values: JsonObject; mesh?: JsonObject; origin: string }> {
  try {
    const [{ resolveIstioOperator }, { renderManifests, allObjects }] = await Promise.all([import('../install/resolve.js'), import('../render/index.js')]);
    const { iop } = await resolveIstioOperator({ files: [], sets: [], revision });
    const objects = allObjects(renderManifests(iop)) as unknown as JsonObject[];
    const suffix = revision && revision !== 'default' ? `-${revision}` : '';
    const cm = (name: string) => objects.find((o) => o.kind === 'ConfigMap' && isObject(o.metadata) && o.metadata.name === name + suffix);
    const injector = cm('istio-sidecar-injector');
    const mesh = cm('istio');
    const data = isObject(injector?.data) ? injector.data : undefined;
    if (data && typeof data.config === 'string' && typeof data.values === 'string') {
      const parsedConfig = parse(data.config) as JsonObject;
      // Until the renderer embeds our templates its ConfigMap may have none; ours fill in.
      if (!isObject(parsedConfig.templates) || !('sidecar' in parsedConfig.templates)) {
        parsedConfig.templates = { ...builtinTemplates, ...(isObject(parsedConfig.templates) ? parsedConfig.templates : {}) };
      }
      const meshText = isObject(mesh?.data) && typeof mesh.data.mesh === 'string' ? mesh.data.mesh : undefined;
      return {
        config: JSON.stringify(parsedConfig),
        values: JSON.parse(data.values) as JsonObject,
        mesh: meshText ? (parse(meshText) as JsonObject) : undefined,
        origin: 'rendered like manifest generate',
      };
    }
  } catch {
    // fall back to the values we carry ourselves
  }
  const values = defaultInjectionValues();
  if (revision && revision !== 'default') values.revision = revision;
  return { config: buildInjectorConfig(values).config, values: values as JsonObject, origin: 'sailctl defaults' };
}
