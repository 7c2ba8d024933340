/**
 * A simulated scheduler + kubelet: pods get a node, then after the configured delay either run and
 * become Ready, fail to pull their image (ImagePullBackOff, with the kubelet's Events), crash-loop,
 * or (restartPolicy Never/OnFailure) run to completion.
 */
import { nowTimestamp } from '../api.js';
import type { Obj } from '../errors.js';
import type { StoreEvent } from '../store.js';
import type { ControllerContext } from './runtime.js';

const KUBELET = 'kubelet';

export function kubelet(ctx: ControllerContext): (e: StoreEvent) => void {
  const podType = () => ctx.type('', 'pods');
  const podKey = ctx.key('', 'pods');
  const nodeKey = ctx.key('', 'nodes');
  let nextNode = 0;
  let nextIP = 10;

  const pickNode = (): Obj | undefined => {
    const nodes = ctx.store.list(nodeKey).filter((n) => !n.spec?.unschedulable && !n.metadata.deletionTimestamp);
    if (nodes.length === 0) return undefined;
    return nodes[nextNode++ % nodes.length];
  };

  const hostIPOf = (nodeName: string): string => {
    const node = ctx.store.get(nodeKey, undefined, nodeName);
    return node?.status?.addresses?.find((a: Obj) => a.type === 'InternalIP')?.address ?? '172.18.0.2';
  };

  const matchesAny = (patterns: RegExp[], pod: Obj): string | undefined =>
    (pod.spec.containers ?? []).map((c: Obj) => String(c.image ?? '')).find((img: string) => patterns.some((p) => p.test(img)));

  const baseConditions = (ready: boolean, now: string, reason?: string): Obj[] => [
    { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: now },
    { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
    { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now, ...(ready ? {} : { reason: reason ?? 'ContainersNotReady', message: reason === 'PodCompleted' ? undefined : `containers with unready status: [${''}]` }) },
    { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now, ...(ready ? {} : { reason: reason ?? 'ContainersNotReady' }) },
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
  ];

  const schedule = (ns: string, name: string) => {
    const pod = ctx.api.tryGet(podType(), ns, name);
    if (!pod || pod.metadata.deletionTimestamp || pod.status?.phase) return;
    let nodeName: string | undefined = pod.spec.nodeName;
    if (!nodeName) {
      const node = pickNode();
      if (!node) {
        ctx.api.writeStatus(podType(), pod, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/0 nodes are available.', lastProbeTime: null, lastTransitionTime: nowTimestamp() }], qosClass: 'BestEffort' }, 'kube-scheduler');
        return;
      }
      nodeName = node.metadata.name as string;
      const scheduled = ctx.api.mutate(podType(), ns, name, 'kube-scheduler', (o) => (o.spec.nodeName = nodeName));
      if (!scheduled) return;
      ctx.recordEvent(podType(), scheduled, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${nodeName}`, 'default-scheduler');
    }
    const current = ctx.api.tryGet(podType(), ns, name)!;
    const now = nowTimestamp();
    ctx.api.writeStatus(
      podType(),
      current,
      {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }],
        hostIP: hostIPOf(nodeName),
        hostIPs: [{ ip: hostIPOf(nodeName) }],
        startTime: now,
        qosClass: 'BestEffort',
        containerStatuses: (current.spec.containers ?? []).map((c: Obj) => ({ name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } })),
      },
      KUBELET,
    );
    ctx.afterOnce(`pod-start/${ns}/${name}`, ctx.settings.podReadyDelayMs, () => ctx.queue.add(`pod-start/${ns}/${name}`, () => start(ns, name)));
  };

  const start = (ns: string, name: string) => {
    const pod = ctx.api.tryGet(podType(), ns, name);
    if (!pod || pod.metadata.deletionTimestamp || pod.status?.phase !== 'Pending') return;
    const now = nowTimestamp();
    const ip = `10.244.${Math.floor(nextIP / 250)}.${(nextIP++ % 250) + 1}`;
    const pullFailure = matchesAny(ctx.settings.failImages, pod);
    if (pullFailure) {
      ctx.api.writeStatus(
        podType(),
        pod,
        {
          ...pod.status,
          conditions: baseConditions(false, now),
          podIP: ip,
          podIPs: [{ ip }],
          containerStatuses: (pod.spec.containers ?? []).map((c: Obj) => ({
            name: c.name,
            image: c.image,
            imageID: '',
            ready: false,
            restartCount: 0,
            started: false,
            state: { waiting: ctx.settings.failImages.some((p) => p.test(c.image)) ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } : { reason: 'PodInitializing' } },
          })),
        },
        KUBELET,
      );
      const field = `spec.containers{${(pod.spec.containers ?? []).find((c: Obj) => c.image === pullFailure)?.name}}`;
      ctx.recordEvent(podType(), pod, 'Normal', 'Pulling', `Pulling image "${pullFailure}"`, KUBELET, field);
      ctx.recordEvent(podType(), pod, 'Warning', 'Failed', `Failed to pull image "${pullFailure}": rpc error: code = NotFound desc = failed to pull and unpack image "${pullFailure}": not found`, KUBELET, field);
      ctx.recordEvent(podType(), pod, 'Warning', 'Failed', 'Error: ErrImagePull', KUBELET, field);
      ctx.recordEvent(podType(), pod, 'Normal', 'BackOff', `Back-off pulling image "${pullFailure}"`, KUBELET, field);
      ctx.recordEvent(podType(), pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', KUBELET, field);
      return;
    }
    const crashing = matchesAny(ctx.settings.crashLoopImages, pod);
    const completes = pod.spec.restartPolicy === 'Never' || pod.spec.restartPolicy === 'OnFailure';
    const running = (c: Obj) => ({
      name: c.name,
      image: c.image,
      imageID: `${String(c.image).split(':')[0]}@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${Buffer.from(`${ns}/${name}/${c.name}`).toString('hex').padEnd(64, '0').slice(0, 64)}`,
      ready: !crashing || !ctx.settings.crashLoopImages.some((p) => p.test(c.image)),
      restartCount: 0,
      started: true,
      state: { running: { startedAt: now } },
    });
    let containerStatuses = (pod.spec.containers ?? []).map(running);
    if (crashing) {
      containerStatuses = containerStatuses.map((cs: Obj) =>
        cs.ready ? cs : { ...cs, started: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=${cs.name} pod=${name}_${ns}(${pod.metadata.uid})` } }, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } } },
      );
    }
    for (const c of pod.spec.containers ?? []) {
      ctx.recordEvent(podType(), pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, KUBELET, `spec.containers{${c.name}}`);
      ctx.recordEvent(podType(), pod, 'Normal', 'Created', `Created container ${c.name}`, KUBELET, `spec.containers{${c.name}}`);
      ctx.recordEvent(podType(), pod, 'Normal', 'Started', `Started container ${c.name}`, KUBELET, `spec.containers{${c.name}}`);
    }
    if (crashing) ctx.recordEvent(podType(), pod, 'Warning', 'BackOff', 'Back-off restarting failed container', KUBELET, `spec.containers{${(pod.spec.containers ?? [])[0]?.name}}`);
    const ready = !crashing;
    ctx.api.writeStatus(
      podType(),
      pod,
      { ...pod.status, phase: 'Running', conditions: baseConditions(ready, now), podIP: ip, podIPs: [{ ip }], containerStatuses },
      KUBELET,
    );
    if (completes && !crashing) ctx.afterOnce(`pod-complete/${ns}/${name}`, ctx.settings.podReadyDelayMs, () => ctx.queue.add(`pod-complete/${ns}/${name}`, () => complete(ns, name)));
  };

  const complete = (ns: string, name: string) => {
    const pod = ctx.api.tryGet(podType(), ns, name);
    if (!pod || pod.metadata.deletionTimestamp || pod.status?.phase !== 'Running') return;
    const now = nowTimestamp();
    ctx.api.writeStatus(
      podType(),
      pod,
      {
        ...pod.status,
        phase: 'Succeeded',
        conditions: baseConditions(false, now, 'PodCompleted'),
        containerStatuses: (pod.status.containerStatuses ?? []).map((cs: Obj) => ({
          ...cs,
          ready: false,
          started: false,
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: cs.state?.running?.startedAt ?? now, finishedAt: now, containerID: cs.containerID } },
        })),
      },
      KUBELET,
    );
  };

  return (e) => {
    if (e.typeKey !== podKey || e.type !== 'ADDED') return;
    const { namespace, name } = e.object.metadata;
    ctx.queue.add(`pod-schedule/${namespace}/${name}`, () => schedule(namespace, name));
  };
}
