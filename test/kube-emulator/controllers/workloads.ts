/**
 * Workload controllers, simulated: Deployment → ReplicaSet → Pods, StatefulSet, DaemonSet (one pod
 * per Node), Job completion, HPA and PDB status. They write what kubectl rollout/wait and client
 * polling read: observedGeneration, replica counts and the Available/Progressing conditions.
 */
import { nowTimestamp, randomSuffix } from '../api.js';
import type { Obj } from '../errors.js';
import { clone } from '../patch/json-patches.js';
import { labelSelectorMatcher } from '../selectors.js';
import type { StoreEvent } from '../store.js';
import { setCondition, shortHash, type ControllerContext } from './runtime.js';

const MANAGER = 'kube-controller-manager';

export function isPodReady(pod: Obj): boolean {
  return !pod.metadata.deletionTimestamp && (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
}

function resolveCount(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value ?? ''));
  if (!m) return 0;
  const raw = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/** pod-template-hash: over the template without nulls and empty maps, so a template copied back by rollout undo hashes the same. */
function templateHash(template: unknown): string {
  const normalize = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(normalize);
    if (!v || typeof v !== 'object') return v;
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      const n = normalize(x);
      if (n === null || n === undefined || (typeof n === 'object' && !Array.isArray(n) && Object.keys(n as Obj).length === 0)) continue;
      out[k] = n;
    }
    return out;
  };
  return shortHash(normalize(template), 10);
}

export function workloadControllers(ctx: ControllerContext): (e: StoreEvent) => void {
  const T = {
    deploy: () => ctx.type('apps', 'deployments'),
    rs: () => ctx.type('apps', 'replicasets'),
    sts: () => ctx.type('apps', 'statefulsets'),
    ds: () => ctx.type('apps', 'daemonsets'),
    job: () => ctx.type('batch', 'jobs'),
    pod: () => ctx.type('', 'pods'),
    node: () => ctx.type('', 'nodes'),
    hpa: () => ctx.type('autoscaling', 'horizontalpodautoscalers'),
    pdb: () => ctx.type('policy', 'poddisruptionbudgets'),
  };
  const keys = {
    deploy: ctx.key('apps', 'deployments'),
    rs: ctx.key('apps', 'replicasets'),
    sts: ctx.key('apps', 'statefulsets'),
    ds: ctx.key('apps', 'daemonsets'),
    job: ctx.key('batch', 'jobs'),
    pod: ctx.key('', 'pods'),
    node: ctx.key('', 'nodes'),
    hpa: ctx.key('autoscaling', 'horizontalpodautoscalers'),
    pdb: ctx.key('policy', 'poddisruptionbudgets'),
  };

  const ownedPods = (owner: Obj): Obj[] =>
    ctx.owners
      .dependentsOf(owner.metadata.uid, keys.pod)
      .map((r) => ctx.store.get(keys.pod, r.namespace, r.name))
      .filter((p): p is Obj => !!p && !p.metadata.deletionTimestamp);

  /** Pods being created through admission webhooks, by owner uid (kube's "expectations"). */
  const inflight = new Map<string, Obj[]>();
  const pendingOf = (owner: Obj): Obj[] => inflight.get(owner.metadata.uid) ?? [];
  const CONTROLLER: Record<string, string> = { ReplicaSet: 'replicaset-controller', StatefulSet: 'statefulset-controller', DaemonSet: 'daemonset-controller', Job: 'job-controller' };

  const podFromTemplate = (ownerKind: () => ReturnType<typeof T.rs>, owner: Obj, name: string, extraLabels: Obj = {}, nodeName?: string): void => {
    const template = owner.spec.template ?? {};
    const ns: string = owner.metadata.namespace;
    const body: Obj = {
      metadata: {
        name,
        namespace: ns,
        labels: { ...(template.metadata?.labels ?? {}), ...extraLabels },
        ...(template.metadata?.annotations ? { annotations: clone(template.metadata.annotations) } : {}),
        ownerReferences: [ctx.ownerRef(ownerKind(), owner)],
      },
      spec: { ...clone(template.spec ?? {}), ...(nodeName ? { nodeName } : {}) },
    };
    const create = (pod: Obj) => {
      try {
        ctx.api.create(T.pod(), 'v1', ns, pod, { fieldManager: MANAGER });
      } catch {
        // Name clash or namespace going away: the next reconcile decides again.
      }
    };
    const admission = ctx.admission();
    if (!admission || admission.matching(T.pod(), 'v1', ns, body).length === 0) return create(body);
    // Webhooks answer asynchronously: count the pod as on its way so the next reconcile does not make another.
    const uid: string = owner.metadata.uid;
    inflight.set(uid, [...pendingOf(owner), body]);
    const kind = ownerKind();
    const requeue = () => {
      const entry = byKind[kind.kind];
      if (entry) enqueue(entry[0], ns, owner.metadata.name, entry[1]);
    };
    void admission
      .admit(T.pod(), 'v1', ns, body)
      .then(create, (err: Error) => {
        ctx.recordEvent(kind, owner, 'Warning', 'FailedCreate', `Error creating: ${err.message}`, CONTROLLER[kind.kind] ?? MANAGER);
        ctx.after(500, requeue);
      })
      .finally(() => {
        const rest = pendingOf(owner).filter((p) => p !== body);
        if (rest.length) inflight.set(uid, rest);
        else inflight.delete(uid);
        requeue();
      });
  };

  // ---- Deployment -------------------------------------------------------------------------
  const reconcileDeployment = (ns: string, name: string) => {
    const d = ctx.api.tryGet(T.deploy(), ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const hash = templateHash(d.spec.template);
    const replicas: number = d.spec.replicas ?? 1;
    const owned = ctx.owners
      .dependentsOf(d.metadata.uid, keys.rs)
      .map((r) => ctx.store.get(keys.rs, r.namespace, r.name))
      .filter((x): x is Obj => !!x && !x.metadata.deletionTimestamp);
    const revisions = owned.map((r) => Number(r.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0));
    let newRS = owned.find((r) => r.metadata.labels?.['pod-template-hash'] === hash);
    if (!d.spec.paused) {
      if (!newRS) {
        const revision = String(Math.max(0, ...revisions) + 1);
        const template = clone(d.spec.template);
        template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash } };
        const rsName = `${name}-${hash}`;
        try {
          newRS = ctx.api.create(
            T.rs(),
            'v1',
            ns,
            {
              metadata: {
                name: rsName,
                namespace: ns,
                labels: template.metadata.labels,
                annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + resolveCount(d.spec.strategy?.rollingUpdate?.maxSurge, replicas, true)), 'deployment.kubernetes.io/revision': revision },
                ownerReferences: [ctx.ownerRef(T.deploy(), d)],
              },
              spec: {
                replicas,
                minReadySeconds: d.spec.minReadySeconds ?? 0,
                selector: { ...clone(d.spec.selector), matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
                template,
              },
            },
            { fieldManager: MANAGER },
          );
          ctx.recordEvent(T.deploy(), d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rsName} from 0 to ${replicas}`, 'deployment-controller');
        } catch {
          return;
        }
      } else if (newRS.spec.replicas !== replicas) {
        const from = newRS.spec.replicas;
        newRS = ctx.api.mutate(T.rs(), ns, newRS.metadata.name, MANAGER, (o) => {
          o.spec.replicas = replicas;
          o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'deployment.kubernetes.io/desired-replicas': String(replicas) };
        }) ?? newRS;
        ctx.recordEvent(T.deploy(), d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > from ? 'up' : 'down'} replica set ${newRS.metadata.name} from ${from} to ${replicas}`, 'deployment-controller');
      }
      // A ReplicaSet brought back (rollout undo) becomes the newest revision; the Deployment carries it.
      const maxRevision = Math.max(0, ...revisions);
      const current = Number(newRS?.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
      if (newRS && current < maxRevision) {
        newRS = ctx.api.mutate(T.rs(), ns, newRS.metadata.name, MANAGER, (o) => {
          o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': String(maxRevision + 1) };
        }) ?? newRS;
      }
      const revision = newRS?.metadata.annotations?.['deployment.kubernetes.io/revision'];
      if (revision && d.metadata.annotations?.['deployment.kubernetes.io/revision'] !== revision) {
        ctx.api.mutate(T.deploy(), ns, name, MANAGER, (o) => {
          o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': revision };
        });
      }
      // Old ReplicaSets go to zero once the new one is fully available (or when Recreate).
      const newAvailable = newRS?.status?.availableReplicas ?? 0;
      for (const old of owned) {
        if (old === newRS || old.metadata.name === newRS?.metadata.name || (old.spec.replicas ?? 0) === 0) continue;
        if (d.spec.strategy?.type === 'Recreate' || newAvailable >= replicas) {
          ctx.api.mutate(T.rs(), ns, old.metadata.name, MANAGER, (o) => (o.spec.replicas = 0));
          ctx.recordEvent(T.deploy(), d, 'Normal', 'ScalingReplicaSet', `Scaled down replica set ${old.metadata.name} from ${old.spec.replicas} to 0`, 'deployment-controller');
        }
      }
    }
    const all = ctx.owners
      .dependentsOf(d.metadata.uid, keys.rs)
      .map((r) => ctx.store.get(keys.rs, r.namespace, r.name))
      .filter((x): x is Obj => !!x);
    const sum = (f: (r: Obj) => number) => all.reduce((n, r) => n + f(r), 0);
    const total = sum((r) => r.status?.replicas ?? 0);
    const ready = sum((r) => r.status?.readyReplicas ?? 0);
    const available = sum((r) => r.status?.availableReplicas ?? 0);
    const updated = newRS?.status?.replicas ?? 0;
    const newName = newRS?.metadata.name ?? `${name}-${hash}`;
    const maxUnavailable = d.spec.strategy?.type === 'Recreate' ? 0 : resolveCount(d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', replicas, false);
    let conditions: Obj[] = d.status?.conditions ?? [];
    const isAvailable = available >= replicas - maxUnavailable;
    conditions = setCondition(
      conditions,
      isAvailable
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      true,
    );
    const complete = updated === replicas && available === replicas && total === replicas && (newRS?.status?.availableReplicas ?? 0) === replicas;
    const prevProgressing = (d.status?.conditions ?? []).find((c: Obj) => c.type === 'Progressing');
    const deadline = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
    const prevCounts = d.status ? `${d.status.updatedReplicas ?? 0}/${d.status.availableReplicas ?? 0}/${d.status.readyReplicas ?? 0}` : '';
    const madeProgress = prevCounts !== `${updated}/${available}/${ready}` || d.status?.observedGeneration !== d.metadata.generation;
    let progressing: Obj;
    if (complete) {
      progressing = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${newName}" has successfully progressed.` };
    } else if (
      !madeProgress &&
      prevProgressing?.lastUpdateTime &&
      prevProgressing.reason !== 'NewReplicaSetAvailable' &&
      Date.now() - Date.parse(prevProgressing.lastUpdateTime) >= deadline
    ) {
      progressing = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newName}" has timed out progressing.` };
    } else if (prevProgressing?.reason === 'ProgressDeadlineExceeded' && !madeProgress) {
      progressing = prevProgressing;
    } else {
      const created = !prevProgressing || prevProgressing.reason === 'NewReplicaSetAvailable';
      progressing = {
        type: 'Progressing',
        status: 'True',
        reason: created ? 'NewReplicaSetCreated' : 'ReplicaSetUpdated',
        message: created ? `Created new replica set "${newName}"` : `ReplicaSet "${newName}" is progressing.`,
      };
      if (madeProgress || !prevProgressing?.lastUpdateTime) progressing.lastUpdateTime = nowTimestamp();
      else progressing.lastUpdateTime = prevProgressing.lastUpdateTime;
      ctx.afterOnce(`deploy-deadline/${ns}/${name}`, deadline + 20, () => ctx.queue.add(`deploy/${ns}/${name}`, () => reconcileDeployment(ns, name)));
    }
    const list = [...conditions];
    const idx = list.findIndex((c) => c.type === 'Progressing');
    const now = nowTimestamp();
    const cond: Obj = {
      ...progressing,
      lastUpdateTime: progressing.lastUpdateTime ?? (prevProgressing?.reason === progressing.reason && prevProgressing?.status === progressing.status ? prevProgressing.lastUpdateTime : now),
      lastTransitionTime: prevProgressing?.status === progressing.status ? prevProgressing?.lastTransitionTime ?? now : now,
    };
    if (idx >= 0) list[idx] = cond;
    else list.push(cond);
    const status: Obj = {
      observedGeneration: d.metadata.generation,
      replicas: total,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      ...(replicas - available > 0 ? { unavailableReplicas: replicas - available } : {}),
      conditions: list,
    };
    for (const k of ['readyReplicas', 'availableReplicas', 'updatedReplicas', 'replicas']) if (status[k] === 0) delete status[k];
    ctx.api.writeStatus(T.deploy(), d, status, MANAGER);
  };

  // ---- ReplicaSet ---------------------------------------------------------------------------
  const reconcileReplicaSet = (ns: string, name: string) => {
    const rs = ctx.api.tryGet(T.rs(), ns, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const pods = ownedPods(rs);
    const want: number = rs.spec.replicas ?? 1;
    const coming = pendingOf(rs).length;
    if (pods.length + coming < want) {
      for (let i = pods.length + coming; i < want; i++) podFromTemplate(T.rs, rs, `${name}-${randomSuffix()}`);
    } else if (pods.length > want) {
      const victims = [...pods].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b))).slice(0, pods.length - want);
      for (const p of victims) ctx.api.delete(T.pod(), 'v1', ns, p.metadata.name);
    }
    const current = ownedPods(rs);
    const ready = current.filter(isPodReady).length;
    const status: Obj = {
      replicas: current.length,
      fullyLabeledReplicas: current.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
    };
    for (const k of ['readyReplicas', 'availableReplicas', 'fullyLabeledReplicas']) if (status[k] === 0) delete status[k];
    ctx.api.writeStatus(T.rs(), rs, status, MANAGER);
  };

  // ---- StatefulSet --------------------------------------------------------------------------
  const reconcileStatefulSet = (ns: string, name: string) => {
    const sts = ctx.api.tryGet(T.sts(), ns, name);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const revision = `${name}-${shortHash(sts.spec.template, 10)}`;
    const want: number = sts.spec.replicas ?? 1;
    const ordered = sts.spec.podManagementPolicy !== 'Parallel';
    const pods = ownedPods(sts);
    const byOrdinal = new Map<number, Obj>();
    for (const p of pods) byOrdinal.set(Number(p.metadata.name.slice(name.length + 1)), p);
    const comingNames = new Set(pendingOf(sts).map((p) => p.metadata.name));
    for (let i = 0; i < want; i++) {
      if (comingNames.has(`${name}-${i}`)) {
        if (ordered) break;
        continue;
      }
      if (byOrdinal.has(i)) {
        if (ordered && !isPodReady(byOrdinal.get(i)!)) break;
        continue;
      }
      podFromTemplate(T.sts, sts, `${name}-${i}`, { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': `${name}-${i}`, 'apps.kubernetes.io/pod-index': String(i) });
      if (ordered) break;
    }
    for (const [i, p] of byOrdinal) if (i >= want) ctx.api.delete(T.pod(), 'v1', ns, p.metadata.name);
    // Rolling update: replace the highest-ordinal outdated pod once all are ready.
    const outdated = [...byOrdinal.entries()].filter(([i, p]) => i < want && p.metadata.labels?.['controller-revision-hash'] !== revision).sort((a, b) => b[0] - a[0]);
    if (outdated.length && pods.every(isPodReady)) ctx.api.delete(T.pod(), 'v1', ns, outdated[0][1].metadata.name);
    const current = ownedPods(sts);
    const ready = current.filter(isPodReady).length;
    const updated = current.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length;
    ctx.api.writeStatus(
      T.sts(),
      sts,
      {
        observedGeneration: sts.metadata.generation,
        replicas: current.length,
        readyReplicas: ready,
        currentReplicas: updated,
        updatedReplicas: updated,
        availableReplicas: ready,
        currentRevision: revision,
        updateRevision: revision,
        collisionCount: 0,
      },
      MANAGER,
    );
  };

  // ---- DaemonSet ----------------------------------------------------------------------------
  const reconcileDaemonSet = (ns: string, name: string) => {
    const ds = ctx.api.tryGet(T.ds(), ns, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const hash = shortHash(ds.spec.template, 10);
    const nodes = ctx.store.list(keys.node).filter((n) => !n.metadata.deletionTimestamp && !n.spec?.unschedulable);
    const pods = ownedPods(ds);
    const nodeNames = new Set(nodes.map((n) => n.metadata.name));
    for (const node of nodes) {
      if (!pods.some((p) => p.spec.nodeName === node.metadata.name) && !pendingOf(ds).some((p) => p.spec.nodeName === node.metadata.name)) {
        podFromTemplate(T.ds, ds, `${name}-${randomSuffix()}`, { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) }, node.metadata.name);
      }
    }
    for (const p of pods) {
      if (!nodeNames.has(p.spec.nodeName) || p.metadata.labels?.['controller-revision-hash'] !== hash) ctx.api.delete(T.pod(), 'v1', ns, p.metadata.name);
    }
    const current = ownedPods(ds);
    const ready = current.filter(isPodReady).length;
    const updated = current.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length;
    ctx.api.writeStatus(
      T.ds(),
      ds,
      {
        observedGeneration: ds.metadata.generation,
        desiredNumberScheduled: nodes.length,
        currentNumberScheduled: current.length,
        numberMisscheduled: 0,
        numberReady: ready,
        numberAvailable: ready,
        updatedNumberScheduled: updated,
        ...(nodes.length - ready > 0 ? { numberUnavailable: nodes.length - ready } : {}),
      },
      MANAGER,
    );
  };

  // ---- Job ----------------------------------------------------------------------------------
  const reconcileJob = (ns: string, name: string) => {
    const job = ctx.api.tryGet(T.job(), ns, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const completions: number = job.spec.completions ?? 1;
    const parallelism: number = job.spec.parallelism ?? 1;
    const pods = ownedPods(job);
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
    const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
    const active = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const done = succeeded >= completions;
    if (!done && !job.spec.suspend) {
      const want = Math.min(parallelism, completions - succeeded) - active.length - pendingOf(job).length;
      for (let i = 0; i < want; i++) podFromTemplate(T.job, job, `${name}-${randomSuffix()}`, { 'batch.kubernetes.io/job-name': name, 'job-name': name });
    }
    const current = ownedPods(job).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    let conditions: Obj[] | undefined = job.status?.conditions;
    const status: Obj = {
      startTime: job.status?.startTime ?? nowTimestamp(),
      ...(current.length ? { active: current.length } : {}),
      ...(succeeded ? { succeeded } : {}),
      ...(failed ? { failed } : {}),
      ready: current.filter(isPodReady).length,
      terminating: 0,
      uncountedTerminatedPods: {},
    };
    if (done) {
      conditions = setCondition(conditions, { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, true);
      conditions = setCondition(conditions, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, true);
      status.completionTime = job.status?.completionTime ?? nowTimestamp();
      delete status.active;
    }
    if (conditions) status.conditions = conditions;
    ctx.api.writeStatus(T.job(), job, status, MANAGER);
    if (done && !job.status?.completionTime) ctx.recordEvent(T.job(), job, 'Normal', 'Completed', 'Job completed', 'job-controller');
  };

  // ---- HPA ----------------------------------------------------------------------------------
  const reconcileHPA = (ns: string, name: string) => {
    const hpa = ctx.api.tryGet(T.hpa(), ns, name);
    if (!hpa || hpa.metadata.deletionTimestamp) return;
    const ref = hpa.spec.scaleTargetRef ?? {};
    const targetType = ref.kind === 'StatefulSet' ? T.sts() : ref.kind === 'ReplicaSet' ? T.rs() : ref.kind === 'Deployment' ? T.deploy() : undefined;
    const target = targetType ? ctx.api.tryGet(targetType, ns, ref.name) : undefined;
    const min: number = hpa.spec.minReplicas ?? 1;
    const max: number = hpa.spec.maxReplicas ?? min;
    let conditions: Obj[] | undefined = hpa.status?.conditions;
    if (!target || !targetType) {
      conditions = setCondition(conditions, { type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${String(ref.kind ?? '').toLowerCase()}s "${ref.name}" not found` });
      ctx.api.writeStatus(T.hpa(), hpa, { currentReplicas: 0, desiredReplicas: 0, conditions }, MANAGER);
      return;
    }
    const specReplicas: number = target.spec?.replicas ?? 1;
    const desired = Math.min(max, Math.max(min, specReplicas));
    if (desired !== specReplicas) ctx.api.mutate(targetType, ns, ref.name, MANAGER, (o) => (o.spec.replicas = desired));
    conditions = setCondition(conditions, { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' });
    conditions = setCondition(conditions, { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' });
    conditions = setCondition(
      conditions,
      desired === specReplicas
        ? { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' }
        : { type: 'ScalingLimited', status: 'True', reason: desired > specReplicas ? 'TooFewReplicas' : 'TooManyReplicas', message: `the desired replica count is ${desired > specReplicas ? 'less than the minimum' : 'more than the maximum'} replica count` },
    );
    ctx.api.writeStatus(T.hpa(), hpa, { currentReplicas: target.status?.replicas ?? 0, desiredReplicas: desired, currentMetrics: [], conditions }, MANAGER);
  };

  // ---- PodDisruptionBudget ------------------------------------------------------------------
  const reconcilePDB = (ns: string, name: string) => {
    const pdb = ctx.api.tryGet(T.pdb(), ns, name);
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const match = labelSelectorMatcher(pdb.spec?.selector);
    const pods = ctx.store.list(keys.pod, ns).filter((p) => match(p) && !p.metadata.deletionTimestamp);
    const healthy = pods.filter(isPodReady).length;
    const expected = pods.length;
    let desired = 0;
    if (pdb.spec?.minAvailable !== undefined) desired = resolveCount(pdb.spec.minAvailable, expected, true);
    else if (pdb.spec?.maxUnavailable !== undefined) desired = Math.max(0, expected - resolveCount(pdb.spec.maxUnavailable, expected, true));
    const allowed = Math.max(0, healthy - desired);
    const conditions = setCondition(
      pdb.status?.conditions,
      allowed > 0
        ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: pdb.metadata.generation }
        : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: pdb.metadata.generation },
    );
    ctx.api.writeStatus(T.pdb(), pdb, { observedGeneration: pdb.metadata.generation, expectedPods: expected, currentHealthy: healthy, desiredHealthy: desired, disruptionsAllowed: allowed, conditions }, MANAGER);
  };

  const enqueue = (kind: string, ns: string, name: string, fn: (ns: string, name: string) => void) => ctx.queue.add(`${kind}/${ns}/${name}`, () => fn(ns, name));
  const byKind: Record<string, [string, (ns: string, name: string) => void]> = {
    Deployment: ['deploy', reconcileDeployment],
    ReplicaSet: ['rs', reconcileReplicaSet],
    StatefulSet: ['sts', reconcileStatefulSet],
    DaemonSet: ['ds', reconcileDaemonSet],
    Job: ['job', reconcileJob],
  };
  const enqueueOwners = (obj: Obj) => {
    for (const o of obj.metadata.ownerReferences ?? []) {
      const entry = byKind[o.kind];
      if (entry && o.controller) enqueue(entry[0], obj.metadata.namespace, o.name, entry[1]);
    }
  };
  const enqueueNamespaced = (key: string, ns: string, kind: string, fn: (ns: string, name: string) => void) => {
    for (const o of ctx.store.list(key, ns)) enqueue(kind, ns, o.metadata.name, fn);
  };

  return (e) => {
    const { namespace, name } = e.object.metadata;
    switch (e.typeKey) {
      case keys.deploy:
        if (e.type !== 'DELETED') enqueue('deploy', namespace, name, reconcileDeployment);
        enqueueNamespaced(keys.hpa, namespace, 'hpa', reconcileHPA);
        break;
      case keys.rs:
        if (e.type !== 'DELETED') enqueue('rs', namespace, name, reconcileReplicaSet);
        enqueueOwners(e.object);
        break;
      case keys.sts:
        if (e.type !== 'DELETED') enqueue('sts', namespace, name, reconcileStatefulSet);
        enqueueNamespaced(keys.hpa, namespace, 'hpa', reconcileHPA);
        break;
      case keys.ds:
        if (e.type !== 'DELETED') enqueue('ds', namespace, name, reconcileDaemonSet);
        break;
      case keys.job:
        if (e.type !== 'DELETED') enqueue('job', namespace, name, reconcileJob);
        break;
      case keys.hpa:
        if (e.type !== 'DELETED') enqueue('hpa', namespace, name, reconcileHPA);
        break;
      case keys.pdb:
        if (e.type !== 'DELETED') enqueue('pdb', namespace, name, reconcilePDB);
        break;
      case keys.pod:
        enqueueOwners(e.object);
        if (ctx.store.count(keys.pdb) > 0) enqueueNamespaced(keys.pdb, namespace, 'pdb', reconcilePDB);
        break;
      case keys.node:
        for (const ds of ctx.store.list(keys.ds)) enqueue('ds', ds.metadata.namespace, ds.metadata.name, reconcileDaemonSet);
        break;
    }
  };
}
