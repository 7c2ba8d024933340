/**
 * The istio-sidecar-injector ConfigMap as istiod's chart writes it (injection-fidelity.md groups
 * 3 and 4, §8.2): user nulls survive and remove the default, values.cni.provider reaches the
 * injector, and every template and value key the templates read is there.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/yaml/values.js';
import { find, render } from './helpers.js';

async function injector(sets: string[], files: string[] = []) {
  const cm = find(await render(sets, { files }), 'ConfigMap', 'istio-sidecar-injector');
  return { config: parseYaml(cm.data.config) as { templates: Record<string, string> }, values: JSON.parse(cm.data.values) };
}

describe('injector ConfigMap', () => {
  it('a null resource in an IstioOperator file stays null and the default is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sailctl-null-'));
    const file = join(dir, 'iop.yaml');
    writeFileSync(file, 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    global:\n      proxy:\n        resources:\n          requests: {cpu: 250m, memory: null}\n          limits: {cpu: null, memory: 256Mi}\n');
    const { values } = await injector([], [file]);
    expect(values.global.proxy.resources).toEqual({ requests: { cpu: '250m', memory: null }, limits: { cpu: null, memory: '256Mi' } });
  });

  it('--set ...=null under values is a null; a later value wins over it', async () => {
    expect((await injector(['values.global.proxy.resources.limits.cpu=null'])).values.global.proxy.resources.limits).toEqual({ cpu: null, memory: '1024Mi' });
    expect((await injector(['values.global.proxy.resources.limits.cpu=null', 'values.global.proxy.resources.limits.cpu=3'])).values.global.proxy.resources.limits.cpu).toBe(3);
  });

  it('values.cni.provider reaches pilot.cni with components.cni.enabled', async () => {
    const { values } = await injector(['components.cni.enabled=true', 'values.cni.provider=multus']);
    expect(values.pilot.cni).toEqual({ enabled: true, provider: 'multus' });
  });

  it('carries the value keys the templates read and the gRPC templates', async () => {
    const { config, values } = await injector([]);
    expect(values.global.sds.token.aud).toBe('istio-ca');
    expect(values.global).toMatchObject({ caName: '', mountMtlsCerts: false, nativeNftables: false, sts: { servicePort: 0 } });
    expect(Object.keys(config.templates)).toEqual(expect.arrayContaining(['sidecar', 'gateway', 'grpc-simple', 'grpc-agent']));
  });
});
