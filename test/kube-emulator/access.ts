/**
 * Authorization, simulated: an ordered list of allow/deny rules (first match wins, default allow)
 * that answers SelfSubjectAccessReviews and, unless disabled, guards real requests with 403s.
 */
import { forbidden, qualifiedResource, type Obj } from './errors.js';

export const EMULATOR_USER = 'kube-emulator-user';

export interface AccessRule {
  allowed: boolean;
  /** Verb(s) or "*"; missing = any. */
  verb?: string | string[];
  /** API group(s); missing = any. Core group is "". */
  group?: string | string[];
  /** Resource plural(s); missing = any. */
  resource?: string | string[];
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Non-resource URL (e.g. "/healthz"). */
  path?: string;
  reason?: string;
}

export interface AccessAttributes {
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

function matches(field: string | string[] | undefined, value: string | undefined): boolean {
  if (field === undefined) return true;
  const list = Array.isArray(field) ? field : [field];
  return list.includes('*') || list.includes(value ?? '');
}

export class AccessPolicy {
  rules: AccessRule[] = [];

  decide(attrs: AccessAttributes): { allowed: boolean; reason?: string } {
    for (const rule of this.rules) {
      if (!matches(rule.verb, attrs.verb)) continue;
      if (attrs.path !== undefined) {
        if (rule.path === undefined || (rule.path !== '*' && rule.path !== attrs.path)) continue;
      } else {
        if (rule.path !== undefined) continue;
        if (!matches(rule.group, attrs.group)) continue;
        if (!matches(rule.resource, attrs.resource)) continue;
        if (rule.subresource !== undefined && rule.subresource !== (attrs.subresource ?? '')) continue;
        if (rule.namespace !== undefined && rule.namespace !== attrs.namespace) continue;
        if (rule.name !== undefined && rule.name !== attrs.name) continue;
      }
      return { allowed: rule.allowed, reason: rule.reason };
    }
    return { allowed: true };
  }

  /** Throws the 403 kube-apiserver's RBAC authorizer would send. */
  enforce(attrs: AccessAttributes): void {
    if (this.rules.length === 0 || this.decide(attrs).allowed) return;
    const res = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource ?? '';
    const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
    throw forbidden(
      `${qualifiedResource(attrs.group ?? '', res)}${attrs.name ? ` "${attrs.name}"` : ''} is forbidden: User "${EMULATOR_USER}" cannot ${attrs.verb} resource "${res}" in API group "${attrs.group ?? ''}" ${scope}`,
      { ...(attrs.name ? { name: attrs.name } : {}), ...(attrs.group ? { group: attrs.group } : {}), kind: attrs.resource },
    );
  }

  /** Answers a SelfSubjectAccessReview (or SubjectAccessReview) create. */
  review(body: Obj, kind: string): Obj {
    const spec = body?.spec ?? {};
    const ra = spec.resourceAttributes;
    const nra = spec.nonResourceAttributes;
    const attrs: AccessAttributes = ra
      ? { verb: ra.verb ?? '', group: ra.group ?? '', resource: ra.resource ?? '', subresource: ra.subresource || undefined, namespace: ra.namespace || undefined, name: ra.name || undefined }
      : { verb: nra?.verb ?? '', path: nra?.path ?? '' };
    const decision = this.decide(attrs);
    const status: Obj = { allowed: decision.allowed };
    if (!decision.allowed) status.denied = true;
    if (decision.reason) status.reason = decision.reason;
    return { kind, apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status };
  }

  /** Answers a SelfSubjectRulesReview from the rules (allow-all when none are set). */
  rulesReview(body: Obj): Obj {
    const allow = this.rules.length === 0 ? [{ allowed: true } as AccessRule] : this.rules.filter((r) => r.allowed && r.path === undefined);
    const list = (v: string | string[] | undefined) => (v === undefined ? ['*'] : Array.isArray(v) ? v : [v]);
    return {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: body?.spec ?? {},
      status: {
        resourceRules: allow.map((r) => ({ verbs: list(r.verb), apiGroups: list(r.group), resources: list(r.resource), ...(r.name ? { resourceNames: [r.name] } : {}) })),
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }],
        incomplete: false,
      },
    };
  }
}
