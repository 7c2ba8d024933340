/**
 * No number is silently changed on the way through manifest generate: integers beyond ±2^53
 * and non-finite values are refused where they enter (file:line or the --set flag), and values
 * that reach a Kubernetes int32/int64 field out of range are refused naming the object and field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../reliability/harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sailctl-numbers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IOP = 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    pilot:\n';

describe('manifest generate never writes a changed or out-of-range number', () => {
  it.each([
    ['--set of an integer beyond 2^53', ['--set', 'values.pilot.replicaCount=100000000000000000000000000'], 64, /invalid --set value 100000000000000000000000000: the integer is beyond ±2\^53/],
    ['--set of 1e26 reaching HPA maxReplicas (int32)', ['--set', 'values.pilot.autoscaleMax=1e26'], 1, /HorizontalPodAutoscaler istiod: spec\.maxReplicas: 1e\+26 is out of range for a 32-bit integer field/],
    ['--set of 3e9 reaching Deployment replicas (int32)', ['--set', 'values.pilot.autoscaleEnabled=false', '--set', 'components.pilot.k8s.replicaCount=3000000000'], 1, /Deployment istiod: spec\.replicas: 3000000000 is out of range for a 32-bit integer field/],
    ['--set of a fraction for an integer value (the IstioOperator schema)', ['--set', 'values.pilot.autoscaleMin=1.5'], 1, /invalid IstioOperator:[\s\S]*autoscaleMin/],
    ['--set of a fraction reaching an int32 field the schema leaves open (k8s.hpaSpec)', ['--set', 'components.pilot.k8s.hpaSpec.maxReplicas=2.5'], 1, /HorizontalPodAutoscaler istiod: spec\.maxReplicas: 2\.5 is out of range for a 32-bit integer field/],
  ])('%s', async (_name, flags, code, message) => {
    const r = await runInProcess(['manifest', 'generate', ...flags]);
    expect(r.exitCode, r.stderr).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it.each([
    ['an integer beyond 2^53', '      replicaCount: 100000000000000000000000000\n', /:6: spec\.values\.pilot\.replicaCount: the number 1e\+26 is beyond ±2\^53/],
    ['.inf', '      autoscaleMax: .inf\n', /:6: spec\.values\.pilot\.autoscaleMax: the number Infinity is not a finite value/],
    ['.nan', '      autoscaleMax: .nan\n', /:6: spec\.values\.pilot\.autoscaleMax: the number NaN is not a finite value/],
  ])('-f with %s: exit 65 at its line', async (name, line, message) => {
    const f = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(f, IOP + line);
    const r = await runInProcess(['manifest', 'generate', '-f', f]);
    expect(r.exitCode, r.stderr).toBe(65);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('the largest int32 and large safe integers are written exactly as given', async () => {
    const r = await runInProcess(['manifest', 'generate', '--set', 'values.pilot.autoscaleEnabled=false', '--set', 'components.pilot.k8s.replicaCount=2147483647', '--set', 'values.global.proxy.holdApplicationUntilProxyStarts=true']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}replicas: 2147483647$/m);
    expect(r.stdout).not.toMatch(/\de\+\d|Infinity|NaN/);
  });
});
