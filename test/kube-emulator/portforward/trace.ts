/** Frame-level tracing to stderr when KUBE_EMULATOR_DEBUG contains "portforward" (for debugging clients). */
export function portForwardTrace(label: string): ((direction: 'in' | 'out', frame: string) => void) | undefined {
  if (!/\bportforward\b/.test(process.env.KUBE_EMULATOR_DEBUG ?? '')) return undefined;
  return (direction, frame) => process.stderr.write(`[portforward ${label}] ${direction === 'in' ? '<-' : '->'} ${frame}\n`);
}
