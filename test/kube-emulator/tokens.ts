/**
 * The TokenRequest subresource (POST .../serviceaccounts/<sa>/token): a bound service-account
 * JWT shaped like kube-apiserver's (iss, sub, aud, exp, iat, nbf, jti and the kubernetes.io
 * claim), RS256-signed with the emulator's serving key, plus reviewToken() for test stand-ins that
 * authenticate callers the way a TokenReview would.
 */
import { createSign, randomUUID } from 'node:crypto';
import { badRequest, notFound, type Obj } from './errors.js';
import { tlsMaterial } from './tls.js';

export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const MIN_EXPIRATION = 600;

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export interface TokenReview {
  authenticated: boolean;
  /** system:serviceaccount:<ns>:<name> */
  username?: string;
  audiences?: string[];
  error?: string;
}

export class TokenIssuer {
  private readonly issued = new Map<string, { username: string; audiences: string[]; exp: number }>();

  /** Answers a TokenRequest for `sa` (already read from the store, or undefined). */
  request(namespace: string, name: string, sa: Obj | undefined, body: Obj): Obj {
    if (!sa) throw notFound('', 'serviceaccounts', name);
    const spec: Obj = body.spec ?? {};
    const expirationSeconds = Number(spec.expirationSeconds ?? 3600);
    if (!Number.isInteger(expirationSeconds) || expirationSeconds < MIN_EXPIRATION) {
      throw badRequest(`TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${spec.expirationSeconds}: may not specify a duration less than 10 minutes`);
    }
    const audiences: string[] = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.map(String) : [ISSUER];
    const now = Math.floor(Date.now() / 1000);
    const exp = now + expirationSeconds;
    const username = `system:serviceaccount:${namespace}:${name}`;
    const claims = {
      aud: audiences,
      exp,
      iat: now,
      iss: ISSUER,
      jti: randomUUID(),
      'kubernetes.io': { namespace, serviceaccount: { name, uid: sa.metadata.uid } },
      nbf: now,
      sub: username,
    };
    const head = b64url(JSON.stringify({ alg: 'RS256', kid: 'kube-emulator' }));
    const payload = b64url(JSON.stringify(claims));
    const signature = createSign('RSA-SHA256').update(`${head}.${payload}`).sign(tlsMaterial().keyPem);
    const token = `${head}.${payload}.${b64url(signature)}`;
    this.issued.set(token, { username, audiences, exp });
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: null },
      spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
      status: { token, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
    };
  }

  /** What a TokenReview would say about `token` for `audience`. */
  review(token: string, audience?: string): TokenReview {
    const t = this.issued.get(token);
    if (!t) return { authenticated: false, error: 'invalid bearer token' };
    if (t.exp * 1000 < Date.now()) return { authenticated: false, error: 'token has expired' };
    if (audience && !t.audiences.includes(audience)) return { authenticated: false, error: 'token audiences is invalid for the target audiences' };
    return { authenticated: true, username: t.username, audiences: t.audiences };
  }
}
