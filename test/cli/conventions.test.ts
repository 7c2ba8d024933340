import { describe, expect, it } from 'vitest';
import { ExitCode, DataError, SilentExit, UsageError, UserError } from '../../src/core/errors.js';
import { parseOutputFormat } from '../../src/core/output.js';
import { formatStructured } from '../../src/core/structured.js';
import { collectFiles, collect, parseDuration } from '../../src/cli/flags.js';
import { exitCodeFor } from '../../src/cli/run.js';
import { imageTag, summariseProxies } from '../../src/version/mesh-version.js';

describe('flag parsing', () => {
  it('-f is a string slice: repeatable and split on commas', () => {
    expect(collectFiles('b.yaml', collectFiles('a.yaml,x.yaml'))).toEqual(['a.yaml', 'x.yaml', 'b.yaml']);
  });
  it('--set is a string array: commas are kept', () => {
    expect(collect('values.a=x,y', collect('profile=demo'))).toEqual(['profile=demo', 'values.a=x,y']);
  });
  it('durations use Go syntax', () => {
    expect(parseDuration('5m', '--t')).toBe(300_000);
    expect(parseDuration('1h30m', '--t')).toBe(5_400_000);
    expect(parseDuration('1.5s', '--t')).toBe(1500);
    expect(parseDuration('250ms', '--t')).toBe(250);
    expect(() => parseDuration('5 minutes', '--readiness-timeout')).toThrow(/invalid duration "5 minutes" for --readiness-timeout/);
    expect(() => parseDuration('', '--t')).toThrow(UsageError);
  });
});

describe('output formats', () => {
  it('json is pretty-printed, yaml is block style, both end with a newline', () => {
    expect(formatStructured({ a: [1, 2] }, 'json')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}\n');
    expect(formatStructured({ a: [1, 2] }, 'yaml')).toBe('a:\n  - 1\n  - 2\n');
  });
  it('an unsupported -o value is a usage error naming the choices', () => {
    expect(parseOutputFormat('json', ['json', 'yaml'])).toBe('json');
    expect(() => parseOutputFormat('xml', ['json', 'yaml'])).toThrow(/invalid value "xml" for --output: must be one of "json", "yaml"/);
  });
});

describe('exit codes follow istioctl', () => {
  it.each([
    [new UsageError('bad flag'), ExitCode.Usage],
    [new DataError('bad file'), ExitCode.DataError],
    [new UserError('failed'), ExitCode.Failure],
    [new SilentExit(ExitCode.AnalyzerFoundIssues), 79],
    [new Error('unknown command "foo"'), 64],
    [new Error('boom'), 1],
  ])('%s → %i', (err, code) => {
    expect(exitCodeFor(err)).toBe(code);
  });
});

describe('version helpers', () => {
  it('reads the version from an image tag', () => {
    expect(imageTag('docker.io/istio/pilot:1.30.0')).toBe('1.30.0');
    expect(imageTag('localhost:5000/istio/proxyv2:1.29.1-distroless')).toBe('1.29.1');
    expect(imageTag('gcr.io/istio/pilot@sha256:abc')).toBe('latest');
    expect(imageTag('localhost:5000/pilot')).toBe('latest');
  });
  it('groups proxies by version, sorted numerically', () => {
    expect(summariseProxies([])).toBe('none');
    const p = (v: string) => ({ ID: 'x', IstioVersion: v, Type: 'sidecar' as const });
    expect(summariseProxies([p('1.30.0'), p('1.9.0'), p('1.30.0')])).toBe('1.9.0 (1 proxy), 1.30.0 (2 proxies)');
  });
});
