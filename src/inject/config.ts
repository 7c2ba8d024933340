/**
 * Everything injection needs besides the pod: templates, values, mesh config, revision and
 * native-sidecar mode (injection.md §5.3). Sources (files, an IstioOperator, the built-in
 * default, later the cluster's ConfigMaps) all produce this one shape.
 */
import { clone, withDefaults, type JsonObject } from '../core/json.js';

export interface InjectionConfig {
  /** Template name → Go template text. */
  templates: Record<string, string>;
  defaultTemplates: string[];
  aliases: Record<string, string[]>;
  /** The `values` tree (global.*, sidecarInjectorWebhook.*, pilot.*, revision, gateways.*). */
  values: JsonObject;
  /** Mesh config with defaults applied. */
  meshConfig: JsonObject;
  /** `''` for the default revision. */
  revision: string;
  /** ENABLE_NATIVE_SIDECARS resolved to a boolean (offline `auto` ⇒ classic). */
  nativeSidecars: boolean;
  /** COMPLIANCE_POLICY from the environment, if any. */
  compliancePolicy?: string;
}

/** ProxyConfig defaults; fields equal to these are left out of PROXY_CONFIG (injection.md §1). */
export const PROXY_CONFIG_DEFAULTS: Readonly<JsonObject> = {
  configPath: './etc/istio/proxy',
  binaryPath: '/usr/local/bin/envoy',
  serviceCluster: 'istio-proxy',
  drainDuration: '45s',
  terminationDrainDuration: '5s',
  discoveryAddress: 'istiod.istio-system.svc:15012',
  proxyAdminPort: 15000,
  controlPlaneAuthPolicy: 'MUTUAL_TLS',
  statNameLength: 189,
  statusPort: 15020,
};

export const MESH_DEFAULTS: Readonly<JsonObject> = {
  proxyListenPort: 15001,
  proxyInboundListenPort: 15006,
  trustDomain: 'cluster.local',
  enablePrometheusMerge: true,
  rootNamespace: 'istio-system',
  defaultConfig: { ...PROXY_CONFIG_DEFAULTS },
};

/** Mesh config with defaults under it, merged field by field like a proto merge. */
export function withMeshDefaults(mesh: JsonObject | undefined): JsonObject {
  return withDefaults(clone(MESH_DEFAULTS as JsonObject), mesh ?? {});
}

/** `ENABLE_NATIVE_SIDECARS`: only an explicit `true` selects native sidecars offline. */
export function nativeSidecarsFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.ENABLE_NATIVE_SIDECARS ?? '').toLowerCase() === 'true';
}
