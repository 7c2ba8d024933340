/**
 * What install and uninstall report while they work (the terminal renders it: ../cli/progress.ts),
 * and the duration formats their messages use.
 */
export interface Progress {
  /** A step started, e.g. a component being applied. */
  begin(id: string, text: string): void;
  /** What the step is waiting for right now (one entry per pending resource). */
  waiting(id: string, pending: readonly string[]): void;
  done(id: string, text: string): void;
  fail(id: string, text: string): void;
  /** A permanent informational line. */
  line(text: string): void;
  stop(): void;
}

/** "2.4s", "1m3s". */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Math.round((ms % 60_000) / 1000)}s`;
}

/** Go's time.Duration form for messages: 5m0s, 30s, 1.5s, 1m30s, 250ms. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Number(((ms % 60_000) / 1000).toFixed(3));
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
