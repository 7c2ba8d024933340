/**
 * The data object the injection templates run against, with istiod's field names
 * (injection.md §1), and the few helpers whose behaviour depends on that data's shape.
 */
import { asStringMap, markStable, type FuncMap } from '../gotemplate/index.js';
import { PROXY_CONFIG_DEFAULTS, type InjectionConfig } from './config.js';
import { isObject, stringMap, type JsonObject } from '../core/json.js';

export interface PodContext {
  typeMeta: { apiVersion: string; kind: string };
  deployMeta: { name: string; namespace: string };
  metadata: JsonObject;
  /** Pod spec with previously injected containers already removed. */
  spec: JsonObject;
  proxyConfig: JsonObject;
  native: boolean;
  proxyUID: number;
  proxyGID: number;
}

const proxyConfigJson = new WeakMap<object, JsonObject>();
/** protoToJSON's text per ProxyConfig object (the mesh default is the same object for most pods). */
const protoJsonText = new WeakMap<object, string>();

export function buildTemplateData(config: InjectionConfig, pod: PodContext): Record<string, unknown> {
  const annotations = stringMap(pod.metadata.annotations);
  const values = config.values;
  // The configuration does not change while templates run (gotemplate/memo.ts).
  markStable(values);
  const global = (isObject(values.global) ? values.global : {}) as JsonObject;
  const proxyValues = (isObject(global.proxy) ? global.proxy : {}) as JsonObject;
  const initValues = (isObject(global.proxy_init) ? global.proxy_init : {}) as JsonObject;
  const imageType = annotations['sidecar.istio.io/proxyImageType'] ?? imageTypeOf(pod.proxyConfig) ?? String(global.variant ?? '');
  const inbound = isObject(config.meshConfig.inboundTrafficPolicy) ? String(config.meshConfig.inboundTrafficPolicy.mode ?? '') : '';
  return {
    TypeMeta: { APIVersion: pod.typeMeta.apiVersion, Kind: pod.typeMeta.kind },
    DeploymentMeta: { Name: pod.deployMeta.name, Namespace: pod.deployMeta.namespace },
    ObjectMeta: {
      Name: pod.metadata.name ?? '',
      Namespace: pod.metadata.namespace ?? '',
      GenerateName: pod.metadata.generateName ?? '',
      Labels: asStringMap(stringMap(pod.metadata.labels)),
      Annotations: asStringMap(annotations),
    },
    // Plain Kubernetes JSON: the executor reads a Go field name (`Containers`) as its JSON name.
    Spec: pod.spec,
    ProxyConfig: proxyConfigView(pod.proxyConfig),
    MeshConfig: meshViewOf(config.meshConfig),
    Values: values,
    Revision: config.revision,
    NativeSidecars: pod.native,
    ProxyImage: imageName(global, String(proxyValues.image ?? 'proxyv2'), imageType),
    ProxyInitImage: imageName(global, String(initValues.image ?? 'proxyv2'), imageType),
    ProxyUID: pod.proxyUID,
    ProxyGID: pod.proxyGID,
    InboundTrafficPolicyMode: inbound.toUpperCase() === 'LOCALHOST' ? 'localhost' : 'passthrough',
    CompliancePolicy: config.compliancePolicy ?? '',
    // Older Istio templates compare it (`gt .EstimatedConcurrency 0`); kube-inject has no estimate.
    EstimatedConcurrency: 0,
  };
}

function imageTypeOf(proxyConfig: JsonObject): string | undefined {
  const image = proxyConfig.image;
  return isObject(image) && typeof image.imageType === 'string' && image.imageType !== '' ? image.imageType : undefined;
}

/** `<hub>/<image>:<tag>[-<type>]`; a tag already ending in -distroless/-debug has that suffix replaced. */
export function imageName(global: JsonObject, image: string, imageType: string): string {
  if (image.includes('/')) return image;
  const tag = String(global.tag ?? 'latest').replace(/-(distroless|debug)$/, '');
  const suffix = imageType === '' || imageType === 'default' ? '' : `-${imageType}`;
  return `${String(global.hub ?? 'docker.io/istio')}/${image}:${tag}${suffix}`;
}

const proxyConfigViews = new WeakMap<JsonObject, Record<string, unknown>>();

/** One view per ProxyConfig object: most pods share the mesh default. */
function proxyConfigView(proxyConfig: JsonObject): Record<string, unknown> {
  return stableView(proxyConfigViews, proxyConfig, newProxyConfigView);
}

/**
 * The view made from `source`, made once and declared stable: templates only read it, so the
 * template engine may remember blocks rendered from it (gotemplate/memo.ts).
 */
function stableView(views: WeakMap<JsonObject, Record<string, unknown>>, source: JsonObject, make: (source: JsonObject) => Record<string, unknown>): Record<string, unknown> {
  let view = views.get(source);
  if (!view) {
    views.set(source, (view = make(source)));
    markStable(view);
  }
  return view;
}

function newProxyConfigView(proxyConfig: JsonObject): Record<string, unknown> {
  const view = {
    InterceptionMode: String(proxyConfig.interceptionMode ?? 'REDIRECT'),
    StatusPort: Number(proxyConfig.statusPort ?? 15020),
    ProxyMetadata: asStringMap(stringMap(proxyConfig.proxyMetadata)),
    HoldApplicationUntilProxyStarts: { GetValue: proxyConfig.holdApplicationUntilProxyStarts === true },
    DiscoveryAddress: String(proxyConfig.discoveryAddress ?? ''),
  };
  proxyConfigJson.set(view, proxyConfig);
  return view;
}

const meshViews = new WeakMap<JsonObject, Record<string, unknown>>();

/** The mesh view is the same for every pod of a configuration. */
function meshViewOf(mesh: JsonObject): Record<string, unknown> {
  return stableView(meshViews, mesh, meshView);
}

function meshView(mesh: JsonObject): Record<string, unknown> {
  return {
    ProxyListenPort: Number(mesh.proxyListenPort ?? 15001),
    ProxyInboundListenPort: Number(mesh.proxyInboundListenPort ?? 15006),
    TrustDomain: String(mesh.trustDomain ?? ''),
    EnablePrometheusMerge: { GetValue: mesh.enablePrometheusMerge !== false },
    DefaultConfig: proxyConfigView(isObject(mesh.defaultConfig) ? mesh.defaultConfig : {}),
    // otelResourceAttributes reads the providers' serviceAttributeEnrichment.
    ExtensionProviders: Array.isArray(mesh.extensionProviders) ? mesh.extensionProviders : [],
  };
}

/** Go field order of corev1.ContainerPort, which istiod's structToJSON follows. */
const CONTAINER_PORT_FIELDS = ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'];

/**
 * Helpers that read our data objects: protoToJSON sees the ProxyConfig JSON behind its view,
 * structToJSON writes Kubernetes objects with Go's field order for container ports.
 */
export const dataShapeFuncs: FuncMap = {
  protoToJSON(value: unknown): string {
    const json = (value !== null && typeof value === 'object' && proxyConfigJson.get(value)) || value;
    if (!isObject(json)) return '{}';
    const done = protoJsonText.get(json);
    if (done !== undefined) return done;
    const kept: JsonObject = {};
    for (const [k, v] of Object.entries(json)) {
      if (v === null || v === '' || JSON.stringify(v) === JSON.stringify(PROXY_CONFIG_DEFAULTS[k])) continue;
      if (isObject(v) && Object.keys(v).length === 0) continue;
      kept[k] = v;
    }
    const text = JSON.stringify(kept);
    protoJsonText.set(json, text);
    return text;
  },
  structToJSON(json: unknown): string {
    if (!isObject(json)) return JSON.stringify(json ?? null);
    if ('containerPort' in json) {
      const ordered: JsonObject = {};
      for (const field of CONTAINER_PORT_FIELDS) {
        const v = json[field];
        if (v !== undefined && v !== null && v !== '' && v !== 0) ordered[field] = v;
      }
      return JSON.stringify(ordered);
    }
    return JSON.stringify(json);
  },

};

