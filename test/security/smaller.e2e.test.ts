/**
 * The smaller items of the hardening work: validate reads IstioOperators as Istio's samples
 * write them (no metadata.name, YAML or JSON); NO_COLOR stops the spinner; completion offers
 * file names where a flag takes a file; every help screen has examples; the npm package holds
 * the CLI, its licence, and no source maps or test-only dependencies.
 */
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { interactiveStderr } from '../../src/core/terminal.js';
import { sailctl } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sailctl-smaller-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validate -f on IstioOperators as Istio writes them', () => {
  it.each([
    ['no metadata.name (YAML)', 'iop.yaml', 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: demo\n'],
    ['no metadata.name (JSON)', 'iop.json', JSON.stringify({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', spec: { profile: 'demo' } }, null, 2)],
    ['named, JSON on one line', 'named.json', JSON.stringify({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'x' }, spec: { profile: 'demo' } })],
  ])('%s', async (_name, file, text) => {
    const f = join(dir, file);
    writeFileSync(f, text);
    const r = await sailctl(['validate', '-f', f]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`"${f}" is valid`);
  });
});

describe('NO_COLOR and --no-color', () => {
  it('turn the spinner off on a terminal too', () => {
    const saved = { tty: process.stderr.isTTY, NO_COLOR: process.env.NO_COLOR, CI: process.env.CI, TERM: process.env.TERM };
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    delete process.env.CI;
    process.env.TERM = 'xterm-256color';
    try {
      delete process.env.NO_COLOR;
      expect(interactiveStderr()).toBe(true);
      process.env.NO_COLOR = '1';
      expect(interactiveStderr()).toBe(false);
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: saved.tty, configurable: true });
      for (const k of ['NO_COLOR', 'CI', 'TERM'] as const) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});

describe('completion', () => {
  it('bash offers file names after -f, --kubeconfig, -o FILE and for analyze, directories after --manifests', async () => {
    const work = join(dir, 'complete');
    mkdirSync(join(work, 'charts'), { recursive: true });
    writeFileSync(join(work, 'app.yaml'), '');
    writeFileSync(join(work, 'iop.yaml'), '');
    const script = join(dir, 'sailctl.bash');
    writeFileSync(script, (await sailctl(['completion', 'bash'])).stdout);
    const complete = async (words: string[]) => {
      const r = await execa('bash', ['-c', `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _sailctl; printf '%s\\n' "\${COMPREPLY[@]}" | sort`], { cwd: work });
      return String(r.stdout).split('\n').filter(Boolean);
    };
    expect(await complete(['sailctl', 'kube-inject', '-f', ''])).toEqual(['app.yaml', 'charts', 'iop.yaml']);
    expect(await complete(['sailctl', '--kubeconfig', 'a'])).toEqual(['app.yaml']);
    expect(await complete(['sailctl', 'manifest', 'generate', '-f', 'i'])).toEqual(['iop.yaml']);
    expect(await complete(['sailctl', 'manifest', 'generate', '-o', 'c'])).toEqual(['charts']);
    expect(await complete(['sailctl', 'analyze', ''])).toEqual(['app.yaml', 'charts', 'iop.yaml']);
    expect(await complete(['sailctl', 'manifest', 'generate', '--manifests', ''])).toEqual(['charts']);
    // flags that take no file still complete words
    expect(await complete(['sailctl', 'version', '--rem'])).toEqual(['--remote']);
  });
  it('zsh, fish and powershell mark the same flags as taking files', async () => {
    const [zsh, fish, ps] = await Promise.all(['zsh', 'fish', 'powershell'].map((s) => sailctl(['completion', s])));
    expect(zsh.stdout).toMatch(/'kube-inject'\) if \[\[ "\$prev" == '--filename' \|\| "\$prev" == '-f' .*"\$prev" == '--kubeconfig'.*\]\]; then _files; return; fi/);
    expect(fish.stdout).toMatch(/__sailctl_path_is '\\''kube-inject'\\''' -l filename -r -F/);
    expect(ps.stdout).toMatch(/'kube-inject' = @\('--filename', '-f', '--output', '-o', '--injectConfigFile', '--valuesFile', '--meshConfigFile', '--operatorFileName', '--kubeconfig', '-c'\)/);
  });
});

describe('help', () => {
  it('every command and subcommand shows an Examples section with real command lines', () => {
    const program = buildProgram('0.0.0-test');
    const missing: string[] = [];
    const visit = (cmd: Command, path: string[]) => {
      let text = '';
      cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
      cmd.outputHelp();
      const examples = text.split('\nExamples:\n')[1];
      if (!examples || !examples.split('\n').some((l) => /^ {2}(\S+ \| )?(sailctl|source|kubectl|kustomize) /.test(l))) missing.push(path.join(' ') || '(root)');
      for (const sub of cmd.commands) visit(sub, [...path, sub.name()]);
    };
    visit(program, []);
    // `manifest`, `profile` and `x` only group subcommands; every command that runs has examples
    expect(missing.filter((p) => !['manifest', 'profile', 'x'].includes(p))).toEqual([]);
  });
});

describe('the npm package', () => {
  it('ships the CLI and its licence, without source maps or test-only dependencies', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const r = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
    const [pack] = JSON.parse(String(r.stdout)) as [{ files: { path: string }[] }];
    const files = pack.files.map((f) => f.path);
    expect(files).toContain('LICENSE');
    expect(files).toContain('bin/sailctl.js');
    expect(files).toContain('dist/sailctl.cjs');
    expect(files).toContain('dist/main.cjs');
    expect(files).toContain('templates/sidecar.tpl');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { license: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.license).toBe('Apache-2.0');
    expect(Object.keys(pkg.dependencies)).not.toContain('execa');
    expect(Object.keys(pkg.devDependencies)).toContain('execa');
  }, 60_000);
});
