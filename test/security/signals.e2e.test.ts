/**
 * SIGINT and SIGTERM during install and uninstall: the command stops at its next safe point,
 * says what was done and what a re-run does, and exits 130 (SIGINT) or 143 (SIGTERM), as a
 * shell reports a process stopped by that signal. Through the built binary, against the emulator.
 */
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, Interrupted } from '../../src/core/errors.js';
import { trapSignals } from '../../src/cli/interrupt.js';
import { SAILCTL } from '../helpers/cli.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

/** Starts sailctl, waits until stderr shows `ready`, sends `signal`, and returns the outcome. */
async function interruptWhen(args: string[], ready: RegExp, signal: 'SIGINT' | 'SIGTERM') {
  const child = execa(process.execPath, [SAILCTL, '--kubeconfig', h.kubeconfig, ...args], { reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore' });
  let stderr = '';
  let sent = false;
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!sent && ready.test(stderr)) {
      sent = true;
      child.kill(signal);
    }
  });
  const r = await child;
  return { exitCode: r.exitCode, signal: r.signal, stderr, stdout: String(r.stdout), sent };
}

describe('install', () => {
  it.each([
    ['SIGTERM', ExitCode.Terminated],
    ['SIGINT', ExitCode.Interrupted],
  ] as const)('%s while waiting for readiness: exit %i, says what was applied and that a re-run finishes', async (signal, code) => {
    h.emu.readyDelayMs = 60_000; // pods never get ready within the test: the install is waiting
    const r = await interruptWhen(['install', '-y', '--set', 'profile=minimal'], /Processing resources for Istiod|Waiting for/, signal);
    h.emu.readyDelayMs = 5;
    expect(r.sent).toBe(true);
    expect(r.exitCode, r.stderr).toBe(code);
    expect(r.stderr).toMatch(/^Error: interrupted after applying \d+ of \d+ objects(, before all were ready)?$/m);
    expect(r.stderr).not.toMatch(/encountered an error/);
    expect(r.stderr).toMatch(/run the same command again to finish the install/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});

describe('uninstall', () => {
  it('SIGINT between deletions: exit 130, says how many were removed and that a re-run removes the rest', async () => {
    const installed = await execa(process.execPath, [SAILCTL, '--kubeconfig', h.kubeconfig, 'install', '-y', '--set', 'profile=minimal'], { reject: false, env: { NO_COLOR: '1' } });
    expect(installed.exitCode, String(installed.stderr)).toBe(0);
    h.emu.failNext({ verb: 'delete', delayMs: 1500, times: Infinity }); // each deletion takes a while
    const r = await interruptWhen(['uninstall', '--purge', '-y'], /Removing \d+ objects?/, 'SIGINT');
    h.emu.clearFaults();
    expect(r.sent).toBe(true);
    expect(r.exitCode, r.stderr).toBe(ExitCode.Interrupted);
    expect(r.stderr).toMatch(/^Error: interrupted after removing \d+ of \d+ objects$/m);
    expect(r.stderr).toMatch(/run the same command again to remove what is left/);
    // and the re-run does
    const again = await execa(process.execPath, [SAILCTL, '--kubeconfig', h.kubeconfig, 'uninstall', '--purge', '-y'], { reject: false, env: { NO_COLOR: '1' } });
    expect(again.exitCode, String(again.stderr)).toBe(0);
  }, 90_000);
});

describe('the signal trap', () => {
  it('turns the work\'s own error into Interrupted with the signal\'s exit code, and is inert without a signal', () => {
    const quiet = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      const trap = trapSignals();
      const plain = new Error('other failure');
      expect(trap.translate(plain, 'x', 'y')).toBe(plain);
      process.emit('SIGTERM');
      expect(trap.signal.aborted).toBe(true);
      const t = trap.translate(undefined, 'interrupted before anything was applied', 'run it again');
      expect(t).toBeInstanceOf(Interrupted);
      expect(t).toMatchObject({ exitCode: 143, message: 'interrupted before anything was applied', hint: 'run it again' });
      trap.dispose();
      expect(process.listenerCount('SIGTERM')).toBe(0);
    } finally {
      process.stderr.write = quiet;
    }
  });
});
