/** Istio webhooks: references to missing control-plane services, external control-plane addresses. */
import { isIP } from 'node:net';
import type { Analyzer } from '../framework.js';
import { asArray, type AnyObject, type Resource } from '../resource.js';

function isIstioWebhook(r: Resource): boolean {
  return r.labels['app'] === 'sidecar-injector' || r.labels['app'] === 'istiod' || r.labels['istio.io/rev'] !== undefined || r.name.startsWith('istio-') || r.name.startsWith('istiod-');
}

export const webhooks: Analyzer = {
  name: 'webhook.Analyzer',
  description: 'Checks Istio webhook configurations: referenced services exist, and external control-plane URLs are valid hostnames',
  inputs: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  codes: ['IST0139', 'IST0163', 'IST0164'],
  run(ctx) {
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      for (const wh of ctx.all(kind)) {
        if (!isIstioWebhook(wh)) continue;
        asArray<AnyObject>(wh.body.webhooks).forEach((hook, i) => {
          const cc = hook?.clientConfig ?? {};
          const path = ['webhooks', i, 'clientConfig'];
          if (cc.service) {
            const ns = String(cc.service.namespace ?? '');
            const name = String(cc.service.name ?? '');
            // Only judge when that namespace's services are in view.
            if (ctx.inNamespace('Service', ns).length > 0 || ctx.options.completeKinds.has('Service')) {
              const svc = ctx.get('Service', ns, name);
              if (!svc) ctx.report('IST0139', wh, `Webhook ${hook?.name ?? i} references the control plane service ${ns}/${name}, which does not exist.`, [...path, 'service']);
              else if (cc.service.port !== undefined && !asArray<AnyObject>(svc.spec.ports).some((p) => Number(p?.port) === Number(cc.service.port))) {
                ctx.report('IST0139', wh, `Webhook ${hook?.name ?? i} references port ${cc.service.port} of service ${ns}/${name}, which does not expose it.`, [...path, 'service', 'port']);
              }
            }
          } else if (typeof cc.url === 'string') {
            let host: string | undefined;
            try {
              host = new URL(cc.url).hostname.replace(/^\[|\]$/g, '');
            } catch {
              host = undefined;
            }
            if (!host) ctx.report('IST0163', wh, `The address (${cc.url}) of the ingress gateway on the external control plane is not valid.`, [...path, 'url']);
            else if (isIP(host)) ctx.report('IST0164', wh, `The address (${host}) of the ingress gateway on the external control plane is an IP address and not a hostname; certificates are issued to hostnames.`, [...path, 'url']);
          } else {
            ctx.report('IST0139', wh, `Webhook ${hook?.name ?? i} has neither a service nor a url in clientConfig.`, path);
          }
        });
      }
    }
  },
};
