/**
 * An Envoy admin /config_dump response, read the way istioctl's configdump.Wrapper reads
 * it: sections found by their @type (the last one wins, except ECDS whose sections merge),
 * resources pulled out of the dynamic and static lists in istioctl's order. Field names may
 * be snake_case (Envoy's) or lowerCamel (protojson's); both are accepted everywhere.
 *
 * This is the library x describe and friends build on: no printing here.
 */
import { UserError } from '../core/errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Obj = { [key: string]: Json };

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

export function typeUrl(o: Json | undefined): string {
  return o !== null && typeof o === 'object' && !Array.isArray(o) && typeof o['@type'] === 'string' ? o['@type'] : '';
}

export class ConfigDump {
  readonly configs: Obj[];

  constructor(
    /** The bytes as received (`all -o json` prints them unchanged). */
    readonly raw: string,
    data: Json,
  ) {
    const configs = f(data, 'configs');
    if (data === null || typeof data !== 'object' || Array.isArray(data) || (configs !== undefined && !Array.isArray(configs))) {
      throw new UserError('error unmarshalling config dump response from Envoy: the JSON is not a config dump (an object with a "configs" list)');
    }
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

  bootstrapSection(): Obj {
    return this.section(SECTION.bootstrap);
  }

  secretsSection(): Obj {
    return this.section(SECTION.secrets);
  }
}

/** Parses dump text; a syntax error names the line and column. */
export function parseConfigDump(text: string, source: string): ConfigDump {
  return new ConfigDump(text, parseJson(text, source, 'config dump'));
}

export function parseJson(text: string, source: string, what: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new UserError(`cannot read the Envoy ${what} ${source}: ${describeJsonError(text, err as Error)}`);
  }
}

/** "invalid JSON at line 3, column 5 (Unexpected token ...)". */
function describeJsonError(text: string, err: Error): string {
  if (text.trim() === '') return 'it is empty';
  const pos = /position (\d+)/.exec(err.message);
  const detail = err.message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
  if (!pos) return `invalid JSON (${detail})`;
  const upto = text.slice(0, Number(pos[1]));
  const line = upto.split('\n').length;
  const column = Number(pos[1]) - upto.lastIndexOf('\n');
  return `invalid JSON at line ${line}, column ${column} (${detail.split(', "')[0]})`;
}
