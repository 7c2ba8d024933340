/**
 * Standalone emulator: `npm run kube-emulator -- --kubeconfig PATH [--http] [--port N] [--token T]`.
 * Writes the kubeconfig, prints its path once serving, and serves until SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      http: { type: 'boolean', default: false },
      port: { type: 'string' },
      token: { type: 'string' },
      'ready-delay-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help || !values.kubeconfig) {
    process.stderr.write('usage: npm run kube-emulator -- --kubeconfig PATH [--http] [--port N] [--token T] [--ready-delay-ms N]\n');
    process.exit(values.help ? 0 : 64);
  }
  const port = values.port !== undefined ? Number(values.port) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    process.stderr.write(`Error: --port must be an integer between 0 and 65535, got ${values.port}\n`);
    process.exit(64);
  }
  const emulator = await startEmulator({
    tls: !values.http,
    port,
    token: values.token,
    readyDelayMs: values['ready-delay-ms'] !== undefined ? Number(values['ready-delay-ms']) : undefined,
  });
  const path = emulator.writeKubeconfig(resolve(values.kubeconfig));
  process.stdout.write(`${path}\n`);
  process.stderr.write(`kube-emulator serving at ${emulator.url}\n`);
  const shutdown = () => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exit(1);
});
