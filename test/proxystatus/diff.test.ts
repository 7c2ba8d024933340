/**
 * `proxy-status <pod>` comparisons judged by istioctl's rules (proxy-debugging.md §2.2.1 step 4,
 * istioctl's config-dump wrapper): each side is the dynamic part of its dump — clusters and
 * route configurations sorted by name without version_info/last_updated, listeners with an
 * active state sorted by name without the entry's name, its draining state or the active
 * state's version and time, virtual hosts sorted by name — printed by jsonpb with Indent "    "
 * (lowerCamel names, fields in proto declaration order, defaults left out), so two dumps that
 * differ only in spelling, order or bookkeeping match.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigDump } from '../../src/proxy/dump.js';
import { compareDumps } from '../../src/proxystatus/diff.js';

const T = 'type.googleapis.com/';
const ADMIN = `${T}envoy.admin.v3.`;
type Obj = Record<string, unknown>;
const dump = (clusters: Obj[], listeners: Obj[], routes: Obj[]) =>
  parseConfigDump(
    JSON.stringify({
      configs: [
        { '@type': `${ADMIN}ClustersConfigDump`, dynamic_active_clusters: clusters },
        { '@type': `${ADMIN}ListenersConfigDump`, dynamic_listeners: listeners },
        { '@type': `${ADMIN}RoutesConfigDump`, dynamic_route_configs: routes },
      ],
    }),
    'envoy',
  );
const cluster = (fields: Obj, extra: Obj = {}) => ({ ...extra, cluster: { '@type': `${T}envoy.config.cluster.v3.Cluster`, ...fields } });
const listener = (name: string, extra: Obj = {}) => ({ ...extra, active_state: { version_info: 'v1', last_updated: '2026-08-22T10:00:00Z', listener: { '@type': `${T}envoy.config.listener.v3.Listener`, name } } });
const route = (name: string, hosts: string[], extra: Obj = {}) => ({ ...extra, route_config: { '@type': `${T}envoy.config.route.v3.RouteConfiguration`, name, virtual_hosts: hosts.map((h) => ({ name: h, domains: [h] })) } });

describe('proxy-status <pod>: both sides as istioctl prints them', () => {
  it('spelling, field order, list order and bookkeeping do not count', () => {
    const istiod = dump(
      [cluster({ name: 'b', type: 'EDS', connectTimeout: '10s' }), cluster({ name: 'a', type: 'STATIC' })],
      [listener('virtualOutbound'), listener('virtualInbound')],
      [route('9080', ['reviews:9080', 'details:9080'])],
    );
    const envoy = dump(
      [cluster({ type: 'STATIC', name: 'a' }, { version_info: 'v7', last_updated: '2026-08-22T11:00:00Z' }), cluster({ connect_timeout: '10s', type: 'EDS', name: 'b' })],
      [listener('virtualInbound', { name: 'virtualInbound', draining_state: { version_info: 'v0' } }), listener('virtualOutbound', { name: 'virtualOutbound' }), { name: 'warming', warming_state: {} }],
      [route('9080', ['details:9080', 'reviews:9080'], { version_info: 'v3', last_updated: '2026-08-22T11:52:54Z' })],
    );
    expect(compareDumps(istiod, envoy)).toBe('Clusters Match\nListeners Match\nRoutes Match (RDS last loaded at Sat, 22 Aug 2026 11:52:54 UTC)\n');
  });

  it('a difference: a unified diff of the jsonpb text (4-space indent, fields in declaration order)', () => {
    const istiod = dump([cluster({ name: 'a', type: 'EDS', connect_timeout: '10s' })], [], []);
    const envoy = dump([cluster({ connectTimeout: '1s', type: 'EDS', name: 'a' })], [], []);
    expect(compareDumps(istiod, envoy)).toBe(
      [
        "Clusters Don't Match",
        '--- Istiod Clusters',
        '+++ Envoy Clusters',
        '@@ -1,12 +1,12 @@',
        ' {',
        '     "dynamicActiveClusters": [',
        '         {',
        '             "cluster": {',
        '                 "@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster",',
        '                 "name": "a",',
        '                 "type": "EDS",',
        '-                "connectTimeout": "10s"',
        '+                "connectTimeout": "1s"',
        '             }',
        '         }',
        '     ]',
        ' }',
        '',
        'Listeners Match',
        'Routes Match',
        '',
      ].join('\n'),
    );
  });

  it('a side without the section shows why, as istioctl diffs the error text', () => {
    const istiod = parseConfigDump(JSON.stringify({ configs: [{ '@type': `${ADMIN}ClustersConfigDump` }, { '@type': `${ADMIN}ListenersConfigDump` }] }), 'envoy');
    const envoy = dump([], [], []);
    const out = compareDumps(istiod, envoy);
    expect(out).toMatch(/^Clusters Match\nListeners Match\nRoutes Don't Match\n--- Istiod Routes\n\+\+\+ Envoy Routes\n@@ -1 \+1,3 @@\n/);
    expect(out).toContain(`-config dump has no configuration type ${ADMIN}RoutesConfigDump\n+{\n+\n+}\n`);
  });
});
