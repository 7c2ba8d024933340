/**
 * The analyzer message catalogue: istioctl's codes, names and levels (analyzer-messages.md),
 * so suppressions, dashboards and documentation links written for istioctl keep working.
 */
import { UsageError } from '../core/errors.js';
import { ISTIO_VERSION } from '../version/build-info.js';

export type Level = 'Error' | 'Warning' | 'Info';
export const LEVELS: readonly Level[] = ['Error', 'Warning', 'Info'];

/** Higher is more severe; thresholds compare these. */
export function severity(level: Level): number {
  return level === 'Error' ? 3 : level === 'Warning' ? 2 : 1;
}

export interface MessageType {
  code: string;
  name: string;
  level: Level;
  description: string;
}

const table: [string, string, Level, string][] = [
  ['IST0001', 'InternalError', 'Error', 'There was an internal error in the toolchain.'],
  ['IST0002', 'Deprecated', 'Warning', 'A feature that the configuration is depending on is now deprecated.'],
  ['IST0101', 'ReferencedResourceNotFound', 'Error', 'A resource being referenced does not exist.'],
  ['IST0102', 'NamespaceNotInjected', 'Info', 'A namespace is not enabled for Istio injection.'],
  ['IST0103', 'PodMissingProxy', 'Warning', 'A pod is missing the Istio proxy.'],
  ['IST0106', 'SchemaValidationError', 'Error', 'The resource has a schema validation error.'],
  ['IST0107', 'MisplacedAnnotation', 'Warning', 'An Istio annotation is applied to the wrong kind of resource.'],
  ['IST0108', 'UnknownAnnotation', 'Warning', 'An Istio annotation is not recognized for any kind of resource.'],
  ['IST0109', 'ConflictingMeshGatewayVirtualServiceHosts', 'Error', 'Conflicting hosts on VirtualServices associated with mesh gateway.'],
  ['IST0110', 'ConflictingSidecarWorkloadSelectors', 'Error', 'A Sidecar resource selects the same workloads as another Sidecar resource.'],
  ['IST0111', 'MultipleSidecarsWithoutWorkloadSelectors', 'Error', 'More than one sidecar resource in a namespace has no workload selector.'],
  ['IST0112', 'VirtualServiceDestinationPortSelectorRequired', 'Error', 'A VirtualService routes to a service with more than one port exposed, but does not specify which to use.'],
  ['IST0116', 'DeploymentAssociatedToMultipleServices', 'Warning', 'The pods of a deployment are associated with multiple services using the same port but different protocols.'],
  ['IST0118', 'PortNameIsNotUnderNamingConvention', 'Info', 'Port name is not under naming convention. Protocol detection is applied to the port.'],
  ['IST0123', 'NamespaceMultipleInjectionLabels', 'Warning', 'A namespace has more than one type of injection labels.'],
  ['IST0125', 'InvalidAnnotation', 'Warning', 'An Istio annotation that is not valid.'],
  ['IST0126', 'UnknownMeshNetworksServiceRegistry', 'Error', 'A service registry in Mesh Networks is unknown.'],
  ['IST0127', 'NoMatchingWorkloadsFound', 'Warning', "There aren't workloads matching the resource labels."],
  ['IST0128', 'NoServerCertificateVerificationDestinationLevel', 'Warning', 'No caCertificates are set in DestinationRule, so the server certificate is not verified.'],
  ['IST0129', 'NoServerCertificateVerificationPortLevel', 'Warning', 'No caCertificates are set in DestinationRule, so the server certificate is not verified for traffic to a given port.'],
  ['IST0130', 'VirtualServiceUnreachableRule', 'Warning', 'A VirtualService rule will never be used because a previous rule uses the same match.'],
  ['IST0131', 'VirtualServiceIneffectiveMatch', 'Info', 'A VirtualService rule match duplicates a match in a previous rule.'],
  ['IST0132', 'VirtualServiceHostNotFoundInGateway', 'Warning', 'Host defined in VirtualService not found in Gateway.'],
  ['IST0133', 'SchemaWarning', 'Warning', 'The resource has a schema validation warning.'],
  ['IST0134', 'ServiceEntryAddressesRequired', 'Warning', 'Virtual IP addresses are required for ports serving TCP (or unset) protocol when IP auto-allocation is off.'],
  ['IST0135', 'DeprecatedAnnotation', 'Info', 'A resource is using a deprecated Istio annotation.'],
  ['IST0136', 'AlphaAnnotation', 'Info', 'An Istio annotation may not be suitable for production.'],
  ['IST0137', 'DeploymentConflictingPorts', 'Warning', 'Two services selecting the same workload with the same targetPort must refer to the same port.'],
  ['IST0138', 'GatewayDuplicateCertificate', 'Warning', 'Duplicate certificate in multiple gateways may cause 404s if clients re-use HTTP2 connections.'],
  ['IST0139', 'InvalidWebhook', 'Error', 'Webhook is invalid or references a control plane service that does not exist.'],
  ['IST0140', 'IngressRouteRulesNotAffected', 'Warning', 'Route rules have no effect on ingress gateway requests.'],
  ['IST0141', 'InsufficientPermissions', 'Error', 'Required permissions to install Istio are missing.'],
  ['IST0142', 'UnsupportedKubernetesVersion', 'Error', 'The Kubernetes version is not supported.'],
  ['IST0143', 'LocalhostListener', 'Error', 'A port exposed in a Service is bound to a localhost address.'],
  ['IST0144', 'InvalidApplicationUID', 'Warning', 'Application pods should not run as user ID (UID) 1337.'],
  ['IST0145', 'ConflictingGateways', 'Error', 'Gateway should not have the same selector, port and matched hosts of server.'],
  ['IST0146', 'ImageAutoWithoutInjectionWarning', 'Warning', 'Deployments with `image: auto` should be targeted for injection.'],
  ['IST0147', 'ImageAutoWithoutInjectionError', 'Error', 'Pods with `image: auto` should be targeted for injection.'],
  ['IST0148', 'NamespaceInjectionEnabledByDefault', 'Info', 'A user namespace is injected by default because injection is enabled for all namespaces.'],
  ['IST0149', 'JwtClaimBasedRoutingWithoutRequestAuthN', 'Error', 'Virtual service using JWT claim based routing without request authentication.'],
  ['IST0150', 'ExternalNameServiceTypeInvalidPortName', 'Warning', 'Proxy may not forward TCP-named ports and unmatched traffic correctly for ExternalName services.'],
  ['IST0151', 'EnvoyFilterUsesRelativeOperation', 'Warning', 'This EnvoyFilter does not have a priority and has a relative patch operation set, which can cause the EnvoyFilter not to be applied.'],
  ['IST0152', 'EnvoyFilterUsesReplaceOperationIncorrectly', 'Error', 'The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER.'],
  ['IST0153', 'EnvoyFilterUsesAddOperationIncorrectly', 'Error', 'The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.'],
  ['IST0154', 'EnvoyFilterUsesRemoveOperationIncorrectly', 'Error', 'The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.'],
  ['IST0155', 'EnvoyFilterUsesRelativeOperationWithProxyVersion', 'Warning', 'This EnvoyFilter has no priority, a relative patch operation and proxyVersion set, which can make it not apply during an upgrade.'],
  ['IST0156', 'UnsupportedGatewayAPIVersion', 'Error', 'The Gateway API CRD version is not supported.'],
  ['IST0157', 'InvalidTelemetryProvider', 'Warning', 'The Telemetry with empty providers will be ignored.'],
  ['IST0158', 'PodsIstioProxyImageMismatchInNamespace', 'Warning', 'The Istio proxy image of the pods in the namespace does not match the injection configuration.'],
  ['IST0159', 'ConflictingTelemetryWorkloadSelectors', 'Error', 'A Telemetry resource selects the same workloads as another Telemetry resource.'],
  ['IST0160', 'MultipleTelemetriesWithoutWorkloadSelectors', 'Error', 'More than one telemetry resource in a namespace has no workload selector.'],
  ['IST0161', 'InvalidGatewayCredential', 'Error', 'The credential provided for the Gateway resource is invalid.'],
  ['IST0162', 'GatewayPortNotDefinedOnService', 'Warning', 'Gateway port not exposed by service.'],
  ['IST0163', 'InvalidExternalControlPlaneConfig', 'Warning', 'Address for the ingress gateway on the external control plane is not valid.'],
  ['IST0164', 'ExternalControlPlaneAddressIsNotAHostname', 'Info', 'Address for the ingress gateway on the external control plane is an IP address and not a hostname.'],
  ['IST0165', 'ReferencedInternalGateway', 'Warning', 'VirtualServices should not reference internal Gateways.'],
  ['IST0166', 'IneffectiveSelector', 'Warning', 'Selector has no effect when applied to Kubernetes Gateways.'],
  ['IST0167', 'IneffectivePolicy', 'Warning', 'The policy applied has no impact.'],
  ['IST0168', 'UnknownUpgradeCompatibility', 'Warning', 'We cannot automatically detect whether a change is fully compatible or not.'],
  ['IST0169', 'UpdateIncompatibility', 'Warning', 'The provided configuration object may be incompatible due to an upgrade.'],
  ['IST0170', 'MultiClusterInconsistentService', 'Warning', 'The services live in different clusters under multi-cluster deployment model are inconsistent.'],
  ['IST0171', 'NegativeConditionStatus', 'Warning', 'A condition with a negative status is present.'],
  ['IST0172', 'FutureUnsupportedGatewayAPIVersion', 'Warning', 'The Gateway API CRD version will not be supported in the future.'],
  ['IST0173', 'DestinationRuleSubsetNotSelectPods', 'Error', 'Subsets defined in destination rule do not select any pods.'],
  ['IST0174', 'UnknownDestinationRuleHost', 'Warning', 'Host defined in destination rule does not match any services in the mesh.'],
  ['IST0175', 'JwksUriFetchUnrestricted', 'Warning', 'RequestAuthentication resources exist but BLOCKED_CIDRS_IN_JWKS_URIS is not configured on istiod.'],
  ['IST0176', 'GatewayAPICRDVersionBelowMinimum', 'Warning', 'A Gateway API CRD is installed at a version below the minimum required; resources of this kind will not be processed.'],
  ['IST0177', 'ConflictingServiceEntryProtocol', 'Warning', 'Multiple ServiceEntries define the same host and port with conflicting protocols.'],
];

export const MESSAGE_TYPES: ReadonlyMap<string, MessageType> = new Map(
  table.map(([code, name, level, description]) => [code, { code, name, level, description }]),
);

export function messageType(code: string): MessageType {
  const t = MESSAGE_TYPES.get(code);
  if (!t) throw new Error(`unknown analyzer message code ${code}`);
  return t;
}

/** istioctl links the docs of the release it belongs to. */
export function documentationUrl(code: string): string {
  const [maj, min] = ISTIO_VERSION.split('.');
  return `https://istio.io/v${maj}.${min}/docs/reference/config/analysis/${code.toLowerCase()}/?ref=istioctl-analyze`;
}

export function parseLevel(value: string, flag: string): Level {
  const found = LEVELS.find((l) => l.toLowerCase() === value.trim().toLowerCase());
  if (!found) throw new UsageError(`invalid level option "${value}" for ${flag}: use Info, Warning or Error`);
  return found;
}
