/** Webhook addresses of an external control plane: blank or malformed (IST0163), an IP address (IST0164). */
import { isIP } from 'node:net';
import type { Analyzer } from '../framework.js';
import { asArray, isAnyObject, type AnyObject, type Resource } from '../resource.js';

/**
 * The host part of a webhook URL as Go's url.Parse reads it: undefined when Go rejects the URL,
 * '' when it has no host (a scheme-less `name:port` is a scheme and an opaque part there).
 */
export function goUrlHost(raw: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(raw)) return undefined;
  let rest = raw;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  // A scheme is a letter followed by letters, digits, + - . up to the first colon.
  let scheme = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c) && i > 0) continue;
    if (c === ':') {
      if (i === 0) return undefined; // missing protocol scheme
      scheme = rest.slice(0, i);
      rest = rest.slice(i + 1);
    }
    break;
  }
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  if (!scheme) {
    const slash = rest.indexOf('/');
    if (rest.slice(0, slash < 0 ? rest.length : slash).includes(':')) return undefined; // first path segment cannot contain a colon
  }
  if (!rest.startsWith('//')) return '';
  let authority = rest.slice(2);
  const slash = authority.indexOf('/');
  if (slash >= 0) authority = authority.slice(0, slash);
  const at = authority.lastIndexOf('@');
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  if (/%(?![0-9A-Fa-f]{2})/.test(hostPort)) return undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return undefined;
    const after = hostPort.slice(close + 1);
    if (after !== '' && !/^:\d*$/.test(after)) return undefined;
    return hostPort.slice(1, close);
  }
  const colon = hostPort.lastIndexOf(':');
  if (colon >= 0 && !/^\d*$/.test(hostPort.slice(colon + 1))) return undefined;
  return colon >= 0 ? hostPort.slice(0, colon) : hostPort;
}

function isExternalControlPlaneConfig(r: Resource): boolean {
  if (r.kind === 'ValidatingWebhookConfiguration') return r.name === 'istiod-default-validator' || r.name.startsWith('istio-validator');
  return r.name.startsWith('istio-sidecar-injector');
}

export const externalControlPlaneAnalyzer: Analyzer = {
  name: 'externalcontrolplane.ExternalControlPlaneAnalyzer',
  description: 'Checks that the remote IstioOperator resources reference an external control plane',
  inputs: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
  codes: ['IST0163', 'IST0164'],
  run(ctx) {
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      for (const config of ctx.all(kind)) {
        if (config.group !== 'admissionregistration.k8s.io' || !isExternalControlPlaneConfig(config)) continue;
        for (const hook of asArray<AnyObject>(config.body.webhooks)) {
          if (!isAnyObject(hook)) continue;
          const cc: AnyObject = isAnyObject(hook.clientConfig) ? hook.clientConfig : {};
          const name = String(hook.name ?? '');
          if (typeof cc.url === 'string') {
            const host = goUrlHost(cc.url);
            if (host === undefined) ctx.report('IST0163', config, `The hostname (${cc.url}) that was provided for the webhook (${name}) to reach the ingress gateway on the external control plane cluster was provided in an invalid format. Traffic may not flow properly.`);
            else if (host !== '' && isIP(host) !== 0) ctx.report('IST0164', config, `The address (${host}) that was provided for the webhook (${name}) to reach the ingress gateway on the external control plane cluster is an IP address. This is not recommended for a production environment.`);
          } else if (!isAnyObject(cc.service)) {
            ctx.report('IST0163', config, `The hostname () that was provided for the webhook (${name}) to reach the ingress gateway on the external control plane cluster is blank. Traffic may not flow properly.`);
          }
        }
      }
    }
  },
};
