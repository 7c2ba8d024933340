/**
 * Mutating admission webhooks, called the way kube-apiserver calls them on CREATE: every
 * MutatingWebhookConfiguration in name order, each webhook whose rules, namespaceSelector and
 * objectSelector match, an AdmissionReview v1 POSTed over TLS (trusting only the webhook's
 * caBundle), the JSONPatch of the answer applied before the next webhook sees the object.
 * failurePolicy Fail (the v1 default) rejects the create with the apiserver's message; Ignore
 * skips a webhook that cannot be called. A `service` clientConfig is reached through the Service's
 * ready pods and their port-forward targets (attachPortTarget or the kube-emulator/forward-<port>
 * annotation), so a webhook works exactly when its backing pods run. Not modelled: reinvocation,
 * matchConditions, UPDATE/DELETE/CONNECT, validating webhooks.
 */
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { Api } from './api.js';
import { resolveTargetPort } from './controllers/endpoints.js';
import { isPodReady } from './controllers/workloads.js';
import { ApiError, type Obj } from './errors.js';
import { clone, isPlainObject, jsonPatch } from './patch/json-patches.js';
import type { Registry, ResourceType } from './registry.js';
import { labelSelectorMatcher, mapSelectorMatcher } from './selectors.js';

export type PortResolver = (namespace: string, pod: string, port: number) => { host: string; port: number } | { error: string };

interface Hook {
  config: Obj;
  webhook: Obj;
}

const REVIEW = 'admission.k8s.io/v1';

/** A webhook's own refusal: never turned into "failed calling webhook", never ignored. */
class Denied extends ApiError {}

function listed(values: unknown, value: string): boolean {
  return Array.isArray(values) && (values.includes('*') || values.includes(value));
}

/** A webhook rule matches CREATE of this group/version/resource (subresource forms like pods/status do not). */
function ruleMatches(rule: Obj, type: ResourceType, version: string): boolean {
  if (!listed(rule.operations, 'CREATE') || !listed(rule.apiGroups, type.group) || !listed(rule.apiVersions, version)) return false;
  if (!listed(rule.resources, type.plural)) return false;
  const scope = rule.scope ?? '*';
  return scope === '*' || (scope === 'Namespaced') === type.namespaced;
}

export class MutatingAdmission {
  constructor(
    private readonly api: Api,
    private readonly registry: Registry,
    private readonly resolvePort: PortResolver,
  ) {}

  private type(group: string, plural: string): ResourceType {
    return this.registry.get(group, plural)!;
  }

  /** The webhooks a CREATE of `obj` goes through, in the order they are called. */
  matching(type: ResourceType, version: string, namespace: string | undefined, obj: Obj): Hook[] {
    const configs = this.api.list(this.type('admissionregistration.k8s.io', 'mutatingwebhookconfigurations'), 'v1', undefined).items as Obj[];
    if (configs.length === 0) return [];
    const ns = type.namespaced && namespace ? this.api.tryGet(this.type('', 'namespaces'), undefined, namespace) : undefined;
    const hooks: Hook[] = [];
    for (const config of [...configs].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
      for (const webhook of config.webhooks ?? []) {
        if (!(webhook.rules ?? []).some((r: Obj) => ruleMatches(r, type, version))) continue;
        // An absent selector selects everything; the namespace selector applies to namespaced objects only.
        if (type.namespaced && !labelSelectorMatcher(webhook.namespaceSelector ?? {})(ns ?? { metadata: { labels: {} } })) continue;
        if (!labelSelectorMatcher(webhook.objectSelector ?? {})(obj)) continue;
        hooks.push({ config, webhook });
      }
    }
    return hooks;
  }

  /** Runs the matching webhooks over a copy of `obj` and returns the mutated object. */
  async admit(type: ResourceType, version: string, namespace: string | undefined, obj: Obj, user = 'kubernetes-admin'): Promise<Obj> {
    let current = clone(obj);
    if (type.namespaced && namespace) current.metadata = { ...(current.metadata ?? {}), namespace };
    for (const hook of this.matching(type, version, namespace, current)) {
      const name = String(hook.webhook.name);
      try {
        current = await this.call(hook, type, version, namespace, current, user);
      } catch (err) {
        if (err instanceof Denied) throw err;
        if ((hook.webhook.failurePolicy ?? 'Fail') === 'Ignore') continue;
        throw new ApiError(500, 'InternalError', `Internal error occurred: failed calling webhook "${name}": ${(err as Error).message}`, { causes: [{ reason: 'InternalError', message: `failed calling webhook "${name}": ${(err as Error).message}` }] });
      }
    }
    return current;
  }

  private async call(hook: Hook, type: ResourceType, version: string, namespace: string | undefined, obj: Obj, user: string): Promise<Obj> {
    const { webhook } = hook;
    const timeoutSeconds = Number(webhook.timeoutSeconds ?? 10);
    const target = this.target(webhook.clientConfig ?? {}, timeoutSeconds);
    const uid = randomUUID();
    const gvk = { group: type.group, version, kind: type.kind };
    const gvr = { group: type.group, version, resource: type.plural };
    const review = {
      apiVersion: REVIEW,
      kind: 'AdmissionReview',
      request: {
        uid,
        kind: gvk,
        resource: gvr,
        requestKind: gvk,
        requestResource: gvr,
        name: obj.metadata?.name ?? '',
        ...(namespace ? { namespace } : {}),
        operation: 'CREATE',
        userInfo: { username: user, groups: ['system:masters', 'system:authenticated'] },
        object: obj,
        oldObject: null,
        dryRun: false,
        options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
      },
    };
    const answer = await post(target, JSON.stringify(review), timeoutSeconds * 1000);
    const response: Obj | undefined = answer.response;
    if (!isPlainObject(response) || response.uid !== uid) {
      throw new Error(`expected response.uid="${uid}", got "${response?.uid ?? ''}"`);
    }
    if (response.allowed !== true) {
      const status: Obj = response.status ?? {};
      const code = Number(status.code) || 400;
      throw new Denied(code, String(status.reason ?? ''), `admission webhook "${webhook.name}" denied the request${status.message ? `: ${status.message}` : ' without explanation'}`);
    }
    if (!response.patch) return obj;
    if (response.patchType !== 'JSONPatch') throw new Error(`unsupported patch type "${response.patchType}"`);
    const ops = JSON.parse(Buffer.from(String(response.patch), 'base64').toString('utf8'));
    return jsonPatch(obj, ops) as Obj;
  }

  /** Where to POST: the URL as given, or the Service's first ready pod behind its target port. */
  private target(cc: Obj, timeoutSeconds: number): Target {
    const ca = cc.caBundle ? Buffer.from(String(cc.caBundle), 'base64').toString('utf8') : undefined;
    if (cc.url) {
      const u = new URL(String(cc.url));
      u.searchParams.set('timeout', `${timeoutSeconds}s`);
      return { display: u.toString(), host: u.hostname, port: Number(u.port || 443), servername: u.hostname, path: `${u.pathname}${u.search}`, ca };
    }
    const svc = cc.service ?? {};
    const port = Number(svc.port ?? 443);
    const path = String(svc.path ?? '/');
    const dns = `${svc.name}.${svc.namespace}.svc`;
    const display = `https://${dns}:${port}${path}?timeout=${timeoutSeconds}s`;
    const fail = (why: string): never => {
      throw new Error(`failed to call webhook: Post "${display}": ${why}`);
    };
    const service = this.api.tryGet(this.type('', 'services'), svc.namespace, svc.name);
    if (!service) fail(`service "${svc.name}" not found`);
    const svcPort = (service!.spec?.ports ?? []).find((p: Obj) => p.port === port);
    if (!svcPort) fail(`service "${svc.name}" has no port ${port}`);
    const match = mapSelectorMatcher(service!.spec?.selector);
    const pods = (this.api.list(this.type('', 'pods'), 'v1', svc.namespace).items as Obj[]).filter((p) => match(p) && isPodReady(p));
    pods.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const pod = pods[0];
    if (!pod) fail(`no endpoints available for service "${svc.name}"`);
    const targetPort = resolveTargetPort(svcPort, pod);
    if (targetPort === undefined) fail(`no endpoints available for service "${svc.name}"`);
    const resolved = this.resolvePort(svc.namespace, pod.metadata.name, targetPort!);
    if ('error' in resolved) fail(`dial tcp ${pod.status?.podIP ?? pod.metadata.name}:${targetPort}: connect: connection refused`);
    const where = resolved as { host: string; port: number };
    return { display, host: where.host, port: where.port, servername: dns, path: `${path}?timeout=${timeoutSeconds}s`, ca };
  }
}

interface Target {
  display: string;
  host: string;
  port: number;
  servername: string;
  path: string;
  ca?: string;
}

/** Go's wording for the TLS failures a webhook call hits most. */
function tlsText(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_SIGNATURE_FAILURE':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: ${err.message}`;
    case 'ECONNREFUSED':
      return 'connect: connection refused';
    default:
      return err.message;
  }
}

function post(t: Target, body: string, timeoutMs: number): Promise<Obj> {
  return new Promise((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => reject(new Error(`failed to call webhook: Post "${t.display}": ${tlsText(err)}`));
    const req = https.request(
      { host: t.host, port: t.port, path: t.path, method: 'POST', servername: t.servername.replace(/\.$/, ''), ca: t.ca, agent: false, timeout: timeoutMs, headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) return reject(new Error(`failed to call webhook: an error on the server ("${text.trim()}") has prevented the request from succeeding`));
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new Error(`failed to call webhook: the server responded with something that is not an AdmissionReview: ${text.slice(0, 80)}`));
          }
        });
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('context deadline exceeded'), { code: 'ETIMEDOUT' })));
    req.on('error', fail);
    req.end(body);
  });
}
