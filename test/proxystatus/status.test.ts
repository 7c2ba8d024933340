/**
 * proxy-status printing, judged by istioctl's rules (proxy-debugging.md §2.2.2): Go tabwriter
 * (minwidth 0, padding 5) so every column is its widest cell plus 5 spaces; rows sorted by proxy
 * ID; SUBSCRIBED TYPES counts every watched type (NOT SENT too) with CDS, LDS, EDS, RDS first;
 * `-v 1` one column per type (seen, plus CDS/LDS/EDS/RDS/ECDS) in type-URL order, IGNORED when a
 * proxy does not watch it; ages in kubectl's HumanDuration.
 */
import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../src/core/duration.js';
import { discoveryResponses, formatStatusTable, formatVerboseTable, proxyRows, CDS, ECDS, EDS, LDS, RDS } from '../../src/proxystatus/status.js';
import type { IstiodSyncz } from '../../src/proxystatus/syncz.js';
import { rewriteArgv } from '../../src/cli/argv.js';
import { unifiedDiff } from '../../src/proxystatus/unified-diff.js';

const NOW = Date.parse('2026-08-22T12:00:00Z');
const synced = (n: string, minutesAgo: number) => ({ sent: n, acked: n, sentTime: new Date(NOW - minutesAgo * 60_000).toISOString() });

const responses: IstiodSyncz[] = [
  {
    istiod: 'istiod-7d4f74889d-mb5dh',
    statuses: [
      // Out of order on purpose: rows sort by proxy ID.
      { proxy: 'reviews-v1-5b54db4474-9h7qr.bookinfo', cluster_id: 'Kubernetes', istio_version: '1.30.0', resources: { [CDS]: synced('a', 3), [LDS]: synced('b', 3), [EDS]: { sent: 'c', acked: 'x', sentTime: new Date(NOW - 90_000).toISOString() }, [RDS]: synced('d', 3), [ECDS]: { sentTime: '0001-01-01T00:00:00Z' } } },
      { proxy: 'details-v1-55cddc9798-2mdwz.bookinfo', cluster_id: 'Kubernetes', istio_version: '1.30.0', resources: { [CDS]: synced('e', 125), [LDS]: synced('f', 125), [EDS]: synced('g', 125), [RDS]: synced('h', 125) } },
    ],
  },
  { istiod: 'istiod-canary-6c4fd9b7c9-qbmzl', statuses: [{ proxy: 'ratings-v1-7d8c5b4f9d-abcde.shop', cluster_id: 'Kubernetes', istio_version: '1.29.0', resources: {} }] },
];

describe('proxy-status table', () => {
  it('default: NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES, padded to the widest cell + 5', () => {
    expect(formatStatusTable(proxyRows(responses))).toBe(
      [
        'NAME                                     CLUSTER        ISTIOD                             VERSION     SUBSCRIBED TYPES',
        'details-v1-55cddc9798-2mdwz.bookinfo     Kubernetes     istiod-7d4f74889d-mb5dh            1.30.0      4 (CDS,LDS,EDS,RDS)',
        'ratings-v1-7d8c5b4f9d-abcde.shop         Kubernetes     istiod-canary-6c4fd9b7c9-qbmzl     1.29.0      0',
        'reviews-v1-5b54db4474-9h7qr.bookinfo     Kubernetes     istiod-7d4f74889d-mb5dh            1.30.0      5 (CDS,LDS,EDS,RDS,ECDS)',
        '',
      ].join('\n'),
    );
  });

  it('-n keeps that namespace’s proxies; none at all is istioctl’s error', () => {
    expect(proxyRows(responses, 'shop').map((r) => r.proxyId)).toEqual(['ratings-v1-7d8c5b4f9d-abcde.shop']);
    expect(() => proxyRows(responses, 'nowhere')).toThrow('no proxies found (checked 2 istiods)');
  });

  it('-v 1: a column per type in URL order, SYNCED with its age, STALE, NOT SENT, IGNORED', () => {
    // URL order: cluster < core (ECDS) < endpoint < listener < route.
    expect(formatVerboseTable(proxyRows(responses), NOW)).toBe(
      [
        'NAME                                     CLUSTER        CDS               ECDS         EDS               LDS               RDS               ISTIOD                             VERSION',
        'details-v1-55cddc9798-2mdwz.bookinfo     Kubernetes     SYNCED (125m)     IGNORED      SYNCED (125m)     SYNCED (125m)     SYNCED (125m)     istiod-7d4f74889d-mb5dh            1.30.0',
        'ratings-v1-7d8c5b4f9d-abcde.shop         Kubernetes     IGNORED           IGNORED      IGNORED           IGNORED           IGNORED           istiod-canary-6c4fd9b7c9-qbmzl     1.29.0',
        'reviews-v1-5b54db4474-9h7qr.bookinfo     Kubernetes     SYNCED (3m)       NOT SENT     STALE (90s)       SYNCED (3m)       SYNCED (3m)       istiod-7d4f74889d-mb5dh            1.30.0',
        '',
      ].join('\n'),
    );
  });

  it('-o json: per istiod, ClientConfig resources with the node metadata and per-type status', () => {
    const [first] = discoveryResponses(responses, 'bookinfo') as { resources: { node: { id: string; metadata: Record<string, string> }; genericXdsConfigs: { typeUrl: string; configStatus: string }[] }[]; typeUrl: string; controlPlane: { identifier: string } }[];
    expect(first!.typeUrl).toBe('istio.io/debug/syncz');
    expect(JSON.parse(first!.controlPlane.identifier)).toEqual({ Component: 'istiod', ID: 'istiod-7d4f74889d-mb5dh' });
    const reviews = first!.resources.find((r) => r.node.id.startsWith('reviews'))!;
    expect(reviews.node.metadata).toEqual({ CLUSTER_ID: 'Kubernetes', ISTIO_VERSION: '1.30.0', NAMESPACE: 'bookinfo' });
    expect(reviews.genericXdsConfigs.map((c) => `${c.typeUrl.split('.').at(-1)}=${c.configStatus}`)).toEqual(['Cluster=SYNCED', 'Listener=SYNCED', 'ClusterLoadAssignment=STALE', 'RouteConfiguration=SYNCED', 'TypedExtensionConfig=NOT_SENT']);
  });

  it('an istiod without per-type resources: the four core nonce pairs', () => {
    const rows = proxyRows([{ istiod: 'istiod-x', statuses: [{ proxy: 'a.ns', cluster_id: 'c1', istio_version: '1.30.0', cluster_sent: 'n1', cluster_acked: 'n1', listener_sent: 'n2', listener_acked: '', endpoint_sent: '', route_sent: 'n4', route_acked: 'n4' }] }]);
    expect(formatVerboseTable(rows, NOW).split('\n')[1]).toBe('a.ns     c1          SYNCED     IGNORED     NOT SENT     STALE     SYNCED     istiod-x     1.30.0');
  });
});

describe("kubectl's HumanDuration", () => {
  it.each([
    [0, '0s'], [119_000, '119s'], [120_000, '2m'], [150_000, '2m30s'], [600_000, '10m'], [179 * 60_000, '179m'],
    [3 * 3_600_000, '3h'], [3 * 3_600_000 + 300_000, '3h5m'], [8 * 3_600_000, '8h'], [47 * 3_600_000, '47h'],
    [48 * 3_600_000, '2d'], [49 * 3_600_000, '2d1h'], [8 * 86_400_000, '8d'], [730 * 86_400_000, '2y'], [735 * 86_400_000, '2y5d'], [-5000, '<invalid>'],
  ])('%d ms → %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});

describe('argv: -v after proxy-status is --verbosity', () => {
  it('rewrites only after ps / proxy-status / x ps', () => {
    expect(rewriteArgv(['ps', '-v', '1'])).toEqual(['ps', '--verbosity', '1']);
    expect(rewriteArgv(['--kubeconfig', 'k', 'x', 'proxy-status', '-v=1'])).toEqual(['--kubeconfig', 'k', 'x', 'proxy-status', '--verbosity=1']);
    expect(rewriteArgv(['-v', 'ps'])).toEqual(['-v', 'ps']);
    expect(rewriteArgv(['install', '-v'])).toEqual(['install', '-v']);
    expect(rewriteArgv(['-n', 'ps', 'version', '-v'])).toEqual(['-n', 'ps', 'version', '-v']);
  });
});

describe('unified diff (go-difflib format)', () => {
  it('equal texts: nothing; a change: headers, a hunk with its ranges, context lines', () => {
    expect(unifiedDiff('a\nb', 'a\nb', 'A', 'B', 7)).toBe('');
    const a = ['1', '2', '3', '4', '5'].join('\n');
    const b = ['1', '2', 'three', '4', '5'].join('\n');
    expect(unifiedDiff(a, b, 'Istiod Clusters', 'Envoy Clusters', 1)).toBe('--- Istiod Clusters\n+++ Envoy Clusters\n@@ -2,3 +2,3 @@\n 2\n-3\n+three\n 4\n');
  });
});
