/**
 * Everything a component builder needs, computed once per render: the final chart values
 * (defaults < chart overlays < user values), revision, namespaces, images and labels.
 */
import type { CNIUsageConfig, EgressGatewayConfig, GlobalConfig, IngressGatewayConfig, PilotConfig, PortsConfig, Values } from '../operator/generated/values.js';
import { DEFAULT_HUB, type ComponentSpec, type GatewayComponentSpec, type IstioOperator } from '../operator/types.js';
import { ISTIO_VERSION } from '../version/build-info.js';
import { CHART_DEFAULTS } from './chart-defaults.js';
import { chartOverlays } from './chart-profiles.js';
import type { JsonObject } from '../core/json.js';
import { applyNullPaths, userNullPaths } from '../operator/null-values.js';
import { overlay, isMap, str, truthy } from './tree.js';
import type { ComponentName } from './types.js';

/** The merged chart values: the chart defaults give every section the builders read. */
export type ChartValues = Values & Required<Pick<Values, 'global' | 'pilot' | 'gateways' | 'cni' | 'ztunnel' | 'meshConfig' | 'revision'>>;

/** One gateway's values (either kind: the builders read both alike). */
export type GatewayValues = IngressGatewayConfig & EgressGatewayConfig;

export interface RenderContext {
  iop: IstioOperator;
  /** Final chart values, shared by every chart (each reads its own subtree). */
  values: ChartValues;
  /** The user's own spec.values, for the `values` ConfigMap's `original-values`. */
  userValues: Values;
  /** `''` for the default revision. */
  revision: string;
  /** `default` or the revision, as `istio.io/rev` labels carry it. */
  revLabel: string;
  istioNamespace: string;
  ownerName: string;
}

export function buildContext(iop: IstioOperator): RenderContext {
  const spec = iop.spec ?? {};
  // spec.values passed the schema generated from the same model as Values (or --force).
  const user: Values = isMap(spec.values) ? (spec.values as Values) : {};
  const profile = str(user.profile ?? user.global?.profile) || 'default';
  const platform = str(user.platform ?? user.global?.platform);
  const compat = str(user.compatibilityVersion ?? spec.compatibilityVersion);

  // IOP → values translations (profiles.md §1 step 2). resolveIstioOperator already does
  // them; repeating them is a no-op there and keeps hand-built IstioOperators working.
  const global: GlobalConfig = {};
  const cni: CNIUsageConfig = {};
  const pilot: PilotConfig = { cni };
  const translated: Values = { global, pilot };
  if (spec.hub) global.hub = spec.hub;
  if (spec.tag !== undefined && spec.tag !== '') global.tag = str(spec.tag);
  if (spec.revision) translated.revision = spec.revision;
  if (spec.compatibilityVersion) translated.compatibilityVersion = spec.compatibilityVersion;
  if (isMap(spec.meshConfig)) translated.meshConfig = spec.meshConfig;
  if (spec.components?.cni) cni.enabled = isEnabled(spec.components.cni);
  if (spec.components?.pilot) pilot.enabled = isEnabled(spec.components.pilot);

  // Every layer is a values tree, so their merge is one too; CHART_DEFAULTS holds each section.
  const values = overlay(CHART_DEFAULTS, ...chartOverlays(profile, platform, compat), translated, user) as ChartValues;
  // A user null removes the chart default and stays null, as in Istio's charts.
  applyNullPaths(values as JsonObject, userNullPaths([{ spec: { values: user as JsonObject } }], []), false);
  values.global.hub = str(values.global.hub) || DEFAULT_HUB;
  values.global.tag = str(values.global.tag) || ISTIO_VERSION;
  const revision = str(values.revision) === 'default' ? '' : str(values.revision);
  values.revision = revision;
  copyScaling(values.pilot, spec.components?.pilot?.k8s);
  const istioNamespace = str(values.global.istioNamespace) || str(iop.metadata?.namespace) || 'istio-system';
  values.global.istioNamespace = istioNamespace;
  return {
    iop,
    values,
    userValues: user,
    revision,
    revLabel: revision || 'default',
    istioNamespace,
    ownerName: str(values.ownerName) || 'unknown',
  };
}

/** A component present without `enabled` counts as enabled (profiles.md §1). */
export function isEnabled(c: ComponentSpec | undefined): boolean {
  return c !== undefined && c !== null && c.enabled !== false;
}

/** Component namespace: its own, else the IOP's, else istio-system. */
export function namespaceOf(ctx: RenderContext, c: ComponentSpec | undefined): string {
  return c?.namespace || ctx.istioNamespace;
}

/** `<name>` or `<name>-<rev>`. */
export function revisioned(ctx: RenderContext, name: string): string {
  return ctx.revision ? `${name}-${ctx.revision}` : name;
}

/** `<hub>/<image>:<tag>[-<variant>]`, or the image as-is when it already names a registry. */
export function imageRef(hub: string, image: string, tag: string, variant: string): string {
  if (image.includes('/')) return image;
  return `${hub}/${image}:${tag}${variant ? `-${variant}` : ''}`;
}

/** The image fields every chart root has. */
export type ImageValues = { hub?: string; tag?: string | number; variant?: string };

/** Per-component hub/tag (components.<c>.hub/tag beat values.<root>.hub/tag beat global). */
export function imageOf(ctx: RenderContext, root: ImageValues, image: string, component?: ComponentSpec): string {
  const g = ctx.values.global;
  const hub = str(component?.hub) || str(root.hub) || str(g.hub);
  const tag = str(component?.tag) || str(root.tag) || str(g.tag);
  const variant = str(root.variant) || str(g.variant);
  return imageRef(hub, image, tag, variant);
}

/** The chart's standard labels (`istio.labels`) plus the operator labels istioctl charts add. */
export function standardLabels(ctx: RenderContext, component: ComponentName, chart: string): Record<string, string> {
  return {
    'app.kubernetes.io/instance': 'istio',
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/version': ISTIO_VERSION,
    'helm.sh/chart': `${chart}-${ISTIO_VERSION}`,
    'install.operator.istio.io/owning-resource': ctx.ownerName,
    'istio.io/rev': ctx.revLabel,
    'operator.istio.io/component': component,
    release: 'istio',
  };
}

export type GatewayKind = 'ingress' | 'egress';

/** Chart values for one gateway entry: name, labels, ports, hpa bounds copied from the IOP. */
export function gatewayValues(ctx: RenderContext, kind: GatewayKind, entry: GatewayComponentSpec): GatewayValues {
  const base = overlay(ctx.values.gateways[`istio-${kind}gateway`]) as GatewayValues;
  if (entry.name) base.name = entry.name;
  if (isMap(entry.label)) base.labels = { ...base.labels, ...entry.label };
  const k8s = entry.k8s ?? {};
  // Service ports and the chart's gateway ports share a shape (name, port, targetPort, nodePort, protocol).
  if (Array.isArray(k8s.service?.ports)) base.ports = k8s.service.ports as PortsConfig[];
  copyScaling(base, k8s);
  return base;
}

/** k8s.hpaSpec bounds and replicaCount are copied into chart values so HPA/PDB guards see them. */
export function copyScaling(target: { autoscaleMin?: number | string; autoscaleMax?: number | string; replicaCount?: number | string }, k8s: ComponentSpec['k8s']): void {
  if (!k8s) return;
  if (typeof k8s.hpaSpec?.minReplicas === 'number') target.autoscaleMin = k8s.hpaSpec.minReplicas;
  if (typeof k8s.hpaSpec?.maxReplicas === 'number') target.autoscaleMax = k8s.hpaSpec.maxReplicas;
  if (typeof k8s.replicaCount === 'number') target.replicaCount = k8s.replicaCount;
}

/** Whether a gateway kind is on: the IOP list entries, or the legacy values switch. */
export function gatewayEntries(ctx: RenderContext, kind: GatewayKind): GatewayComponentSpec[] {
  const list = ctx.iop.spec.components?.[kind === 'ingress' ? 'ingressGateways' : 'egressGateways'];
  const entries = (Array.isArray(list) ? list : []).filter((e) => isEnabled(e));
  if (entries.length === 0 && truthy(ctx.values.gateways[`istio-${kind}gateway`]?.enabled)) {
    return [{ name: `istio-${kind}gateway` }];
  }
  return entries;
}
