/**
 * Deployments: Services that disagree about a mesh workload's ports (IST0116, IST0137), and
 * application containers running as the proxy's UID 1337 (IST0144).
 */
import type { Analyzer } from '../framework.js';
import { asArray, isAnyObject, type AnyObject, type Resource } from '../resource.js';
import { containersOf, inMesh, labelsOf, matchesLabels, podTemplate } from '../workloads.js';
import { goList, nsName, quote } from './util.js';

export const multiServiceAnalyzer: Analyzer = {
  name: 'deployment.MultiServiceAnalyzer',
  description: 'Checks association between services and pods',
  inputs: ['Deployment'],
  codes: ['IST0116', 'IST0137'],
  run(ctx) {
    for (const dep of ctx.all('Deployment')) {
      if (dep.group !== 'apps' || dep.labels['gateway.istio.io/managed'] === 'istio.io-mesh-controller') continue;
      const tpl = podTemplate(dep);
      if (!tpl || !inMesh({ labels: tpl.labels, annotations: tpl.annotations, containers: containersOf(tpl.spec) }, ctx.namespace(dep.namespace))) continue;
      const services = ctx.inNamespace('Service', dep.namespace).filter((s) => {
        const sel = isAnyObject(s.spec.selector) ? labelsOf(s.spec.selector) : {};
        return Object.keys(sel).length > 0 && matchesLabels(sel, tpl.labels);
      });
      if (services.length < 2) continue;
      const protocols = new Map<number, Map<string, Set<string>>>();
      const targets = new Map<number, { ports: Set<number>; services: Set<string> }>();
      for (const svc of services) {
        for (const p of asArray<AnyObject>(svc.spec.ports)) {
          const port = Number(p?.port);
          const proto = typeof p?.protocol === 'string' && p.protocol !== '' ? p.protocol : 'TCP';
          const byProto = protocols.get(port) ?? new Map<string, Set<string>>();
          byProto.set(proto, (byProto.get(proto) ?? new Set()).add(nsName(svc)));
          protocols.set(port, byProto);
          const target = typeof p?.targetPort === 'number' && p.targetPort !== 0 ? p.targetPort : port;
          const t = targets.get(target) ?? { ports: new Set(), services: new Set() };
          t.ports.add(port);
          t.services.add(svc.name);
          targets.set(target, t);
        }
      }
      for (const [port, byProto] of protocols) {
        if (byProto.size < 2) continue;
        const names = [...new Set([...byProto.values()].flatMap((s) => [...s]))].sort();
        ctx.report('IST0116', dep, `This deployment ${dep.name} is associated with multiple services using port ${port} but different protocols: ${goList(names)}`);
      }
      for (const [target, t] of targets) {
        if (t.ports.size < 2) continue;
        ctx.report('IST0137', dep, `This deployment ${dep.name} is associated with multiple services ${goList([...t.services].sort())} using targetPort ${quote(String(target))} but different ports: ${goList([...t.ports].sort((a, b) => a - b))}.`);
      }
    }
  },
};

/** Istio's own workloads run as the proxy's UID on purpose. */
function controlPlane(r: Resource): boolean {
  return 'istio' in r.labels || r.labels.release === 'istio';
}

export const applicationUidAnalyzer: Analyzer = {
  name: 'applicationUID.Analyzer',
  description: 'Checks invalid application UID',
  inputs: ['Pod', 'Deployment'],
  codes: ['IST0144'],
  run(ctx) {
    for (const kind of ['Pod', 'Deployment'] as const) {
      for (const r of ctx.all(kind)) {
        if (r.group !== (kind === 'Pod' ? '' : 'apps') || controlPlane(r)) continue;
        const spec = kind === 'Pod' ? r.spec : podTemplate(r)?.spec;
        if (!spec) continue;
        const hits = (spec.securityContext?.runAsUser === 1337 ? 1 : 0) + containersOf(spec).filter((c) => c.name !== 'istio-proxy' && c.name !== 'istio-operator' && c.securityContext?.runAsUser === 1337).length;
        // Every hit has the same text and no line of its own: istioctl shows one.
        if (hits > 0) ctx.report('IST0144', r, 'User ID (UID) 1337 is reserved for the sidecar proxy.');
      }
    }
  },
};
