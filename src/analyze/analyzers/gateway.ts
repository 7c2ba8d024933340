/** Gateway analyzers: conflicts, duplicate certificates, credentials, ports the gateway Service does not expose. */
import type { Analyzer } from '../framework.js';
import { isObject } from '../../core/json.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { labelsToString, pushTo } from './util.js';

interface Server {
  gw: Resource;
  index: number;
  port: number;
  hosts: string[];
}

function servers(gw: Resource): Server[] {
  return asArray<AnyObject>(gw.spec.servers)
    .map((s, index) => ({ gw, index, port: Number(s?.port?.number), hosts: asArray<string>(s?.hosts).filter((h) => typeof h === 'string').map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h).toLowerCase()) }))
    .filter((s) => Number.isFinite(s.port));
}

function selectorOf(gw: Resource): Record<string, string> {
  return isObject(gw.spec.selector) ? (gw.spec.selector as Record<string, string>) : {};
}

export const conflictingGateways: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: 'Checks that Gateways with the same workload selector do not serve the same port and host',
  inputs: ['Gateway'],
  codes: ['IST0145'],
  run(ctx) {
    // Group servers by selector and port; within a group, index exact hosts and compare wildcards by suffix.
    const groups = new Map<string, Server[]>();
    for (const gw of ctx.all('Gateway')) {
      for (const s of servers(gw)) {
        const key = `${labelsToString(selectorOf(gw))}|${s.port}`;
        const list = groups.get(key);
        if (list) list.push(s);
        else groups.set(key, [s]);
      }
    }
    const conflicts = new Map<Resource, { others: Set<string>; port: number; hosts: Set<string> }>();
    const note = (a: Server, b: Server, host: string) => {
      if (a.gw === b.gw) return;
      for (const [x, y] of [[a, b], [b, a]] as const) {
        const c = conflicts.get(x.gw) ?? { others: new Set(), port: x.port, hosts: new Set() };
        c.others.add(`${y.gw.namespace}/${y.gw.name}`);
        c.hosts.add(host);
        conflicts.set(x.gw, c);
      }
    };
    for (const list of groups.values()) {
      if (list.length < 2) continue;
      const exact = new Map<string, Server[]>();
      const wild = new Map<string, Server[]>();
      for (const s of list) for (const h of s.hosts) pushTo(h.startsWith('*') ? wild : exact, h, s);
      for (const [h, ss] of exact) {
        for (let i = 1; i < ss.length; i++) note(ss[0]!, ss[i]!, h);
        for (let dot = h.indexOf('.'); dot >= 0; dot = h.indexOf('.', dot + 1)) for (const w of wild.get('*' + h.slice(dot)) ?? []) note(ss[0]!, w, h);
        for (const w of wild.get('*') ?? []) note(ss[0]!, w, h);
      }
      const wildHosts = [...wild.keys()];
      for (let i = 0; i < wildHosts.length; i++) {
        const ss = wild.get(wildHosts[i]!)!;
        for (let k = 1; k < ss.length; k++) note(ss[0]!, ss[k]!, wildHosts[i]!);
        for (let j = i + 1; j < wildHosts.length; j++) {
          const a = wildHosts[i]!.slice(1);
          const b = wildHosts[j]!.slice(1);
          if (a.endsWith(b) || b.endsWith(a)) note(ss[0]!, wild.get(wildHosts[j]!)![0]!, a.length > b.length ? wildHosts[i]! : wildHosts[j]!);
        }
      }
    }
    for (const gw of ctx.all('Gateway')) {
      const c = conflicts.get(gw);
      if (!c) continue;
      ctx.report('IST0145', gw, `Conflict with gateways ${[...c.others].sort().join(',')} (workload selector ${labelsToString(selectorOf(gw))}, port ${c.port}, hosts ${[...c.hosts].sort().join(',')}).`, ['spec', 'servers']);
    }
  },
};

export const duplicateCertificates: Analyzer = {
  name: 'gateway.CertificateAnalyzer',
  description: 'Checks that Gateways on the same workloads do not share a certificate (HTTP/2 connection reuse gives 404s)',
  inputs: ['Gateway'],
  codes: ['IST0138'],
  run(ctx) {
    const byCert = new Map<string, Set<Resource>>();
    for (const gw of ctx.all('Gateway')) {
      for (const server of asArray<AnyObject>(gw.spec.servers)) {
        const tls = server?.tls;
        if (!isObject(tls)) continue;
        const certs = tls.credentialName ? [`credential:${tls.credentialName}`] : asArray<string>(tls.credentialNames).map((c) => `credential:${c}`);
        if (tls.serverCertificate) certs.push(`file:${tls.serverCertificate}|${tls.privateKey ?? ''}`);
        for (const c of certs) {
          const key = `${labelsToString(selectorOf(gw))}|${c}`;
          const set = byCert.get(key) ?? new Set();
          set.add(gw);
          byCert.set(key, set);
        }
      }
    }
    const reported = new Set<Resource>();
    for (const set of byCert.values()) {
      if (set.size < 2) continue;
      const names = [...set].map((g) => `${g.namespace}/${g.name}`).sort().join(',');
      for (const gw of set) {
        if (reported.has(gw)) continue;
        reported.add(gw);
        ctx.report('IST0138', gw, `Duplicate certificate in multiple gateways ${names} may cause 404s if clients re-use HTTP2 connections.`);
      }
    }
  },
};

/** Namespaces the gateway's workloads run in (the credential must live there). */
function gatewayNamespaces(ctx: Parameters<Analyzer['run']>[0], gw: Resource): string[] {
  const selector = selectorOf(gw);
  const found = Object.keys(selector).length > 0 ? [...new Set(ctx.selectWorkloadsAnywhere(selector).map((w) => w.namespace))] : [];
  return found.length > 0 ? found : [gw.namespace];
}

const PEM_CERT = '-----BEGIN CERTIFICATE-----';

function decoded(secret: Resource, key: string): string | undefined {
  const data = secret.body.data?.[key];
  if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
  const str = secret.body.stringData?.[key];
  return typeof str === 'string' ? str : undefined;
}

/** Why a TLS secret cannot serve as a gateway credential, or undefined if it can. */
function credentialProblem(secret: Resource): string | undefined {
  const certKey = decoded(secret, 'tls.crt') !== undefined ? 'tls.crt' : decoded(secret, 'cert') !== undefined ? 'cert' : undefined;
  const keyKey = decoded(secret, 'tls.key') !== undefined ? 'tls.key' : decoded(secret, 'key') !== undefined ? 'key' : undefined;
  if (!certKey || !keyKey) {
    if (decoded(secret, 'ca.crt') !== undefined || decoded(secret, 'cacert') !== undefined) return undefined;
    return 'the secret has no certificate and key (tls.crt and tls.key, or cert and key)';
  }
  if (!decoded(secret, certKey)!.includes(PEM_CERT)) return `${certKey} is not a PEM certificate`;
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(decoded(secret, keyKey)!)) return `${keyKey} is not a PEM private key`;
  return undefined;
}

export const gatewayCredentials: Analyzer = {
  name: 'gateway.SecretAnalyzer',
  description: "Checks that Gateway credentialName secrets exist in the gateway workload's namespace and hold a certificate and key",
  inputs: ['Gateway'],
  codes: ['IST0101', 'IST0161'],
  run(ctx) {
    // Secrets rarely live in Git: judge only when secrets are in view (cluster, or some in the files).
    if (!ctx.knows('Secret')) return;
    for (const gw of ctx.all('Gateway')) {
      asArray<AnyObject>(gw.spec.servers).forEach((server, i) => {
        const tls = server?.tls;
        if (!isObject(tls)) return;
        const names = tls.credentialName ? [String(tls.credentialName)] : asArray<string>(tls.credentialNames).map(String);
        for (const raw of names) {
          const name = raw.replace(/^kubernetes:\/\//, '');
          if (name.includes('://')) continue;
          const namespaces = gatewayNamespaces(ctx, gw);
          const secret = namespaces.map((ns) => ctx.get('Secret', ns, name) ?? ctx.get('Secret', ns, name.replace(/-cacert$/, ''))).find(Boolean);
          if (!secret) {
            ctx.report('IST0101', gw, `Referenced credentialName not found: ${JSON.stringify(raw)}`, ['spec', 'servers', i, 'tls']);
            continue;
          }
          const problem = credentialProblem(secret);
          if (problem) ctx.report('IST0161', gw, `Invalid certificate reference ${secret.namespace}/${secret.name}, error: ${problem}`, ['spec', 'servers', i, 'tls']);
        }
      });
    }
  },
};

export const gatewayPorts: Analyzer = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  description: "Checks that Gateway selectors match workloads and that each server port is exposed by the workload's Service",
  inputs: ['Gateway'],
  codes: ['IST0101', 'IST0162'],
  run(ctx) {
    for (const gw of ctx.all('Gateway')) {
      const selector = selectorOf(gw);
      if (Object.keys(selector).length === 0) continue;
      const workloads = ctx.selectWorkloadsAnywhere(selector);
      if (workloads.length === 0) {
        // Without the cluster's pods, a gateway deployment outside the files proves nothing.
        if (ctx.options.completeKinds.has('Pod')) ctx.report('IST0101', gw, `Referenced selector not found: ${JSON.stringify(labelsToString(selector))}`, ['spec', 'selector']);
        continue;
      }
      const ports = new Set<number>();
      let services = 0;
      for (const w of workloads) {
        for (const svc of ctx.servicesSelecting(w)) {
          services++;
          for (const p of asArray<AnyObject>(svc.spec.ports)) {
            ports.add(Number(p?.port));
            if (typeof p?.targetPort === 'number') ports.add(p.targetPort);
          }
        }
      }
      if (services === 0) continue;
      servers(gw).forEach((s) => {
        if (!ports.has(s.port)) ctx.report('IST0162', gw, `The gateway is listening on a target port (port ${s.port}) that is not defined in the Service associated with its workload instances (Pod selector ${labelsToString(selector)}). If you need to access the gateway port through the gateway Service, it will not be available.`, ['spec', 'servers', s.index, 'port']);
      });
    }
  },
};

export const gatewayAnalyzers = [conflictingGateways, duplicateCertificates, gatewayCredentials, gatewayPorts];
