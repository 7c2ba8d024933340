import { ISTIO_VERSION } from '../version/build-info.js';

/**
 * The injector-relevant part of the default profile's Helm values (profiles.md §6, injection.md §3),
 * used when neither files nor a cluster supply values and the install model cannot resolve them.
 * Only what the injection templates read is here.
 */
export function defaultInjectionValues(): Record<string, unknown> {
  return {
    global: {
      hub: 'docker.io/istio',
      tag: ISTIO_VERSION,
      variant: '',
      imagePullPolicy: '',
      imagePullSecrets: [],
      istioNamespace: 'istio-system',
      logAsJson: false,
      logging: { level: 'default:info' },
      meshID: '',
      multiCluster: { clusterName: '' },
      network: '',
      caAddress: '',
      caName: '',
      pilotCertProvider: 'istiod',
      mountMtlsCerts: false,
      trustBundleName: '',
      nativeNftables: false,
      sds: { token: { aud: 'istio-ca' } },
      sts: { servicePort: 0 },
      proxy: {
        autoInject: 'enabled',
        clusterDomain: 'cluster.local',
        componentLogLevel: 'misc:error',
        excludeIPRanges: '',
        excludeInboundPorts: '',
        excludeOutboundPorts: '',
        image: 'proxyv2',
        includeIPRanges: '*',
        includeInboundPorts: '*',
        includeOutboundPorts: '',
        logLevel: 'warning',
        outlierLogPath: '',
        privileged: false,
        readinessFailureThreshold: 4,
        readinessInitialDelaySeconds: 0,
        readinessPeriodSeconds: 15,
        resources: { limits: { cpu: '2000m', memory: '1024Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
        startupProbe: { enabled: true, failureThreshold: 600 },
        statusPort: 15020,
        tracer: 'none',
      },
      proxy_init: { forceApplyIptables: false, image: 'proxyv2' },
    },
    pilot: { cni: { enabled: false, provider: 'default' }, env: {} },
    revision: '',
    sidecarInjectorWebhook: {
      alwaysInjectSelector: [],
      defaultTemplates: [],
      enableNamespacesByDefault: false,
      injectedAnnotations: {},
      neverInjectSelector: [],
      reinvocationPolicy: 'Never',
      rewriteAppHTTPProbe: true,
      templates: {},
    },
    gateways: { securityContext: {}, seccompProfile: {} },
  };
}
