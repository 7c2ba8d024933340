/**
 * `kube-inject`: inject Istio sidecars into workload YAML (injection.md §4.2, §5).
 *
 * Input is read, injected and written one document at a time (also from stdin, where output
 * starts before the input ends), so memory stays flat for any input size. When document N
 * fails: on stdout, documents 1..N-1 have been written and the error names document N (exit
 * non-zero); with -o FILE the output goes to a temporary file beside FILE that replaces it
 * only when every document succeeded, so FILE is never left half-written (it keeps its old
 * content, or is not created).
 */
import type { Command } from 'commander';
import { UsageError, UserError } from '../../core/errors.js';
import { debug, note } from '../../core/output.js';
import type { ClusterConfigReader } from '../../inject/cluster-source.js';
import { clusterSession } from '../cluster-session.js';
import type { GlobalOptions } from '../flags.js';

interface Options {
  filename?: string;
  output?: string;
  injectConfigFile?: string;
  valuesFile?: string;
  meshConfigFile?: string;
  operatorFileName?: string;
  meshConfigMapName?: string;
  injectConfigMapName?: string;
  revision?: string;
}

export async function run(opts: Options, _args: string[], globals: GlobalOptions, _cmd: Command): Promise<void> {
  if (!opts.filename) throw new UsageError('filename not specified (see --filename or -f)');
  const session = clusterSession(globals);
  const [{ loadInjectionConfig }, { emptyInput }, { injectInParallel }, { DocumentSplitter, readChunks }] = await Promise.all([
    import('../../inject/config-sources.js'),
    import('../../inject/kube-inject.js'),
    import('../../inject/parallel.js'),
    import('../../yaml/stream.js'),
  ]);
  let close: (() => void) | undefined;
  const cluster = async (): Promise<ClusterConfigReader | undefined> => {
    if (!(await session.configured())) return undefined;
    const { clusterConfigReader } = await import('../../inject/cluster-source.js');
    const c = await session.open();
    close = () => c.close();
    return clusterConfigReader(c.client);
  };
  let loaded;
  try {
    loaded = await loadInjectionConfig({ ...opts, istioNamespace: globals.istioNamespace }, { cluster });
  } finally {
    close?.();
  }
  if (loaded.notice) note(loaded.notice);

  const name = opts.filename === '-' ? '<stdin>' : opts.filename;
  const splitter = new DocumentSplitter(name);
  async function* documents() {
    for await (const chunk of readChunks(opts.filename!)) yield splitter.push(chunk);
    yield splitter.end();
  }
  const sink = opts.output ? await fileSink(opts.output) : stdoutSink();
  let written = 0;
  let summary;
  try {
    const output = {
      write(out: string | Uint8Array, docs: number) {
        sink.write(out);
        written += docs;
      },
      flush: () => sink.flush(),
      backlog: () => sink.backlog(),
    };
    summary = await injectInParallel(documents(), name, loaded.config, output, await inputSize(opts.filename));
    if (!splitter.sawContent) throw emptyInput(name);
  } catch (err) {
    sink.abort();
    throw withOutputHint(err, opts.output, written);
  }
  sink.commit();
  debug(`${written} documents written, ${summary.injected} injected (${summary.fastPath} on the fast path)${summary.workers > 0 ? `, ${summary.onWorkers} of them on ${summary.workers} worker threads` : ''}`);
  if (summary.warnings.length > 0) process.stderr.write(`\n${summary.warnings.join('\n')}\n`);
}

/** The size of a regular input file (undefined for stdin or anything unreadable: the read reports it). */
async function inputSize(path: string): Promise<number | undefined> {
  if (path === '-') return undefined;
  try {
    const { stat } = await import('node:fs/promises');
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

interface Sink {
  write(out: string | Uint8Array): void;
  /** Hands buffered output on (stdin input: as soon as its documents are done). */
  flush(): void;
  /** A promise while the destination still holds earlier output (see InjectOutput.backlog). */
  backlog(): Promise<void> | undefined;
  commit(): void;
  abort(): void;
}

const FLUSH_BYTES = 1 << 18;

/**
 * Strings gathered into batches of about FLUSH_BYTES for `emit`; bytes (a worker's output) go to
 * `emit` as they are, after whatever was gathered before them.
 */
function batched(emit: (out: string | Uint8Array) => void): Pick<Sink, 'write' | 'flush'> {
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length === 0) return;
    emit(pending.join(''));
    pending = [];
    size = 0;
  };
  return {
    write(out) {
      if (typeof out !== 'string') {
        flush();
        emit(out);
        return;
      }
      pending.push(out);
      size += out.length;
      if (size >= FLUSH_BYTES) flush();
    },
    flush,
  };
}

/**
 * stdout. Writes to a file are synchronous; to a pipe they are queued when the pipe is full,
 * so reading waits for the reader (`kubectl apply -f -`) to drain it rather than queueing the
 * whole output in memory.
 */
function stdoutSink(): Sink {
  let full = false;
  const { write, flush } = batched((out) => {
    if (!process.stdout.write(out)) full = true;
  });
  const backlog = (): Promise<void> | undefined => {
    if (!full || !process.stdout.writableNeedDrain) return (full = false), undefined;
    return new Promise((resolve) => {
      const done = () => {
        process.stdout.off('drain', done);
        process.stdout.off('close', done);
        full = false;
        resolve();
      };
      process.stdout.on('drain', done);
      process.stdout.on('close', done);
    });
  };
  // Documents before the failing one are complete: they are written.
  return { write, flush, backlog, commit: flush, abort: flush };
}

/** A temporary file beside `target`, renamed over it on success and removed on failure. */
async function fileSink(target: string): Promise<Sink> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.sailctl-${process.pid}.tmp`);
  let fd: number;
  try {
    fd = fs.openSync(temp, 'w');
  } catch (err) {
    throw new UserError(`cannot write ${target}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as Error).message}`, { cause: err });
  }
  const { write, flush } = batched((out) => {
    if (typeof out === 'string') fs.writeSync(fd, out);
    else for (let at = 0; at < out.length; ) at += fs.writeSync(fd, out, at);
  });
  return {
    write,
    flush,
    backlog: () => undefined,
    commit() {
      flush();
      fs.closeSync(fd);
      fs.renameSync(temp, target);
    },
    abort() {
      fs.closeSync(fd);
      fs.rmSync(temp, { force: true });
    },
  };
}

/** The error as the user sees it, saying what happened to the output. */
function withOutputHint(err: unknown, output: string | undefined, written: number): unknown {
  if (!(err instanceof UserError)) return err;
  const fix = err.hint ? err.hint.replace(/;? ?[Nn]othing was written\.?$/, '').replace(/\.?$/, '.') : '';
  const done = output ? `Nothing was written to ${output}.` : written > 0 ? `The ${written} document${written === 1 ? '' : 's'} before it went to standard output.` : 'Nothing was written.';
  return new UserError(err.message, { exitCode: err.exitCode, hint: fix ? `${fix} ${done}` : done, cause: err });
}
