/**
 * Controllers for object lifecycles: CRD establishment and cleanup, namespace setup and
 * termination, and the garbage collector (ownerReferences with Background, Foreground and Orphan
 * propagation).
 */
import { typeFromCRD } from '../crds.js';
import type { Obj } from '../errors.js';
import { nowTimestamp } from '../api.js';
import { typeKey, type ResourceType } from '../registry.js';
import type { StoreEvent } from '../store.js';
import { setCondition, type ControllerContext, type ObjectRef } from './runtime.js';

const CRD_KEY = typeKey('apiextensions.k8s.io', 'customresourcedefinitions');
const NS_KEY = typeKey('', 'namespaces');
const CRD_CLEANUP = 'customresourcecleanup.apiextensions.k8s.io';

export function crdController(ctx: ControllerContext): (e: StoreEvent) => void {
  const crdType = () => ctx.type('apiextensions.k8s.io', 'customresourcedefinitions');

  const establish = (name: string) => {
    const crd = ctx.api.tryGet(crdType(), undefined, name);
    if (!crd || crd.metadata.deletionTimestamp) return;
    const t = ctx.registry.get(crd.spec.group, crd.spec.names.plural);
    if (!t?.crd) return;
    t.crd.established = true;
    ctx.registry.generation++;
    let conditions = setCondition(crd.status?.conditions, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
    conditions = setCondition(conditions, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
    const storage = (crd.spec.versions ?? []).find((v: Obj) => v.storage)?.name;
    const stored = new Set<string>([...(crd.status?.storedVersions ?? []), ...(storage ? [storage] : [])]);
    ctx.api.writeStatus(crdType(), crd, { conditions, acceptedNames: { ...crd.spec.names }, storedVersions: [...stored] }, 'kube-apiserver');
  };

  const cleanup = (name: string) => {
    const crd = ctx.api.tryGet(crdType(), undefined, name);
    if (!crd) return;
    const t = ctx.registry.get(crd.spec.group, crd.spec.names.plural);
    if (t) {
      for (const obj of ctx.store.list(typeKey(t.group, t.plural))) {
        if (!obj.metadata.deletionTimestamp) ctx.api.delete(t, t.storageVersion, obj.metadata.namespace, obj.metadata.name);
      }
      if (ctx.store.count(typeKey(t.group, t.plural)) > 0) return; // finalizers pending; retried on their deletion
    }
    ctx.api.removeFinalizer(crdType(), undefined, name, CRD_CLEANUP);
  };

  return (e) => {
    if (e.typeKey === CRD_KEY) {
      const crd = e.object;
      const { group } = crd.spec;
      const plural = crd.spec.names.plural;
      if (e.type === 'DELETED') {
        ctx.registry.remove(group, plural);
        ctx.store.dropType(typeKey(group, plural));
        return;
      }
      const existing = ctx.registry.get(group, plural);
      if (existing && !existing.crd) return; // never shadow a built-in
      const next = typeFromCRD(crd);
      next.crd!.established = existing?.crd?.established ?? false;
      next.crd!.terminating = !!crd.metadata.deletionTimestamp;
      ctx.registry.add(next);
      if (next.crd!.terminating) ctx.queue.add(`crd-cleanup/${crd.metadata.name}`, () => cleanup(crd.metadata.name));
      else if (!next.crd!.established) {
        const name = crd.metadata.name;
        if (ctx.settings.crdEstablishDelayMs > 0) ctx.after(ctx.settings.crdEstablishDelayMs, () => establish(name));
        else ctx.queue.add(`crd-establish/${name}`, () => establish(name));
      }
      return;
    }
    if (e.type === 'DELETED') {
      // A custom object went away: a terminating CRD may now be finished.
      const [group, plural] = [e.typeKey.slice(0, e.typeKey.indexOf('/')), e.typeKey.slice(e.typeKey.indexOf('/') + 1)];
      const t = ctx.registry.get(group, plural);
      if (t?.crd?.terminating) ctx.queue.add(`crd-cleanup/${t.crd.crdName}`, () => cleanup(t.crd!.crdName));
    }
  };
}

export function namespaceController(ctx: ControllerContext): (e: StoreEvent) => void {
  const nsType = () => ctx.type('', 'namespaces');

  const setup = (name: string) => {
    const ns = ctx.api.tryGet(nsType(), undefined, name);
    if (!ns || ns.metadata.deletionTimestamp) return;
    const sa = ctx.type('', 'serviceaccounts');
    if (!ctx.api.tryGet(sa, name, 'default')) {
      ctx.api.create(sa, 'v1', name, { metadata: { name: 'default' } }, { fieldManager: 'kube-controller-manager' });
    }
    const cm = ctx.type('', 'configmaps');
    if (ctx.settings.caPem && !ctx.api.tryGet(cm, name, 'kube-root-ca.crt')) {
      ctx.api.create(cm, 'v1', name, { metadata: { name: 'kube-root-ca.crt', annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } }, data: { 'ca.crt': ctx.settings.caPem } }, { fieldManager: 'kube-controller-manager' });
    }
  };

  const finalize = (name: string) => {
    const ns = ctx.api.tryGet(nsType(), undefined, name);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const t of ctx.registry.all().concat(terminatingCustomTypes(ctx))) {
      if (!t.namespaced || t.virtual) continue;
      for (const obj of ctx.store.list(typeKey(t.group, t.plural), name)) {
        remaining++;
        if (!obj.metadata.deletionTimestamp) ctx.api.delete(t, t.storageVersion, name, obj.metadata.name, { propagationPolicy: 'Background' });
      }
    }
    // Deletions with finalizers still pending: look again shortly, as the namespace controller requeues.
    const stillThere = ctx.registry.all().some((t) => t.namespaced && !t.virtual && ctx.store.list(typeKey(t.group, t.plural), name).length > 0);
    if (remaining > 0 && stillThere) {
      ctx.after(50, () => finalize(name));
      return;
    }
    ctx.api.purge(nsType(), undefined, name);
  };

  return (e) => {
    if (e.typeKey !== NS_KEY) return;
    const name = e.object.metadata.name;
    if (e.type === 'ADDED') ctx.queue.add(`ns-setup/${name}`, () => setup(name));
    if (e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp && !e.previous?.metadata.deletionTimestamp) {
      const nsType_ = nsType();
      ctx.api.writeStatus(
        nsType_,
        e.object,
        {
          phase: 'Terminating',
          conditions: [
            { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered', lastTransitionTime: nowTimestamp() },
            { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization', lastTransitionTime: nowTimestamp() },
          ],
        },
        'kube-controller-manager',
      );
      ctx.after(ctx.settings.namespaceDeleteDelayMs, () => finalize(name));
    }
  };
}

function terminatingCustomTypes(ctx: ControllerContext): ResourceType[] {
  const out: ResourceType[] = [];
  for (const key of ctx.store.typeKeys()) {
    const i = key.indexOf('/');
    const t = ctx.registry.get(key.slice(0, i), key.slice(i + 1));
    if (t?.crd && !t.crd.established) out.push(t);
  }
  return out;
}

/** The garbage collector. */
export function garbageCollector(ctx: ControllerContext): (e: StoreEvent) => void {
  const typeOf = (ref: ObjectRef): ResourceType | undefined => {
    const i = ref.typeKey.indexOf('/');
    return ctx.registry.get(ref.typeKey.slice(0, i), ref.typeKey.slice(i + 1));
  };

  const deleteDependent = (ref: ObjectRef, ownerUid: string, policy: 'Background' | 'Foreground') => {
    const t = typeOf(ref);
    if (!t) return;
    const obj = ctx.api.tryGet(t, ref.namespace, ref.name);
    if (!obj || obj.metadata.uid !== ref.uid || obj.metadata.deletionTimestamp) return;
    const owners: Obj[] = obj.metadata.ownerReferences ?? [];
    const others = owners.filter((o) => o.uid !== ownerUid && ctx.owners.exists(o.uid));
    if (others.length > 0) {
      ctx.api.mutate(t, ref.namespace, ref.name, 'generic-garbage-collector', (o) => {
        o.metadata.ownerReferences = o.metadata.ownerReferences.filter((r: Obj) => r.uid !== ownerUid);
      });
      return;
    }
    ctx.api.delete(t, t.storageVersion, ref.namespace, ref.name, { propagationPolicy: policy });
  };

  const processForeground = (ref: ObjectRef) => {
    const t = typeOf(ref);
    if (!t) return;
    const obj = ctx.api.tryGet(t, ref.namespace, ref.name);
    if (!obj || obj.metadata.uid !== ref.uid || !obj.metadata.deletionTimestamp) return;
    const finalizers: string[] = obj.metadata.finalizers ?? [];
    const deps = ctx.owners.dependentsOf(ref.uid);
    if (finalizers.includes('orphan')) {
      for (const d of deps) {
        const dt = typeOf(d);
        if (dt) ctx.api.mutate(dt, d.namespace, d.name, 'generic-garbage-collector', (o) => {
          o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r: Obj) => r.uid !== ref.uid);
          if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
        });
      }
      ctx.api.removeFinalizer(t, ref.namespace, ref.name, 'orphan');
      return;
    }
    if (finalizers.includes('foregroundDeletion')) {
      if (deps.length === 0) ctx.api.removeFinalizer(t, ref.namespace, ref.name, 'foregroundDeletion');
      else for (const d of deps) deleteDependent(d, ref.uid, 'Foreground');
    }
  };

  return (e) => {
    ctx.owners.observe(e);
    const meta = e.object.metadata;
    const ref: ObjectRef = { typeKey: e.typeKey, namespace: meta.namespace, name: meta.name, uid: meta.uid };
    if (e.type === 'DELETED') {
      for (const d of ctx.owners.dependentsOf(meta.uid)) ctx.queue.add(`gc-dependent/${d.uid}`, () => deleteDependent(d, meta.uid, 'Background'));
      ctx.owners.forgetOwner(meta.uid);
      // An owner waiting in foreground deletion may now be free to go.
      for (const owner of meta.ownerReferences ?? []) {
        const ownerRef = ownerRefByUid(ctx, owner, meta.namespace);
        if (ownerRef) ctx.queue.add(`gc-owner/${owner.uid}`, () => processForeground(ownerRef));
      }
      return;
    }
    if (meta.deletionTimestamp && (meta.finalizers ?? []).some((f: string) => f === 'foregroundDeletion' || f === 'orphan')) {
      ctx.queue.add(`gc-owner/${meta.uid}`, () => processForeground(ref));
    }
    if (e.type === 'ADDED' && (meta.ownerReferences ?? []).length > 0) {
      // Dependents whose owners never existed (or are already gone) are collected.
      ctx.queue.add(`gc-orphaned/${meta.uid}`, () => {
        const owners: Obj[] = meta.ownerReferences;
        if (owners.every((o) => !ctx.owners.exists(o.uid))) deleteDependent(ref, owners[0].uid, 'Background');
      });
    }
  };
}

function ownerRefByUid(ctx: ControllerContext, owner: Obj, namespace: string | undefined): ObjectRef | undefined {
  if (!ctx.owners.exists(owner.uid)) return undefined;
  const apiVersion: string = owner.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const t = ctx.registry.all().find((x) => x.group === group && x.kind === owner.kind);
  if (!t) return undefined;
  return { typeKey: typeKey(t.group, t.plural), namespace: t.namespaced ? namespace : undefined, name: owner.name, uid: owner.uid };
}
