/** --verbose state, kept apart from output.ts so start-up does not load the YAML library. */
let verbose = false;

export function setVerbose(on: boolean): void {
  verbose = on;
}

export function isVerbose(): boolean {
  return verbose;
}
