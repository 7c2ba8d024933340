/**
 * What install and uninstall report while they work (the terminal renders it: ../cli/progress.ts),
 * and how long a step took.
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

