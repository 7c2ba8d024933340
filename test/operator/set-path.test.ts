import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { applySet, formatPath, parseSetFlag } from '../../src/operator/set-path.js';
import type { JsonObject } from '../../src/core/json.js';

/** Applies --set flags to an empty IstioOperator (or `start`) and returns its spec. */
function set(flags: string[], start: JsonObject = {}): JsonObject {
  const root: JsonObject = { spec: structuredClone(start) };
  for (const f of flags) applySet(root, parseSetFlag(f));
  return root.spec as JsonObject;
}

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('--set paths', () => {
  it.each([
    ['profile=demo', { profile: 'demo' }],
    ['spec.profile=demo', { profile: 'demo' }],
    ['hub=gcr.io/istio-testing', { hub: 'gcr.io/istio-testing' }],
    ['revision=canary', { revision: 'canary' }],
    ['meshConfig.accessLogFile=/dev/stdout', { meshConfig: { accessLogFile: '/dev/stdout' } }],
    ['values.global.proxy.image=proxyv2', { values: { global: { proxy: { image: 'proxyv2' } } } }],
    ['components.cni.enabled=true', { components: { cni: { enabled: true } } }],
    ['  values.pilot.env.A = b  ', { values: { pilot: { env: { A: 'b' } } } }],
    ['.values.pilot.enabled.=false', { values: { pilot: { enabled: false } } }],
    ['values.pilot.podAnnotations.example\\.com//team=a', { values: { pilot: { podAnnotations: { 'example.com/team': 'a' } } } }],
  ])('%s', (flag, spec) => {
    expect(set([flag])).toEqual(spec);
  });

  it('turns \\. into a literal dot inside a key', () => {
    const spec = set(['values.sidecarInjectorWebhook.injectedAnnotations.container\\.apparmor\\.security\\.beta\\.kubernetes\\.io/istio-proxy=runtime/default']);
    expect(spec).toEqual({
      values: { sidecarInjectorWebhook: { injectedAnnotations: { 'container.apparmor.security.beta.kubernetes.io/istio-proxy': 'runtime/default' } } },
    });
  });

  it('without "=" is a usage error naming the flag (a forgotten value is not an empty one)', () => {
    expect(() => set(['values.global.network'])).toThrow(/invalid --set values\.global\.network: no "=" between the path and the value/);
  });

  it('splits at the first "=" only', () => {
    expect(set(['values.pilot.env.OPTS=a=b'])).toEqual({ values: { pilot: { env: { OPTS: 'a=b' } } } });
  });

  it('[i] creates a missing list and appends past the end', () => {
    const spec = set(['components.ingressGateways[0].name=a', 'components.ingressGateways[5].name=b', 'components.ingressGateways[-1].name=c']);
    expect(spec).toEqual({ components: { ingressGateways: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } });
  });

  it('[i] inside the list edits that element', () => {
    const spec = set(['components.ingressGateways[1].enabled=false'], { components: { ingressGateways: [{ name: 'a' }, { name: 'b' }] } });
    expect(spec).toEqual({ components: { ingressGateways: [{ name: 'a' }, { name: 'b', enabled: false }] } });
  });

  it('[i] as the last segment replaces or appends a scalar', () => {
    expect(set(['values.revisionTags[0]=prod', 'values.revisionTags[1]=canary', 'values.revisionTags[0]=stable'])).toEqual({
      values: { revisionTags: ['stable', 'canary'] },
    });
  });

  it('a.[0] is the same as a[0]', () => {
    expect(set(['values.revisionTags.[0]=x'])).toEqual({ values: { revisionTags: ['x'] } });
  });

  it('[key:value] selects the matching element', () => {
    const start = { components: { ingressGateways: [{ name: 'a', enabled: true }, { name: 'b.c', enabled: true }] } };
    const spec = set(['components.ingressGateways[name:b.c].enabled=false', 'components.ingressGateways[name:a].k8s.replicaCount=2'], start);
    expect(spec).toEqual({
      components: { ingressGateways: [{ name: 'a', enabled: true, k8s: { replicaCount: 2 } }, { name: 'b.c', enabled: false }] },
    });
  });

  it('nested lists: a[0][1]', () => {
    expect(set(['values.pilot.volumes[0][0]=1'])).toEqual({ values: { pilot: { volumes: [[1]] } } });
  });

  it('formats paths back into --set syntax', () => {
    expect(formatPath(parseSetFlag('components.ingressGateways[name:x].k8s.env[0].value=1').path)).toBe('spec.components.ingressGateways[name:x].k8s.env[0].value');
    expect(formatPath(parseSetFlag('values.pilot.env.a\\.b=1').path)).toBe('spec.values.pilot.env.a\\.b');
  });
});

describe('--set value typing', () => {
  const value = (flag: string) => parseSetFlag(flag).value;
  it.each([
    ['values.pilot.autoscaleMin=3', 3],
    ['values.pilot.autoscaleMin=-3', -3],
    ['values.pilot.autoscaleMin=+7', 7],
    ['values.pilot.autoscaleMin=007', 7],
    ['values.pilot.traceSampling=0.5', 0.5],
    ['values.pilot.traceSampling=1e2', 100],
    ['values.pilot.traceSampling=.25', 0.25],
    ['values.pilot.enabled=true', true],
    ['values.pilot.enabled=True', true],
    ['values.pilot.enabled=TRUE', true],
    ['values.pilot.enabled=t', true],
    ['values.pilot.enabled=F', false],
    ['values.pilot.enabled=false', false],
    ['values.global.hub=docker.io/istio', 'docker.io/istio'],
    ['values.global.network=yes', 'yes'],
    ['values.global.network=1.2.3', '1.2.3'],
    ['values.global.network=', ''],
    ['values.global.proxy.includeIPRanges=10.0.0.0/8\\,172.16.0.0/12', '10.0.0.0/8,172.16.0.0/12'],
  ])('%s', (flag, expected) => {
    expect(value(flag)).toStrictEqual(expected);
  });

  it.each([
    'tag=1.30',
    'spec.tag=1.30',
    'values.global.tag=1.30',
    'components.pilot.tag=1.30',
    'compatibilityVersion=1.28',
    'values.compatibilityVersion=1.28',
    'meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE=true',
    'values.meshConfig.defaultConfig.proxyMetadata.COUNT=3',
  ])('%s stays a string', (flag) => {
    const v = value(flag);
    expect(typeof v).toBe('string');
    expect(v).toBe(flag.slice(flag.indexOf('=') + 1));
  });

  it('does not unescape \\, in always-string paths twice', () => {
    expect(value('meshConfig.defaultConfig.proxyMetadata.L=a\\,b')).toBe('a,b');
  });
});

describe('--set errors', () => {
  it.each([
    ['=demo', /the path before "=" is empty/],
    ['foo.bar=1', /unknown IstioOperator field "foo"/],
    ['spec.bogus=1', /unknown IstioOperator field "bogus"/],
    ['[0]=1', /must start with a field name/],
    ['values..global=1', /empty field name/],
    ['components.ingressGateways[0=1', /unbalanced or misplaced "\["/],
    ['components.ingressGateways[x]=1', /\[x\] is neither a list index nor a key:value selector/],
    ['components.ingressGateways[:x]=1', /needs a field name before ":"/],
  ])('%s', (flag, message) => {
    const err = usageError(() => parseSetFlag(flag));
    expect(err.message).toContain(`--set ${flag}`);
    expect(err.message).toMatch(message);
    expect(err.exitCode).toBe(64);
  });

  it('a selector that matches nothing names the element', () => {
    const err = usageError(() => set(['components.ingressGateways[name:nope].enabled=false'], { components: { ingressGateways: [{ name: 'a' }] } }));
    expect(err.message).toBe('invalid --set components.ingressGateways[name:nope].enabled=false: element [name:nope] not found in spec.components.ingressGateways');
  });

  it('indexing a map or descending into a scalar fails clearly', () => {
    expect(usageError(() => set(['values.global[0]=1'], { values: { global: { hub: 'x' } } })).message).toMatch(/spec\.values\.global is a map, not a list/);
    expect(usageError(() => set(['values.global.hub.x=1'], { values: { global: { hub: 'x' } } })).message).toMatch(/spec\.values\.global\.hub is a string, not a map or list/);
    expect(usageError(() => set(['values.revisionTags.x=1'], { values: { revisionTags: ['a'] } })).message).toMatch(/spec\.values\.revisionTags is a list/);
    expect(usageError(() => set(['values.revisionTags[0].x=1'], { values: { revisionTags: ['a'] } })).message).toMatch(/revisionTags\[0\] is a string/);
  });
});
