/**
 * `proxy-config <type>` as a library (src/proxy/config-view.ts): a saved admin response read
 * and rendered per type, format and filter, to the bytes istioctl prints (expected.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProxyConfig, renderProxyConfig, type ProxyConfigFormat, type ProxyConfigQuery, type ProxyConfigType } from '../../src/proxy/config-view.js';
import * as X from './expected.js';

const CLUSTERS = join(import.meta.dirname, 'fixtures', 'clusters.json');
const NONE: ProxyConfigQuery = { cluster: {}, listener: { verbose: true }, route: { verbose: true }, endpoint: {}, now: new Date('2025-01-01T00:00:00Z') };

async function show(type: ProxyConfigType, path: string, format: ProxyConfigFormat = 'short', q: Partial<ProxyConfigQuery> = {}) {
  const data = await parseProxyConfig(type, readFileSync(path, 'utf8'), { file: path });
  return renderProxyConfig(data, { ...NONE, ...q }, format);
}
const dump = (f: string) => join(X.DUMPS, f);

describe('renderProxyConfig', () => {
  it.each([
    ['cluster', 'sidecar-full.json', X.SIDECAR_CLUSTERS],
    ['listener', 'sidecar-full.json', X.SIDECAR_LISTENERS],
    ['route', 'sidecar-full.json', X.SIDECAR_ROUTES],
    ['secret', 'secrets-istio.json', X.SECRETS_ISTIO],
    ['bootstrap', 'bootstrap-only.json', X.BOOTSTRAP_ONLY_SHORT],
    ['ecds', 'ecds.json', X.ECDS_SHORT],
    ['all', 'sidecar-full.json', X.SIDECAR_ALL],
  ] as const)('%s table of %s', async (type, file, expected) => {
    expect(await show(type, dump(file))).toEqual({ text: expected });
  });

  it('endpoint reads the /clusters answer', async () => {
    expect(await show('endpoint', CLUSTERS)).toEqual({ text: X.ENDPOINTS });
    expect(await show('endpoint', CLUSTERS, 'json', { endpoint: { cluster: 'sds-grpc' } })).toEqual({ text: X.ENDPOINTS_SDS_JSON });
  });

  it('the filters and the structured formats', async () => {
    expect(await show('cluster', dump('sidecar-full.json'), 'json', { cluster: { fqdn: 'agent' } })).toEqual({ text: X.AGENT_CLUSTER_JSON });
    expect(await show('cluster', dump('sidecar-full.json'), 'yaml', { cluster: { fqdn: 'agent' } })).toEqual({ text: X.AGENT_CLUSTER_YAML });
    expect(await show('listener', dump('sidecar-full.json'), 'short', { listener: { verbose: false } })).toEqual({ text: X.SIDECAR_LISTENERS_SHORT });
    expect(await show('bootstrap', dump('bootstrap-only.json'), 'json')).toEqual({ text: X.BOOTSTRAP_ONLY_JSON });
    const raw = readFileSync(dump('sidecar-full.json'), 'utf8');
    expect(await show('all', dump('sidecar-full.json'), 'json')).toEqual({ text: `${raw}\n` });
  });

  it('all: a section that fails ends the output there and comes back with the error', async () => {
    const { text, error } = await show('all', dump('bootstrap-only.json'));
    expect(text.startsWith(X.BOOTSTRAP_ONLY_SHORT)).toBe(true);
    expect(String(error)).toMatch(/config dump has no configuration type type\.googleapis\.com\/envoy\.admin\.v3\.ClustersConfigDump/);
  });

  it('a dump without the section asked for is one sentence', async () => {
    await expect(show('cluster', dump('bootstrap-only.json'))).rejects.toThrow(/^config dump has no configuration type type\.googleapis\.com\/envoy\.admin\.v3\.ClustersConfigDump$/);
    await expect(show('secret', dump('bootstrap-only.json'), 'json')).rejects.toThrow(/^sidecar doesn't support secrets: /);
  });
});
