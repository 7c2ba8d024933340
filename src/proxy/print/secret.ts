/** `pc secret`: SDS secrets with their certificates' details (istioctl's writer/compare/sds). */
import { X509Certificate } from 'node:crypto';
import { arr, f, obj, str, type ConfigDump, type Json } from '../dump.js';
import { TabWriter } from '../../core/tabwriter.js';

export interface SecretItem {
  name: string;
  state: 'ACTIVE' | 'WARMING' | 'UNINITIALIZED';
  type: string;
  valid: boolean;
  serial: string;
  notAfter: string;
  notBefore: string;
  trustDomain: string;
}

const SPIFFE_VALIDATOR = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig';

function inlineBytes(source: Json | undefined): string {
  const b = str(source, 'inline_bytes');
  return b ? Buffer.from(b, 'base64').toString('latin1') : '';
}

/** The first certificate of a PEM bundle, or undefined when there is none or it does not parse. */
export function firstCertificate(pem: string): X509Certificate | undefined {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem);
  if (!block) return undefined;
  try {
    return new X509Certificate(block[0]);
  } catch {
    return undefined;
  }
}

/** Every certificate of a PEM bundle. */
export function certificates(pem: string): X509Certificate[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].flatMap((m) => {
    try {
      return [new X509Certificate(m[0])];
    } catch {
      return [];
    }
  });
}

const rfc3339 = (d: string) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');

function item(name: string, state: SecretItem['state'], pem: string, now: Date, trustDomain = ''): SecretItem {
  const base: SecretItem = { name, state, type: '', valid: false, serial: '', notAfter: '', notBefore: '', trustDomain };
  const cert = pem ? firstCertificate(pem) : undefined;
  if (!cert) return base;
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const spiffe = /URI:spiffe:\/\/([^/,\s]+)/.exec(cert.subjectAltName ?? '');
  return {
    ...base,
    type: cert.ca ? 'CA' : 'Cert Chain',
    valid: now > notBefore && now < notAfter,
    serial: BigInt(`0x${cert.serialNumber}`).toString(16).padStart(32, '0'),
    notAfter: rfc3339(cert.validTo),
    notBefore: rfc3339(cert.validFrom),
    trustDomain: trustDomain || (spiffe ? spiffe[1]! : ''),
  };
}

function itemsOf(entry: Json, state: SecretItem['state'], now: Date): SecretItem[] {
  const name = str(entry, 'name');
  const secret = obj(entry, 'secret');
  const chain = inlineBytes(obj(obj(secret, 'tls_certificate'), 'certificate_chain'));
  const validation = obj(secret, 'validation_context');
  const ca = inlineBytes(obj(validation, 'trusted_ca'));
  if (chain) return [item(name, state, chain, now)];
  if (ca) return [item(name, state, ca, now)];
  const custom = obj(obj(validation, 'custom_validator_config'), 'typed_config');
  if (custom && f(custom, '@type') === SPIFFE_VALIDATOR) {
    const domains = arr(custom, 'trust_domains');
    if (domains.length > 0) return domains.map((td) => item(name, state, inlineBytes(obj(td, 'trust_bundle')), now, str(td, 'name')));
  }
  return [item(name, state, '', now)];
}

/** Warming secrets first, then active ones (an active one still "uninitialized" says so). */
export function secretItems(dump: ConfigDump, now = new Date()): SecretItem[] {
  const s = dump.secretsSection();
  const warming = arr(s, 'dynamic_warming_secrets').flatMap((e) => itemsOf(e, 'WARMING', now));
  const active = arr(s, 'dynamic_active_secrets').flatMap((e) => itemsOf(e, str(e, 'version_info') === 'uninitialized' ? 'UNINITIALIZED' : 'ACTIVE', now));
  return [...warming, ...active];
}

export function printSecretSummary(dump: ConfigDump, opts: { includeConfigType?: boolean; now?: Date } = {}): string {
  const s = dump.secretsSection();
  if (arr(s, 'dynamic_active_secrets').length === 0 && arr(s, 'dynamic_warming_secrets').length === 0) return 'No active or warming secrets found.\n';
  const items = secretItems(dump, opts.now);
  if (items.length === 0) return 'No secret items to show.\n';
  const withTrustDomain = items.every((i) => i.trustDomain !== '');
  const w = new TabWriter({ minwidth: 0, padding: 5 });
  const header = ['RESOURCE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'];
  w.row(...header, ...(withTrustDomain ? ['TRUST DOMAIN'] : []));
  for (const i of items) {
    const name = opts.includeConfigType ? `secret/${i.name}` : i.name;
    const cells = [name, i.type, i.state, i.valid, i.serial, i.notAfter, i.notBefore];
    w.row(...cells, ...(withTrustDomain ? [i.trustDomain] : []));
  }
  return w.toString();
}

/** The ROOTCA trusted CA bundle of the dynamic active secrets (rootca-compare). */
export function rootCA(dump: ConfigDump): string {
  let s;
  try {
    s = dump.secretsSection();
  } catch (err) {
    throw new Error(`sidecar doesn't support secrets: ${(err as Error).message}`);
  }
  for (const e of arr(s, 'dynamic_active_secrets')) {
    if (str(e, 'name') !== 'ROOTCA') continue;
    const trusted = obj(obj(obj(e, 'secret'), 'validation_context'), 'trusted_ca');
    if (!trusted) throw new Error('can not dump ROOTCA from secret: can not retrieve trustedCa from secret ROOTCA');
    const pem = inlineBytes(trusted);
    if (!pem) throw new Error('can not dump ROOTCA from secret: can not retrieve inlineBytes from trustCA section');
    return pem;
  }
  throw new Error('cannot find ROOTCA from secret');
}
