/**
 * What each dashboard is: how its pod is found, which port it serves, which URL path opens
 * it (istioctl.md §2.8), and how to install it when it is missing.
 */
import { ISTIO_VERSION } from '../version/build-info.js';

export type DashboardName = 'kiali' | 'grafana' | 'jaeger' | 'prometheus' | 'zipkin' | 'skywalking' | 'proxy' | 'envoy' | 'controlz' | 'istiod-debug';

export interface Dashboard {
  name: DashboardName;
  title: string;
  /** Label selector of the addon pod; undefined for dashboards that take a pod argument. */
  selector?: string;
  /** The port the UI listens on inside the pod. */
  uiPort: number;
  path: string;
  /** Where the pod lives: the addon namespaces, the workload namespace, or istiod's. */
  scope: 'addon' | 'workload' | 'istiod';
}

export const DASHBOARDS: Record<DashboardName, Dashboard> = {
  kiali: { name: 'kiali', title: 'Kiali', selector: 'app=kiali', uiPort: 20001, path: '/kiali', scope: 'addon' },
  prometheus: { name: 'prometheus', title: 'Prometheus', selector: 'app.kubernetes.io/name=prometheus', uiPort: 9090, path: '', scope: 'addon' },
  grafana: { name: 'grafana', title: 'Grafana', selector: 'app.kubernetes.io/name=grafana', uiPort: 3000, path: '', scope: 'addon' },
  jaeger: { name: 'jaeger', title: 'Jaeger', selector: 'app=jaeger', uiPort: 16686, path: '', scope: 'addon' },
  zipkin: { name: 'zipkin', title: 'Zipkin', selector: 'app=zipkin', uiPort: 9411, path: '', scope: 'addon' },
  skywalking: { name: 'skywalking', title: 'SkyWalking', selector: 'app=skywalking-ui', uiPort: 8080, path: '', scope: 'addon' },
  proxy: { name: 'proxy', title: 'Envoy admin', uiPort: 15000, path: '', scope: 'workload' },
  envoy: { name: 'envoy', title: 'Envoy admin', uiPort: 15000, path: '', scope: 'workload' },
  controlz: { name: 'controlz', title: 'ControlZ', uiPort: 9876, path: '', scope: 'istiod' },
  'istiod-debug': { name: 'istiod-debug', title: 'istiod debug', uiPort: 15014, path: '/debug', scope: 'istiod' },
};

/** The command that installs a missing addon, from Istio's sample addons of our release. */
export function addonInstallHint(d: Dashboard): string {
  const minor = ISTIO_VERSION.split('.').slice(0, 2).join('.');
  const file = d.name === 'skywalking' ? 'extras/skywalking.yaml' : d.name === 'zipkin' ? 'extras/zipkin.yaml' : `${d.name}.yaml`;
  return `The ${d.title} addon is not installed. Install it with:\n  kubectl apply -f https://raw.githubusercontent.com/istio/istio/release-${minor}/samples/addons/${file}`;
}

export function dashboardUrl(address: string, port: number, path: string): string {
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  return `http://${host}:${port}${path}`;
}
