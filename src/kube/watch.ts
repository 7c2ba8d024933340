/**
 * A minimal informer: list once, then watch from the list's resourceVersion, keeping a
 * map of the matching objects up to date. A dropped watch is resumed from the last
 * resourceVersion seen; an expired one (410 Gone) is replaced by a fresh list. Callers
 * get the whole current set after every change.
 */
import { debug } from '../core/output.js';
import { resourcePath, type KubeObject, type Resources } from './resources.js';
import { isNotFound, KubeApiError, sleep } from './rest.js';

export interface WatchSpec {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
}

export interface WatchStats {
  lists: number;
  watches: number;
}

/** Objects keyed by "namespace/name". */
export type ObjectSet = Map<string, KubeObject>;

export function objectKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/**
 * Keeps `onChange` informed until `signal` aborts. Resolves then; rejects on an error that
 * retrying cannot fix (e.g. 403).
 */
export async function watchObjects(res: Resources, spec: WatchSpec, onChange: (objects: ObjectSet) => void, signal: AbortSignal, stats?: WatchStats): Promise<void> {
  const info = await res.discovery.lookup(spec.apiVersion, spec.kind);
  if (!info) {
    onChange(new Map());
    return;
  }
  const objects: ObjectSet = new Map();
  let resourceVersion = '';
  let needList = true;
  let quickFailures = 0;
  while (!signal.aborted) {
    if (needList) {
      const listed = await res.list(spec.apiVersion, spec.kind, { namespace: spec.namespace, labelSelector: spec.labelSelector });
      if (stats) stats.lists++;
      objects.clear();
      for (const o of listed.items) objects.set(objectKey(o), o);
      resourceVersion = listed.resourceVersion;
      needList = false;
      onChange(objects);
    }
    const started = Date.now();
    let expired = false;
    try {
      if (stats) stats.watches++;
      await res.client.stream(
        {
          method: 'GET',
          path: resourcePath(info, spec.namespace),
          query: { watch: true, resourceVersion, labelSelector: spec.labelSelector, allowWatchBookmarks: true, timeoutSeconds: 300 },
          what: `watching ${info.resource}${spec.namespace ? ` in namespace ${spec.namespace}` : ''}`,
          target: { verb: 'watch', resource: info.resource, group: info.group, namespace: spec.namespace },
          timeoutMs: 310_000,
        },
        (line) => {
          let event: { type: string; object: KubeObject & { code?: number } };
          try {
            event = JSON.parse(line) as typeof event;
          } catch {
            return;
          }
          if (event.type === 'ERROR') {
            if (event.object.code === 410) expired = true;
            return;
          }
          const rv = event.object.metadata?.resourceVersion;
          if (rv) resourceVersion = rv;
          if (event.type === 'BOOKMARK') return;
          event.object.apiVersion ??= spec.apiVersion;
          event.object.kind ??= spec.kind;
          if (event.type === 'DELETED') objects.delete(objectKey(event.object));
          else objects.set(objectKey(event.object), event.object);
          onChange(objects);
        },
        signal,
      );
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 410) expired = true;
      else if (err instanceof KubeApiError && (err.status < 500 && err.status !== 429) && !isNotFound(err)) throw err;
      else debug(`watch of ${info.resource} failed: ${(err as Error).message}; reconnecting`);
    }
    if (signal.aborted) break;
    if (expired) {
      needList = true;
      continue;
    }
    // The stream ended (server timeout or a dropped connection): resume from the last
    // resourceVersion, backing off when it keeps ending at once.
    quickFailures = Date.now() - started < 1000 ? quickFailures + 1 : 0;
    if (quickFailures > 0) await sleep(Math.min(100 * 2 ** quickFailures, 2000), signal);
    if (quickFailures > 5) needList = true;
  }
}
