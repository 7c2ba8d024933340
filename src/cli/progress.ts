/**
 * Progress on stderr while install/uninstall work: an ora spinner redrawn in place on an
 * interactive terminal, plain lines otherwise (only when something changed, so CI logs stay
 * readable). Finished steps always end as a permanent `✔`/`✘` line.
 */
import { interactiveStderr, palette } from '../core/terminal.js';
import type { Progress } from '../lifecycle/progress.js';

type Spinner = { text: string; start(): Spinner; stop(): Spinner; stopAndPersist(o: { symbol: string; text: string }): Spinner; isSpinning: boolean };

export async function createProgress(stream: NodeJS.WriteStream = process.stderr, interactive = interactiveStderr()): Promise<Progress> {
  const p = palette(stream);
  const ok = p.green('✔');
  const bad = p.red('✘');
  // A pseudo-terminal without a size (columns 0, e.g. `script` or `docker run -t` in CI)
  // would make ora's line counting divide by zero and spin forever: plain lines there.
  if (!interactive || !((stream.columns ?? 0) > 0)) return plainProgress((s) => stream.write(s), ok, bad);
  const { default: ora } = await import('ora');
  const spinner = ora({ stream, discardStdin: false, hideCursor: false }) as unknown as Spinner;
  const active = new Map<string, { text: string; pending: readonly string[] }>();
  const render = () => {
    if (active.size === 0) {
      if (spinner.isSpinning) spinner.stop();
      return;
    }
    const names = [...active.values()].map((a) => a.text).join(', ');
    const pending = [...active.values()].flatMap((a) => a.pending);
    spinner.text = `Processing ${names}${pending.length ? `\n  ${pending.slice(0, 6).join('\n  ')}${pending.length > 6 ? `\n  … and ${pending.length - 6} more` : ''}` : ''}`;
    if (!spinner.isSpinning) spinner.start();
  };
  const persist = (symbol: string, text: string) => {
    if (spinner.isSpinning) spinner.stopAndPersist({ symbol, text });
    else stream.write(`${symbol} ${text}\n`);
    render();
  };
  return {
    begin(id, text) {
      active.set(id, { text, pending: [] });
      render();
    },
    waiting(id, pending) {
      const a = active.get(id);
      if (!a) return;
      a.pending = pending;
      render();
    },
    done(id, text) {
      active.delete(id);
      persist(ok, text);
    },
    fail(id, text) {
      active.delete(id);
      persist(bad, text);
    },
    line(text) {
      const spinning = spinner.isSpinning;
      if (spinning) spinner.stop();
      stream.write(`${text}\n`);
      if (spinning) render();
    },
    stop() {
      active.clear();
      if (spinner.isSpinning) spinner.stop();
    },
  };
}

/** Line-per-change progress, for pipes and CI. */
export function plainProgress(write: (s: string) => void, ok = '✔', bad = '✘'): Progress {
  const lastPending = new Map<string, string>();
  return {
    begin(_id, text) {
      write(`- Processing resources for ${text}.\n`);
    },
    waiting(id, pending) {
      const text = pending.join('; ');
      if (text === '' || lastPending.get(id) === text) return;
      lastPending.set(id, text);
      for (const p of pending) write(`  Waiting for ${p}\n`);
    },
    done(id, text) {
      lastPending.delete(id);
      write(`${ok} ${text}\n`);
    },
    fail(id, text) {
      lastPending.delete(id);
      write(`${bad} ${text}\n`);
    },
    line(text) {
      write(`${text}\n`);
    },
    stop() {},
  };
}
