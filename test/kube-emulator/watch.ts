/**
 * Watch streams: newline-delimited JSON events, from a resourceVersion (replaying the event log) or
 * from "now" (synthetic ADDED events first), 410 Expired when the start is compacted away, selector
 * transitions reported as ADDED/DELETED, optional bookmarks and timeouts.
 */
import { expired, type Obj } from './errors.js';
import type { Api } from './api.js';
import { typeKey, apiVersionOf, type ResourceType } from './registry.js';
import type { Matcher } from './selectors.js';
import type { StoreEvent } from './store.js';

export interface WatchRequest {
  type: ResourceType;
  version: string;
  namespace?: string;
  labels?: Matcher;
  fields?: Matcher;
  resourceVersion?: string;
  allowBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
  bookmarkIntervalMs: number;
  /** Turns each event's object into what the client asked for (e.g. a one-row Table for kubectl get -w). */
  render?: (obj: Obj) => Obj;
}

export interface WatchSink {
  write(line: string): void;
  end(): void;
}

/** Starts a watch; returns a function that stops it (without ending the sink). */
export function startWatch(api: Api, req: WatchRequest, sink: WatchSink): () => void {
  const key = typeKey(req.type.group, req.type.plural);
  const ns = req.type.namespaced ? req.namespace : undefined;
  const matches = (obj: Obj | undefined): boolean =>
    !!obj && (!ns || obj.metadata?.namespace === ns) && (!req.labels || req.labels(obj)) && (!req.fields || req.fields(obj));
  let lastRevision = 0;
  let replaying = true;
  const buffered: StoreEvent[] = [];
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  const send = (type: string, object: Obj) => {
    const presented = api.present(object, req.type, req.version);
    sink.write(`${JSON.stringify({ type, object: req.render ? req.render(presented) : presented })}\n`);
  };

  const deliver = (event: StoreEvent) => {
    if (event.revision <= lastRevision) return;
    lastRevision = event.revision;
    const now = matches(event.object);
    const before = event.previous !== undefined && matches(event.previous);
    if (event.type === 'ADDED') {
      if (now) send('ADDED', event.object);
    } else if (event.type === 'DELETED') {
      if (before || now) send('DELETED', event.object);
    } else if (now && before) send('MODIFIED', event.object);
    else if (now) send('ADDED', event.object);
    else if (before) send('DELETED', event.object);
  };

  const unsubscribe = api.store.subscribe((event) => {
    if (event.typeKey !== key || stopped) return;
    if (replaying) buffered.push(event);
    else deliver(event);
  });

  const stop = () => {
    stopped = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
  };

  const rv = req.resourceVersion;
  const fromNow = rv === undefined || rv === '' || rv === '0' || req.sendInitialEvents === true;
  if (fromNow) {
    const current = api.store.currentRevision;
    for (const obj of api.store.list(key, ns)) if (matches(obj)) send('ADDED', obj);
    lastRevision = current;
    if (req.sendInitialEvents && req.allowBookmarks) {
      sink.write(
        `${JSON.stringify({
          type: 'BOOKMARK',
          object: { kind: req.type.kind, apiVersion: apiVersionOf(req.type.group, req.version), metadata: { resourceVersion: String(current), annotations: { 'k8s.io/initial-events-end': 'true' } } },
        })}\n`,
      );
    }
  } else {
    const start = Number(rv);
    const events = Number.isFinite(start) ? api.store.eventsSince(start) : undefined;
    if (!events) {
      const status = expired(`too old resource version: ${rv} (${api.store.oldestResumable + 1})`).toStatus();
      sink.write(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      stop();
      sink.end();
      return stop;
    }
    lastRevision = start;
    for (const e of events) if (e.typeKey === key) deliver(e);
  }
  replaying = false;
  for (const e of buffered.splice(0)) deliver(e);

  if (req.allowBookmarks) {
    const tick = () => {
      if (stopped) return;
      sink.write(
        `${JSON.stringify({ type: 'BOOKMARK', object: { kind: req.type.kind, apiVersion: apiVersionOf(req.type.group, req.version), metadata: { resourceVersion: String(api.store.currentRevision) } } })}\n`,
      );
      timers.push(setTimeout(tick, req.bookmarkIntervalMs).unref());
    };
    timers.push(setTimeout(tick, req.bookmarkIntervalMs).unref());
  }
  if (req.timeoutSeconds && req.timeoutSeconds > 0) {
    timers.push(
      setTimeout(() => {
        stop();
        sink.end();
      }, req.timeoutSeconds * 1000).unref(),
    );
  }
  return stop;
}
