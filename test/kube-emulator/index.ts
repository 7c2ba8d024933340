/**
 * The kube emulator's public surface for tests. Start one per test file (or per test):
 *
 *   const emu = await startEmulator();            // HTTPS + token; { tls: false } for plain HTTP
 *   const kubeconfig = emu.writeKubeconfig(join(tmp, 'kubeconfig'));
 *   ... run sailctl / kubectl / client-node against it ...
 *   await emu.stop();
 */
export { startEmulator, Emulator, type EmulatorOptions, type PortTarget } from './emulator.js';
export type { AccessRule } from './access.js';
export type { FaultRule, RequestRecord } from './faults.js';
export { ApiError, type Obj } from './errors.js';
