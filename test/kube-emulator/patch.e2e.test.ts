/**
 * Patch semantics of the emulator, driven through its Api (no HTTP): strategic merge patch with the
 * directives kubectl sends, JSON/merge patch, and server-side apply (field ownership, conflicts,
 * removal of fields a manager stops applying, list-maps keyed as in the upstream Go types).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Emulator } from './index.js';
import type { Obj } from './errors.js';

const emu = new Emulator({ tls: false });
afterAll(() => emu.stop());

const APPLY = 'application/apply-patch+yaml';
const SMP = 'application/strategic-merge-patch+json';
let seq = 0;

function apply(group: string, plural: string, ns: string | undefined, body: Obj, manager: string, force = false): Obj {
  const t = emu.type(group, plural);
  return emu.api.patch(t, t.storageVersion, ns, body.metadata.name, APPLY, JSON.stringify(body), { fieldManager: manager }, { force }).object;
}

function patch(group: string, plural: string, ns: string | undefined, name: string, ct: string, body: unknown, manager = 'kubectl-patch'): Obj {
  const t = emu.type(group, plural);
  return emu.api.patch(t, t.storageVersion, ns, name, ct, JSON.stringify(body), { fieldManager: manager }).object;
}

function service(name: string, ports: [string, number][]): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: ports.map(([n, port]) => ({ name: n, port, targetPort: port, protocol: 'TCP' })) },
  };
}

function deployment(name: string, containers: Obj[]): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers } } },
  };
}

describe('server-side apply', () => {
  it('removes Service ports the manager no longer applies (keys port+protocol), keeping the others intact', () => {
    const name = `gw${++seq}`;
    apply('', 'services', 'default', service(name, [['http2', 80], ['https', 443], ['tcp', 31400], ['tls', 15443]]), 'installer');
    const after = apply('', 'services', 'default', service(name, [['status-port', 15021], ['http2', 80], ['https', 443]]), 'installer');
    expect(after.spec.ports.map((p: Obj) => [p.name, p.port, p.protocol])).toEqual([
      ['http2', 80, 'TCP'],
      ['https', 443, 'TCP'],
      ['status-port', 15021, 'TCP'],
    ]);
    const fields = after.metadata.managedFields.find((m: Obj) => m.manager === 'installer').fieldsV1;
    expect(Object.keys(fields['f:spec']['f:ports'])).toEqual(
      expect.arrayContaining(['k:{"port":80,"protocol":"TCP"}', 'k:{"port":443,"protocol":"TCP"}', 'k:{"port":15021,"protocol":"TCP"}']),
    );
    expect(JSON.stringify(fields)).not.toContain('31400');
    // The clusterIP allocated at creation survives every apply.
    expect(after.spec.clusterIP).toMatch(/^10\.96\./);
  });

  it('keeps a list-map item another manager still owns a field of, dropping only the applier\'s fields', () => {
    const name = `gw${++seq}`;
    apply('', 'services', 'default', service(name, [['http', 80], ['metrics', 9090]]), 'installer');
    patch('', 'services', 'default', name, SMP, { spec: { ports: [{ port: 9090, name: 'prom', appProtocol: 'http' }] } }, 'operator');
    const after = apply('', 'services', 'default', service(name, [['http', 80]]), 'installer');
    expect(after.spec.ports.map((p: Obj) => p.port)).toEqual([80, 9090]);
    expect(after.spec.ports[1]).toMatchObject({ port: 9090, protocol: 'TCP', name: 'prom', appProtocol: 'http' });
    const installer = after.metadata.managedFields.find((m: Obj) => m.manager === 'installer').fieldsV1;
    expect(Object.keys(installer['f:spec']['f:ports'])).toEqual(['k:{"port":80,"protocol":"TCP"}']);
  });

  it('removes containers, env entries and volume mounts (keyed by name / mountPath) that are no longer applied', () => {
    const name = `web${++seq}`;
    const c = (n: string, env: string[], mounts: string[]) => ({
      name: n,
      image: `${n}:1`,
      env: env.map((e) => ({ name: e, value: e.toLowerCase() })),
      volumeMounts: mounts.map((m) => ({ name: 'v', mountPath: m })),
    });
    apply('apps', 'deployments', 'default', deployment(name, [c('app', ['A', 'B', 'C'], ['/a', '/b']), c('sidecar', ['X'], [])]), 'installer');
    const after = apply('apps', 'deployments', 'default', deployment(name, [c('app', ['C', 'A'], ['/b'])]), 'installer');
    const containers = after.spec.template.spec.containers;
    expect(containers.map((x: Obj) => x.name)).toEqual(['app']);
    expect(containers[0].env.map((e: Obj) => e.name)).toEqual(['A', 'C']);
    expect(containers[0].volumeMounts.map((m: Obj) => m.mountPath)).toEqual(['/b']);
    // Server defaults (not owned by the applier) stay on the surviving container.
    expect(containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(after.metadata.generation).toBe(2);
  });

  it('removes webhooks (keyed by name) and replaces atomic lists such as rules whole', () => {
    const name = `istio-validator-${++seq}`;
    const webhook = (n: string, ops: string[]) => ({
      name: n,
      clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/validate' } },
      rules: [{ apiGroups: ['networking.istio.io'], apiVersions: ['*'], operations: ops, resources: ['*'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
    });
    const cfg = (hooks: Obj[]) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name }, webhooks: hooks });
    apply('admissionregistration.k8s.io', 'validatingwebhookconfigurations', undefined, cfg([webhook('rev.validation.istio.io', ['CREATE', 'UPDATE']), webhook('old.validation.istio.io', ['CREATE'])]), 'installer');
    const after = apply('admissionregistration.k8s.io', 'validatingwebhookconfigurations', undefined, cfg([webhook('rev.validation.istio.io', ['CREATE'])]), 'installer');
    expect(after.webhooks.map((w: Obj) => w.name)).toEqual(['rev.validation.istio.io']);
    expect(after.webhooks[0].rules[0].operations).toEqual(['CREATE']);
    expect(after.webhooks[0].failurePolicy).toBe('Fail'); // server default kept
  });

  it('reports a conflict with another manager as 409 in the real message format, and force takes ownership', () => {
    const name = `cm${++seq}`;
    const cm = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { a: v, b: 'same' } });
    apply('', 'configmaps', 'default', cm('1'), 'first');
    let err: any;
    try {
      apply('', 'configmaps', 'default', cm('2'), 'second');
    } catch (e) {
      err = e;
    }
    expect(err?.code).toBe(409);
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "first": .data.a');
    expect(err.details.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "first"', field: '.data.a' }]);
    // An Update manager is named with its API version; several conflicts are grouped per manager.
    patch('', 'configmaps', 'default', name, 'application/merge-patch+json', { data: { c: 'edited' } }, 'kubectl-edit');
    let err2: any;
    try {
      apply('', 'configmaps', 'default', { ...cm('2'), data: { a: '2', b: 'same', c: 'mine' } }, 'second');
    } catch (e) {
      err2 = e;
    }
    expect(err2?.message).toBe('Apply failed with 2 conflicts: conflicts with "first":\n- .data.a\nconflicts with "kubectl-edit" using v1:\n- .data.c');
    // Applying the same value as another manager is shared ownership, not a conflict.
    const shared = apply('', 'configmaps', 'default', { ...cm('1'), data: { b: 'same' } }, 'third');
    expect(shared.metadata.managedFields.map((m: Obj) => m.manager).sort()).toEqual(['first', 'kubectl-edit', 'third']);
    const forced = apply('', 'configmaps', 'default', cm('2'), 'second', true);
    expect(forced.data.a).toBe('2');
    const first = forced.metadata.managedFields.find((m: Obj) => m.manager === 'first');
    expect(first.fieldsV1['f:data']['f:a']).toBeUndefined();
  });

  it('a re-apply of the same manifest is a no-op: same resourceVersion, no watch event', () => {
    const name = `noop${++seq}`;
    const first = apply('', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { k: 'v' } }, 'm');
    const rev = emu.store.currentRevision;
    const again = apply('', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { k: 'v' } }, 'm');
    expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(emu.store.currentRevision).toBe(rev);
  });

  it('requires a field manager (422) and rejects a name that differs from the URL (400)', () => {
    const t = emu.type('', 'configmaps');
    expect(() => emu.api.patch(t, 'v1', 'default', 'x', APPLY, '{"apiVersion":"v1","kind":"ConfigMap"}', {}, {})).toThrow(/fieldManager: Required value/);
    expect(() => emu.api.patch(t, 'v1', 'default', 'x', APPLY, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"y"}}', { fieldManager: 'm' })).toThrow(/does not match the name on the URL/);
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name and env by name, honouring $setElementOrder, null deletion and $patch: delete', () => {
    const name = `smp${++seq}`;
    emu.create(deployment(name, [{ name: 'web', image: 'web:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { name: 'side', image: 'side:1' }]));
    const out = patch('apps', 'deployments', 'default', name, SMP, {
      metadata: { labels: { tier: 'front' } },
      spec: {
        replicas: 3,
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            containers: [
              { name: 'web', '$setElementOrder/env': [{ name: 'B' }, { name: 'C' }], env: [{ name: 'C', value: '3' }, { name: 'A', $patch: 'delete' }] },
              { name: 'side', $patch: 'delete' },
            ],
          },
        },
      },
    });
    expect(out.spec.replicas).toBe(3);
    expect(out.metadata.labels).toEqual({ tier: 'front' });
    const [web, ...rest] = out.spec.template.spec.containers;
    expect(rest).toEqual([]);
    expect(web.image).toBe('web:1');
    expect(web.env).toEqual([{ name: 'B', value: '2' }, { name: 'C', value: '3' }]);
    const cleared = patch('apps', 'deployments', 'default', name, SMP, { metadata: { labels: { tier: null } } });
    expect(cleared.metadata.labels ?? {}).toEqual({});
  });

  it('merges container ports by containerPort but Service ports by port (same field name, different keys)', () => {
    const name = `ports${++seq}`;
    emu.create(service(name, [['http', 80], ['grpc', 8080]]));
    const svc = patch('', 'services', 'default', name, SMP, { spec: { ports: [{ port: 8080, name: 'grpc-web' }] } });
    expect(svc.spec.ports.map((p: Obj) => `${p.name}:${p.port}`)).toEqual(['http:80', 'grpc-web:8080']);
    emu.create(deployment(name, [{ name: 'c', image: 'c:1', ports: [{ containerPort: 80, name: 'http' }] }]));
    const d = patch('apps', 'deployments', 'default', name, SMP, { spec: { template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 9090, name: 'metrics' }] }] } } } });
    // As kube-apiserver orders it: items named by the patch first, then the server's other items.
    expect(d.spec.template.spec.containers[0].ports.map((p: Obj) => p.containerPort)).toEqual([9090, 80]);
  });

  it('replaces lists without a merge strategy, supports $retainKeys and $deleteFromPrimitiveList', () => {
    const name = `rk${++seq}`;
    emu.create({ ...deployment(name, [{ name: 'c', image: 'c:1', args: ['--a', '--b'] }]), metadata: { name, namespace: 'default', finalizers: ['x/one', 'x/two'] } });
    const out = patch('apps', 'deployments', 'default', name, SMP, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['x/one'] },
      spec: {
        strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null },
        template: { spec: { containers: [{ name: 'c', args: ['--c'] }] } },
      },
    });
    expect(out.metadata.finalizers).toEqual(['x/two']);
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    expect(out.spec.template.spec.containers[0].args).toEqual(['--c']);
  });

  it('is refused for custom resources with 415, as on a real server', async () => {
    const crd = emu.create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gizmos.patch.example.com' },
      spec: {
        group: 'patch.example.com',
        scope: 'Namespaced',
        names: { plural: 'gizmos', kind: 'Gizmo' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    expect(crd.metadata.name).toBe('gizmos.patch.example.com');
    await emu.waitFor(() => emu.registry.get('patch.example.com', 'gizmos')?.crd?.established);
    emu.create({ apiVersion: 'patch.example.com/v1', kind: 'Gizmo', metadata: { name: 'g', namespace: 'default' }, spec: { size: 1 } });
    let err: any;
    try {
      patch('patch.example.com', 'gizmos', 'default', 'g', SMP, { spec: { size: 2 } });
    } catch (e) {
      err = e;
    }
    expect(err?.code).toBe(415);
    expect(patch('patch.example.com', 'gizmos', 'default', 'g', 'application/merge-patch+json', { spec: { size: 2 } }).spec.size).toBe(2);
  });
});

describe('JSON patch and merge patch', () => {
  it('applies RFC 6902 operations (test failure is a 422-style error) and RFC 7386 null deletion', () => {
    const name = `jp${++seq}`;
    emu.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { a: '1', b: '2' } });
    const out = patch('', 'configmaps', 'default', name, 'application/json-patch+json', [
      { op: 'add', path: '/data/c', value: '3' },
      { op: 'remove', path: '/data/a' },
      { op: 'replace', path: '/data/b', value: '20' },
      { op: 'copy', from: '/data/c', path: '/data/d' },
    ]);
    expect(out.data).toEqual({ b: '20', c: '3', d: '3' });
    expect(() => patch('', 'configmaps', 'default', name, 'application/json-patch+json', [{ op: 'test', path: '/data/b', value: 'nope' }])).toThrow();
    const merged = patch('', 'configmaps', 'default', name, 'application/merge-patch+json', { data: { b: null, e: '5' } });
    expect(merged.data).toEqual({ c: '3', d: '3', e: '5' });
  });

  it('a stale resourceVersion in a patch is a 409 Conflict', () => {
    const name = `rv${++seq}`;
    const cm = emu.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { a: '1' } });
    patch('', 'configmaps', 'default', name, 'application/merge-patch+json', { data: { a: '2' } });
    expect(() => patch('', 'configmaps', 'default', name, 'application/merge-patch+json', { metadata: { resourceVersion: cm.metadata.resourceVersion }, data: { a: '3' } })).toThrow(
      /Operation cannot be fulfilled on configmaps ".*": the object has been modified/,
    );
  });
});
