import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { SAILCTL, sailctl } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('the built sailctl binary', () => {
  it('--version prints the package version and exits 0', async () => {
    const r = await sailctl(['--version']);
    expect(r).toMatchObject({ exitCode: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--help lists every istioctl command sailctl offers, exit 0', async () => {
    const r = await sailctl(['--help']);
    expect(r.exitCode).toBe(0);
    for (const cmd of ['install|apply', 'uninstall', 'manifest', 'profile', 'verify-install', 'x|experimental', 'precheck', 'kube-inject', 'analyze', 'validate|v', 'dashboard|dash', 'version', 'completion']) {
      expect(r.stdout).toContain(cmd);
    }
    for (const flag of ['--kubeconfig', '--context', '--istioNamespace', '--namespace', '--verbose', '--no-color']) expect(r.stdout).toContain(flag);
  });

  it('an unknown command is a usage error (exit 64) with a suggestion and no stack', async () => {
    const r = await sailctl(['instal']);
    expect(r.exitCode).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Error: unknown command "instal" for "sailctl"');
    expect(r.stderr).toContain('install');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown flag is a usage error (exit 64)', async () => {
    const r = await sailctl(['version', '--bogus']);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain("Error: unknown option '--bogus'");
  });

  it('a bad flag value is a usage error naming the flag', async () => {
    const r = await sailctl(['version', '--remote=perhaps']);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain('invalid value "perhaps" for --remote');
  });

  it('version --remote=false prints only the client version', async () => {
    const r = await sailctl(['version', '--remote=false']);
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(r.stdout).toMatch(new RegExp(`^client version: ${pkg.version.replace(/\./g, '\\.')} \\(sailctl; renders Istio \\d+\\.\\d+\\.\\d+\\)\\n$`));
    const json = await sailctl(['version', '--remote=false', '-o', 'json']);
    expect(JSON.parse(json.stdout).clientVersion.version).toBe(pkg.version);
    expect((await sailctl(['version', '--remote=false', '-o', 'xml'])).exitCode).toBe(64);
  });

  it('version with no reachable cluster still exits 0 and says why on stderr', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sailctl-home-'));
    const r = await sailctl(['version'], { env: { HOME: home, KUBECONFIG: '' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^client version: /);
    expect(r.stderr).toContain('no kubeconfig found');
  });

  it('--verbose adds the stack trace of an unexpected error only when asked', async () => {
    const r = await sailctl(['version', '-c', '/nonexistent/kubeconfig']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('/nonexistent/kubeconfig (from --kubeconfig) does not exist');
  });

  it('completion prints a bash script that bash accepts and that completes commands', async () => {
    const r = await sailctl(['completion', 'bash']);
    expect(r.exitCode).toBe(0);
    const script = join(mkdtempSync(join(tmpdir(), 'sailctl-comp-')), 'c.bash');
    await import('node:fs').then((fs) => fs.writeFileSync(script, r.stdout));
    const out = await execa('bash', ['-c', `source ${script}; COMP_WORDS=(sailctl dashboard ki); COMP_CWORD=2; _sailctl; echo "\${COMPREPLY[@]}"; COMP_WORDS=(sailctl x p); COMP_CWORD=2; _sailctl; echo "\${COMPREPLY[@]}"`]);
    expect(out.stdout.split('\n')).toEqual(['kiali', 'precheck proxy-status ps']);
  });

  it('completion for zsh, fish and powershell, and a clear error for other shells', async () => {
    for (const shell of ['zsh', 'fish', 'powershell']) {
      const r = await sailctl(['completion', shell]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('kube-inject');
      expect(r.stdout).toContain('istioNamespace');
    }
    const bad = await sailctl(['completion', 'tcsh']);
    expect(bad.exitCode).toBe(64);
    expect(bad.stderr).toContain('unsupported shell "tcsh"');
  });

  it('unknown dashboards are named, with the list of known ones', async () => {
    const r = await sailctl(['dashboard', 'kibana']);
    expect(r.exitCode).toBe(64); // an unknown subcommand is a usage error
    expect(r.stderr).toContain('unknown dashboard "kibana"');
    expect(r.stderr).toContain('kiali, grafana');
  });
});

describe('start-up stays light', () => {
  const trace = join(import.meta.dirname, 'fixtures', 'trace-imports.mjs');
  async function importsOf(args: string[]): Promise<string[]> {
    const file = join(mkdtempSync(join(tmpdir(), 'sailctl-trace-')), 'imports.txt');
    await execa(process.execPath, ['--import', trace, SAILCTL, ...args], { reject: false, env: { SAILCTL_TRACE_FILE: file, HOME: tmpdir(), KUBECONFIG: '' }, stdin: 'ignore' });
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  }

  it.each([
    [['--version']],
    [['--help']],
    [['version', '--remote=false']],
    [['completion', 'bash']],
    [['profile', 'list']],
    [['manifest', 'generate', '--set', 'profile=demo']],
    [['analyze', '--use-kube=false', '-']],
    [['kube-inject', '-f', '-']],
    [['validate', '-f', '-']],
  ])('sailctl %j never imports @kubernetes/client-node', async (args) => {
    const loaded = await importsOf(args);
    expect(loaded.some((u) => u.includes('bin/sailctl.js'))).toBe(true);
    expect(loaded.filter((u) => u.includes('@kubernetes/client-node'))).toEqual([]);
  });

  it('the CLI bundle, which runs from a code cache, does not contain the Kubernetes client', () => {
    const map = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'dist', 'main.cjs.map'), 'utf8')) as { sources: string[] };
    expect(map.sources.some((s) => s.includes('node_modules/commander/'))).toBe(true);
    expect(map.sources.filter((s) => s.includes('node_modules/@kubernetes/client-node'))).toEqual([]);
  });

  it('a cluster command with token credentials reads the kubeconfig itself: no client either', async () => {
    const loaded = await importsOf(['version', '--kubeconfig', join(import.meta.dirname, 'fixtures', 'unreachable-kubeconfig.yaml')]);
    expect(loaded.some((u) => u.includes('bin/sailctl.js'))).toBe(true);
    expect(loaded.filter((u) => u.includes('@kubernetes/client-node'))).toEqual([]);
  });

  it('a kubeconfig only client-node can apply (proxy-url) does import it (the trace is real)', async () => {
    const loaded = await importsOf(['version', '--kubeconfig', join(import.meta.dirname, 'fixtures', 'proxied-kubeconfig.yaml')]);
    expect(loaded.some((u) => u.includes('@kubernetes/client-node'))).toBe(true);
  });
});
