/** The built binary (`npm run build` first): manifest generate and install --dry-run as a user runs them. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';

function docs(text: string): any[] {
  const parsed = parseAllDocuments(text);
  for (const d of parsed) expect(d.errors).toEqual([]);
  return parsed.map((d) => d.toJS()).filter(Boolean);
}

describe('sailctl manifest generate (binary)', () => {
  it('--set profile=demo prints 42 parseable objects, exit 0', async () => {
    const r = await sailctl(['manifest', 'generate', '--set', 'profile=demo']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    const objects = docs(r.stdout);
    expect(objects).toHaveLength(42);
    expect(r.stdout.endsWith('\n---\n')).toBe(true);
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['istio-egressgateway', 'istio-ingressgateway', 'istiod']);
  });

  it('a bad --set fails with one error, non-zero, nothing on stdout', async () => {
    const r = await sailctl(['manifest', 'generate', '--set', 'values.global.nope=1']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--force renders despite invalid values and says on stderr what it ignored; stdout stays the manifest', async () => {
    const r = await sailctl(['manifest', 'generate', '--set', 'values.global.nope=1', '--force']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('warning: spec invalid; continuing because of --force: spec.values.global.nope (--set values.global.nope=1): unknown field "nope"\n');
    expect(docs(r.stdout)).toHaveLength(39);
  });

  it('spec.namespace, which istioctl silently ignores, gets a warning naming the namespace actually used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sailctl-ns-'));
    const file = join(dir, 'iop.yaml');
    writeFileSync(file, 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  namespace: mesh\n');
    const r = await sailctl(['manifest', 'generate', '-f', file]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('warning: spec.namespace (mesh) is ignored: the install goes to istio-system; set values.global.istioNamespace');
    expect(docs(r.stdout).every((o) => o.metadata.namespace === undefined || o.metadata.namespace === 'istio-system')).toBe(true);
  });

  it('a positional argument is a usage error (exit 64; istioctl exits 1)', async () => {
    const r = await sailctl(['manifest', 'generate', 'extra']);
    expect(r).toMatchObject({ exitCode: 64, stdout: '' });
    expect(r.stderr).toContain('generate accepts no positional arguments, got ["extra"]');
  });

  it('-o DIR writes one file per component, numbered in apply order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sailctl-render-'));
    const r = await sailctl(['manifest', 'generate', '--set', 'profile=ambient', '-o', dir]);
    expect(r).toMatchObject({ exitCode: 0, stdout: '' });
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['01-Base-base.yaml', '02-Pilot-istiod.yaml', '03-Cni-istio-cni-node.yaml', '04-Ztunnel-ztunnel.yaml']);
    const ztunnel = docs(readFileSync(join(dir, files[3]!), 'utf8'));
    expect(ztunnel.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ServiceAccount/ztunnel', 'DaemonSet/ztunnel']);
  });

  it('-o FILE writes the same bytes stdout would get', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sailctl-render-'));
    const file = join(dir, 'out.yaml');
    const [toFile, toStdout] = await Promise.all([
      sailctl(['manifest', 'generate', '-r', 'canary', '-o', file]),
      sailctl(['manifest', 'generate', '-r', 'canary']),
    ]);
    expect(toFile).toMatchObject({ exitCode: 0, stdout: '' });
    expect(readFileSync(file, 'utf8')).toBe(toStdout.stdout);
    expect(toStdout.stdout).toContain('name: istiod-canary');
  });

  it('-o into a missing directory fails cleanly', async () => {
    const r = await sailctl(['manifest', 'generate', '-o', '/nonexistent/dir/out.yaml']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('cannot write /nonexistent/dir/out.yaml: its directory does not exist');
  });
});

describe('sailctl install (binary)', () => {
  it('--dry-run summarises each component without a cluster', async () => {
    const r = await sailctl(['install', '--dry-run', '--set', 'profile=demo'], { env: { KUBECONFIG: '/nonexistent' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Istiod (Pilot istiod, namespace istio-system): 16 objects');
    expect(r.stdout).toContain('image docker.io/istio/pilot:1.30.0');
    expect(r.stdout).toContain('Egress gateways (EgressGateways istio-egressgateway, namespace istio-system): 5 objects');
    expect(r.stdout).toContain('42 objects in 4 components');
  });
});
