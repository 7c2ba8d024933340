/**
 * The multi-cluster analyzer through the binary: two API emulators as two clusters of one mesh
 * (--remote-contexts, as istioctl), and offline a second cluster's Services from files
 * (--remote-files). Services of one name must agree on headless mode, type and ports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import { startEmulator, type Emulator } from '../kube-emulator/index.js';

const SAILCTL = join(process.cwd(), 'bin/sailctl.js');
const dir = mkdtempSync(join(tmpdir(), 'sailctl-mc-'));

async function sailctl(args: string[]) {
  const r = await execa(process.execPath, [SAILCTL, ...args], { reject: false, env: { NO_COLOR: '1', KUBECONFIG: join(dir, 'none') } });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const service = (name: string, spec: object) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec });
const EAST = [service('cart', { ports: [{ name: 'http', port: 80, targetPort: 8080 }] }), service('same', { ports: [{ name: 'http', port: 80 }] })];
const WEST = [service('cart', { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 9090 }] }), service('same', { ports: [{ name: 'http', port: 80 }] })];

describe('services.MultiClusterServiceAnalyzer', () => {
  let east: Emulator;
  let west: Emulator;
  let kubeconfig: string;
  beforeAll(async () => {
    [east, west] = await Promise.all([startEmulator({ tls: false, readyDelayMs: 5 }), startEmulator({ tls: false, readyDelayMs: 5 })]);
    for (const [emu, objects] of [[east, EAST], [west, WEST]] as const) {
      emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
      for (const o of objects) emu.create(o);
    }
    // One kubeconfig with a context per cluster, as a user of several clusters has.
    const configs = [['east', east], ['west', west]].map(([name, emu]) => [name, parse((emu as Emulator).kubeconfig())] as const);
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: configs.map(([name, c]) => ({ name, cluster: c.clusters[0].cluster })),
      users: configs.map(([name, c]) => ({ name, user: c.users[0].user })),
      contexts: configs.map(([name]) => ({ name, context: { cluster: name, user: name, namespace: 'shop' } })),
      'current-context': 'east',
    }));
  }, 30_000);
  afterAll(async () => {
    await Promise.all([east?.stop(), west?.stop()]);
  });

  it('--remote-contexts: the Services of every context are compared; the message names the clusters', async () => {
    const r = await sailctl(['analyze', '-A', '--kubeconfig', kubeconfig, '--remote-contexts', 'west', '--analyzer', 'services.MultiClusterServiceAnalyzer', '-o', 'json']);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        code: 'IST0170',
        level: 'Warning',
        origin: 'Service shop/cart',
        message: 'The service cart in namespace "shop" is inconsistent across clusters ["east" "west"], which can lead to undefined behaviors. The inconsistent behaviors are: service ports are inconsistent; service type is inconsistent.',
        documentationUrl: 'https://istio.io/v1.30/docs/reference/config/analysis/ist0170/?ref=istioctl-analyze',
        cluster: 'east',
      },
    ]);
    const log = await sailctl(['analyze', '-A', '--kubeconfig', kubeconfig, '--remote-contexts', 'west', '--analyzer', 'services.MultiClusterServiceAnalyzer']);
    expect(log.stdout).toMatch(/^Warning \[IST0170\] \[cluster-east\] \(Service shop\/cart\) The service cart/);
  });

  it('--remote-files: offline, a second cluster from files', async () => {
    const files = [['east.yaml', EAST], ['west.yaml', WEST]].map(([f, objs]) => {
      writeFileSync(join(dir, f as string), (objs as object[]).map((o) => stringify(o)).join('---\n'));
      return join(dir, f as string);
    });
    const r = await sailctl(['analyze', '--use-kube=false', files[0]!, '--remote-files', `west=${files[1]}`, '--analyzer', 'services.MultiClusterServiceAnalyzer']);
    expect(r.stdout).toMatch(new RegExp(`^Warning \\[IST0170\\] \\[cluster-primary\\] \\(Service shop/cart ${files[0]}:1\\) The service cart in namespace "shop" is inconsistent across clusters \\["primary" "west"\\]`));
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    // Without a second cluster there is nothing to compare.
    expect((await sailctl(['analyze', '--use-kube=false', files[0]!, '--analyzer', 'services.MultiClusterServiceAnalyzer'])).stdout).toBe('');
  });
});
