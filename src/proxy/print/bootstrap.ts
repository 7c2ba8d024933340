/** `pc bootstrap -o short`: Istio and Envoy versions from the bootstrap's node. */
import { f, num, obj, type ConfigDump, type Json } from '../dump.js';
import { TabWriter } from '../../core/tabwriter.js';

function structString(s: Json | undefined, key: string): string | undefined {
  // A Struct field: protojson JSON gives the bare value; Envoy's dumps too.
  if (s === null || typeof s !== 'object' || Array.isArray(s) || !(key in s)) return undefined;
  const v = s[key];
  return typeof v === 'string' ? v : '';
}

export function printBootstrapSummary(dump: ConfigDump): string {
  const node = obj(obj(dump.bootstrapSection(), 'bootstrap'), 'node');
  const md = f(node, 'metadata');
  const istioVersion = structString(md, 'ISTIO_VERSION') ?? '';
  let sha = structString(md, 'ISTIO_PROXY_SHA') ?? '';
  const parts = sha.split(':');
  if (parts.length > 1) sha = parts[1]!;

  const build = obj(node, 'user_agent_build_version');
  const version = obj(build, 'version');
  const bmd = f(build, 'metadata');
  let envoy = `${num(version, 'major_number')}.${num(version, 'minor_number')}.${num(version, 'patch')}`;
  const label = structString(bmd, 'build.label');
  if (label !== undefined) envoy += `-${label}`;
  const status = structString(bmd, 'revision.status');
  if (status !== undefined) envoy += `/${status}`;
  const type = structString(bmd, 'build.type');
  if (type !== undefined) envoy += `/${type}`;
  const ssl = structString(bmd, 'ssl.version');
  if (ssl !== undefined) envoy += `/${ssl}`;

  const w = new TabWriter({ minwidth: 0, padding: 1 });
  if (istioVersion) w.row('Istio Version:', istioVersion);
  if (sha) w.row('Istio Proxy Version:', sha);
  w.row('Envoy Version:', envoy);
  return w.toString();
}

