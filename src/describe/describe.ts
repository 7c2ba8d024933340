/**
 * `x describe pod|service`: the Istio configuration that affects a pod, in istioctl's
 * order — the pod, the Services selecting it with the DestinationRule and VirtualService
 * its proxy was configured from (found through the config dump's metadata, then read by
 * name), the RBAC policies on its inbound listener, the effective PeerAuthentication, and
 * the ingress gateways that expose it.
 */
import { UserError } from '../core/errors.js';
import { containsLabels, selectorString, type Labels } from '../kube/label-selector.js';
import { isMeshed, PROXY_CONTAINER } from '../kube/istio-pods.js';
import { listPods, readPod, type Pod } from '../kube/pods.js';
import { builtinResource, type Resources } from '../kube/resources.js';
import type { ConfigDump } from '../proxy/dump.js';
import { goSortSlice } from '../core/go-sort.js';
import { destinationRuleFor, rbacPolicies, virtualServiceFor } from '../proxy/istio-refs.js';
import { podRevision } from './istio-facts.js';
import { composePeerAuthentication, matchingPolicies, printPeerAuthentication, type PeerAuthentication } from './peer-authentication.js';
import {
  ingressIP,
  knameIn,
  LEVEL1,
  renderDestinationRule,
  renderIngressService,
  renderPod,
  renderService,
  renderVirtualService,
  subsetsFor,
  type DestinationRule,
  type Gateway,
  type Ingress,
  type Kname,
  type Service,
  type VirtualService,
} from './render.js';

export interface DescribeEnv {
  res: Resources;
  /** The pod's Envoy config dump (GET config_dump); throws a UserError saying why it could not be read. */
  configDump(pod: Pod): Promise<ConfigDump>;
  /** stdout, written as the description goes (an error later keeps what was printed). */
  out(text: string): void;
  /** stderr: the errors istioctl logs without failing. */
  log(text: string): void;
  /** -n, or the context's namespace: names in it print without `.namespace`. */
  namespace: string;
  istioNamespace: string;
  ignoreUnmeshed: boolean;
}

const SERVICES = builtinResource('v1', 'Service', 'services');
const CONFIGMAPS = builtinResource('v1', 'ConfigMap', 'configmaps');
const SEPARATOR = '--------------------\n';

const NETWORKING = 'networking.istio.io/v1';
const getDestinationRule = (res: Resources, name: string, ns: string) => res.get(NETWORKING, 'DestinationRule', name, ns) as Promise<DestinationRule | undefined>;
const getVirtualService = (res: Resources, name: string, ns: string) => res.get(NETWORKING, 'VirtualService', name, ns) as Promise<VirtualService | undefined>;
const getGateway = (res: Resources, name: string, ns: string) => res.get(NETWORKING, 'Gateway', name, ns) as Promise<Gateway | undefined>;

async function listServices(res: Resources, namespace: string): Promise<Service[]> {
  return (await res.listResource(SERVICES, { namespace })).items as Service[];
}

export async function describePod(env: DescribeEnv, podName: string, namespace: string): Promise<void> {
  const pod = await readPod(env.res, namespace, podName);
  if (!pod) throw new UserError(`pods "${podName}" not found in the "${namespace}" namespace`);
  const kname = knameIn(env.namespace);
  const revision = podRevision(pod);
  env.out(renderPod(pod, revision, kname, env.ignoreUnmeshed));

  const podLabels = pod.metadata.labels ?? {};
  const services = (await listServices(env.res, namespace)).filter((s) => Object.keys(s.spec?.selector ?? {}).length > 0 && containsLabels(podLabels, s.spec?.selector));
  if (services.length === 0 && !env.ignoreUnmeshed) {
    env.out(`Warning: No Kubernetes Services select pod ${kname(pod)} (see https://istio.io/docs/setup/kubernetes/additional-setup/requirements/ )\n`);
  }
  env.out(SEPARATOR);
  await describePodServices(env, pod, services, [podLabels], kname);
  env.out(SEPARATOR);
  await describePeerAuthentication(env, namespace, podLabels, revision);
  await describeIngress(env, services, [podLabels], kname);
}

export async function describeService(env: DescribeEnv, svcName: string, namespace: string): Promise<void> {
  const svc = (await env.res.getResource(SERVICES, svcName, namespace)) as Service | undefined;
  if (!svc) throw new UserError(`services "${svcName}" not found in the "${namespace}" namespace`);
  const kname = knameIn(env.namespace);
  const selector = selectorString({ matchLabels: svc.spec?.selector });
  const pods: Pod[] = [];
  let selected = 0;
  if (selector) {
    const found = await listPods(env.res, namespace, selector);
    selected = found.length;
    for (const pod of found) {
      if (pod.status?.phase !== 'Running') {
        env.out(`   Pod is not Running (${pod.status?.phase ?? ''})\n`);
        continue;
      }
      const status = [...(pod.status.containerStatuses ?? []), ...(pod.status.initContainerStatuses ?? [])].find((s) => s.name === PROXY_CONTAINER);
      if (!status) env.out(`Pod ${kname(pod)}: no container "${PROXY_CONTAINER}" in pod\n`);
      else if (!status.ready) env.out(`WARNING: Pod ${kname(pod)} Container ${PROXY_CONTAINER} NOT READY\n`);
      else pods.push(pod);
    }
  }
  if (pods.length === 0) {
    if (selected === 0) return env.out(`Service "${kname(svc)}" has no pods.\n`);
    env.out(`Service "${kname(svc)}" has no Istio pods.  (${selected} pods in service).\n`);
    env.out('Use `sailctl kube-inject` or redeploy with Istio automatic sidecar injection.\n');
    return;
  }
  const podsLabels = pods.map((p) => p.metadata.labels ?? {});
  // The first pod's Envoy stands for all of them; only this Service is described.
  await describePodServices(env, pods[0]!, [svc], podsLabels, kname);
  await describeIngress(env, [svc], podsLabels, kname);
}

async function describePodServices(env: DescribeEnv, pod: Pod, services: Service[], podsLabels: Labels[], kname: Kname): Promise<void> {
  let dump: ConfigDump;
  try {
    if (!isMeshed(pod)) throw new UserError(`pod ${kname(pod)} has no ${PROXY_CONTAINER} container, so there is no Envoy to ask`);
    dump = await env.configDump(pod);
  } catch (err) {
    if (env.ignoreUnmeshed) return;
    if (err instanceof UserError) {
      throw new UserError(`failed to execute command on sidecar: ${err.message}`, {
        hint: isMeshed(pod) ? err.hint : 'Pass --ignoreUnmeshed to describe pods outside the mesh.',
        cause: err,
      });
    }
    throw err;
  }
  for (const [row, svc] of services.entries()) {
    if (row > 0) env.out(SEPARATOR);
    env.out(renderService(svc, pod, kname));
    const ports = svc.spec?.ports ?? [];
    const multi = ports.length > 1;
    const indent = multi ? LEVEL1 : 0;
    const ref = { name: svc.metadata.name, namespace: svc.metadata.namespace ?? '' };
    for (const port of ports) {
      if (multi) env.out(`${port.port}:\n`);
      let dr: DestinationRule | undefined;
      let drName;
      try {
        drName = destinationRuleFor(dump, ref, port.port);
      } catch (err) {
        env.log(`fetch destination rule for ${svc.metadata.name}: ${(err as Error).message}`);
      }
      if (drName) {
        dr = await getDestinationRule(env.res, drName.name, drName.namespace);
        if (dr) env.out(renderDestinationRule(dr, podsLabels, indent, kname));
        else env.out(`WARNING: Proxy is stale; it references to non-existent destination rule ${drName.name}.${drName.namespace}\n`);
      }
      const { matching, nonMatching } = subsetsFor(dr, podsLabels);
      const vsName = virtualServiceFor(dump, ref, port.port);
      if (vsName) {
        const vs = await getVirtualService(env.res, vsName.name, vsName.namespace);
        if (vs) env.out(renderVirtualService({ vs, svc, matching, nonMatching, dr, kname }, indent));
        else env.out(`WARNING: Proxy is stale; it references to non-existent virtual service ${vsName.name}.${vsName.namespace}\n`);
      }
      let policies: string[] = [];
      try {
        policies = rbacPolicies(dump, port.port);
      } catch (err) {
        env.log(`error getting rbac policies: ${(err as Error).message}`);
      }
      if (policies.length > 0) env.out(`${multi ? `${port.port} ` : ''}RBAC policies: ${policies.join(', ')}\n`);
    }
  }
}

/** Mesh config of the pod's revision (`istio` or `istio-<rev>` in the Istio namespace), for rootNamespace. */
async function rootNamespace(env: DescribeEnv, revision: string): Promise<string> {
  const name = revision && revision !== 'default' ? `istio-${revision}` : 'istio';
  const fail = (why: string) => new UserError(`failed to fetch mesh config: ${why}`);
  const cm = await env.res.getResource(CONFIGMAPS, name, env.istioNamespace);
  if (!cm) throw fail(`could not read configmap "${name}" from namespace "${env.istioNamespace}": configmaps "${name}" not found`);
  const text = (cm.data as Record<string, string> | undefined)?.mesh;
  if (text === undefined) throw fail('missing config map key "mesh"');
  const { parseYaml } = await import('../yaml/values.js');
  let mesh: unknown;
  try {
    mesh = parseYaml(text);
  } catch (err) {
    throw fail(`error parsing mesh config: ${(err as Error).message.split('\n')[0]}`);
  }
  const root = mesh !== null && typeof mesh === 'object' ? (mesh as { rootNamespace?: unknown }).rootNamespace : undefined;
  // Istio's mesh defaults: the root namespace is istio-system unless the mesh config names one.
  return typeof root === 'string' && root !== '' ? root : 'istio-system';
}

async function describePeerAuthentication(env: DescribeEnv, namespace: string, podLabels: Labels, revision: string): Promise<void> {
  const root = await rootNamespace(env, revision);
  const list = async (ns: string, which: string) => {
    const info = await env.res.discovery.lookup('security.istio.io/v1', 'PeerAuthentication');
    if (!info) throw new UserError(`failed to fetch ${which} namespace PeerAuthentication: the server could not find the requested resource (is Istio installed?)`);
    return (await env.res.listResource(info, { namespace: ns })).items as PeerAuthentication[];
  };
  const workload = await list(namespace, 'workload');
  const rootPolicies = await list(root, 'root');
  const applied = matchingPolicies([...rootPolicies, ...workload], podLabels);
  env.out(printPeerAuthentication(composePeerAuthentication(root, applied), applied));
}

/** Which ingress gateways route to the Services, from each gateway pod's config dump. */
async function describeIngress(env: DescribeEnv, services: Service[], podsLabels: Labels[], kname: Kname): Promise<void> {
  const gatewayPods = await listPods(env.res, undefined, 'istio=ingressgateway', 'status.phase=Running');
  if (gatewayPods.length === 0) return env.out('Skipping Gateway information (no ingress gateway pods)\n');
  const byNamespace = new Map<string, Pod[]>();
  for (const p of gatewayPods) byNamespace.set(p.metadata.namespace ?? '', [...(byNamespace.get(p.metadata.namespace ?? '') ?? []), p]);
  const ingresses: Ingress[] = [];
  for (const [ns, pods] of byNamespace) {
    for (const service of await listServices(env.res, ns)) {
      const selected = pods.filter((p) => p.metadata.labels && containsLabels(p.metadata.labels, service.spec?.selector));
      if (selected.length > 0) ingresses.push({ service, pods: selected });
    }
  }
  if (ingresses.length === 0) env.out('Skipping Gateway information (no ingress gateway service)\n');

  const drs = new Map<string, DestinationRule | undefined>();
  const vss = new Map<string, VirtualService | undefined>();
  const gateways = new Set<string>();
  for (const gwPod of gatewayPods) {
    let dump: ConfigDump;
    try {
      dump = await env.configDump(gwPod);
    } catch (err) {
      if (err instanceof UserError) throw new UserError(`failed to execute command on ingress gateway sidecar: ${err.message}`, { cause: err });
      throw err;
    }
    for (const svc of services) {
      const ref = { name: svc.metadata.name, namespace: svc.metadata.namespace ?? '' };
      for (const port of svc.spec?.ports ?? []) {
        let dr: DestinationRule | undefined;
        let drName;
        try {
          drName = destinationRuleFor(dump, ref, port.port);
        } catch {
          // istioctl ignores a gateway whose dump names no DestinationRule.
        }
        if (drName) {
          const id = `${drName.namespace}/${drName.name}`;
          if (!drs.has(id)) {
            drs.set(id, await getDestinationRule(env.res, drName.name, drName.namespace));
            if (!drs.get(id)) env.out(`WARNING: Proxy is stale; it references to non-existent destination rule ${drName.name}.${drName.namespace}\n`);
          }
          dr = drs.get(id);
        }
        const { matching, nonMatching } = subsetsFor(dr, podsLabels);
        const vsName = virtualServiceFor(dump, ref, port.port);
        if (!vsName) continue;
        const vsId = `${vsName.namespace}/${vsName.name}`;
        if (!vss.has(vsId)) {
          vss.set(vsId, await getVirtualService(env.res, vsName.name, vsName.namespace));
          if (!vss.get(vsId)) env.out(`WARNING: Proxy is stale; it references to non-existent virtual service ${vsName.name}.${vsName.namespace}\n`);
        }
        const vs = vss.get(vsId);
        if (!vs) continue;
        for (let gwName of vs.spec?.gateways ?? []) {
          if (gwName === '' || gwName === 'mesh') continue;
          let gwNs = vsName.namespace;
          const slash = gwName.indexOf('/');
          if (slash >= 0) {
            gwNs = gwName.slice(0, slash);
            gwName = gwName.slice(slash + 1);
          }
          const gwId = `${gwNs}/${gwName}`;
          if (gateways.has(gwId)) continue;
          const gw = await getGateway(env.res, gwName, gwNs);
          if (!gw) {
            env.out(`WARNING: Proxy is stale; it references to non-existent gateway ${gwNs}/${gwName}\n`);
            continue;
          }
          gateways.add(gwId);
          if (gw.spec?.selector === undefined || gw.spec.selector === null) {
            // istioctl's wording, without a line break.
            env.out(`Ingress Gateway ${gwNs}/${gwName} be applyed all workloads`);
            continue;
          }
          const matched = goSortSlice(
            ingresses.filter((i) => i.pods.some((p) => containsLabels(p.metadata.labels, gw.spec?.selector))),
            (a, b) => ingressIP(a) < ingressIP(b),
          );
          if (matched.length === 0) continue;
          env.out(SEPARATOR);
          for (const ingress of matched) env.out(renderIngressService(ingress));
          env.out(renderVirtualService({ vs, svc, matching, nonMatching, dr, kname }, 0));
        }
      }
    }
  }
}
