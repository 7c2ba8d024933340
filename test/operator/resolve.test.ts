import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, UsageError, UserError } from '../../src/core/errors.js';
import { DEFAULT_HUB, DEFAULT_TAG, effectiveOverrides, listProfiles, loadProfile, resolveIstioOperator } from '../../src/operator/resolve.js';
import type { JsonObject } from '../../src/core/json.js';

let dir: string;
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const iop = (spec: string) => `apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n${spec}`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sailctl-resolve-'));
});

async function rejects(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected an error');
}

describe('merge order', () => {
  it('the default profile alone, with the built-in hub/tag copied into values', async () => {
    const { iop: out, profile, warnings } = await resolveIstioOperator({});
    expect(profile).toBe('default');
    expect(warnings).toEqual([]);
    expect(out.apiVersion).toBe('install.istio.io/v1alpha1');
    expect(out.kind).toBe('IstioOperator');
    expect(out.metadata.namespace).toBe('istio-system');
    expect(out.spec.profile).toBe('default');
    expect(out.spec.values?.global).toMatchObject({ hub: DEFAULT_HUB, tag: DEFAULT_TAG, istioNamespace: 'istio-system' });
    expect(out.spec.components?.ingressGateways).toEqual([{ name: 'istio-ingressgateway', enabled: true }]);
    expect(out.spec.values?.pilot).toMatchObject({ enabled: true, cni: { enabled: false } });
  });

  it('profile < file < --set, each -f in order', async () => {
    const a = file('a.yaml', iop('  profile: demo\n  hub: a.io/x\n  values:\n    global:\n      network: from-a\n      meshID: from-a\n'));
    const b = file('b.yaml', iop('  hub: b.io/x\n  values:\n    global:\n      network: from-b\n'));
    const { iop: out, profile } = await resolveIstioOperator({ files: [a, b], sets: ['values.global.network=from-set'] });
    expect(profile).toBe('demo');
    expect(out.spec.hub).toBe('b.io/x');
    expect(out.spec.values?.global).toMatchObject({ hub: 'b.io/x', network: 'from-set', meshID: 'from-a' });
    // demo's profile content is there, under the user's settings
    expect(out.spec.components?.egressGateways).toEqual([{ name: 'istio-egressgateway', enabled: true }]);
    expect(out.spec.values?.meshConfig).toMatchObject({ accessLogFile: '/dev/stdout' });
  });

  it('later --set flags win over earlier ones; --set profile= picks the profile', async () => {
    const { iop: out, profile } = await resolveIstioOperator({ sets: ['profile=minimal', 'values.global.network=a', 'values.global.network=b'] });
    expect(profile).toBe('minimal');
    expect(out.spec.values?.global?.network).toBe('b');
    expect(out.spec.components?.ingressGateways).toEqual([{ name: 'istio-ingressgateway', enabled: false }]);
  });

  it('lists are replaced, not merged', async () => {
    const f = file('gw.yaml', iop('  components:\n    ingressGateways:\n      - name: custom-gw\n        label:\n          app: custom\n'));
    const { iop: out } = await resolveIstioOperator({ files: [f], sets: ['profile=demo'] });
    expect(out.spec.components?.ingressGateways).toEqual([{ name: 'custom-gw', label: { app: 'custom' } }]);
    const ports = file('ports.yaml', iop('  values:\n    gateways:\n      istio-ingressgateway:\n        ports:\n          - name: http2\n            port: 80\n            targetPort: 8080\n'));
    const { iop: demo } = await resolveIstioOperator({ files: [ports], sets: ['profile=demo'] });
    expect((demo.spec.values?.gateways as JsonObject)['istio-ingressgateway']).toMatchObject({ ports: [{ name: 'http2', port: 80, targetPort: 8080 }] });
  });

  it('--set selectors and indexes reach the profile lists', async () => {
    const { iop: out } = await resolveIstioOperator({ sets: ['components.ingressGateways[name:istio-ingressgateway].k8s.replicaCount=3'] });
    expect(out.spec.components?.ingressGateways).toEqual([{ name: 'istio-ingressgateway', enabled: true, k8s: { replicaCount: 3 } }]);
  });

  it('spec.meshConfig is merged into values.meshConfig, cni enablement into values.pilot.cni', async () => {
    const { iop: out } = await resolveIstioOperator({ sets: ['profile=demo', 'meshConfig.enableTracing=true', 'components.cni.enabled=true', 'revision=canary', 'compatibilityVersion=1.28'] });
    expect(out.spec.values?.meshConfig).toMatchObject({ accessLogFile: '/dev/stdout', enableTracing: true });
    expect(out.spec.values?.pilot).toMatchObject({ cni: { enabled: true } });
    expect(out.spec.values?.revision).toBe('canary');
    expect(out.spec.values?.compatibilityVersion).toBe('1.28');
  });

  it("the user's own values beat the translated ones", async () => {
    const { iop: out } = await resolveIstioOperator({ sets: ['hub=a.io/spec', 'values.global.hub=b.io/values', 'values.pilot.cni.enabled=true'] });
    expect(out.spec.hub).toBe('a.io/spec');
    expect(out.spec.values?.global?.hub).toBe('b.io/values');
    expect(out.spec.values?.pilot).toMatchObject({ cni: { enabled: true } });
  });

  it('values.global.istioNamespace becomes metadata.namespace', async () => {
    const { iop: out } = await resolveIstioOperator({ sets: ['values.global.istioNamespace=mesh'] });
    expect(out.metadata.namespace).toBe('mesh');
  });

  it('an explicit profile beats the one in files', async () => {
    const { profile } = await resolveIstioOperator({ profile: 'ambient' });
    expect(profile).toBe('ambient');
  });

  it('a file with spec: null or no documents adds nothing', async () => {
    const a = file('null.yaml', 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: null\n');
    const b = file('empty.yaml', '# nothing\n');
    const { iop: out } = await resolveIstioOperator({ files: [a, b] });
    expect(out.spec.profile).toBe('default');
  });

  it('unvalidatedValues are merged into values after validation', async () => {
    const f = file('unval.yaml', iop('  unvalidatedValues:\n    pilot:\n      madeUp: 1\n'));
    const { iop: out, warnings } = await resolveIstioOperator({ files: [f] });
    expect(warnings).toEqual([]);
    expect(out.spec.values?.pilot).toMatchObject({ madeUp: 1, enabled: true });
  });
});

describe('revision', () => {
  it('-r sets revision; -r default means none', async () => {
    expect((await resolveIstioOperator({ revision: 'canary' })).iop.spec.values?.revision).toBe('canary');
    expect((await resolveIstioOperator({ revision: 'default' })).iop.spec.revision).toBeUndefined();
  });

  it('-r must be a DNS-1123 label', async () => {
    const err = await rejects(resolveIstioOperator({ revision: 'Canary_1' }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe('invalid revision specified: Canary_1');
  });

  it('-r conflicting with --set revision= or a file is an error', async () => {
    const err = await rejects(resolveIstioOperator({ revision: 'a', sets: ['revision=b'] }));
    expect(err.message).toBe('conflicting revisions: --revision a but --set revision=b');
    const f = file('rev.yaml', iop('  revision: c\n'));
    const err2 = await rejects(resolveIstioOperator({ revision: 'a', files: [f] }));
    expect(err2.message).toBe(`conflicting revisions: --revision a but ${f}:4 sets spec.revision: c`);
    // the same value twice is fine
    expect((await resolveIstioOperator({ revision: 'a', sets: ['revision=a'] })).iop.spec.revision).toBe('a');
  });

  it('an invalid revision from --set fails validation', async () => {
    const err = await rejects(resolveIstioOperator({ sets: ['revision=Bad_Rev'] }));
    expect(err.message).toContain('spec.revision (--set revision=Bad_Rev): invalid revision "Bad_Rev"');
  });
});

describe('bad input files', () => {
  it('a file that is not an IstioOperator: DataError with file:line', async () => {
    const f = file('deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n');
    const err = await rejects(resolveIstioOperator({ files: [f] }));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(`${f}:2: Deployment (apps/v1) is not an IstioOperator`);
  });

  it('the wrong apiVersion is rejected too', async () => {
    const f = file('oldapi.yaml', 'apiVersion: install.istio.io/v1beta1\nkind: IstioOperator\n');
    expect((await rejects(resolveIstioOperator({ files: [f] }))).message).toBe(`${f}:2: IstioOperator (install.istio.io/v1beta1) is not an IstioOperator`);
  });

  it('two IstioOperators in one file', async () => {
    const f = file('two.yaml', `${iop('  profile: demo\n')}---\n${iop('  profile: minimal\n')}`);
    const err = await rejects(resolveIstioOperator({ files: [f] }));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(`${f}:6: contains multiple IstioOperator CRs, only one per file is supported`);
  });

  it('unknown top-level fields and a spec that is not a map', async () => {
    const f = file('specs.yaml', 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspecs:\n  profile: demo\n');
    const err = await rejects(resolveIstioOperator({ files: [f] }));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(`${f}:3: unknown field "specs" in IstioOperator`);
    const g = file('speclist.yaml', 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  - profile\n');
    expect((await rejects(resolveIstioOperator({ files: [g] }))).message).toBe(`${g}:3: spec must be a map, not a list`);
  });

  it('malformed YAML: DataError with file:line:col', async () => {
    const f = file('bad.yaml', 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values: [unclosed\n');
    const err = await rejects(resolveIstioOperator({ files: [f] }));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: malformed YAML`));
  });

  it('a missing file', async () => {
    const err = await rejects(resolveIstioOperator({ files: [join(dir, 'nope.yaml')] }));
    expect(err.message).toBe(`cannot read ${join(dir, 'nope.yaml')}: no such file`);
  });

  it('-f - must be last', async () => {
    const err = await rejects(resolveIstioOperator({ files: ['-', join(dir, 'a.yaml')] }));
    expect(err).toBeInstanceOf(UsageError);
  });
});

describe('profiles', () => {
  it('lists the built-in profiles', () => {
    expect(listProfiles()).toEqual(['ambient', 'default', 'demo', 'empty', 'minimal', 'openshift', 'openshift-ambient', 'preview', 'remote', 'stable']);
  });

  it('an unknown profile lists the known ones', async () => {
    const err = await rejects(resolveIstioOperator({ sets: ['profile=demoo'] }));
    expect(err.message).toBe('profile "demoo" not found');
    expect(err.hint).toContain('Known profiles: ambient, default, demo,');
    expect(() => loadProfile('../package')).toThrow(/profile "..\/package" not found/);
  });

  it.each(listProfiles())('%s resolves and validates cleanly', async (name) => {
    const { iop: out, warnings } = await resolveIstioOperator({ profile: name });
    expect(warnings).toEqual([]);
    expect(out.spec.profile).toBe(name);
  });

  it('profiles switch the components profiles.md §2.1 lists', async () => {
    const enabled = async (name: string) => {
      const c = (await resolveIstioOperator({ profile: name })).iop.spec.components!;
      const on = (x: { enabled?: boolean } | undefined) => x !== undefined && x.enabled !== false;
      return {
        base: on(c.base), pilot: on(c.pilot), ingress: on(c.ingressGateways?.[0]), egress: on(c.egressGateways?.[0]), cni: on(c.cni), ztunnel: on(c.ztunnel),
      };
    };
    expect(await enabled('default')).toEqual({ base: true, pilot: true, ingress: true, egress: false, cni: false, ztunnel: false });
    expect(await enabled('demo')).toEqual({ base: true, pilot: true, ingress: true, egress: true, cni: false, ztunnel: false });
    expect(await enabled('minimal')).toEqual({ base: true, pilot: true, ingress: false, egress: false, cni: false, ztunnel: false });
    expect(await enabled('empty')).toEqual({ base: false, pilot: false, ingress: false, egress: false, cni: false, ztunnel: false });
    expect(await enabled('remote')).toEqual({ base: true, pilot: true, ingress: false, egress: false, cni: false, ztunnel: false });
    expect(await enabled('ambient')).toEqual({ base: true, pilot: true, ingress: false, egress: false, cni: true, ztunnel: true });
    expect(await enabled('openshift')).toEqual({ base: true, pilot: true, ingress: true, egress: false, cni: true, ztunnel: false });
    const ambient = (await resolveIstioOperator({ profile: 'ambient' })).iop.spec.values!;
    expect(ambient.pilot).toMatchObject({ env: { PILOT_ENABLE_AMBIENT: 'true' }, cni: { enabled: true } });
    expect(ambient.global).toMatchObject({ variant: 'distroless' });
    const openshift = (await resolveIstioOperator({ profile: 'openshift' })).iop.spec;
    expect(openshift.components?.cni?.namespace).toBe('kube-system');
    expect(openshift.values?.cni).toMatchObject({ provider: 'multus', seLinuxOptions: { type: 'spc_t' } });
  });

  it('--manifests DIR reads DIR/profiles/*.yaml, or DIR/*.yaml', async () => {
    const nested = join(dir, 'm1');
    mkdirSync(join(nested, 'profiles'), { recursive: true });
    writeFileSync(join(nested, 'profiles', 'default.yaml'), iop('  components:\n    pilot:\n      enabled: true\n  values:\n    global:\n      istioNamespace: custom-ns\n'));
    writeFileSync(join(nested, 'profiles', 'tiny.yaml'), iop('  components:\n    pilot:\n      enabled: false\n'));
    expect(listProfiles(nested)).toEqual(['default', 'tiny']);
    const { iop: out } = await resolveIstioOperator({ manifestsDir: nested, sets: ['profile=tiny'] });
    expect(out.metadata.namespace).toBe('custom-ns');
    expect(out.spec.components).toEqual({ pilot: { enabled: false } });
    expect(out.spec.installPackagePath).toBe(nested);

    const flat = join(dir, 'm2');
    mkdirSync(flat);
    writeFileSync(join(flat, 'default.yaml'), iop('  components:\n    base:\n      enabled: true\n'));
    expect(listProfiles(flat)).toEqual(['default']);
    // installPackagePath from --set works as -d
    expect((await resolveIstioOperator({ sets: [`installPackagePath=${flat}`] })).iop.spec.components).toEqual({ base: { enabled: true } });
    expect((await rejects(resolveIstioOperator({ manifestsDir: join(dir, 'missing') }))).message).toContain('no such directory');
  });
});

describe('effectiveOverrides', () => {
  it("is what the user's -f/--set change on top of the chosen profile", async () => {
    const { iop: out } = await resolveIstioOperator({ sets: ['values.global.network=net1', 'components.cni.enabled=true', 'profile=minimal'] });
    expect(effectiveOverrides(out)).toEqual({
      components: { cni: { enabled: true } },
      values: { global: { network: 'net1' }, pilot: { cni: { enabled: true } } },
    });
    expect(effectiveOverrides((await resolveIstioOperator({})).iop)).toEqual({});
    expect(effectiveOverrides((await resolveIstioOperator({ sets: ['profile=demo'] })).iop)).toEqual({});
  });
});

describe('errors inside a profile file', () => {
  it('name the profile and its file:line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sailctl-profiles-'));
    writeFileSync(join(dir, 'default.yaml'), 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  components:\n    base:\n      enabled: true\n');
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    global:\n      nope: 1\n');
    const err = await rejects(resolveIstioOperator({ manifestsDir: dir, sets: ['profile=broken'] }));
    expect(err.message).toContain(`spec.values.global.nope (profile broken (${join(dir, 'broken.yaml')}:6)): unknown field "nope"`);
  });
});
