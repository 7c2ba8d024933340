/**
 * TokenRequest and mutating admission webhooks, judged by the real kubectl: `kubectl create
 * token`, and pods made by `kubectl run` and by the Deployment controller (also after `kubectl
 * rollout restart`) going through a webhook server reached via its Service, as on a real cluster.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.js';
import { kubectlFor, kubectlPath, requireKubectl, type Kubectl } from './test-helpers.js';
import { issueServingCertificate } from './tls.js';

requireKubectl('the TokenRequest and admission webhook tests');

interface Review {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  path: string;
}

/** A webhook server that labels every pod `mutated-by=<path>` unless it carries deny=yes. */
async function startWebhook(dnsName: string) {
  const tls = issueServingCertificate([dnsName]);
  const reviews: Review[] = [];
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const request = review.request;
      const pod = request.object;
      reviews.push({ namespace: request.namespace, name: pod.metadata.name, labels: pod.metadata.labels ?? {}, path: req.url ?? '' });
      const response: Record<string, unknown> = { uid: request.uid, allowed: pod.metadata.labels?.deny !== 'yes' };
      if (response.allowed) {
        const ops = [{ op: 'add', path: '/metadata/labels/mutated-by', value: 'webhook' }];
        response.patchType = 'JSONPatch';
        response.patch = Buffer.from(JSON.stringify(ops)).toString('base64');
      } else {
        response.status = { code: 403, message: 'pods labelled deny=yes are refused' };
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { tls, reviews, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.skipIf(!kubectlPath)('TokenRequest (kubectl create token)', () => {
  let emu: Emulator;
  let k: Kubectl;
  beforeAll(async () => {
    emu = await startEmulator();
    k = kubectlFor(emu);
    await k.ok(['create', 'namespace', 'istio-system']);
    await emu.waitFor(() => emu.get('v1', 'ServiceAccount', 'istio-system', 'default'), 5000, 'the default ServiceAccount');
  });
  afterAll(async () => {
    k.cleanup();
    await emu.stop();
  });

  it('issues a bound service-account JWT with the audience and expiry asked for', async () => {
    const token = (await k.ok(['create', 'token', 'default', '-n', 'istio-system', '--audience', 'istio-ca', '--duration', '1h'])).trim();
    const [, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    expect(claims.aud).toEqual(['istio-ca']);
    expect(claims.sub).toBe('system:serviceaccount:istio-system:default');
    expect(claims['kubernetes.io'].namespace).toBe('istio-system');
    expect(claims.exp - claims.iat).toBe(3600);
    expect(emu.reviewToken(token, 'istio-ca')).toMatchObject({ authenticated: true, username: 'system:serviceaccount:istio-system:default' });
    expect(emu.reviewToken(token, 'other').authenticated).toBe(false);
    expect(emu.reviewToken(`${token}x`).authenticated).toBe(false);
  });

  it('refuses a missing service account and a too-short duration, as kube-apiserver does', async () => {
    const missing = await k.run(['create', 'token', 'nope', '-n', 'istio-system']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('serviceaccounts "nope" not found');
    const short = await k.run(['create', 'token', 'default', '-n', 'istio-system', '--duration', '5m']);
    expect(short.exitCode).toBe(1);
    expect(short.stderr).toContain('may not specify a duration less than 10 minutes');
  });
});

describe.skipIf(!kubectlPath)('mutating admission webhooks', () => {
  let emu: Emulator;
  let k: Kubectl;
  let hook: Awaited<ReturnType<typeof startWebhook>>;
  const deployment = (name: string, replicas: number) =>
    k.ok(['apply', '-f', k.file(`${name}.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: app}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: web, image: nginx}]}\n`)]);
  const labelsOf = async (ns: string, selector: string) =>
    JSON.parse(await k.ok(['get', 'pods', '-n', ns, '-l', selector, '-o', 'json'])).items.map((p: { metadata: { labels: Record<string, string> } }) => p.metadata.labels);

  beforeAll(async () => {
    emu = await startEmulator({ admissionWebhooks: true, readyDelayMs: 5 });
    k = kubectlFor(emu);
    hook = await startWebhook('labeller.hooks.svc');
    const backend = `
apiVersion: v1
kind: Namespace
metadata: {name: hooks}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: labeller, namespace: hooks}
spec:
  replicas: 1
  selector: {matchLabels: {app: labeller}}
  template:
    metadata:
      labels: {app: labeller}
      annotations: {kube-emulator/forward-8443: "127.0.0.1:${hook.port}"}
    spec: {containers: [{name: server, image: labeller:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: labeller, namespace: hooks}
spec:
  selector: {app: labeller}
  ports: [{name: https, port: 443, targetPort: 8443}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: labeller}
webhooks:
- name: labeller.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig:
    service: {name: labeller, namespace: hooks, path: /mutate, port: 443}
    caBundle: ${Buffer.from(hook.tls.caPem).toString('base64')}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
  namespaceSelector: {matchLabels: {labeller: "on"}}
  objectSelector: {matchExpressions: [{key: skip, operator: DoesNotExist}]}
`;
    await k.ok(['apply', '-f', k.file('backend.yaml', backend)]);
    await k.ok(['rollout', 'status', 'deployment/labeller', '-n', 'hooks', '--timeout=10s']);
    await k.ok(['create', 'namespace', 'app']);
    await k.ok(['label', 'namespace', 'app', 'labeller=on']);
    await k.ok(['create', 'namespace', 'plain']);
  });
  afterAll(async () => {
    k.cleanup();
    await emu.stop();
    await hook.close();
  });

  it('kubectl run in a selected namespace: the pod is stored as the webhook patched it', async () => {
    await k.ok(['run', 'one', '-n', 'app', '--image=nginx', '--labels=run=one']);
    expect(await labelsOf('app', 'run=one')).toEqual([{ run: 'one', 'mutated-by': 'webhook' }]);
    const review = hook.reviews.find((r) => r.name === 'one')!;
    expect(review).toMatchObject({ namespace: 'app', path: '/mutate?timeout=10s' });
  });

  it('namespaceSelector and objectSelector decide who is called', async () => {
    await k.ok(['run', 'two', '-n', 'plain', '--image=nginx', '--labels=run=two']);
    await k.ok(['run', 'three', '-n', 'app', '--image=nginx', '--labels=run=three,skip=yes']);
    expect(await labelsOf('plain', 'run=two')).toEqual([{ run: 'two' }]);
    expect(await labelsOf('app', 'run=three')).toEqual([{ run: 'three', skip: 'yes' }]);
    expect(hook.reviews.map((r) => r.name)).not.toContain('two');
    expect(hook.reviews.map((r) => r.name)).not.toContain('three');
  });

  it('a denial is the webhook’s message, with its status code', async () => {
    const r = await k.run(['run', 'four', '-n', 'app', '--image=nginx', '--labels=deny=yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('admission webhook "labeller.example.com" denied the request: pods labelled deny=yes are refused');
  });

  it('pods the Deployment controller makes go through the webhook, also after a rollout restart', async () => {
    await deployment('web', 2);
    await k.ok(['rollout', 'status', 'deployment/web', '-n', 'app', '--timeout=10s']);
    expect(await labelsOf('app', 'app=web')).toEqual([expect.objectContaining({ 'mutated-by': 'webhook' }), expect.objectContaining({ 'mutated-by': 'webhook' })]);
    const before = JSON.parse(await k.ok(['get', 'pods', '-n', 'app', '-l', 'app=web', '-o', 'json'])).items.map((p: { metadata: { name: string } }) => p.metadata.name);
    await k.ok(['rollout', 'restart', 'deployment/web', '-n', 'app']);
    await k.ok(['rollout', 'status', 'deployment/web', '-n', 'app', '--timeout=10s']);
    await emu.waitFor(() => emu.list('v1', 'Pod', 'app').filter((p) => p.metadata.labels?.app === 'web').length === 2, 5000, 'old pods to go');
    const after = JSON.parse(await k.ok(['get', 'pods', '-n', 'app', '-l', 'app=web', '-o', 'json'])).items;
    expect(after).toHaveLength(2);
    for (const p of after) {
      expect(before).not.toContain(p.metadata.name);
      expect(p.metadata.labels['mutated-by']).toBe('webhook');
    }
  });

  it('failurePolicy Fail with no endpoints: kubectl gets the apiserver’s error; the ReplicaSet records FailedCreate', async () => {
    await k.ok(['scale', 'deployment/labeller', '-n', 'hooks', '--replicas=0']);
    await emu.waitFor(() => emu.list('v1', 'Pod', 'hooks').length === 0, 5000, 'the webhook pod to go');
    const r = await k.run(['run', 'five', '-n', 'app', '--image=nginx']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      'Internal error occurred: failed calling webhook "labeller.example.com": failed to call webhook: Post "https://labeller.hooks.svc:443/mutate?timeout=10s": no endpoints available for service "labeller"',
    );
    await deployment('late', 1);
    await emu.waitFor(() => emu.list('v1', 'Event', 'app').some((e) => e.reason === 'FailedCreate'), 5000, 'a FailedCreate event');
    const events = await k.ok(['get', 'events', '-n', 'app', '--field-selector', 'reason=FailedCreate', '-o', 'jsonpath={.items[0].message}']);
    expect(events).toMatch(/^Error creating: Internal error occurred: failed calling webhook "labeller\.example\.com"/);
    // The webhook comes back: the controller's retry creates the pod.
    await k.ok(['scale', 'deployment/labeller', '-n', 'hooks', '--replicas=1']);
    await k.ok(['rollout', 'status', 'deployment/late', '-n', 'app', '--timeout=15s']);
    expect(await labelsOf('app', 'app=late')).toEqual([expect.objectContaining({ 'mutated-by': 'webhook' })]);
  });

  it('a caBundle that did not sign the server certificate fails the call as x509 does', async () => {
    const other = issueServingCertificate(['labeller.hooks.svc']);
    const mwc = emu.get('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined, 'labeller')!;
    mwc.webhooks[0].clientConfig.caBundle = Buffer.from(other.caPem).toString('base64');
    await k.ok(['apply', '-f', k.file('mwc.json', JSON.stringify({ ...mwc, metadata: { name: 'labeller' } }))]);
    const r = await k.run(['run', 'six', '-n', 'app', '--image=nginx']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('tls: failed to verify certificate: x509: certificate signed by unknown authority');
  });
});
