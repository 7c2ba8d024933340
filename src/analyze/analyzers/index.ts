/**
 * Every analyzer, one per Istio analyzer and under Istio's name, in the order --list-analyzers
 * prints them (sorted by name); and the older sailctl names, still accepted by --analyzer.
 */
import type { Analyzer } from '../framework.js';
import { alphaAnnotations, annotationsAnalyzer } from './annotations.js';
import { blockedCidrs } from './authn.js';
import { authorizationPolicies } from './authz.js';
import { conditionAnalyzer } from './conditions.js';
import { applicationUidAnalyzer, multiServiceAnalyzer } from './deployment.js';
import { deprecationAnalyzer } from './deprecation.js';
import { caCertificateAnalyzer, subsetSelectPodAnalyzer } from './destinationrule.js';
import { envoyPatchAnalyzer } from './envoyfilter.js';
import { externalControlPlaneAnalyzer } from './externalcontrolplane.js';
import { gatewayAnalyzers } from './gateway.js';
import { injectionAnalyzers } from './injection.js';
import { crdVersionAnalyzer, k8sGatewaySelectorAnalyzer } from './k8sgateway.js';
import { meshNetworksAnalyzer, multiClusterServiceAnalyzer } from './multicluster.js';
import { schemaAnalyzers } from './schema.js';
import { portNameAnalyzer } from './service.js';
import { conflictingProtocolAnalyzer, protocolAddressesAnalyzer } from './serviceentry.js';
import { sidecarSelectorAnalyzer } from './sidecar.js';
import { telemetryAnalyzers } from './telemetry.js';
import { virtualServiceAnalyzers } from './virtualservice.js';
import { webhookAnalyzer } from './webhook.js';

export const ALL_ANALYZERS: readonly Analyzer[] = [
  annotationsAnalyzer,
  alphaAnnotations,
  authorizationPolicies,
  blockedCidrs,
  conditionAnalyzer,
  multiServiceAnalyzer,
  applicationUidAnalyzer,
  deprecationAnalyzer,
  caCertificateAnalyzer,
  subsetSelectPodAnalyzer,
  envoyPatchAnalyzer,
  externalControlPlaneAnalyzer,
  ...gatewayAnalyzers,
  ...injectionAnalyzers,
  crdVersionAnalyzer,
  k8sGatewaySelectorAnalyzer,
  meshNetworksAnalyzer,
  multiClusterServiceAnalyzer,
  ...schemaAnalyzers,
  portNameAnalyzer,
  protocolAddressesAnalyzer,
  conflictingProtocolAnalyzer,
  sidecarSelectorAnalyzer,
  ...telemetryAnalyzers,
  ...virtualServiceAnalyzers,
  webhookAnalyzer,
].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** The analyzers `analyze` runs when none is named (istioctl's set: precheck's are left out). */
export const DEFAULT_ANALYZERS: readonly Analyzer[] = ALL_ANALYZERS.filter((a) => !a.optIn);

/**
 * Names sailctl used before it took Istio's, and names of Istio analyzers that were merged into
 * another: each still selects what it used to check.
 */
export const LEGACY_NAMES: Readonly<Record<string, readonly string[]>> = {
  'deprecation.FieldAnalyzer': ['deprecation.DeprecationAnalyzer'],
  'deployment.ApplicationUIDAnalyzer': ['applicationUID.Analyzer'],
  'deployment.ServiceAssociationAnalyzer': ['deployment.MultiServiceAnalyzer'],
  'destinationrule.PodNotSelectedAnalyzer': ['destinationrule.SubsetSelectPodAnalyzer'],
  'destinationrule.UnknownDestinationRuleHostAnalyzer': ['destinationrule.SubsetSelectPodAnalyzer'],
  'injection.ImageMismatchAnalyzer': ['injection.ImageAnalyzer'],
  'crd.GatewayAPIVersionAnalyzer': ['k8sgateway.CRDVersionAnalyzer'],
  'policy.SelectorAnalyzer': ['k8sgateway.SelectorAnalyzer', 'auth.AuthorizationPoliciesAnalyzer'],
  'auth.JwksUriAnalyzer': ['authn.BlockedCIDRsAnalyzer'],
  'status.NegativeConditionAnalyzer': ['conditions.ConditionAnalyzer'],
  'serviceentry.ProtocolAddressesAnalyzer': ['serviceentry.Analyzer'],
  'serviceentry.ConflictingProtocolAnalyzer': ['serviceentry.ConflictingServiceEntryProtocolAnalyzer'],
  'service.ExternalNameServiceTypeAnalyzer': ['service.PortNameAnalyzer'],
  'sidecar.DefaultSelectorAnalyzer': ['sidecar.SelectorAnalyzer'],
  'multicluster.MeshNetworksAnalyzer': ['meshnetworks.MeshNetworksAnalyzer'],
  'multicluster.ServiceAnalyzer': ['services.MultiClusterServiceAnalyzer'],
  'virtualservice.ConflictAnalyzer': ['schema.ValidationAnalyzer.VirtualService'],
  'maturity.AlphaAnalyzer': ['annotations.AlphaAnalyzer'],
  'schema.ValidationAnalyzer': schemaAnalyzers.map((a) => a.name),
};

/** Codes some analyzer can emit. */
export function implementedCodes(): Set<string> {
  return new Set(ALL_ANALYZERS.flatMap((a) => a.codes));
}
