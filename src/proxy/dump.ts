/**
 * An Envoy admin /config_dump response, read the way istioctl's configdump.Wrapper reads
 * it: sections found by their @type (the last one wins, except ECDS whose sections merge),
 * resources pulled out of the dynamic and static lists in istioctl's order. Field names may
 * be snake_case (Envoy's) or lowerCamel (protojson's); both are accepted everywhere.
 *
 * This is the library x describe and friends build on: no printing here.
 */
import { DataError, UserError } from '../core/errors.js';
import type { Json, JsonObject } from '../core/json.js';
import { goSortSlice } from '../core/go-sort.js';

export type { Json };
export type Obj = JsonObject;

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';
export const SECTION = {
  bootstrap: `${ADMIN}BootstrapConfigDump`,
  clusters: `${ADMIN}ClustersConfigDump`,
  listeners: `${ADMIN}ListenersConfigDump`,
  routes: `${ADMIN}RoutesConfigDump`,
  secrets: `${ADMIN}SecretsConfigDump`,
  endpoints: `${ADMIN}EndpointsConfigDump`,
  ecds: `${ADMIN}EcdsConfigDump`,
} as const;

const camelCache = new Map<string, string>();
function camel(snake: string): string {
  let c = camelCache.get(snake);
  if (c === undefined) {
    c = snake.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    camelCache.set(snake, c);
  }
  return c;
}

/** A field by its proto name, whichever JSON spelling the dump used. */
export function f(o: Json | undefined, snake: string): Json | undefined {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const v = o[snake];
  return v !== undefined ? v : o[camel(snake)];
}

export function obj(o: Json | undefined, snake: string): Obj | undefined {
  const v = f(o, snake);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

export function arr(o: Json | undefined, snake: string): Json[] {
  const v = f(o, snake);
  return Array.isArray(v) ? v : [];
}

export function str(o: Json | undefined, snake: string): string {
  const v = f(o, snake);
  return typeof v === 'string' ? v : '';
}

/** A number field; 64-bit ones arrive as strings. */
export function num(o: Json | undefined, snake: string): number {
  const v = f(o, snake);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return 0;
}

/** A google.protobuf wrapper (UInt32Value and friends): JSON gives the bare value. */
export function wrapped(o: Json | undefined, snake: string): number | undefined {
  const v = f(o, snake);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object' && !Array.isArray(v)) return num(v, 'value');
  return typeof v === 'number' ? v : Number(v);
}

/** A copy of `o` without the named fields, in either spelling. */
function without(o: Obj, ...snake: string[]): Obj {
  const drop = new Set(snake.flatMap((name) => [name, camel(name)]));
  return Object.fromEntries(Object.entries(o).filter(([k]) => !drop.has(k)));
}

/** A copy of `o` with field `snake` set, under the spelling the dump used for it. */
function withField(o: Obj, snake: string, value: Json): Obj {
  const key = o[snake] === undefined && o[camel(snake)] !== undefined ? camel(snake) : snake;
  return { ...o, [key]: value };
}

/** sort.Slice by a name, as istioctl orders the lists it compares. */
const byName = <T>(items: T[], name: (item: T) => string): T[] => goSortSlice(items, (a, b) => name(a) < name(b));

const isObj = (v: Json): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function typeUrl(o: Json | undefined): string {
  return o !== null && typeof o === 'object' && !Array.isArray(o) && typeof o['@type'] === 'string' ? o['@type'] : '';
}

export class ConfigDump {
  readonly configs: Obj[];

  constructor(
    /** The bytes as received (`all -o json` prints them unchanged). */
    readonly raw: string,
    data: Obj,
  ) {
    const configs = f(data, 'configs');
    this.configs = ((configs as Json[] | undefined) ?? []).filter((c): c is Obj => c !== null && typeof c === 'object' && !Array.isArray(c));
  }

  /** The section of this type (the last one, as istioctl's getSection), or an error naming it. */
  section(type: string): Obj {
    const found = this.sectionOrUndefined(type);
    if (!found) throw new UserError(`config dump has no configuration type ${type}`);
    return found;
  }

  sectionOrUndefined(type: string): Obj | undefined {
    let found: Obj | undefined;
    for (const c of this.configs) if (typeUrl(c) === type) found = c;
    return found;
  }

  sections(type: string): Obj[] {
    return this.configs.filter((c) => typeUrl(c) === type);
  }

  /** Active clusters, dynamic first then static. */
  clusters(): Obj[] {
    const s = this.section(SECTION.clusters);
    return [...arr(s, 'dynamic_active_clusters'), ...arr(s, 'static_clusters')].map((c) => obj(c, 'cluster')).filter((c): c is Obj => c !== undefined);
  }

  /** Active listeners, dynamic first then static. */
  listeners(): Obj[] {
    const s = this.sectionOrUndefined(SECTION.listeners);
    if (!s) throw new UserError(`listener dump: config dump has no configuration type ${SECTION.listeners}`);
    const dynamic = arr(s, 'dynamic_listeners').map((l) => obj(obj(l, 'active_state'), 'listener'));
    const statics = arr(s, 'static_listeners').map((l) => obj(l, 'listener'));
    return [...dynamic, ...statics].filter((l): l is Obj => l !== undefined);
  }

  /** Route configurations, dynamic first then static. */
  routes(): Obj[] {
    const s = this.section(SECTION.routes);
    return [...arr(s, 'dynamic_route_configs'), ...arr(s, 'static_route_configs')].map((r) => obj(r, 'route_config')).filter((r): r is Obj => r !== undefined);
  }

  /** EDS: dynamic then static cluster load assignments. */
  endpointConfigs(): Obj[] {
    const s = this.sectionOrUndefined(SECTION.endpoints);
    if (!s) throw new UserError(`endpoints not found (was include_eds=true used?): config dump has no configuration type ${SECTION.endpoints}`);
    return [...arr(s, 'dynamic_endpoint_configs'), ...arr(s, 'static_endpoint_configs')].map((e) => obj(e, 'endpoint_config')).filter((e): e is Obj => e !== undefined);
  }

  /** ECDS filters of every ECDS section, merged. */
  ecdsFilters(): Obj[] {
    const sections = this.sections(SECTION.ecds);
    if (sections.length === 0) throw new UserError(`config dump has no configuration type ${SECTION.ecds}`);
    return sections.flatMap((s) => arr(s, 'ecds_filters')).filter((e): e is Obj => e !== null && typeof e === 'object' && !Array.isArray(e));
  }

  /**
   * istioctl's GetDynamicClusterDump(stripVersions): the dynamic active clusters sorted by
   * name, without version_info and last_updated, as a ClustersConfigDump.
   */
  dynamicClusterDump(): Obj {
    const list = arr(this.section(SECTION.clusters), 'dynamic_active_clusters').filter(isObj);
    return { dynamic_active_clusters: byName(list, (c) => str(obj(c, 'cluster'), 'name')).map((c) => without(c, 'version_info', 'last_updated')) };
  }

  /**
   * GetDynamicListenerDump(stripVersions): dynamic listeners that have an active state, sorted
   * by name, without draining state, the active state's version and update time, or the
   * listener entry's own name (Envoy adds it; istiod does not send it).
   */
  dynamicListenerDump(): Obj {
    const list = arr(this.section(SECTION.listeners), 'dynamic_listeners').filter(isObj).filter((l) => obj(l, 'active_state') !== undefined);
    const sorted = byName(list, (l) => str(obj(obj(l, 'active_state'), 'listener'), 'name'));
    return {
      dynamic_listeners: sorted.map((l) => {
        const kept = without(l, 'draining_state', 'name');
        return withField(kept, 'active_state', without(obj(l, 'active_state')!, 'version_info', 'last_updated'));
      }),
    };
  }

  /**
   * GetDynamicRouteDump(stripVersions): dynamic route configurations sorted by name, each one's
   * virtual hosts sorted by name too, without version_info and last_updated.
   */
  dynamicRouteDump(): Obj {
    const list = arr(this.section(SECTION.routes), 'dynamic_route_configs').filter(isObj);
    return {
      dynamic_route_configs: byName(list, (r) => str(obj(r, 'route_config'), 'name')).map((r) => {
        const config = obj(r, 'route_config');
        const hosts = config && arr(config, 'virtual_hosts').filter(isObj);
        const sorted = config && hosts!.length > 0 ? withField(config, 'virtual_hosts', byName(hosts!, (h) => str(h, 'name'))) : config;
        return without(sorted ? withField(r, 'route_config', sorted) : r, 'version_info', 'last_updated');
      }),
    };
  }

  /** When routes were last loaded: the newest last_updated of the dynamic route configurations. */
  routesLastUpdated(): Date | undefined {
    const s = this.sectionOrUndefined(SECTION.routes);
    const times = arr(s, 'dynamic_route_configs').map((r) => Date.parse(str(r, 'last_updated'))).filter((t) => !Number.isNaN(t));
    return times.length > 0 ? new Date(Math.max(...times)) : undefined;
  }

  bootstrapSection(): Obj {
    return this.section(SECTION.bootstrap);
  }

  secretsSection(): Obj {
    return this.section(SECTION.secrets);
  }
}

/** Where dump text came from: a file the user named (`-` is stdin), the pod's Envoy, or an istiod (its debug endpoint). */
export type DumpSource = { file: string } | 'envoy' | { istiod: string };

/** A problem with the input: a named file is unreadable input (exit 65), an answer over the network a failure (exit 1). */
function inputError(source: DumpSource, what: string, problem: string, at?: { line: number; column: number }): UserError {
  const where = at ? ` at line ${at.line}, column ${at.column}` : '';
  if (source === 'envoy') return new UserError(`the Envoy ${what} from the pod is unreadable: ${problem}${where}`);
  if ('istiod' in source) return new UserError(`the ${what} from istiod ${source.istiod} is unreadable: ${problem}${where}`);
  const name = source.file === '-' ? '<stdin>' : source.file;
  return new DataError(`${name}${at ? `:${at.line}:${at.column}` : ''}: ${problem} (expected an Envoy ${what})`);
}

/** Parses dump text; a syntax error names the line and column. */
export function parseConfigDump(text: string, source: DumpSource): ConfigDump {
  const data = parseJson(text, source, 'config dump');
  const configs = f(data, 'configs');
  if (data === null || typeof data !== 'object' || Array.isArray(data) || (configs !== undefined && !Array.isArray(configs))) {
    throw inputError(source, 'config dump', 'not a config dump (an object with a "configs" list)');
  }
  return new ConfigDump(text, data);
}

export function parseJson(text: string, source: DumpSource, what: string): Json {
  if (text.trim() === '') throw inputError(source, what, 'empty');
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    const message = (err as Error).message;
    const detail = message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '').split(', "')[0]!;
    const pos = /position (\d+)/.exec(message);
    if (!pos) throw inputError(source, what, `invalid JSON (${detail})`);
    const upto = text.slice(0, Number(pos[1]));
    const at = { line: upto.split('\n').length, column: Number(pos[1]) - upto.lastIndexOf('\n') };
    throw inputError(source, what, `invalid JSON (${detail})`, at);
  }
}
