/**
 * What the simulated controllers share: a de-duplicating work queue run off the request path, timers
 * cleared on stop, an owner index (owner uid → dependents), and Event recording. Controllers write
 * through the Api like any client, so their effects show up in watches and managedFields.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { MutatingAdmission } from '../admission.js';
import type { Api } from '../api.js';
import { nowTimestamp } from '../api.js';
import type { Obj } from '../errors.js';
import { apiVersionOf, typeKey, type Registry, type ResourceType } from '../registry.js';
import type { Store, StoreEvent } from '../store.js';

export interface ControllerSettings {
  podReadyDelayMs: number;
  crdEstablishDelayMs: number;
  namespaceDeleteDelayMs: number;
  failImages: RegExp[];
  crashLoopImages: RegExp[];
  caPem?: string;
}

export interface ObjectRef {
  typeKey: string;
  namespace?: string;
  name: string;
  uid: string;
}

export class OwnerIndex {
  private readonly byUid = new Map<string, ObjectRef>();
  private readonly dependents = new Map<string, Map<string, ObjectRef>>();
  private readonly ownersOf = new Map<string, string[]>();

  observe(event: StoreEvent): void {
    const meta = event.object.metadata;
    const uid: string = meta.uid;
    const ref: ObjectRef = { typeKey: event.typeKey, namespace: meta.namespace, name: meta.name, uid };
    for (const owner of this.ownersOf.get(uid) ?? []) this.dependents.get(owner)?.delete(uid);
    this.ownersOf.delete(uid);
    if (event.type === 'DELETED') {
      this.byUid.delete(uid);
      return;
    }
    this.byUid.set(uid, ref);
    const owners = (meta.ownerReferences ?? []).map((o: Obj) => String(o.uid));
    if (owners.length) this.ownersOf.set(uid, owners);
    for (const owner of owners) {
      let deps = this.dependents.get(owner);
      if (!deps) this.dependents.set(owner, (deps = new Map()));
      deps.set(uid, ref);
    }
  }

  exists(uid: string): boolean {
    return this.byUid.has(uid);
  }

  dependentsOf(uid: string, typeKeyFilter?: string): ObjectRef[] {
    const deps = [...(this.dependents.get(uid)?.values() ?? [])];
    return typeKeyFilter ? deps.filter((d) => d.typeKey === typeKeyFilter) : deps;
  }

  forgetOwner(uid: string): void {
    if ((this.dependents.get(uid)?.size ?? 0) === 0) this.dependents.delete(uid);
  }
}

export class WorkQueue {
  private readonly pending = new Map<string, () => void>();
  private scheduled = false;
  private stopped = false;
  onError: (key: string, err: unknown) => void = () => undefined;

  add(key: string, work: () => void): void {
    if (this.stopped) return;
    this.pending.set(key, work);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    // Work added while draining runs in the next turn, letting I/O interleave.
    const batch = [...this.pending.entries()];
    this.pending.clear();
    for (const [key, work] of batch) {
      if (this.stopped) return;
      try {
        work();
      } catch (err) {
        this.onError(key, err);
      }
    }
  }

  get idle(): boolean {
    return this.pending.size === 0 && !this.scheduled;
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }
}

export class ControllerContext {
  readonly queue = new WorkQueue();
  readonly owners = new OwnerIndex();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  /** The admission webhooks controller-made pods go through, when the emulator calls them. */
  admission: () => MutatingAdmission | undefined = () => undefined;

  constructor(
    readonly api: Api,
    readonly registry: Registry,
    readonly store: Store,
    readonly settings: ControllerSettings,
  ) {}

  type(group: string, plural: string): ResourceType {
    return this.registry.get(group, plural)!;
  }

  key(group: string, plural: string): string {
    return typeKey(group, plural);
  }

  after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private readonly keyed = new Map<string, NodeJS.Timeout>();

  /** Like after(), but at most one pending timer per key (re-arming replaces it). */
  afterOnce(key: string, ms: number, fn: () => void): void {
    const existing = this.keyed.get(key);
    if (existing) {
      clearTimeout(existing);
      this.timers.delete(existing);
    }
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.keyed.delete(key);
      if (!this.stopped) fn();
    }, ms);
    t.unref();
    this.timers.add(t);
    this.keyed.set(key, t);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  stop(): void {
    this.stopped = true;
    this.queue.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  ownerRef(type: ResourceType, owner: Obj): Obj {
    return { apiVersion: apiVersionOf(type.group, type.storageVersion), kind: type.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
  }

  /** Records a core/v1 Event about `involved`, as the named component would. */
  recordEvent(involvedType: ResourceType, involved: Obj, eventType: 'Normal' | 'Warning', reason: string, message: string, component: string, fieldPath?: string): void {
    const ns = involved.metadata.namespace ?? 'default';
    const eventsType = this.type('', 'events');
    const now = nowTimestamp();
    try {
      this.api.create(
        eventsType,
        'v1',
        ns,
        {
          metadata: { name: `${involved.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
          involvedObject: {
            kind: involvedType.kind,
            namespace: involved.metadata.namespace,
            name: involved.metadata.name,
            uid: involved.metadata.uid,
            apiVersion: apiVersionOf(involvedType.group, involvedType.storageVersion),
            resourceVersion: involved.metadata.resourceVersion,
            ...(fieldPath ? { fieldPath } : {}),
          },
          reason,
          message,
          type: eventType,
          source: { component, ...(involved.spec?.nodeName && component === 'kubelet' ? { host: involved.spec.nodeName } : {}) },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
          eventTime: null,
          reportingComponent: component,
          reportingInstance: component === 'kubelet' ? (involved.spec?.nodeName ?? '') : '',
        },
        { fieldManager: component },
      );
    } catch {
      // The namespace may be terminating; real clusters drop such events too.
    }
  }
}

/** Keeps a condition's lastTransitionTime when its status did not change. */
export function setCondition(conditions: Obj[] | undefined, next: Obj, withUpdateTime = false): Obj[] {
  const now = nowTimestamp();
  const list = [...(conditions ?? [])];
  const idx = list.findIndex((c) => c.type === next.type);
  const prev = idx >= 0 ? list[idx] : undefined;
  const sameStatus = prev?.status === next.status;
  const cond: Obj = {
    ...next,
    ...(withUpdateTime ? { lastUpdateTime: sameStatus && prev?.reason === next.reason && prev?.message === next.message ? prev?.lastUpdateTime ?? now : now } : {}),
    lastTransitionTime: sameStatus ? prev?.lastTransitionTime ?? now : now,
  };
  if (idx >= 0) list[idx] = cond;
  else list.push(cond);
  return list;
}

/** A stable short hash in the characters Kubernetes uses for generated names (like pod-template-hash). */
export function shortHash(value: unknown, length = 10): string {
  const digest = createHash('sha256').update(stableStringify(value)).digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[digest[i] % alphabet.length];
  return out;
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as Obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Obj)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
