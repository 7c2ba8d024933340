/**
 * Istio Gateways: selectors that match no Pod (IST0101), ports their workload's Service does not
 * expose (IST0162), credentials that are missing or invalid (IST0101, IST0161), certificates shared
 * with another gateway (IST0138), and servers that conflict with another gateway's (IST0145).
 */
import { X509Certificate } from 'node:crypto';
import type { Analyzer } from '../framework.js';
import type { AnalysisContext } from '../context.js';
import { isObject } from '../../core/json.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';
import { firstSelectorKey, labelsOf, matchesLabels, selectorText } from '../workloads.js';
import { goList, nsName, pushTo, quote, strings } from './util.js';

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

/** What makes two TLS servers present the same certificate: the credentialName, or the certificate and key files. */
function certificateKey(tls: AnyObject): string | undefined {
  if (tls.credentialName) return `cn:${String(tls.credentialName)}`;
  if (tls.serverCertificate && tls.privateKey) return `files:${String(tls.serverCertificate)}\u0000${String(tls.privateKey)}`;
  return undefined;
}

export const certificateAnalyzer: Analyzer = {
  name: 'gateway.CertificateAnalyzer',
  description: 'Checks a gateway certificate',
  inputs: ['Gateway'],
  codes: ['IST0138'],
  run(ctx) {
    const gateways = istioGateways(ctx);
    const byCertificate = new Map<string, Resource[]>();
    for (const gw of gateways) {
      for (const s of servers(gw)) {
        const key = isObject(s.tls) ? certificateKey(s.tls) : undefined;
        if (key !== undefined) pushTo(byCertificate, key, gw);
      }
    }
    for (const gw of gateways) {
      const selector = selectorOf(gw);
      for (const s of servers(gw)) {
        const key = isObject(s.tls) ? certificateKey(s.tls) : undefined;
        if (key === undefined) continue;
        // Gateways whose selectors include this one's select (at least) the same workloads.
        for (const other of byCertificate.get(key)!) {
          if (other !== gw && matchesLabels(selector, selectorOf(other))) ctx.report('IST0138', gw, `Duplicate certificate in multiple gateways ${goList([nsName(gw), nsName(other)])} may cause 404s if clients re-use HTTP2 connections.`);
        }
      }
    }
  },
};

/** A server host with its bind address, as the conflict check compares them. */
const filedHost = (host: string, bind: string) => `${host}\u0000${bind}`;

/**
 * The gateways of one (selector, port) and the hosts each serves there. Istio compares a server
 * with every other gateway of the bucket and, when they do not conflict, merges the server's hosts
 * into that gateway's set, so a later server can conflict through hosts merged earlier. The merges
 * are kept as contributions (who added a host, and to whom not) instead of copies into every set,
 * which keeps a bucket of thousands of gateways linear.
 */
class Bucket {
  readonly gateways = new Set<string>();
  private readonly own = new Map<string, Set<string>>();
  private readonly merged = new Map<string, { from: string; except: Set<string> }[]>();

  constructor(readonly selector: Record<string, string>, readonly text: string, readonly port: number) {}

  file(gateway: string, keys: readonly string[]): void {
    this.gateways.add(gateway);
    for (const k of keys) {
      const holders = this.own.get(k) ?? new Set<string>();
      holders.add(gateway);
      this.own.set(k, holders);
    }
  }

  /** The other gateways a server of `gateway` with these hosts conflicts with; then merges its hosts into the rest. */
  compare(gateway: string, keys: readonly string[]): string[] {
    const conflicts = new Set<string>();
    let viaMerged = false;
    for (const k of keys) {
      for (const o of this.own.get(k) ?? []) if (o !== gateway) conflicts.add(o);
      if (this.merged.has(k)) viaMerged = true;
    }
    if (viaMerged) {
      for (const o of this.gateways) {
        if (o === gateway || conflicts.has(o)) continue;
        if (keys.some((k) => (this.merged.get(k) ?? []).some((m) => m.from !== o && !m.except.has(o)))) conflicts.add(o);
      }
    }
    const except = new Set(conflicts).add(gateway);
    for (const k of keys) {
      const list = this.merged.get(k) ?? [];
      list.push({ from: gateway, except });
      this.merged.set(k, list);
    }
    return [...conflicts];
  }
}

export const conflictingGatewayAnalyzer: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: "Checks a gateway's selector, port number and hosts",
  inputs: ['Gateway'],
  codes: ['IST0101', 'IST0145'],
  run(ctx) {
    const gateways = istioGateways(ctx);
    const serverKeys = (s: AnyObject) => strings(s.hosts).map((h) => filedHost(h, String(s.bind ?? '')));
    const buckets = new Map<string, Bucket>();
    for (const gw of gateways) {
      const selector = selectorOf(gw);
      const text = selectorText(selector);
      for (const s of servers(gw)) {
        const port = s.port?.number;
        if (typeof port !== 'number') continue;
        const key = `${text}~${port}`;
        const bucket = buckets.get(key) ?? new Bucket(selector, text, port);
        buckets.set(key, bucket);
        bucket.file(nsName(gw), serverKeys(s));
      }
    }
    const sharePod = (a: Record<string, string>, b: Record<string, string>) => {
      for (const k in a) if (k in b && a[k] !== b[k]) return false;
      return ctx.selectPods({ ...a, ...b }).length > 0;
    };
    const byText = new Map<string, Bucket[]>();
    for (const b of buckets.values()) pushTo(byText, b.text, b);
    for (const gw of gateways) {
      const selector = selectorOf(gw);
      const text = selectorText(selector);
      // Buckets of this selector, and of selectors one of which contains the other while both select a Pod.
      const matching = [...byText.entries()].flatMap(([t, list]) => (t === text || ((t.includes(text) || text.includes(t)) && sharePod(list[0]!.selector, selector)) ? list : []));
      if (text !== '' && matching.length === 0) {
        selectorNotFound(ctx, gw, selector);
        continue;
      }
      const name = nsName(gw);
      for (const s of servers(gw)) {
        const port = s.port?.number;
        if (typeof port !== 'number') continue;
        const conflicts = matching.filter((b) => b.port === port).flatMap((b) => b.compare(name, serverKeys(s)));
        if (conflicts.length > 0) {
          ctx.report('IST0145', gw, `Conflict with gateways ${[...new Set(conflicts)].sort().join(',')} (workload selector ${text}, port ${port}, hosts ${strings(s.hosts).join(',')}).`);
        }
      }
    }
  },
};

export const gatewayAnalyzers = [ingressGatewayPortAnalyzer, secretAnalyzer, certificateAnalyzer, conflictingGatewayAnalyzer];
