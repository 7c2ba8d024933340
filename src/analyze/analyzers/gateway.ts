/**
 * Istio Gateways: selectors that match no Pod (IST0101), ports their workload's Service does not
 * expose (IST0162), credentials that are missing or invalid (IST0101, IST0161), certificates shared
 * with another gateway (IST0138), and servers that conflict with another gateway's (IST0145).
 */
import { X509Certificate } from 'node:crypto';
import type { Analyzer } from '../framework.js';
import type { AnalysisContext } from '../context.js';
import { isObject } from '../../core/json.js';
import { asArray, isAnyObject, type AnyObject, type Resource } from '../resource.js';
import { firstSelectorKey, labelsOf, matchesLabels, selectorText } from '../workloads.js';
import { goList, nsName, quote, strings } from './util.js';

function istioGateways(ctx: AnalysisContext): Resource[] {
  return ctx.all('Gateway').filter((g) => g.group === 'networking.istio.io');
}

function selectorOf(gw: Resource): Record<string, string> {
  return labelsOf(gw.spec.selector);
}

function servers(gw: Resource): AnyObject[] {
  return asArray<AnyObject>(gw.spec.servers).map((s) => (isObject(s) ? s : {}));
}

/** IST0101 for a gateway whose selector matches no Pod, pointing at its first selector label. */
function selectorNotFound(ctx: AnalysisContext, gw: Resource, selector: Record<string, string>): void {
  const key = firstSelectorKey(selector);
  ctx.report('IST0101', gw, `Referenced selector not found: ${quote(selectorText(selector))}`, key === undefined ? undefined : ['spec', 'selector', key]);
}

export const ingressGatewayPortAnalyzer: Analyzer = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  description: "Checks a gateway's ports against the gateway's Kubernetes service ports",
  inputs: ['Gateway'],
  codes: ['IST0101', 'IST0162'],
  run(ctx) {
    for (const gw of istioGateways(ctx)) {
      const selector = selectorOf(gw);
      const pods = ctx.selectPods(selector);
      if (pods.length === 0) {
        // A gateway Deployment whose Pods are not in the input: nothing to judge the ports by.
        if (!ctx.templateMatches(selector)) selectorNotFound(ctx, gw, selector);
        continue;
      }
      const exposed = new Set<number>();
      for (const pod of pods) {
        for (const svc of ctx.inNamespace('Service', pod.namespace)) {
          if (svc.group !== '' || !matchesLabels(labelsOf(svc.spec.selector), pod.labels)) continue;
          for (const p of asArray<AnyObject>(svc.spec.ports)) {
            if (p?.protocol !== 'TCP') continue;
            exposed.add(Number(p.port));
            if (typeof p.targetPort === 'number' && p.targetPort !== 0) exposed.add(p.targetPort);
          }
        }
      }
      const key = firstSelectorKey(selector);
      for (const s of servers(gw)) {
        const port = s.port?.number;
        if (typeof port !== 'number' || exposed.has(port)) continue;
        ctx.report('IST0162', gw, `The gateway is listening on a target port (port ${port}) that is not defined in the Service associated with its workload instances (Pod selector ${selectorText(selector)}). If you need to access the gateway port through the gateway Service, it will not be available.`, key === undefined ? undefined : ['spec', 'selector', key]);
      }
    }
  },
};

function decode(secret: Resource, key: string): string {
  const v = secret.body.data?.[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('latin1') : '';
}

/** Whether a Secret holds a usable certificate and key: `cert`/`key` or `tls.crt`/`tls.key`, the certificate valid now. */
function validCredential(secret: Resource, now: Date): boolean {
  let cert = decode(secret, 'cert');
  if (cert === '' || decode(secret, 'key') === '') {
    cert = decode(secret, 'tls.crt');
    if (cert === '' || decode(secret, 'tls.key') === '') return false;
  }
  const block = /-----BEGIN ([^-\n]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(cert);
  if (!block) return false;
  try {
    const x509 = new X509Certificate(Buffer.from(block[2]!.replace(/\s+/g, ''), 'base64'));
    return new Date(x509.validFrom) <= now && new Date(x509.validTo) >= now;
  } catch {
    return false;
  }
}

export const secretAnalyzer: Analyzer = {
  name: 'gateway.SecretAnalyzer',
  description: "Checks a gateway's referenced secrets for correctness",
  inputs: ['Gateway'],
  codes: ['IST0101', 'IST0161'],
  run(ctx) {
    const now = new Date();
    for (const gw of istioGateways(ctx)) {
      const selector = selectorOf(gw);
      // The credential lives where the gateway's workload runs: the namespace of the first Pod selected.
      const pod = ctx.selectPods(selector)[0];
      if (!pod) {
        if (!ctx.templateMatches(selector)) selectorNotFound(ctx, gw, selector);
        continue;
      }
      servers(gw).forEach((s, i) => {
        const cn = s.tls?.credentialName;
        if (typeof cn !== 'string' || cn === '') return;
        const slash = cn.indexOf('/');
        const [ns, name] = slash >= 0 ? [cn.slice(0, slash), cn.slice(slash + 1)] : [pod.namespace, cn];
        const secret = ctx.get('Secret', ns, name);
        const path = ['spec', 'servers', i, 'tls', 'credentialName'];
        if (!secret) ctx.report('IST0101', gw, `Referenced credentialName not found: ${quote(cn)}`, path);
        else if (!validCredential(secret, now)) ctx.report('IST0161', gw, `The credential referenced by the Gateway ${gw.name} in namespace ${pod.namespace} is invalid, which can cause the traffic not to work as expected.`, path);
      });
    }
  },
};

/** Two TLS servers present the same certificate: the same credentialName, or the same certificate and key files. */
function sameCertificate(a: AnyObject, b: AnyObject): boolean {
  if (a.credentialName && b.credentialName) return a.credentialName === b.credentialName;
  if (a.credentialName || b.credentialName) return false;
  return Boolean(a.serverCertificate) && Boolean(a.privateKey) && a.serverCertificate === b.serverCertificate && a.privateKey === b.privateKey;
}

export const certificateAnalyzer: Analyzer = {
  name: 'gateway.CertificateAnalyzer',
  description: 'Checks a gateway certificate',
  inputs: ['Gateway'],
  codes: ['IST0138'],
  run(ctx) {
    const gateways = istioGateways(ctx);
    for (const gw of gateways) {
      const selector = selectorOf(gw);
      // Gateways whose selectors include this one's select (at least) the same workloads.
      const candidates = gateways.filter((o) => o !== gw && matchesLabels(selector, selectorOf(o)));
      for (const s of servers(gw)) {
        if (!isObject(s.tls)) continue;
        for (const other of candidates) {
          if (servers(other).some((o) => isObject(o.tls) && sameCertificate(s.tls, o.tls))) {
            ctx.report('IST0138', gw, `Duplicate certificate in multiple gateways ${goList([nsName(gw), nsName(other)])} may cause 404s if clients re-use HTTP2 connections.`);
          }
        }
      }
    }
  },
};

interface FiledHost {
  host: string;
  bind: string;
}

export const conflictingGatewayAnalyzer: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: "Checks a gateway's selector, port number and hosts",
  inputs: ['Gateway'],
  codes: ['IST0101', 'IST0145'],
  run(ctx) {
    const gateways = istioGateways(ctx);
    // (selector text, port) → gateway → the hosts its servers there serve.
    const buckets = new Map<string, { selector: Record<string, string>; text: string; port: number; gateways: Map<string, FiledHost[]> }>();
    for (const gw of gateways) {
      const selector = selectorOf(gw);
      const text = selectorText(selector);
      for (const s of servers(gw)) {
        const port = s.port?.number;
        if (typeof port !== 'number') continue;
        const key = `${text}~${port}`;
        const bucket = buckets.get(key) ?? { selector, text, port, gateways: new Map() };
        buckets.set(key, bucket);
        const filed = strings(s.hosts).map((host) => ({ host, bind: String(s.bind ?? '') }));
        bucket.gateways.set(nsName(gw), [...(bucket.gateways.get(nsName(gw)) ?? []), ...filed]);
      }
    }
    const sharePod = (a: Record<string, string>, b: Record<string, string>) => {
      for (const k in a) if (k in b && a[k] !== b[k]) return false;
      return ctx.selectPods({ ...a, ...b }).length > 0;
    };
    for (const gw of gateways) {
      const selector = selectorOf(gw);
      const text = selectorText(selector);
      const matching = [...buckets.values()].filter((b) => b.text === text || ((b.text.includes(text) || text.includes(b.text)) && sharePod(b.selector, selector)));
      if (text !== '' && matching.length === 0) {
        selectorNotFound(ctx, gw, selector);
        continue;
      }
      const name = nsName(gw);
      for (const s of servers(gw)) {
        const port = s.port?.number;
        if (typeof port !== 'number') continue;
        const hosts = strings(s.hosts);
        const bind = String(s.bind ?? '');
        const conflicts: string[] = [];
        for (const bucket of matching) {
          if (bucket.port !== port) continue;
          for (const [other, filed] of bucket.gateways) {
            if (other === name) continue;
            if (hosts.some((h) => filed.some((f) => f.host === h && f.bind === bind))) conflicts.push(other);
            // Istio merges the hosts it compared into the other gateway's set (so conflicts can chain).
            else filed.push(...hosts.map((h) => ({ host: h, bind })));
          }
        }
        if (conflicts.length > 0) {
          ctx.report('IST0145', gw, `Conflict with gateways ${[...new Set(conflicts)].sort().join(',')} (workload selector ${text}, port ${port}, hosts ${hosts.join(',')}).`);
        }
      }
    }
  },
};

export const gatewayAnalyzers = [ingressGatewayPortAnalyzer, secretAnalyzer, certificateAnalyzer, conflictingGatewayAnalyzer];
