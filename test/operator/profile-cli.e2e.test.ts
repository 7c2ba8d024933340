/** `profile list|dump|diff` through the built binary: stdout, stderr and exit codes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sailctl } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  await execa('npm', ['run', 'build'], { cwd: join(import.meta.dirname, '..', '..') });
  dir = mkdtempSync(join(tmpdir(), 'sailctl-profile-cli-'));
}, 120_000);

const overlay = (spec: string) => `apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n${spec}`;

describe('profile list', () => {
  it('prints the names one per line on stdout', async () => {
    const r = await sailctl(['profile', 'list']);
    expect(r).toEqual({
      stdout: 'ambient\ndefault\ndemo\nempty\nminimal\nopenshift\nopenshift-ambient\npreview\nremote\nstable\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('-o json is an array; a bad -o is a usage error', async () => {
    const r = await sailctl(['profile', 'list', '-o', 'json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toContain('demo');
    const bad = await sailctl(['profile', 'list', '-o', 'xml']);
    expect(bad.exitCode).toBe(64);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^Error: invalid value "xml" for --output/);
  });
});

describe('profile dump', () => {
  it('prints the merged IstioOperator as YAML', async () => {
    const r = await sailctl(['profile', 'dump', 'demo']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    const doc = parse(r.stdout);
    expect(doc.apiVersion).toBe('install.istio.io/v1alpha1');
    expect(doc.kind).toBe('IstioOperator');
    expect(doc.spec.profile).toBe('demo');
    expect(doc.spec.components.egressGateways).toEqual([{ enabled: true, name: 'istio-egressgateway' }]);
    expect(doc.spec.values.pilot.traceSampling).toBe(100);
  });

  it('-p narrows to a subtree; -o json indents by 4; -o flags prints path=value lines', async () => {
    const json = await sailctl(['profile', 'dump', 'ambient', '-p', 'components.ztunnel', '-o', 'json']);
    expect(json).toEqual({ stdout: '{\n    "enabled": true\n}\n', stderr: '', exitCode: 0 });
    const flags = await sailctl(['profile', 'dump', '--config-path', 'values.global', '-o', 'flags', '--set', 'values.global.meshID=m1']);
    expect(flags.exitCode).toBe(0);
    expect(flags.stdout).toBe(
      'values.global.configValidation=true\nvalues.global.hub="docker.io/istio"\nvalues.global.istioNamespace="istio-system"\nvalues.global.meshID="m1"\nvalues.global.tag="1.30.0"\n',
    );
  });

  it('applies -f files (including stdin) and --set in order', async () => {
    const f = join(dir, 'a.yaml');
    writeFileSync(f, overlay('  profile: minimal\n  values:\n    global:\n      network: from-file\n'));
    const r = await sailctl(['profile', 'dump', '-f', f, '-f', '-', '--set', 'values.global.meshID=from-set', '-p', 'values.global', '-o', 'json'], {
      input: overlay('  values:\n    global:\n      network: from-stdin\n'),
    });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ network: 'from-stdin', meshID: 'from-set' });
  });

  it('reports invalid fields on stderr and still dumps (as istioctl does)', async () => {
    const r = await sailctl(['profile', 'dump', '--set', 'values.global.hubb=x', '-p', 'values.global.hubb', '-o', 'json']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('"x"\n');
    expect(r.stderr).toBe('warning: spec invalid; continuing because of --force: spec.values.global.hubb (--set values.global.hubb=x): unknown field "hubb" (did you mean "hub"?)\n');
  });

  it.each([
    [['profile', 'dump', 'demoo'], 1, 'Error: profile "demoo" not found\n'],
    [['profile', 'dump', 'demo', 'minimal'], 64, 'Error: too many positional arguments\n'],
    [['profile', 'dump', 'demo', '-f', 'x.yaml'], 64, 'Error: cannot specify both profile name and filename flag\n'],
    [['profile', 'dump', '--set', 'bogus=1'], 64, 'Error: invalid --set bogus=1: unknown IstioOperator field "bogus"\n'],
    [['profile', 'dump', '-o', 'toml'], 64, 'Error: invalid value "toml" for --output'],
    [['profile', 'dump', '-p', 'values.nope'], 1, 'Error: --config-path values.nope: no such path in the resolved IstioOperator\n'],
  ])('%j fails with exit %i', async (args, code, stderrStart) => {
    const r = await sailctl(args);
    expect(r.exitCode).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(stderrStart)).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a file that is not an IstioOperator: exit 65 with file:line', async () => {
    const f = join(dir, 'svc.yaml');
    writeFileSync(f, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n');
    const r = await sailctl(['profile', 'dump', '-f', f]);
    expect(r.exitCode).toBe(65);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`Error: ${f}:2: Service (v1) is not an IstioOperator`);
  });
});

describe('profile diff', () => {
  it('identical profiles', async () => {
    expect(await sailctl(['profile', 'diff', 'default', 'default'])).toEqual({ stdout: 'Profiles are identical\n', stderr: '', exitCode: 0 });
  });

  it('a unified diff, exit 0, no colour off a TTY', async () => {
    const r = await sailctl(['profile', 'diff', 'default', 'minimal']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout).toContain('The difference between profiles:\n--- default\n+++ minimal\n@@ ');
    expect(r.stdout).toContain('-      - enabled: true\n+      - enabled: false\n         name: istio-ingressgateway\n');
    expect(r.stdout).toContain('-  profile: default\n+  profile: minimal\n');
  });

  it('accepts files as well as names', async () => {
    const f = join(dir, 'net.yaml');
    writeFileSync(f, overlay('  values:\n    global:\n      network: net1\n'));
    const r = await sailctl(['profile', 'diff', 'default', f]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('+      network: net1\n');
    expect(r.stdout.match(/^[+-] /gm)).toHaveLength(1);
  });

  it.each([[['default']], [['default', 'demo', 'minimal']]])('%j: needs exactly two profiles', async (args) => {
    const r = await sailctl(['profile', 'diff', ...args]);
    expect(r.exitCode).toBe(64); // wrong argument count is a usage error
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('Error: diff requires two profiles');
  });

  it('an unknown profile fails', async () => {
    const r = await sailctl(['profile', 'diff', 'default', 'nope']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: profile "nope" not found\n/);
  });
});
