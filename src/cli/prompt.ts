/** The `Proceed? (y/N)` question, asked only on a terminal: y/yes, n/no (any case), empty = no. */
import { createInterface } from 'node:readline';

export function terminalConfirm(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): ((question: string) => Promise<boolean>) | undefined {
  if (!input.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input, output });
    try {
      for (;;) {
        const answer = await new Promise<string | undefined>((resolve) => {
          rl.question(question, resolve);
          rl.once('close', () => resolve(undefined));
          // the terminal is in raw mode, so Ctrl+C reaches readline, not the process: answer
          // no, and raise a real SIGINT for the command's handler (exit 130)
          rl.once('SIGINT', () => {
            output.write('\n');
            resolve(undefined);
            process.kill(process.pid, 'SIGINT');
          });
        });
        const a = (answer ?? '').trim().toLowerCase();
        if (a === 'y' || a === 'yes') return true;
        if (a === '' || a === 'n' || a === 'no' || answer === undefined) return false;
      }
    } finally {
      rl.close();
    }
  };
}
