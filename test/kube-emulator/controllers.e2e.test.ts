/**
 * The simulated controllers: Deployment → ReplicaSet → Pods becoming Ready after readyDelayMs,
 * image pull failures and crash loops with kubelet Events, StatefulSet/DaemonSet pods, Job
 * completion, Endpoints/EndpointSlices from ready pods, garbage collection, CRD Established.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Emulator } from './index.js';
import type { Obj } from './errors.js';

const READY_DELAY = 60;
const emu = new Emulator({ tls: false, readyDelayMs: READY_DELAY, nodes: 2 });
afterAll(() => emu.stop());

function deployment(name: string, image: string, replicas = 2): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image, ports: [{ containerPort: 8080, name: 'http' }] }] } } },
  };
}

const condition = (obj: Obj | undefined, type: string) => (obj?.status?.conditions ?? []).find((c: Obj) => c.type === type);
const podsOf = (app: string) => emu.list('v1', 'Pod', 'default').filter((p) => p.metadata.labels?.app === app);

describe('workload controllers', () => {
  it('a Deployment gets a ReplicaSet and Pods that become Ready only after readyDelayMs, then Available', async () => {
    const started = Date.now();
    emu.create(deployment('web', 'example/web:1'));
    const rs = await emu.waitFor(() => emu.list('apps/v1', 'ReplicaSet', 'default').find((r) => r.metadata.name.startsWith('web-')));
    expect(rs.metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    expect(rs.metadata.labels['pod-template-hash']).toBe(rs.metadata.name.slice('web-'.length));
    const pending = await emu.waitFor(() => (podsOf('web').length === 2 ? podsOf('web') : undefined));
    expect(pending.every((p) => p.metadata.ownerReferences[0].name === rs.metadata.name)).toBe(true);
    const available = await emu.waitFor(() => {
      const d = emu.get('apps/v1', 'Deployment', 'default', 'web');
      return condition(d, 'Available')?.status === 'True' && d!.status.readyReplicas === 2 ? d : undefined;
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(READY_DELAY);
    expect(available.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(condition(available, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    const pods = podsOf('web');
    expect(pods.every((p) => p.status.phase === 'Running' && condition(p, 'Ready').status === 'True' && /^10\.244\./.test(p.status.podIP))).toBe(true);
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(2); // spread over the two nodes
    // The pods are the Service's endpoints.
    emu.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    const ep = await emu.waitFor(() => emu.get('v1', 'Endpoints', 'default', 'web')?.subsets?.[0]?.addresses?.length === 2 && emu.get('v1', 'Endpoints', 'default', 'web'));
    expect(ep.subsets[0].ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const slice = emu.list('discovery.k8s.io/v1', 'EndpointSlice', 'default').find((s) => s.metadata.labels['kubernetes.io/service-name'] === 'web')!;
    expect(slice.endpoints.map((e: Obj) => e.conditions.ready)).toEqual([true, true]);
  });

  it('a new pod template rolls out a new ReplicaSet and scales the old one to zero', async () => {
    const before = emu.list('apps/v1', 'ReplicaSet', 'default').filter((r) => r.metadata.name.startsWith('web-'));
    emu.api.patch(emu.type('apps', 'deployments'), 'v1', 'default', 'web', 'application/strategic-merge-patch+json', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'main', image: 'example/web:2' }] } } } }), { fieldManager: 't' });
    const done = await emu.waitFor(() => {
      const d = emu.get('apps/v1', 'Deployment', 'default', 'web')!;
      return d.status.observedGeneration === 2 && condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' && d.status.replicas === 2 ? d : undefined;
    });
    expect(done.status.updatedReplicas).toBe(2);
    const sets = emu.list('apps/v1', 'ReplicaSet', 'default').filter((r) => r.metadata.name.startsWith('web-'));
    expect(sets).toHaveLength(before.length + 1);
    const old = sets.find((r) => r.metadata.name === before[0].metadata.name)!;
    expect(old.spec.replicas).toBe(0);
    await emu.waitFor(() => podsOf('web').every((p) => p.spec.containers[0].image === 'example/web:2') && podsOf('web').length === 2);
  });

  it('failImages: pods go to ImagePullBackOff with the kubelet\'s Events and the Deployment stays unavailable', async () => {
    emu.failImages(/registry\.invalid\//);
    emu.create(deployment('broken', 'registry.invalid/app:1', 1));
    const pod = await emu.waitFor(() => podsOf('broken').find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff'));
    expect(pod.status.containerStatuses[0].state.waiting.message).toBe('Back-off pulling image "registry.invalid/app:1"');
    expect(condition(pod, 'Ready').status).toBe('False');
    const events = emu.list('v1', 'Event', 'default').filter((e) => e.involvedObject.name === pod.metadata.name);
    expect(events.map((e) => `${e.type} ${e.reason}`)).toEqual(
      expect.arrayContaining(['Normal Scheduled', 'Normal Pulling', 'Warning Failed', 'Normal BackOff']),
    );
    expect(events.filter((e) => e.reason === 'Failed').map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Failed to pull image "registry\.invalid\/app:1": /), 'Error: ErrImagePull', 'Error: ImagePullBackOff']),
    );
    const d = emu.get('apps/v1', 'Deployment', 'default', 'broken')!;
    expect(condition(d, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('crashLoopImages: containers are in CrashLoopBackOff with restarts', async () => {
    emu.crashLoopImages(/crashy/);
    emu.create(deployment('crash', 'example/crashy:1', 1));
    const pod = await emu.waitFor(() => podsOf('crash').find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff'));
    expect(pod.status.containerStatuses[0].restartCount).toBeGreaterThan(0);
    expect(pod.status.phase).toBe('Running');
  });

  it('StatefulSet pods are created in order with stable names; a DaemonSet runs one pod per node; a Job completes', async () => {
    const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    emu.create({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'default' }, spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db') } });
    emu.create({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent') } });
    emu.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'default' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x:1' }] } } } });
    const sts = await emu.waitFor(() => emu.get('apps/v1', 'StatefulSet', 'default', 'db')?.status?.readyReplicas === 3 && emu.get('apps/v1', 'StatefulSet', 'default', 'db'));
    expect(podsOf('db').map((p) => p.metadata.name).sort()).toEqual(['db-0', 'db-1', 'db-2']);
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    const ds = await emu.waitFor(() => emu.get('apps/v1', 'DaemonSet', 'default', 'agent')?.status?.numberReady === 2 && emu.get('apps/v1', 'DaemonSet', 'default', 'agent'));
    expect(ds.status.desiredNumberScheduled).toBe(2);
    expect(new Set(podsOf('agent').map((p) => p.spec.nodeName))).toEqual(new Set(['kube-emulator-node-1', 'kube-emulator-node-2']));
    const job = await emu.waitFor(() => condition(emu.get('batch/v1', 'Job', 'default', 'once'), 'Complete')?.status === 'True' && emu.get('batch/v1', 'Job', 'default', 'once'));
    expect(job.status.succeeded).toBe(1);
  });

  it('an HPA clamps its target to minReplicas and reports status; a PDB counts healthy pods; a deleted pod is replaced', async () => {
    emu.create({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
    });
    const hpa = await emu.waitFor(() => emu.get('autoscaling/v2', 'HorizontalPodAutoscaler', 'default', 'web')?.status?.desiredReplicas === 3 && emu.get('autoscaling/v2', 'HorizontalPodAutoscaler', 'default', 'web'));
    expect(condition(hpa, 'AbleToScale')?.status).toBe('True');
    await emu.waitFor(() => emu.get('apps/v1', 'Deployment', 'default', 'web')?.status?.readyReplicas === 3, 5000, 'the scaled Deployment');
    emu.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
    const pdb = await emu.waitFor(() => emu.get('policy/v1', 'PodDisruptionBudget', 'default', 'web')?.status?.currentHealthy === 3 && emu.get('policy/v1', 'PodDisruptionBudget', 'default', 'web'));
    expect(pdb.status).toMatchObject({ desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3 });
    const victim = podsOf('web')[0].metadata.name;
    emu.delete('v1', 'Pod', 'default', victim);
    await emu.waitFor(() => podsOf('web').length === 3 && !podsOf('web').some((p) => p.metadata.name === victim) && podsOf('web').every((p) => condition(p, 'Ready')?.status === 'True'), 5000, 'a replacement pod');
  });

  it('deleting a Deployment (background) garbage-collects its ReplicaSets and Pods', async () => {
    emu.delete('apps/v1', 'Deployment', 'default', 'crash');
    await emu.waitFor(() => podsOf('crash').length === 0 && !emu.list('apps/v1', 'ReplicaSet', 'default').some((r) => r.metadata.name.startsWith('crash-')), 5000, 'garbage collection');
  });
});

describe('CRD lifecycle', () => {
  it('a CRD is served only once Established (after crdEstablishDelayMs), and deleting it removes its objects', async () => {
    emu.crdEstablishDelayMs = 80;
    const t0 = Date.now();
    emu.create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.ctl.example.com' },
      spec: {
        group: 'ctl.example.com',
        scope: 'Namespaced',
        names: { plural: 'things', kind: 'Thing' },
        versions: [
          { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
        ],
      },
    });
    expect(() => emu.create({ apiVersion: 'ctl.example.com/v1', kind: 'Thing', metadata: { name: 't' } })).toThrow(/no kind Thing/);
    const crd = await emu.waitFor(() => {
      const c = emu.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'things.ctl.example.com');
      return condition(c, 'Established')?.status === 'True' ? c : undefined;
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);
    expect(crd.status).toMatchObject({ acceptedNames: { plural: 'things', kind: 'Thing' }, storedVersions: ['v1'] });
    expect(condition(crd, 'NamesAccepted').status).toBe('True');
    emu.create({ apiVersion: 'ctl.example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { any: 'thing' } });
    expect(emu.get('ctl.example.com/v1beta1', 'Thing', 'default', 't')).toMatchObject({ apiVersion: 'ctl.example.com/v1beta1', spec: { any: 'thing' } });
    emu.delete('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'things.ctl.example.com');
    await emu.waitFor(() => !emu.registry.get('ctl.example.com', 'things'), 5000, 'the CRD to go');
    expect(emu.store.count('ctl.example.com/things')).toBe(0);
  });
});
