/**
 * The emulator's REST semantics over HTTP: CRUD with resourceVersions, pagination, watch (resume,
 * 410 Gone, bookmarks, selector transitions), deletion (finalizers, propagation, namespaces),
 * custom-resource schemas, fault injection, access rules and the request log.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ tls: false, readyDelayMs: 5, bookmarkIntervalMs: 50 });
});
afterAll(() => emu.stop());

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
  const res = await fetch(emu.url + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text (logs)
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

const CM = '/api/v1/namespaces/default/configmaps';

/** Collects watch events until `until` is satisfied or the stream ends. */
async function watch(path: string, until: (events: any[]) => boolean, timeoutMs = 5000): Promise<any[]> {
  const events: any[] = [];
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(emu.url + path, { signal: controller.signal });
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffered.slice(0, nl)));
        buffered = buffered.slice(nl + 1);
      }
      if (until(events)) break;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe('CRUD', () => {
  it('create defaults uid/creationTimestamp, honours generateName, and answers AlreadyExists / NotFound as Status objects', async () => {
    const created = await call('POST', CM, { metadata: { generateName: 'gen-' }, data: { a: '1' } });
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ namespace: 'default', name: expect.stringMatching(/^gen-[a-z0-9]{5}$/), uid: expect.any(String) });
    expect(created.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const dup = await call('POST', CM, { metadata: { name: created.body.metadata.name } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'AlreadyExists', code: 409, message: `configmaps "${created.body.metadata.name}" already exists` });
    const missing = await call('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    expect(missing.body).toMatchObject({ reason: 'NotFound', code: 404, message: 'deployments.apps "nope" not found', details: { name: 'nope', group: 'apps', kind: 'deployments' } });
    const noNs = await call('POST', '/api/v1/namespaces/ghost/configmaps', { metadata: { name: 'x' } });
    expect(noNs.body).toMatchObject({ code: 404, message: 'namespaces "ghost" not found' });
  });

  it('PUT with a stale resourceVersion is a 409 Conflict; a no-op write keeps the resourceVersion', async () => {
    const cm = (await call('POST', CM, { metadata: { name: 'occ' }, data: { a: '1' } })).body;
    const updated = await call('PUT', `${CM}/occ`, { ...cm, data: { a: '2' } });
    expect(updated.status).toBe(200);
    expect(Number(updated.body.metadata.resourceVersion)).toBeGreaterThan(Number(cm.metadata.resourceVersion));
    const stale = await call('PUT', `${CM}/occ`, { ...cm, data: { a: '3' } });
    expect(stale.body).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on configmaps "occ": the object has been modified; please apply your changes to the latest version and try again',
    });
    const same = await call('PUT', `${CM}/occ`, updated.body);
    expect(same.body.metadata.resourceVersion).toBe(updated.body.metadata.resourceVersion);
  });

  it('validates built-in kinds with 422 causes in the real message format', async () => {
    const bad = await call('POST', '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'Bad_Name' },
      spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c' }] } } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.reason).toBe('Invalid');
    expect(bad.body.message).toMatch(/^Deployment\.apps "Bad_Name" is invalid: \[metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    expect(bad.body.details.causes.map((c: any) => c.field)).toEqual(['metadata.name', 'spec.selector', 'spec.template.spec.containers[0].image']);
  });

  it('dryRun=All runs admission without storing', async () => {
    const dry = await call('POST', `${CM}?dryRun=All`, { metadata: { name: 'dry' } });
    expect(dry.status).toBe(201);
    expect((await call('GET', `${CM}/dry`)).status).toBe(404);
  });

  it('accepts a DELETE whose options travel in a chunked body', async () => {
    await call('POST', CM, { metadata: { name: 'chunked' } });
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${emu.url}${CM}/chunked`, { method: 'DELETE', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"kind":"DeleteOptions","apiVersion":"v1",');
      req.end('"propagationPolicy":"Foreground"}');
    });
    expect(status).toBe(200);
    expect((await call('GET', `${CM}/chunked`)).status).toBe(404);
  });
});

describe('lists and watches', () => {
  it('paginates with limit/continue at a consistent resourceVersion and filters by label and field selectors', async () => {
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'paged' } });
    for (let i = 0; i < 25; i++) {
      await call('POST', '/api/v1/namespaces/paged/configmaps', { metadata: { name: `cm-${String(i).padStart(2, '0')}`, labels: { parity: i % 2 ? 'odd' : 'even' } } });
    }
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    let rv = '';
    do {
      const page = (await call('GET', `/api/v1/namespaces/paged/configmaps?limit=10${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).body;
      rv ||= page.metadata.resourceVersion;
      expect(page.metadata.resourceVersion).toBe(rv);
      names.push(...page.items.map((o: any) => o.metadata.name));
      cont = page.metadata.continue ?? '';
      pages++;
    } while (cont);
    expect(pages).toBe(3);
    expect(names.filter((n) => n.startsWith('cm-'))).toEqual(Array.from({ length: 25 }, (_, i) => `cm-${String(i).padStart(2, '0')}`));
    const odd = (await call('GET', '/api/v1/namespaces/paged/configmaps?labelSelector=parity%20in%20(odd)')).body;
    expect(odd.items).toHaveLength(12);
    const notEven = (await call('GET', '/api/v1/configmaps?labelSelector=parity,parity!=even')).body;
    expect(notEven.items).toHaveLength(12);
    const byName = (await call('GET', '/api/v1/namespaces/paged/configmaps?fieldSelector=metadata.name%3Dcm-03')).body;
    expect(byName.items.map((o: any) => o.metadata.name)).toEqual(['cm-03']);
    const bad = await call('GET', `/api/v1/configmaps?continue=garbage!`);
    expect(bad.status).toBe(400);
  });

  it('watch resumes after a resourceVersion, reports selector transitions, and answers 410 Expired once compacted', async () => {
    const start = (await call('GET', `${CM}?limit=1`)).body.metadata.resourceVersion;
    await call('POST', CM, { metadata: { name: 'w1', labels: { watch: 'me' } } });
    await call('PATCH', `${CM}/w1`, { data: { a: '1' } }, 'application/merge-patch+json');
    await call('PATCH', `${CM}/w1`, { metadata: { labels: { watch: 'no' } } }, 'application/merge-patch+json');
    const events = await watch(`${CM}?watch=true&labelSelector=watch%3Dme&resourceVersion=${start}`, (e) => e.length >= 3);
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    expect(Number(events[2].object.metadata.resourceVersion)).toBeGreaterThan(Number(events[1].object.metadata.resourceVersion));

    // Without a resourceVersion: synthetic ADDED for what exists, then live events.
    const live = watch(`${CM}?watch=1&fieldSelector=metadata.name%3Dw1`, (e) => e.length >= 2);
    await emu.waitFor(() => emu.openWatches > 0);
    await call('DELETE', `${CM}/w1`);
    expect((await live).map((e) => e.type)).toEqual(['ADDED', 'DELETED']);

    emu.compactEvents();
    const gone = await watch(`${CM}?watch=true&resourceVersion=${start}`, (e) => e.length >= 1);
    expect(gone).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);
    expect(gone[0].object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('sends bookmarks when asked, and dropWatches ends every stream', async () => {
    const rv = (await call('GET', `${CM}?limit=1`)).body.metadata.resourceVersion;
    const events = await watch(`${CM}?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`, (e) => e.some((x) => x.type === 'BOOKMARK'));
    expect(events.find((e) => e.type === 'BOOKMARK').object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } });
    let ended = false;
    const pending = watch(`${CM}?watch=true&resourceVersion=${rv}`, () => false, 5000).then(() => (ended = true));
    const started = Date.now();
    // (Earlier, client-aborted watches may still be counted for a moment; drop until ours ends.)
    while (!ended && Date.now() - started < 3000) {
      emu.dropWatches();
      await new Promise((r) => setTimeout(r, 20));
    }
    await pending;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(emu.openWatches).toBe(0);
  });
});

describe('deletion', () => {
  it('an object with finalizers lingers with a deletionTimestamp until they are removed', async () => {
    await call('POST', CM, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const del = await call('DELETE', `${CM}/held`);
    expect(del.body.metadata.deletionTimestamp).toBeTruthy();
    expect((await call('GET', `${CM}/held`)).status).toBe(200);
    await call('PATCH', `${CM}/held`, [{ op: 'remove', path: '/metadata/finalizers' }], 'application/json-patch+json');
    expect((await call('GET', `${CM}/held`)).status).toBe(404);
  });

  it('deleting a namespace makes it Terminating, refuses new content with 403, then removes it with its content', async () => {
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await call('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'a' } });
    const del = await call('DELETE', '/api/v1/namespaces/doomed');
    expect(del.body.status.phase).toBe('Terminating');
    const refused = await call('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'b' } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('unable to create new content in namespace doomed because it is being terminated');
    await emu.waitFor(() => !emu.get('v1', 'Namespace', undefined, 'doomed'), 5000, 'namespace removal');
    expect(emu.list('v1', 'ConfigMap', 'doomed')).toEqual([]);
  });

  it('deletecollection removes what the selector matches', async () => {
    await call('POST', CM, { metadata: { name: 'dc1', labels: { batch: 'x' } } });
    await call('POST', CM, { metadata: { name: 'dc2', labels: { batch: 'x' } } });
    const res = await call('DELETE', `${CM}?labelSelector=batch%3Dx`);
    expect(res.body.items.map((o: any) => o.metadata.name)).toEqual(['dc1', 'dc2']);
    expect((await call('GET', `${CM}?labelSelector=batch%3Dx`)).body.items).toEqual([]);
  });
});

describe('custom resources', () => {
  it('prunes unknown fields, fills schema defaults, rejects invalid objects, and serves /status and /scale', async () => {
    await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      metadata: { name: 'gadgets.api.example.com' },
      spec: {
        group: 'api.example.com',
        scope: 'Cluster',
        names: { plural: 'gadgets', kind: 'Gadget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: { type: 'object', properties: { replicas: { type: 'integer', default: 1 }, mode: { type: 'string', pattern: '^[a-z]+$' } } },
                  status: { type: 'object', properties: { replicas: { type: 'integer' } } },
                },
              },
            },
          },
        ],
      },
    });
    await emu.waitFor(() => emu.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'gadgets.api.example.com')?.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True'));
    const base = '/apis/api.example.com/v1/gadgets';
    const made = await call('POST', base, { apiVersion: 'api.example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { mode: 'fast', extra: true } });
    expect(made.status).toBe(201);
    expect(made.body.spec).toEqual({ mode: 'fast', replicas: 1 });
    expect(made.headers.get('warning')).toContain('unknown field \\"spec.extra\\"');
    const strict = await call('POST', `${base}?fieldValidation=Strict`, { apiVersion: 'api.example.com/v1', kind: 'Gadget', metadata: { name: 'g2' }, spec: { extra: true } });
    expect(strict.status).toBe(400);
    const invalid = await call('POST', base, { apiVersion: 'api.example.com/v1', kind: 'Gadget', metadata: { name: 'g3' }, spec: { mode: 'FAST' } });
    expect(invalid.body).toMatchObject({ code: 422, message: `Gadget.api.example.com "g3" is invalid: spec.mode: Invalid value: "FAST": spec.mode in body should match '^[a-z]+$'` });
    const scaled = await call('PATCH', `${base}/g1/scale`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    expect(scaled.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 } });
    const status = await call('PUT', `${base}/g1/status`, { ...(await call('GET', `${base}/g1`)).body, status: { replicas: 3 }, spec: { replicas: 99 } });
    expect(status.body.status).toEqual({ replicas: 3 });
    expect(status.body.spec.replicas).toBe(3); // a status write never changes spec
    expect(status.body.metadata.generation).toBe(2);
  });
});

describe('fault injection, access rules and the request log', () => {
  it('answers programmed 403/409/429/500 as real Status errors, once each, with Retry-After on 429', async () => {
    emu.failNext({ verb: 'get', resource: 'configmaps', code: 403 });
    emu.failNext({ verb: 'create', resource: 'configmaps', code: 409 });
    emu.failNext({ verb: 'list', resource: 'configmaps', code: 429, retryAfterSeconds: 2 });
    emu.failNext({ verb: 'patch', resource: 'configmaps', code: 500 });
    const forbidden = await call('GET', `${CM}/occ`);
    expect(forbidden.body).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect((await call('POST', CM, { metadata: { name: 'f1' } })).body).toMatchObject({ code: 409, reason: 'Conflict' });
    const throttled = await call('GET', CM);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect(throttled.body).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 2 } });
    expect((await call('PATCH', `${CM}/occ`, { data: { z: '1' } }, 'application/merge-patch+json')).body).toMatchObject({ code: 500, reason: 'InternalError' });
    // Each rule fired once: the same requests now succeed.
    expect((await call('GET', `${CM}/occ`)).status).toBe(200);
    expect((await call('GET', CM)).status).toBe(200);
  });

  it('delays and dropped connections', async () => {
    emu.failNext({ verb: 'get', resource: 'configmaps', name: 'occ', delayMs: 150 });
    const t0 = Date.now();
    expect((await call('GET', `${CM}/occ`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    emu.failNext({ verb: 'get', resource: 'configmaps', name: 'occ', drop: true });
    await expect(call('GET', `${CM}/occ`)).rejects.toThrow();
  });

  it('access rules deny with the RBAC message and answer SelfSubjectAccessReviews', async () => {
    emu.setAccessRules([{ allowed: false, verb: ['create', 'delete'], group: 'apps', resource: 'deployments', namespace: 'default' }]);
    const denied = await call('POST', '/apis/apps/v1/namespaces/default/deployments', { metadata: { name: 'x' } });
    expect(denied.body.message).toBe('deployments.apps is forbidden: User "kube-emulator-user" cannot create resource "deployments" in API group "apps" in the namespace "default"');
    const review = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'delete', group: 'apps', resource: 'deployments', namespace: 'default' } },
    });
    expect(review.status).toBe(201);
    expect(review.body.status).toMatchObject({ allowed: false, denied: true });
    emu.setAccessRules([]);
  });

  it('logs every request with verb and resource, and counts them', async () => {
    emu.resetRequestLog();
    await call('GET', `${CM}/occ`);
    await call('GET', CM);
    await call('GET', '/version');
    expect(emu.requestCount).toBe(3);
    expect(emu.countRequests({ verb: 'get', resource: 'configmaps', name: 'occ' })).toBe(1);
    expect(emu.requestCounts()).toEqual({ 'get configmaps': 1, 'list configmaps': 1, 'get /version': 1 });
    expect(emu.requests[0]).toMatchObject({ method: 'GET', verb: 'get', resource: 'configmaps', namespace: 'default', name: 'occ', code: 200 });
  });
});
