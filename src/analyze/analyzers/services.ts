/** Service and workload analyzers: port naming, ExternalName ports, services that disagree about a workload. */
import type { Analyzer } from '../framework.js';
import type { AnalysisContext } from '../context.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { SYSTEM_NAMESPACES } from './injection.js';
import { protocolFromAppProtocol, protocolFromName } from './util.js';

function userNamespace(ctx: AnalysisContext, ns: string): boolean {
  return !SYSTEM_NAMESPACES.has(ns) && ns !== ctx.options.istioNamespace;
}

/** The protocol Istio infers for a Service port, or undefined when it falls back to detection. */
export function servicePortProtocol(p: AnyObject): string | undefined {
  if (String(p?.protocol ?? 'TCP').toUpperCase() === 'UDP') return 'udp';
  return protocolFromAppProtocol(p?.appProtocol) ?? protocolFromName(String(p?.name ?? ''));
}

export const portNames: Analyzer = {
  name: 'service.PortNameAnalyzer',
  description: "Checks that Service ports follow Istio's naming convention (<protocol>[-<suffix>]) or set appProtocol",
  inputs: ['Service'],
  codes: ['IST0118'],
  run(ctx) {
    for (const svc of ctx.all('Service')) {
      if (!userNamespace(ctx, svc.namespace) || svc.spec.type === 'ExternalName') continue;
      asArray<AnyObject>(svc.spec.ports).forEach((p, i) => {
        if (String(p?.protocol ?? 'TCP').toUpperCase() === 'UDP' || servicePortProtocol(p)) return;
        ctx.report('IST0118', svc, `Port name ${p?.name ?? '(unnamed)'} (port: ${p?.port}, targetPort: ${p?.targetPort ?? p?.port}) doesn't follow the naming convention of Istio port.`, ['spec', 'ports', i]);
      });
    }
  },
};

export const externalNamePorts: Analyzer = {
  name: 'service.ExternalNameServiceTypeAnalyzer',
  description: 'Checks that ExternalName Services name their ports with a protocol other than TCP',
  inputs: ['Service'],
  codes: ['IST0150'],
  run(ctx) {
    for (const svc of ctx.all('Service')) {
      if (svc.spec.type !== 'ExternalName' || !userNamespace(ctx, svc.namespace)) continue;
      asArray<AnyObject>(svc.spec.ports).forEach((p, i) => {
        const proto = servicePortProtocol(p);
        if (proto === undefined || proto === 'tcp') {
          ctx.report('IST0150', svc, `Port name ${p?.name ?? '(unnamed)'} (port ${p?.port}) of the ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched traffic for ports serving TCP protocol from being forwarded correctly.`, ['spec', 'ports', i]);
        }
      });
    }
  },
};

export const serviceAssociation: Analyzer = {
  name: 'deployment.MultiServiceAnalyzer',
  description: 'Checks that the Services selecting a Deployment agree on the protocol of each port and on the port of each targetPort',
  inputs: ['Deployment'],
  codes: ['IST0116', 'IST0137'],
  run(ctx) {
    for (const dep of ctx.all('Deployment')) {
      if (!userNamespace(ctx, dep.namespace)) continue;
      const labels = Object.fromEntries(Object.entries(dep.spec.template?.metadata?.labels ?? {}).map(([k, v]) => [k, String(v)]));
      const services = ctx.servicesSelecting({ namespace: dep.namespace, labels });
      if (services.length < 2) continue;
      const protocolsByPort = new Map<number, Set<string>>();
      const portsByTarget = new Map<string, { ports: Set<number>; services: Set<string> }>();
      for (const svc of services) {
        for (const p of asArray<AnyObject>(svc.spec.ports)) {
          const number = Number(p?.port);
          const proto = (servicePortProtocol(p) ?? 'tcp').toUpperCase();
          protocolsByPort.set(number, (protocolsByPort.get(number) ?? new Set()).add(proto));
          const target = String(p?.targetPort ?? p?.port);
          const entry = portsByTarget.get(target) ?? { ports: new Set(), services: new Set() };
          entry.ports.add(number);
          entry.services.add(svc.name);
          portsByTarget.set(target, entry);
        }
      }
      for (const [port, protocols] of protocolsByPort) {
        if (protocols.size > 1) ctx.report('IST0116', dep, `This deployment ${dep.name} is associated with multiple services using port ${port} but different protocols: ${[...protocols].sort().join(',')}`);
      }
      for (const [target, { ports, services: names }] of portsByTarget) {
        if (ports.size > 1) ctx.report('IST0137', dep, `This deployment ${dep.name} is associated with multiple services [${[...names].sort().join(' ')}] using targetPort ${JSON.stringify(target)} but different ports: [${[...ports].sort((a, b) => a - b).join(' ')}].`);
      }
    }
  },
};

export const serviceAnalyzers = [portNames, externalNamePorts, serviceAssociation];
export type { Resource };
