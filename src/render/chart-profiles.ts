/**
 * Chart-level value overlays (profiles.md §2.2): each chart layers
 * `profile-<values.profile>`, `profile-compatibility-version-<v>` and
 * `profile-platform-<platform>` between its defaults and the user's values. Most of what
 * makes demo, ambient and remote different lives here rather than in the IOP profiles.
 */
import { UserError } from '../core/errors.js';
import type { Values } from '../operator/generated/values.js';

const small = { requests: { cpu: '10m', memory: '40Mi' } };

const PROFILE_OVERLAYS: Record<string, Values> = {
  default: {},
  demo: {
    meshConfig: {
      accessLogFile: '/dev/stdout',
      extensionProviders: [
        { name: 'otel', envoyOtelAls: { service: 'opentelemetry-collector.observability.svc.cluster.local', port: 4317 } },
        { name: 'skywalking', skywalking: { service: 'tracing.istio-system.svc.cluster.local', port: 11800 } },
        { name: 'otel-tracing', opentelemetry: { port: 4317, service: 'opentelemetry-collector.observability.svc.cluster.local' } },
        { name: 'jaeger', opentelemetry: { port: 4317, service: 'jaeger-collector.istio-system.svc.cluster.local' } },
      ],
    },
    global: { proxy: { resources: small }, waypoint: { resources: small } },
    pilot: { autoscaleEnabled: false, traceSampling: 100, resources: { requests: { cpu: '10m', memory: '100Mi' } } },
    gateways: {
      'istio-egressgateway': { autoscaleEnabled: false, resources: small },
      'istio-ingressgateway': {
        autoscaleEnabled: false,
        ports: [
          { port: 15021, targetPort: 15021, name: 'status-port' },
          { port: 80, targetPort: 8080, name: 'http2' },
          { port: 443, targetPort: 8443, name: 'https' },
          { port: 31400, targetPort: 31400, name: 'tcp' },
          { port: 15443, targetPort: 15443, name: 'tls' },
        ],
        resources: small,
      },
    },
    cni: { resources: small },
    ztunnel: { resources: small },
  },
  remote: {
    istiodRemote: { enabled: true },
    pilot: { configMap: false },
    telemetry: { enabled: false },
    global: { omitSidecarInjectorConfigMap: true },
  },
  preview: { meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' } } } },
  stable: { experimental: { stableValidationPolicy: true } },
  ambient: {
    meshConfig: {
      defaultConfig: { proxyMetadata: { ISTIO_META_ENABLE_HBONE: 'true' } },
      serviceScopeConfigs: [
        { servicesSelector: { matchExpressions: [{ key: 'istio.io/global', operator: 'In', values: ['true'] }] }, scope: 'GLOBAL' },
      ],
    },
    global: { variant: 'distroless' },
    pilot: { env: { PILOT_ENABLE_AMBIENT: 'true' } },
    cni: { ambient: { enabled: true } },
  },
  empty: {},
  minimal: {},
  openshift: {},
};

const PLATFORM_OVERLAYS: Record<string, Values> = {
  '': {},
  openshift: {
    cni: {
      cniBinDir: '/var/lib/cni/bin',
      cniConfDir: '/etc/cni/multus/net.d',
      chained: false,
      cniConfFileName: 'istio-cni.conf',
      provider: 'multus',
      seLinuxOptions: { type: 'spc_t' },
    },
    pilot: { cni: { enabled: true, provider: 'multus' }, terminationMessagePolicy: 'FallbackToLogsOnError', trustedZtunnelNamespace: 'kube-system' },
    ztunnel: { seLinuxOptions: { type: 'spc_t' } },
  },
  gke: { cni: { cniBinDir: '', resourceQuotas: { enabled: true } } },
  k3d: { cni: { cniConfDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', cniBinDir: '/bin' } },
  k3s: { cni: { cniConfDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', cniBinDir: '/var/lib/rancher/k3s/data/cni' } },
  microk8s: { cni: { cniConfDir: '/var/snap/microk8s/current/args/cni-network', cniBinDir: '/var/snap/microk8s/current/opt/cni/bin' } },
  minikube: { cni: { cniNetnsDir: '/var/run/docker/netns' } },
};

/** Older-release behaviour restored by compatibilityVersion (only the proxy/istiod env that matters). */
const COMPAT_OVERLAYS: Record<string, Values> = {
  '1.25': { pilot: { env: { ENABLE_NATIVE_SIDECARS: 'false' } } },
  '1.26': { pilot: { env: { ENABLE_NATIVE_SIDECARS: 'false' } } },
  '1.27': {},
  '1.28': {},
  '1.29': {},
  '1.30': {},
};

function pick(table: Record<string, Values>, key: string, what: string, known: string): Values {
  const found = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  if (!found) {
    throw new UserError(`unknown ${what} "${key}"`, { hint: `Known values: ${known}.` });
  }
  return found;
}

/** The overlays for a chart, lowest first. Unknown names fail, as the charts do. */
export function chartOverlays(profile: string, platform: string, compatibilityVersion: string): Values[] {
  const layers = [pick(PROFILE_OVERLAYS, profile, 'profile (values.profile)', Object.keys(PROFILE_OVERLAYS).join(', '))];
  if (compatibilityVersion) {
    const minor = /^(\d+\.\d+)/.exec(compatibilityVersion)?.[1] ?? compatibilityVersion;
    layers.push(pick(COMPAT_OVERLAYS, minor, 'compatibilityVersion', Object.keys(COMPAT_OVERLAYS).join(', ')));
  }
  layers.push(pick(PLATFORM_OVERLAYS, platform, 'platform (values.global.platform)', Object.keys(PLATFORM_OVERLAYS).filter(Boolean).join(', ')));
  return layers;
}
