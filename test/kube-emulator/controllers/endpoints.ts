/** Endpoints and EndpointSlices for Services with selectors, from the pods that match them. */
import type { Obj } from '../errors.js';
import { mapSelectorMatcher } from '../selectors.js';
import type { StoreEvent } from '../store.js';
import { shortHash, type ControllerContext } from './runtime.js';
import { isPodReady } from './workloads.js';

const MANAGER = 'endpoint-controller';

export function resolveTargetPort(svcPort: Obj, pod: Obj): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(String(target))) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === (svcPort.protocol ?? 'TCP')) return p.containerPort;
  }
  return undefined;
}

export function endpointsController(ctx: ControllerContext): (e: StoreEvent) => void {
  const svcKey = ctx.key('', 'services');
  const podKey = ctx.key('', 'pods');
  const T = {
    svc: () => ctx.type('', 'services'),
    ep: () => ctx.type('', 'endpoints'),
    slice: () => ctx.type('discovery.k8s.io', 'endpointslices'),
  };

  const upsert = (type: ReturnType<typeof T.ep>, ns: string, body: Obj) => {
    const existing = ctx.api.tryGet(type, ns, body.metadata.name);
    try {
      if (!existing) ctx.api.create(type, type.storageVersion, ns, body, { fieldManager: MANAGER });
      else ctx.api.mutate(type, ns, body.metadata.name, MANAGER, (o) => {
        for (const k of Object.keys(o)) if (k !== 'metadata' && k !== 'apiVersion' && k !== 'kind') delete o[k];
        Object.assign(o, { ...body, metadata: { ...o.metadata, labels: body.metadata.labels } });
      });
    } catch {
      // Namespace terminating: nothing to keep in sync.
    }
  };

  const reconcile = (ns: string, name: string) => {
    const svc = ctx.api.tryGet(T.svc(), ns, name);
    const sliceName = (s: Obj) => `${name}-${shortHash(s.metadata.uid, 5)}`;
    if (!svc || svc.metadata.deletionTimestamp) {
      const ep = ctx.api.tryGet(T.ep(), ns, name);
      if (ep && ep.metadata.labels?.['endpoints.kubernetes.io/managed-by'] === 'endpoint-controller') ctx.api.delete(T.ep(), 'v1', ns, name);
      return;
    }
    const selector: Record<string, string> | undefined = svc.spec?.selector;
    if (!selector || Object.keys(selector).length === 0 || svc.spec.type === 'ExternalName') return;
    const match = mapSelectorMatcher(selector);
    const pods = ctx.store.list(podKey, ns).filter((p) => match(p) && p.status?.podIP && !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const svcPorts: Obj[] = svc.spec.ports ?? [];
    const addresses: Obj[] = [];
    const notReady: Obj[] = [];
    const targetRef = (p: Obj) => ({ kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid });
    for (const p of pods) {
      const addr = { ip: p.status.podIP, nodeName: p.spec.nodeName, targetRef: targetRef(p) };
      (isPodReady(p) ? addresses : notReady).push(addr);
    }
    const firstPod = pods[0];
    const ports = svcPorts
      .map((sp) => ({ ...(sp.name ? { name: sp.name } : {}), port: firstPod ? resolveTargetPort(sp, firstPod) : undefined, protocol: sp.protocol ?? 'TCP' }))
      .filter((p) => p.port !== undefined);
    const labels = { ...(svc.metadata.labels ?? {}), 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' };
    const subsets = pods.length && ports.length ? [{ ...(addresses.length ? { addresses } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }] : undefined;
    upsert(T.ep(), ns, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels }, ...(subsets ? { subsets } : {}) });
    const sliceLabels = {
      ...(svc.metadata.labels ?? {}),
      'kubernetes.io/service-name': name,
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    };
    upsert(T.slice(), ns, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: sliceName(svc),
        namespace: ns,
        labels: sliceLabels,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints: pods.map((p) => ({
        addresses: [p.status.podIP],
        conditions: { ready: isPodReady(p), serving: isPodReady(p), terminating: false },
        nodeName: p.spec.nodeName,
        targetRef: targetRef(p),
      })),
      ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : { name: '' }), port: p.port, protocol: p.protocol })),
    });
  };

  const enqueue = (ns: string, name: string) => ctx.queue.add(`endpoints/${ns}/${name}`, () => reconcile(ns, name));

  return (e) => {
    const { namespace, name } = e.object.metadata;
    if (e.typeKey === svcKey) {
      enqueue(namespace, name);
      return;
    }
    if (e.typeKey !== podKey) return;
    if (ctx.store.count(svcKey) === 0) return;
    for (const svc of ctx.store.list(svcKey, namespace)) {
      const match = mapSelectorMatcher(svc.spec?.selector);
      if (match(e.object) || (e.previous && match(e.previous))) enqueue(namespace, svc.metadata.name);
    }
  };
}
