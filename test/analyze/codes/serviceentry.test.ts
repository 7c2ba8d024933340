/** serviceentry.Analyzer (IST0134) and serviceentry.ConflictingServiceEntryProtocolAnalyzer (IST0177). */
import { describe, expect, it } from 'vitest';
import { docLine, lineOf, only } from '../helpers.js';

const se = (name: string, ns: string, spec: string, status = '') => `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec}\n${status}---\n`;

describe('serviceentry.Analyzer (IST0134)', () => {
  const yaml =
    se('ftp', 'ops', '  hosts: [ftp.partner.test]\n  ports:\n  - {name: ftp, number: 21, protocol: tcp}\n  - {number: 990}\n  - {name: web, number: 80, protocol: HTTP}') +
    se('allocated', 'ops', '  hosts: [db.partner.test]\n  ports: [{name: db, number: 5432, protocol: TCP}]', 'status: {addresses: [{host: db.partner.test, value: 240.240.0.5}]}\n') +
    se('pinned', 'ops', '  hosts: [cache.partner.test]\n  addresses: [10.9.9.9]\n  ports: [{name: redis, number: 6379, protocol: TCP}]');
  it('TCP (any case) or unset ports need addresses unless the status has allocated some', async () => {
    expect(await only('serviceentry.Analyzer', yaml)).toEqual([
      `Warning [IST0134] (ServiceEntry ops/ftp :${docLine(yaml, 'name: ftp')}) ServiceEntry addresses are required for this protocol.`,
      `Warning [IST0134] (ServiceEntry ops/ftp :${lineOf(yaml, 'name: ftp, number: 21')}) ServiceEntry addresses are required for this protocol.`,
    ]);
  });
  it('DNS capture with auto-allocation (either switch) makes addresses unnecessary; auto-allocation alone does not', async () => {
    const mesh = (meta: string) => `defaultConfig:\n  proxyMetadata: {${meta}}\n`;
    expect(await only('serviceentry.Analyzer', yaml, { mesh: mesh('ISTIO_META_DNS_CAPTURE: "true", PILOT_ENABLE_IP_AUTOALLOCATE: "true"') })).toEqual([]);
    expect(await only('serviceentry.Analyzer', yaml, { mesh: mesh('PILOT_ENABLE_IP_AUTOALLOCATE: "true"') })).toHaveLength(2);
  });
});

describe('serviceentry.ConflictingServiceEntryProtocolAnalyzer (IST0177)', () => {
  it("compares entries visible in the same scope; everywhere-exported ones join every namespace's; each ServiceEntry once", async () => {
    const yaml =
      se('a', 'ns-a', '  hosts: [api.vendor.test]\n  exportTo: ["."]\n  ports: [{number: 8443, name: https, protocol: HTTPS}]') +
      se('b', 'ns-b', '  hosts: [api.vendor.test]\n  exportTo: ["."]\n  ports: [{number: 8443, name: tls, protocol: TLS}]') +
      se('c', 'ns-c', '  hosts: [API.vendor.test, grpc.vendor.test]\n  ports: [{number: 8443, name: p}]') +
      se('d', 'ns-d', '  hosts: [grpc.vendor.test]\n  ports: [{number: 8443, name: tcp, protocol: tcp}]');
    const msg = (r: string, names: string, host: string, protos: string) => `Warning [IST0177] (ServiceEntry ${r} :${docLine(yaml, `name: ${r.split('/')[1]},`)}) Multiple ServiceEntries (${names}) define the same host "${host}" and port 8443 with conflicting protocols (${protos}).`;
    expect(await only('serviceentry.ConflictingServiceEntryProtocolAnalyzer', yaml)).toEqual([
      msg('ns-c/c', 'ns-c/c, ns-d/d', 'grpc.vendor.test', ', TCP'),
      msg('ns-d/d', 'ns-c/c, ns-d/d', 'grpc.vendor.test', ', TCP'),
    ]);
  });
});
