/**
 * The IstioOperator model (install.istio.io/v1alpha1), as profiles.md §6 describes it.
 * These types describe the *merged* operator that resolveIstioOperator() returns: every
 * field is optional because profiles and overlays may leave any of them out.
 */
import type { Json, JsonObject } from '../core/json.js';

export const IOP_API_VERSION = 'install.istio.io/v1alpha1';
export const IOP_KIND = 'IstioOperator';

/** Registry the built-in hub points at; images are tagged with the Istio release sailctl targets. */
export const DEFAULT_HUB = 'docker.io/istio';

export interface IstioOperator {
  apiVersion: typeof IOP_API_VERSION;
  kind: typeof IOP_KIND;
  metadata: { name?: string; namespace?: string; [key: string]: unknown };
  spec: IstioOperatorSpec;
}

export interface IstioOperatorSpec {
  /** Profile name or, with --manifests, a profile of that directory. Default `default`. */
  profile?: string;
  /** Directory holding `profiles/` (set by --manifests / -d). */
  installPackagePath?: string;
  /** Image registry, copied to values.global.hub. */
  hub?: string;
  /** Image tag, copied to values.global.tag (always a string after --set). */
  tag?: string | number;
  /** Accepted for compatibility, ignored (istioctl.md §7.8). */
  namespace?: string;
  /** Control plane revision, copied to values.revision. Empty = the default revision. */
  revision?: string;
  /** Copied to values.compatibilityVersion (e.g. "1.28"). */
  compatibilityVersion?: string;
  /** MeshConfig, deep-merged into values.meshConfig. */
  meshConfig?: JsonObject;
  components?: IstioComponents;
  /** Helm values: the renderer reads everything it needs from here. */
  values?: IstioValues;
  /** Merged into `values` after validation (already merged in resolveIstioOperator's result). */
  unvalidatedValues?: JsonObject;
}

export interface IstioComponents {
  base?: ComponentSpec;
  pilot?: ComponentSpec;
  cni?: ComponentSpec;
  ztunnel?: ComponentSpec;
  /** Accepted for compatibility; it has no chart of its own. */
  istiodRemote?: ComponentSpec;
  ingressGateways?: GatewayComponentSpec[];
  egressGateways?: GatewayComponentSpec[];
}

export interface ComponentSpec {
  /** Absent in a present component means enabled (profiles.md §1). */
  enabled?: boolean;
  namespace?: string;
  hub?: string;
  tag?: string | number;
  k8s?: KubernetesResourceSpec;
}

export interface GatewayComponentSpec extends ComponentSpec {
  /** Deployment/Service name, e.g. istio-ingressgateway. */
  name?: string;
  /** Labels merged onto the chart's labels (and selectors). */
  label?: Record<string, string>;
}

/** `components.<c>.k8s`: patches applied onto the component's main resources. */
export interface KubernetesResourceSpec {
  affinity?: JsonObject;
  env?: JsonObject[];
  hpaSpec?: JsonObject;
  imagePullPolicy?: string;
  nodeSelector?: Record<string, string>;
  podDisruptionBudget?: JsonObject;
  podAnnotations?: Record<string, string>;
  priorityClassName?: string;
  readinessProbe?: JsonObject;
  replicaCount?: number;
  resources?: JsonObject;
  service?: JsonObject;
  strategy?: JsonObject;
  tolerations?: JsonObject[];
  serviceAnnotations?: Record<string, string>;
  securityContext?: JsonObject;
  volumes?: JsonObject[];
  volumeMounts?: JsonObject[];
  overlays?: K8sObjectOverlay[];
}

/** Free-form patch of any rendered object of the component. */
export interface K8sObjectOverlay {
  apiVersion?: string;
  kind?: string;
  name?: string;
  patches?: { path?: string; value?: Json }[];
}

/**
 * Helm values. Only the top-level keys are typed; the tree below follows the charts
 * (see schemas/istio-operator.schema.json for the full, validated shape).
 */
export interface IstioValues {
  global?: JsonObject;
  pilot?: JsonObject;
  /** Keyed by gateway: `istio-ingressgateway`, `istio-egressgateway`. */
  gateways?: JsonObject;
  cni?: JsonObject;
  ztunnel?: JsonObject;
  telemetry?: JsonObject;
  sidecarInjectorWebhook?: JsonObject;
  meshConfig?: JsonObject;
  base?: JsonObject;
  istiodRemote?: JsonObject;
  revision?: string;
  revisionTags?: string[];
  defaultRevision?: string;
  ownerName?: string;
  profile?: string;
  compatibilityVersion?: string;
  experimental?: JsonObject;
  gatewayClasses?: JsonObject;
  [key: string]: Json | undefined;
}

/** Input of resolveIstioOperator: the flags of install / manifest generate / profile dump. */
export interface ResolveInput {
  /** -f files in order; `-` = stdin and must be last. */
  files?: string[];
  /** --set flags in order. */
  sets?: string[];
  /** -r/--revision (`default` or empty = none). */
  revision?: string;
  /** -d/--manifests: a directory holding profiles/*.yaml (or *.yaml). */
  manifestsDir?: string;
  /** Downgrade validation errors to warnings. */
  force?: boolean;
  /** Explicit profile (profile dump's argument); beats files and --set. */
  profile?: string;
}

export interface ResolvedIstioOperator {
  iop: IstioOperator;
  /** The profile that was applied on top of `default`. */
  profile: string;
  /** Validation problems downgraded by --force, and other notes, one line each. */
  warnings: string[];
}
