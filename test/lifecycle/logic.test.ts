import { describe, expect, it } from 'vitest';
import { retryDelay } from '../../src/kube/rest.js';
import { mapLimit, type KubeObject } from '../../src/kube/resources.js';
import { prepareInstall } from '../../src/lifecycle/prepare.js';
import { applyTiers, objectId } from '../../src/lifecycle/plan.js';
import { LABEL_COMPONENT, LABEL_REV, isOwned, withOwnership } from '../../src/lifecycle/labels.js';
import { mayPrune, pruneFromRecord } from '../../src/lifecycle/prune.js';
import { recordFromConfigMap, recordToConfigMap, newRecord, recordedObject } from '../../src/lifecycle/record.js';
import { explainNotReady, readinessOf } from '../../src/lifecycle/readiness.js';
import { findWebhookConflicts } from '../../src/lifecycle/preflight.js';
import { buildReport, fail, formatReport, ok, warn } from '../../src/core/check-report.js';
import { plainProgress } from '../../src/cli/progress.js';
import { goDuration as formatDuration } from '../../src/core/duration.js';
import { palette } from '../../src/core/terminal.js';

const plain = palette({ isTTY: false } as NodeJS.WriteStream);

describe('retry policy', () => {
  it('retries 429 after Retry-After, 5xx and resets with backoff, never 4xx user errors', () => {
    expect(retryDelay(0, { status: 429, retryAfter: '2' })).toBe(2000);
    expect(retryDelay(0, { status: 429, retryAfter: '600' })).toBe(10_000);
    const d = retryDelay(3, { status: 500 }, 100)!;
    expect(d).toBeGreaterThanOrEqual(400);
    expect(d).toBeLessThanOrEqual(800);
    expect(retryDelay(0, { netCode: 'ECONNRESET' })).toBeGreaterThan(0);
    for (const status of [400, 401, 403, 404, 409, 422]) expect(retryDelay(0, { status })).toBeUndefined();
    expect(retryDelay(0, { netCode: 'ECONNREFUSED' })).toBeUndefined();
  });
});

describe('mapLimit', () => {
  it('keeps order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2, 4, 0], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual([10, 2, 6, 4, 8, 0]);
    expect(peak).toBe(2);
  });
});

describe('install plan', () => {
  it('labels every object with ownership, orders components by dependency and CRDs first', async () => {
    const { plan } = await prepareInstall({ sets: ['profile=demo'] });
    expect(plan.components.map((c) => c.component)).toEqual(['Base', 'Pilot', 'IngressGateways', 'EgressGateways']);
    const base = plan.components[0]!;
    expect(base.tiers[0]!.every((o) => o.kind === 'CustomResourceDefinition')).toBe(true);
    for (const o of plan.objects) {
      expect(o.metadata.labels?.[LABEL_COMPONENT]).toBeTruthy();
      expect(o.metadata.labels?.[LABEL_REV]).toBe('default');
      expect(o.metadata.labels?.['operator.istio.io/version']).toBeTruthy();
      expect(o.metadata.labels?.['operator.istio.io/managed']).toBe('Reconcile');
      expect(o.metadata.labels?.['install.operator.istio.io/owning-resource-namespace']).toBe('istio-system');
    }
    const pilot = plan.components[1]!;
    const kindsInOrder = pilot.tiers.map((t) => t.map((o) => o.kind));
    const deployTier = kindsInOrder.findIndex((t) => t.includes('Deployment'));
    const saTier = kindsInOrder.findIndex((t) => t.includes('ServiceAccount'));
    expect(saTier).toBeLessThan(deployTier);
    expect(plan.images.some((i) => i.includes('pilot'))).toBe(true);
    expect(plan.countsByKind.CustomResourceDefinition).toBeGreaterThan(5);
  });

  it('a revision labels objects with that revision', async () => {
    const { plan } = await prepareInstall({ revision: 'canary', sets: ['profile=minimal'] });
    expect(plan.revision).toBe('canary');
    expect(plan.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['istiod-canary']);
    expect(plan.objects.every((o) => o.metadata.labels?.[LABEL_REV] === 'canary')).toBe(true);
  });

  it('applyTiers puts workloads after config and webhooks last', () => {
    const mk = (kind: string) => ({ apiVersion: 'v1', kind, metadata: { name: kind } }) as KubeObject;
    const tiers = applyTiers([mk('MutatingWebhookConfiguration'), mk('Deployment'), mk('ConfigMap'), mk('CustomResourceDefinition')]);
    expect(tiers.map((t) => t.map((o) => o.kind))).toEqual([['CustomResourceDefinition'], ['ConfigMap'], ['Deployment'], ['MutatingWebhookConfiguration']]);
  });
});

const dep = (name: string, labels: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'istio-system', labels }, ...extra });

describe('prune selection', () => {
  it('selects recorded objects the new render lacks, never CRDs, and only our own revision', () => {
    const previous = [
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'istio-system', name: 'istio-egressgateway', component: 'EgressGateways' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'istio-system', name: 'istiod', component: 'Pilot' },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'gone.istio.io', component: 'Base' },
    ];
    const next = [dep('istiod', {})];
    expect(pruneFromRecord(previous, next).map((r) => r.name)).toEqual(['istio-egressgateway']);
    expect(mayPrune(dep('x', { [LABEL_COMPONENT]: 'Pilot', [LABEL_REV]: 'default' }), 'default')).toBe(true);
    expect(mayPrune(dep('x', { [LABEL_COMPONENT]: 'Pilot', [LABEL_REV]: 'canary' }), 'default')).toBe(false);
    expect(mayPrune(dep('x', {}), 'default')).toBe(false);
    expect(mayPrune(dep('x', { [LABEL_COMPONENT]: 'Pilot', 'install.operator.istio.io/owning-resource-not-pruned': 'true' }), 'default')).toBe(false);
    expect(isOwned(dep('x', { [LABEL_COMPONENT]: 'Pilot' }), 'default')).toBe(true);
  });
});

describe('install record', () => {
  it('round-trips through its ConfigMap', async () => {
    const { iop, plan } = await prepareInstall({ sets: ['profile=minimal', 'values.pilot.env.FOO=bar'] });
    const rec = newRecord({ revision: 'default', profile: 'minimal', namespace: 'istio-system', iop, objects: plan.objects.map((o) => recordedObject(o)) });
    const cm = recordToConfigMap(rec);
    expect(cm.metadata.name).toBe('sailctl-install');
    const back = recordFromConfigMap(JSON.parse(JSON.stringify(cm)));
    expect(back.iop).toEqual(iop);
    expect(back.objects.length).toBe(plan.objects.length);
    expect(recordToConfigMap({ ...rec, revision: 'canary' }).metadata.name).toBe('sailctl-install-canary');
    expect(() => recordFromConfigMap({ ...cm, data: { 'objects.json': '{' } })).toThrow(/damaged/);
  });
});

describe('readiness', () => {
  it('judges Deployments, DaemonSets and CRDs and explains a pending pod', () => {
    expect(readinessOf(dep('istiod', {}, { spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 } }), 'Deployment')?.ready).toBe(true);
    // Mid-rollout: the old pod is ready, the new one is not. Not ready yet (the old one still serves).
    const rolling = dep('istiod', {}, { spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 2, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 } });
    expect(readinessOf(rolling, 'Deployment')).toMatchObject({ ready: false, detail: 'rolling out: 1/1 updated, 1 old replica still running' });
    const newNotAvailable = dep('istiod', {}, { spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 2 } });
    expect(readinessOf(newNotAvailable, 'Deployment')).toMatchObject({ ready: false, detail: '1/2 ready' });
    const notReady = dep('istiod', {}, { spec: { replicas: 1, selector: { matchLabels: { app: 'istiod' } } }, status: { observedGeneration: 1, updatedReplicas: 1 } });
    const r = readinessOf(notReady, 'Deployment')!;
    expect(r).toMatchObject({ ready: false, detail: '0/1 ready' });
    const pod = {
      metadata: { name: 'istiod-abc', namespace: 'istio-system', labels: { app: 'istiod' } },
      status: { phase: 'Pending', containerStatuses: [{ name: 'discovery', ready: false, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } } }] },
    };
    expect(explainNotReady(notReady, notReady, r, [pod], [])).toBe('Deployment istio-system/istiod: 0/1 ready, pod istiod-abc ImagePullBackOff: Back-off pulling image "x"');
    const unscheduled = { metadata: { name: 'istiod-x', namespace: 'istio-system', labels: { app: 'istiod' } }, status: { phase: 'Pending' } };
    const ev = { type: 'Warning', reason: 'FailedScheduling', message: '0/3 nodes are available', involvedObject: { name: 'istiod-x' } };
    expect(explainNotReady(notReady, notReady, r, [unscheduled], [ev])).toContain('FailedScheduling: 0/3 nodes are available');
    const stuck = dep('istiod', {}, { spec: { replicas: 1 }, status: { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } });
    expect(readinessOf(stuck, 'Deployment')?.failed).toBe(true);
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'a.b' }, status: { conditions: [{ type: 'Established', status: 'True' }] } };
    expect(readinessOf(crd, crd.kind)?.ready).toBe(true);
    expect(readinessOf(undefined, 'Deployment')).toMatchObject({ ready: false, detail: 'not found in the cluster' });
    const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ztunnel', generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2 } };
    expect(readinessOf(ds, 'DaemonSet')).toMatchObject({ ready: false, detail: '1/2 ready on nodes' });
    expect(readinessOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, 'ConfigMap')).toBeUndefined();
  });
});

describe('webhook conflicts', () => {
  it('finds a foreign injector selecting the same pods, ignoring the one we overwrite', () => {
    const hook = (name: string) => ({ name, namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } });
    const ours = { apiVersion: 'x', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-sidecar-injector' }, webhooks: [hook('namespace.sidecar-injector.istio.io')] };
    const other = { apiVersion: 'x', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-sidecar-injector-old', labels: { [LABEL_REV]: 'old' } }, webhooks: [hook('namespace.sidecar-injector.istio.io')] };
    expect(findWebhookConflicts([ours], [ours])).toEqual([]);
    expect(findWebhookConflicts([other], [ours])).toEqual(['MutatingWebhookConfiguration istio-sidecar-injector-old (revision old) injects the same pods as istio-sidecar-injector/namespace.sidecar-injector.istio.io']);
  });
});

describe('check report', () => {
  const report = buildReport([
    { categoryName: 'cluster', checks: [ok('can reach the Kubernetes API')] },
    { categoryName: 'control plane', checks: [fail('istiod is available', '0/1 ready', 'look at the pod'), warn('proxies match', '2 proxies run 1.29.0')] },
    { categoryName: 'empty', checks: [] },
  ]);
  it('fails on errors, not on warnings, and formats text, short and json', () => {
    expect(report.success).toBe(false);
    expect(buildReport([{ categoryName: 'x', checks: [warn('a', 'b')] }]).success).toBe(true);
    const text = formatReport(report, 'text', plain);
    expect(text).toContain('cluster\n-------\n✔ can reach the Kubernetes API');
    expect(text).toContain('✖ istiod is available\n    0/1 ready\n    hint: look at the pod');
    expect(text).toContain('⚠ proxies match');
    expect(text.trim().split('\n').at(-1)).toBe('Status check results are ✖ (1 failed, 1 passed, 1 warning)');
    const short = formatReport(report, 'short', plain);
    expect(short).not.toContain('can reach');
    expect(short).toContain('✖ istiod is available');
    const json = JSON.parse(formatReport(report, 'json', plain));
    expect(json.success).toBe(false);
    expect(json.categories.map((c: { categoryName: string }) => c.categoryName)).toEqual(['cluster', 'control plane']);
    expect(json.categories[1].checks[0]).toMatchObject({ description: 'istiod is available', result: 'error', error: '0/1 ready', hint: 'look at the pod' });
  });
});

describe('plain progress', () => {
  it('prints changed statuses once and finished lines', () => {
    const out: string[] = [];
    const p = plainProgress((s) => out.push(s));
    p.begin('Pilot', 'Istiod');
    p.waiting('Pilot', ['Deployment istio-system/istiod: 0/1 ready']);
    p.waiting('Pilot', ['Deployment istio-system/istiod: 0/1 ready']);
    p.done('Pilot', 'Istiod installed 🧠 (1.0s)');
    expect(out.join('')).toBe('- Processing resources for Istiod.\n  Waiting for Deployment istio-system/istiod: 0/1 ready\n✔ Istiod installed 🧠 (1.0s)\n');
    expect(formatDuration(300_000)).toBe('5m0s');
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});

describe('object identity', () => {
  it('ignores the version but not the group', () => {
    expect(objectId({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'a', namespace: 'n' } })).toBe(objectId({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'a', namespace: 'n' } }));
    expect(withOwnership(dep('a', { keep: 'me' }), { component: 'Pilot', revision: 'default', ownerNamespace: 'istio-system' }).metadata.labels).toMatchObject({ keep: 'me', [LABEL_COMPONENT]: 'Pilot' });
  });
});

describe('pre-install gate', () => {
  it('an old Kubernetes blocks the install unless --force; missing permissions always block', async () => {
    const { kubernetesVersionCheck } = await import('../../src/lifecycle/preflight.js');
    const { gateChecks } = await import('../../src/lifecycle/install.js');
    const old = kubernetesVersionCheck({ major: 1, minor: 29, gitVersion: 'v1.29.4' });
    expect(old).toMatchObject({ result: 'error', error: 'the cluster runs Kubernetes v1.29.4; Istio 1.30.0 needs 1.32 or newer' });
    expect(kubernetesVersionCheck({ major: 1, minor: 32, gitVersion: 'v1.32.0' }).result).toBe('success');
    const denied = fail('you have the permissions to install these objects', 'missing 1 of 3 permissions:', undefined, ['create clusterroles.rbac.authorization.k8s.io (cluster-wide)']);
    const notice = warn('no other control plane of revision "default"', 'revision "default" runs Istio 1.29.0');
    expect(gateChecks([old, denied, notice], new Set([old]), false)).toEqual({ failures: [old, denied], warnings: ['revision "default" runs Istio 1.29.0'] });
    const forced = gateChecks([old, denied, notice], new Set([old]), true);
    expect(forced.failures).toEqual([denied]);
    expect(forced.warnings).toContain('the cluster runs Kubernetes v1.29.4; Istio 1.30.0 needs 1.32 or newer (continuing because of --force)');
  });
});

describe('version direction', () => {
  it('compares numerically, not as strings (istioctl: "1.9" > "1.10")', async () => {
    const { direction } = await import('../../src/lifecycle/preflight.js');
    expect(direction('1.9.8', '1.30.0')).toBe('upgrade');
    expect(direction('1.30.1', '1.30.0')).toBe('downgrade');
    expect(direction('1.30.0', '1.30.0')).toBe('change');
    expect(direction('unknown', '1.30.0')).toBe('change');
  });
});
