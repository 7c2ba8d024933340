/**
 * The object store: one map per type, a global etcd-like revision, an append-only ring buffer of
 * change events for watch resumption, and live watchers. Stored objects are never mutated: every
 * write stores a new object, so the event log can share them.
 */
import type { Obj } from './errors.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  revision: number;
  type: EventType;
  typeKey: string;
  object: Obj;
  /** The previous state, for MODIFIED and DELETED. */
  previous?: Obj;
}

export type Listener = (event: StoreEvent) => void;

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

class TypeBucket {
  readonly objects = new Map<string, Obj>();
  private sorted: string[] | null = null;

  sortedKeys(): string[] {
    this.sorted ??= [...this.objects.keys()].sort();
    return this.sorted;
  }

  set(key: string, obj: Obj): void {
    if (!this.objects.has(key)) this.sorted = null;
    this.objects.set(key, obj);
  }

  delete(key: string): void {
    if (this.objects.delete(key)) this.sorted = null;
  }
}

export class Store {
  private readonly buckets = new Map<string, TypeBucket>();
  private revision = 1;
  private readonly log: (StoreEvent | undefined)[];
  private logStart = 0;
  private logLength = 0;
  private readonly listeners = new Set<Listener>();

  constructor(readonly logCapacity = 50_000) {
    this.log = new Array(logCapacity);
  }

  get currentRevision(): number {
    return this.revision;
  }

  /** The oldest revision a watch can resume after. */
  get oldestResumable(): number {
    if (this.logLength === 0) return this.revision;
    const first = this.log[this.logStart]!;
    return first.revision - 1;
  }

  private bucket(typeKey: string): TypeBucket {
    let b = this.buckets.get(typeKey);
    if (!b) {
      b = new TypeBucket();
      this.buckets.set(typeKey, b);
    }
    return b;
  }

  get(typeKey: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.buckets.get(typeKey)?.objects.get(objectKey(namespace, name));
  }

  /** Objects in key order (namespace/name), optionally within one namespace and after a key. */
  list(typeKey: string, namespace?: string): Obj[] {
    const b = this.buckets.get(typeKey);
    if (!b) return [];
    const out: Obj[] = [];
    for (const key of b.sortedKeys()) {
      const obj = b.objects.get(key)!;
      if (namespace && obj.metadata?.namespace !== namespace) continue;
      out.push(obj);
    }
    return out;
  }

  /** Keys in order, for pagination without materialising every object. */
  sortedKeys(typeKey: string): string[] {
    return this.buckets.get(typeKey)?.sortedKeys() ?? [];
  }

  getByKey(typeKey: string, key: string): Obj | undefined {
    return this.buckets.get(typeKey)?.objects.get(key);
  }

  count(typeKey: string): number {
    return this.buckets.get(typeKey)?.objects.size ?? 0;
  }

  typeKeys(): string[] {
    return [...this.buckets.keys()];
  }

  nextRevision(): number {
    return this.revision + 1;
  }

  /** Stores `obj` (whose resourceVersion must already be nextRevision()) and emits the event. */
  put(typeKey: string, obj: Obj, type: 'ADDED' | 'MODIFIED', previous?: Obj): void {
    this.revision++;
    this.bucket(typeKey).set(objectKey(obj.metadata.namespace, obj.metadata.name), obj);
    this.emit({ revision: this.revision, type, typeKey, object: obj, previous });
  }

  /** Removes an object; `finalState` carries the deletion's new resourceVersion. */
  remove(typeKey: string, finalState: Obj, previous: Obj): void {
    this.revision++;
    this.bucket(typeKey).delete(objectKey(finalState.metadata.namespace, finalState.metadata.name));
    this.emit({ revision: this.revision, type: 'DELETED', typeKey, object: finalState, previous });
  }

  private emit(event: StoreEvent): void {
    const idx = (this.logStart + this.logLength) % this.logCapacity;
    this.log[idx] = event;
    if (this.logLength < this.logCapacity) this.logLength++;
    else this.logStart = (this.logStart + 1) % this.logCapacity;
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Events with revision > after, oldest first; undefined when they were compacted away. */
  eventsSince(after: number): StoreEvent[] | undefined {
    if (after < this.oldestResumable) return undefined;
    const out: StoreEvent[] = [];
    // Binary search the ring for the first event newer than `after`.
    let lo = 0;
    let hi = this.logLength;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[(this.logStart + mid) % this.logCapacity]!.revision <= after) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.logLength; i++) out.push(this.log[(this.logStart + i) % this.logCapacity]!);
    return out;
  }

  /** Forgets events so that watches from older revisions get 410 Gone (test hook). */
  compact(): void {
    this.log.fill(undefined);
    this.logStart = 0;
    this.logLength = 0;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dropType(typeKey: string): void {
    this.buckets.delete(typeKey);
  }
}
