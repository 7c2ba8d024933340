/**
 * Waits until the waited-on objects of one component are ready (readiness.ts), watching
 * them rather than polling, and says what is still pending: from status, and after a
 * moment from the pods and their warning events. On timeout, the error names every
 * resource that is not ready and why.
 */
import { goDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import type { KubeObject, Resources } from '../kube/resources.js';
import { describeObject } from '../kube/resources.js';
import { sleep } from '../kube/rest.js';
import { watchObjects, type ObjectSet, type WatchStats } from '../kube/watch.js';
import { objectId } from './plan.js';
import { explainNotReady, readinessOf, type EventLike, type PodLike, type Readiness } from './readiness.js';

export interface WaitOptions {
  /** Label selector every waited object carries (narrows the watches). */
  labelSelector: string;
  timeoutMs: number;
  /** What the waiting is for, in the timeout message: "Istiod". */
  title: string;
  onPending?: (pending: string[]) => void;
  signal?: AbortSignal;
  /** Delay before pods and events are read to explain a slow resource. */
  explainAfterMs?: number;
  stats?: WatchStats;
}

export class NotReadyError extends UserError {
  constructor(readonly title: string, readonly lines: string[], timedOut: boolean, timeoutMs: number) {
    super(`${title}: ${timedOut ? `not ready after ${goDuration(timeoutMs)}` : 'cannot become ready'}:\n  ${lines.join('\n  ')}`, {
      hint: timedOut
        ? 'Fix the cause above (kubectl describe shows more) and run the same command again: it continues where it stopped. If the cluster is only slow (pulling images), raise --readiness-timeout.'
        : 'Fix the cause above and run the same command again: it continues where it stopped.',
    });
    this.name = 'NotReadyError';
  }
}

const WAIT_KINDS = new Set(['CustomResourceDefinition', 'Deployment', 'DaemonSet', 'StatefulSet']);

export async function waitForReady(res: Resources, objects: readonly KubeObject[], opts: WaitOptions): Promise<void> {
  const targets = objects.filter((o) => WAIT_KINDS.has(o.kind));
  if (targets.length === 0) return;
  const live = new Map<string, KubeObject>();
  const groups = new Map<string, { apiVersion: string; kind: string; namespace?: string }>();
  for (const t of targets) groups.set(`${t.apiVersion}|${t.kind}|${t.metadata.namespace ?? ''}`, { apiVersion: t.apiVersion, kind: t.kind, namespace: t.metadata.namespace });

  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let settle!: (err?: unknown) => void;
  const settled = new Promise<void>((resolve, reject) => {
    settle = (err) => (err === undefined ? resolve() : reject(err));
  });

  const evaluate = (): { notReady: { target: KubeObject; readiness: Readiness }[] } => {
    const notReady: { target: KubeObject; readiness: Readiness }[] = [];
    for (const t of targets) {
      const r = readinessOf(live.get(objectId(t)), t.kind)!;
      if (!r.ready) notReady.push({ target: t, readiness: r });
    }
    return { notReady };
  };
  const check = () => {
    const { notReady } = evaluate();
    if (notReady.length === 0) settle();
    else if (notReady.some((n) => n.readiness.failed)) void explain(notReady).then((lines) => settle(new NotReadyError(opts.title, lines, false, opts.timeoutMs)), settle);
  };

  const explain = async (notReady: { target: KubeObject; readiness: Readiness }[]): Promise<string[]> => {
    const namespaces = [...new Set(notReady.filter((n) => n.target.metadata.namespace && n.target.kind !== 'CustomResourceDefinition').map((n) => n.target.metadata.namespace!))];
    const pods: PodLike[] = [];
    const events: EventLike[] = [];
    await Promise.all(
      namespaces.map(async (ns) => {
        const [p, e] = await Promise.all([res.list('v1', 'Pod', { namespace: ns }), res.list('v1', 'Event', { namespace: ns, fieldSelector: 'type=Warning' })]);
        pods.push(...(p.items as PodLike[]));
        events.push(...(e.items as EventLike[]));
      }),
    );
    return notReady.map((n) => explainNotReady(live.get(objectId(n.target)), n.target, n.readiness, pods, events));
  };

  const watches = [...groups.values()].map((g) => {
    const mine = (o: KubeObject) => o.apiVersion === g.apiVersion && o.kind === g.kind && (o.metadata.namespace ?? '') === (g.namespace ?? '');
    return watchObjects(
      res,
      { ...g, labelSelector: opts.labelSelector },
      (set: ObjectSet) => {
        for (const t of targets) if (mine(t)) live.delete(objectId(t));
        for (const o of set.values()) live.set(objectId({ ...o, apiVersion: g.apiVersion, kind: g.kind }), o);
        check();
      },
      stop.signal,
      opts.stats,
    ).catch((err: unknown) => settle(err));
  });

  // Tell the user what is pending: status at once, pods and events once it takes a while.
  const reporter = (async () => {
    const explainAfter = opts.explainAfterMs ?? 1500;
    const started = Date.now();
    while (!stop.signal.aborted) {
      await sleep(Date.now() - started < explainAfter ? 250 : 2000, stop.signal);
      if (stop.signal.aborted) break;
      const { notReady } = evaluate();
      if (notReady.length === 0) continue;
      const lines = Date.now() - started >= explainAfter
        ? await explain(notReady).catch(() => notReady.map((n) => `${describeObject(n.target)}: ${n.readiness.detail}`))
        : notReady.map((n) => `${describeObject(n.target)}: ${n.readiness.detail}`);
      if (!stop.signal.aborted) opts.onPending?.(lines);
    }
  })();

  const timer = setTimeout(() => {
    const { notReady } = evaluate();
    void explain(notReady).then(
      (lines) => settle(new NotReadyError(opts.title, lines, true, opts.timeoutMs)),
      () => settle(new NotReadyError(opts.title, notReady.map((n) => `${describeObject(n.target)}: ${n.readiness.detail}`), true, opts.timeoutMs)),
    );
  }, opts.timeoutMs);
  const onAbort = () => settle(new UserError('interrupted'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    await settled;
  } finally {
    clearTimeout(timer);
    stop.abort();
    opts.signal?.removeEventListener('abort', onOuterAbort);
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all([...watches, reporter]);
  }
}
