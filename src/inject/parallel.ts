/**
 * kube-inject on more than one core: documents go in batches to worker threads (each with its
 * own KubeInjector) while the main thread keeps reading, injects batches itself when the
 * workers are busy, and writes results strictly in input order. Small inputs never start a
 * worker (start-up cost); documents too large for a worker's small heap stay on the main thread.
 * A failure in document N still writes documents 1..N-1 first, whichever thread did them.
 *
 * This module is also the workers' entry point: loaded in a worker thread started by
 * injectInParallel, it serves batches instead.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { UserError, type ExitCode } from '../core/errors.js';
import type { InjectionConfig } from './config.js';
import { KubeInjector } from './kube-inject.js';
import type { StreamDocument } from '../yaml/stream.js';

const WORKER_TAG = 'sailctl-kube-inject';
/** Documents per batch: large enough to amortise messages, small enough to keep output flowing. */
const BATCH_DOCS = 48;
/** Documents the main thread does alone before a worker is worth starting. */
const START_AFTER = 150;
/** Larger documents are injected on the main thread (a worker's heap is kept small). */
const WORKER_MAX_DOC = 256 * 1024;
const WORKER_HEAP_MB = 128;

interface DocResult {
  out: string;
  warnings: string[];
  injected: number;
  fast: boolean;
}

interface SerialisedError {
  message: string;
  exitCode?: ExitCode;
  hint?: string;
  user: boolean;
}

interface BatchReply {
  id: number;
  results: DocResult[];
  error?: SerialisedError;
}

interface WorkerInit {
  tag: typeof WORKER_TAG;
  file: string;
  config: InjectionConfig;
}

/** One batch's place in the output: filled by whichever thread injected it. */
interface Slot {
  done: boolean;
  results: DocResult[];
  error?: unknown;
}

export interface ParallelSummary {
  warnings: string[];
  injected: number;
  fastPath: number;
}

/**
 * Injects every document `docs` yields, writing each output (in input order) through `write`.
 * `flush` is called whenever the written output has caught up with the input read so far.
 */
export async function injectInParallel(
  docs: AsyncIterable<StreamDocument[]>,
  file: string,
  config: InjectionConfig,
  write: (text: string) => void,
  flush: () => void,
): Promise<ParallelSummary> {
  const main = new KubeInjector(file, config);
  const summary: ParallelSummary = { warnings: [], injected: 0, fastPath: 0 };
  const slots: Slot[] = [];
  let head = 0;
  let seen = 0;
  let pool: WorkerPool | undefined;
  const maxWorkers = workerCount();
  let batch: StreamDocument[] = [];

  const emitReady = (): void => {
    while (head < slots.length && slots[head]!.done) {
      const slot = slots[head]!;
      for (const r of slot.results) {
        write(r.out);
        summary.warnings.push(...r.warnings);
        summary.injected += r.injected;
        if (r.fast) summary.fastPath++;
      }
      if (slot.error !== undefined) throw slot.error;
      slots[head] = { done: true, results: [] };
      head++;
    }
  };

  const onMain = (docsOfBatch: StreamDocument[]): Slot => {
    const slot: Slot = { done: true, results: [] };
    try {
      for (const doc of docsOfBatch) slot.results.push(injectOne(main, doc));
    } catch (err) {
      slot.error = err;
    }
    return slot;
  };

  const dispatch = (docsOfBatch: StreamDocument[]): void => {
    const big = docsOfBatch.some((d) => d.text.length > WORKER_MAX_DOC);
    if (pool && !big && pool.idle()) {
      const slot: Slot = { done: false, results: [] };
      slots.push(slot);
      pool.send(docsOfBatch, slot, (reply) => {
        slot.results = reply.results;
        if (reply.error) slot.error = revive(reply.error);
        slot.done = true;
      }, () => {
        // The worker is gone (out of memory, crash): its batch is done here; the others carry on.
        Object.assign(slot, onMain(docsOfBatch));
      });
    } else {
      slots.push(onMain(docsOfBatch));
    }
  };

  try {
    for await (const chunk of docs) {
      for (const doc of chunk) {
        batch.push(doc);
        seen++;
        if (batch.length >= BATCH_DOCS) {
          if (!pool && maxWorkers > 0 && seen >= START_AFTER) pool = new WorkerPool(maxWorkers, file, config);
          dispatch(batch);
          batch = [];
          // Let finished workers report before the main thread takes on more.
          await new Promise<void>((resolve) => setImmediate(resolve));
          emitReady();
        }
      }
      if (batch.length > 0 && !pool) {
        dispatch(batch);
        batch = [];
      }
      emitReady();
      if (head === slots.length) flush();
    }
    if (batch.length > 0) dispatch(batch);
    while (head < slots.length) {
      emitReady();
      if (head < slots.length) await pool?.settled();
    }
    flush();
    return summary;
  } finally {
    pool?.close();
  }
}

/** One per spare core (at most 3); SAILCTL_INJECT_WORKERS overrides (0: main thread only). */
function workerCount(): number {
  const set = process.env.SAILCTL_INJECT_WORKERS;
  if (set !== undefined && /^\d+$/.test(set)) return Math.min(Number(set), 8);
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

function injectOne(injector: KubeInjector, doc: StreamDocument): DocResult {
  const before = injector.warnings.length;
  const injected = injector.injected;
  const fast = injector.fastPath;
  const out = injector.document(doc);
  return { out, warnings: injector.warnings.slice(before), injected: injector.injected - injected, fast: injector.fastPath > fast };
}

function revive(error: SerialisedError): unknown {
  if (error.user) return new UserError(error.message, { exitCode: error.exitCode, hint: error.hint });
  return new Error(error.message);
}

function serialise(err: unknown): SerialisedError {
  if (err instanceof UserError) return { message: err.message, exitCode: err.exitCode, hint: err.hint, user: true };
  return { message: err instanceof Error ? err.message : String(err), user: false };
}

/** Worker threads, each taking at most two batches at a time. */
class WorkerPool {
  private readonly workers: { worker: Worker; outstanding: number; dead: boolean }[] = [];
  private readonly callbacks = new Map<number, { done: (r: BatchReply) => void; lost: () => void; worker: number }>();
  private nextId = 0;
  private wake: (() => void) | undefined;

  constructor(count: number, file: string, config: InjectionConfig) {
    const init: WorkerInit = { tag: WORKER_TAG, file, config };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL(import.meta.url), { workerData: init, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: false, stderr: false });
      const entry = { worker, outstanding: 0, dead: false };
      worker.on('message', (reply: BatchReply) => {
        const cb = this.callbacks.get(reply.id);
        this.callbacks.delete(reply.id);
        entry.outstanding--;
        cb?.done(reply);
        this.notify();
      });
      const lose = () => {
        if (entry.dead) return;
        entry.dead = true;
        for (const [id, cb] of this.callbacks) {
          if (cb.worker !== i) continue;
          this.callbacks.delete(id);
          cb.lost();
        }
        this.notify();
      };
      worker.on('error', lose);
      worker.on('exit', lose);
      this.workers.push(entry);
    }
  }

  idle(): boolean {
    return this.workers.some((w) => !w.dead && w.outstanding < 2);
  }

  send(docs: StreamDocument[], _slot: Slot, done: (r: BatchReply) => void, lost: () => void): void {
    const index = this.workers.findIndex((w) => !w.dead && w.outstanding < 2);
    const entry = this.workers[index]!;
    const id = this.nextId++;
    this.callbacks.set(id, { done, lost, worker: index });
    entry.outstanding++;
    entry.worker.postMessage({ id, docs });
  }

  /** Resolves when some outstanding batch finishes (or no batch is outstanding). */
  settled(): Promise<void> {
    if (this.callbacks.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  close(): void {
    for (const w of this.workers) {
      w.dead = true;
      void w.worker.terminate();
    }
  }
}

// ---- worker side ----

function serveBatches(init: WorkerInit): void {
  const injector = new KubeInjector(init.file, init.config);
  parentPort!.on('message', (msg: { id: number; docs: StreamDocument[] }) => {
    const reply: BatchReply = { id: msg.id, results: [] };
    try {
      for (const doc of msg.docs) reply.results.push(injectOne(injector, doc));
    } catch (err) {
      reply.error = serialise(err);
    }
    parentPort!.postMessage(reply);
  });
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.tag === WORKER_TAG) serveBatches(workerData as WorkerInit);
