/**
 * kube-inject on more than one core: once an input proves large, documents go in batches to
 * worker threads (one per core, each with its own KubeInjector and a capped heap) while the
 * main thread only reads, hands out batches and writes results strictly in input order. Small
 * inputs never start a worker (start-up cost); documents too large for a worker's heap are
 * injected on the main thread. A failure in document N still writes documents 1..N-1 first,
 * whichever thread did them.
 *
 * The workers run dist/inject-worker.cjs (src/inject/worker.ts), the built bundle of
 * serveBatches below; run from src/ (tests) there are no workers.
 */
import type { Worker } from 'node:worker_threads';
import { UserError, type ExitCode } from '../core/errors.js';
import type { InjectionConfig } from './config.js';
import { KubeInjector } from './kube-inject.js';
import type { StreamDocument } from '../yaml/stream.js';
import { packageRoot } from '../core/package-root.js';

declare const __SAILCTL_BUNDLED__: boolean | undefined;

/** The workers' bundle, or undefined when sailctl runs from its sources. */
function workerScript(): string | undefined {
  if (typeof __SAILCTL_BUNDLED__ !== 'boolean' || !__SAILCTL_BUNDLED__) return undefined;
  return `${packageRoot()}/dist/inject-worker.cjs`;
}

/** Documents per batch: large enough to amortise messages, small enough to keep output flowing. */
const BATCH_DOCS = 48;
/** Documents (or, when the size is known, bytes) that make an input worth starting workers for. */
const START_AFTER = 150;
const START_BYTES = 512 * 1024;
/** Larger documents are injected on the main thread (a worker's heap is kept small). */
const WORKER_MAX_DOC = 256 * 1024;
const WORKER_HEAP_MB = 48;
/**
 * Injection allocates fast: with an 8 MiB young generation two workers ran at about half the
 * single-thread rate each (scavenges back to back); 16 MiB costs ~25 MiB of peak memory for
 * ~5% of time at 10k documents.
 */
const WORKER_YOUNG_MB = 16;

/** A batch's results: its documents' output (bytes when a worker made it), in order, up to any failure. */
interface BatchResult {
  out: string | Uint8Array;
  docs: number;
  warnings: string[];
  injected: number;
  fast: number;
}

interface SerialisedError {
  message: string;
  exitCode?: ExitCode;
  hint?: string;
  user: boolean;
}

interface BatchReply {
  id: number;
  result: BatchResult;
  error?: SerialisedError;
}

interface WorkerInit {
  file: string;
  config: InjectionConfig;
}

/** One batch's place in the output: filled by whichever thread injected it. */
interface Slot {
  done: boolean;
  result?: BatchResult;
  error?: unknown;
}

export interface ParallelSummary {
  warnings: string[];
  injected: number;
  fastPath: number;
  /** Documents handled by worker threads, and how many workers ran. */
  onWorkers: number;
  workers: number;
}

/** Where injected documents go, in input order. */
export interface InjectOutput {
  /** Output holding `docs` whole documents. */
  write(out: string | Uint8Array, docs: number): void;
  /** Called whenever the written output has caught up with the input read so far. */
  flush(): void;
  /**
   * A promise while the destination is still taking earlier output (a full pipe): no more
   * input is read until it resolves, so a slow reader never makes sailctl hold the output.
   */
  backlog(): Promise<void> | undefined;
}

/** Injects every document `docs` yields, writing the output through `output`. */
export async function injectInParallel(
  docs: AsyncIterable<StreamDocument[]>,
  file: string,
  config: InjectionConfig,
  output: InjectOutput,
  /** The input's size when known (a file): a large one starts the workers at once. */
  inputBytes?: number,
): Promise<ParallelSummary> {
  const main = new KubeInjector(file, config);
  const summary: ParallelSummary = { warnings: [], injected: 0, fastPath: 0, onWorkers: 0, workers: 0 };
  const slots: Slot[] = [];
  let head = 0;
  let seen = 0;
  let pool: WorkerPool | undefined;
  const maxWorkers = await workerCount();
  let batch: StreamDocument[] = [];

  const emitReady = (): void => {
    while (head < slots.length && slots[head]!.done) {
      const slot = slots[head]!;
      const r = slot.result;
      if (r && r.docs > 0) {
        output.write(r.out, r.docs);
        summary.warnings.push(...r.warnings);
        summary.injected += r.injected;
        summary.fastPath += r.fast;
      }
      if (slot.error !== undefined) throw slot.error;
      slots[head] = { done: true };
      head++;
    }
  };

  const onMain = (docsOfBatch: StreamDocument[]): Slot => {
    const { result, error } = injectBatch(main, docsOfBatch);
    return { done: true, result, error };
  };

  /**
   * Once workers run, the main thread only reads, hands out batches and writes (its heap stays
   * small; the workers' heaps are capped), waiting for a free worker when all are busy.
   */
  const dispatch = async (docsOfBatch: StreamDocument[]): Promise<void> => {
    const big = docsOfBatch.some((d) => d.text.length > WORKER_MAX_DOC);
    while (pool && !big && pool.alive() && !pool.idle()) {
      await pool.settled();
      emitReady();
    }
    if (pool && !big && pool.alive()) {
      const slot: Slot = { done: false };
      slots.push(slot);
      pool.send(docsOfBatch, (reply) => {
        slot.result = reply.result;
        summary.onWorkers += reply.result.docs;
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
          if (!pool && maxWorkers > 0 && (seen >= START_AFTER || (inputBytes ?? 0) >= START_BYTES)) {
            pool = await WorkerPool.start(maxWorkers, file, config);
            summary.workers = maxWorkers;
          }
          await dispatch(batch);
          batch = [];
          emitReady();
        }
      }
      if (batch.length > 0 && !pool) {
        await dispatch(batch);
        batch = [];
      }
      emitReady();
      if (head === slots.length) output.flush();
      const backlog = output.backlog();
      if (backlog) await backlog;
    }
    if (batch.length > 0) await dispatch(batch);
    while (head < slots.length) {
      emitReady();
      if (head < slots.length) await pool?.settled();
    }
    output.flush();
    return summary;
  } finally {
    pool?.close();
  }
}

/** One per core (at most 4; none on one core); SAILCTL_INJECT_WORKERS overrides (0: main thread only). */
async function workerCount(): Promise<number> {
  if (workerScript() === undefined) return 0;
  const set = process.env.SAILCTL_INJECT_WORKERS;
  if (set !== undefined && /^\d+$/.test(set)) return Math.min(Number(set), 8);
  const { availableParallelism } = await import('node:os');
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(4, cores);
}

/**
 * Injects a batch until a document fails; the output of the ones before it is kept. With an
 * encoder (workers), each document's output becomes bytes as soon as it is done: held as
 * strings until the batch ends, the outputs were copied by every young-generation collection.
 */
function injectBatch(injector: KubeInjector, docs: StreamDocument[], encoder?: TextEncoder): { result: BatchResult; error?: unknown } {
  const warningsBefore = injector.warnings.length;
  const injectedBefore = injector.injected;
  const fastBefore = injector.fastPath;
  const outs: string[] = [];
  const bytes: Uint8Array[] = [];
  let error: unknown;
  try {
    for (const doc of docs) {
      const text = injector.document(doc);
      if (encoder) bytes.push(encoder.encode(text));
      else outs.push(text);
    }
  } catch (err) {
    error = err;
  }
  const result: BatchResult = {
    out: encoder ? concatBytes(bytes) : outs.join(''),
    docs: encoder ? bytes.length : outs.length,
    warnings: injector.warnings.splice(warningsBefore),
    injected: injector.injected - injectedBefore,
    fast: injector.fastPath - fastBefore,
  };
  return { result, error };
}

/** One buffer of its own (Buffer.concat may hand out a slice of a shared pool, which must not be transferred). */
function concatBytes(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
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

  static async start(count: number, file: string, config: InjectionConfig): Promise<WorkerPool> {
    const { Worker } = await import('node:worker_threads');
    const init: WorkerInit = { file, config };
    const workers: Worker[] = [];
    for (let i = 0; i < count; i++) {
      workers.push(new Worker(workerScript()!, { workerData: init, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB }, stdout: false, stderr: false }));
    }
    return new WorkerPool(workers);
  }

  private constructor(started: Worker[]) {
    for (let i = 0; i < started.length; i++) {
      const worker = started[i]!;
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

  alive(): boolean {
    return this.workers.some((w) => !w.dead);
  }

  send(docs: StreamDocument[], done: (r: BatchReply) => void, lost: () => void): void {
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

export async function serveBatches(): Promise<void> {
  const { parentPort, workerData } = await import('node:worker_threads');
  const init = workerData as WorkerInit;
  const injector = new KubeInjector(init.file, init.config);
  const encoder = new TextEncoder();
  parentPort!.on('message', (msg: { id: number; docs: StreamDocument[] }) => {
    const { result, error } = injectBatch(injector, msg.docs, encoder);
    // The output goes back as bytes in a transferred buffer: no copy, and none of it on the main heap.
    const bytes = result.out as Uint8Array<ArrayBuffer>;
    const reply: BatchReply = { id: msg.id, result, error: error === undefined ? undefined : serialise(error) };
    parentPort!.postMessage(reply, [bytes.buffer]);
  });
}
