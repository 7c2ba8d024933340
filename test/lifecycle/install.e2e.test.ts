/**
 * install / uninstall against the Kubernetes API emulator; the real kubectl checks what landed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { prepareInstall } from '../../src/lifecycle/prepare.js';
import { installToCluster, type InstallRequest } from '../../src/lifecycle/install.js';
import { uninstall } from '../../src/lifecycle/uninstall.js';
import { objectId } from '../../src/lifecycle/plan.js';
import { allObjects, renderManifests, serializeManifests } from '../../src/render/index.js';
import { resolveIstioOperator } from '../../src/operator/resolve.js';
import { captureIO, startHarness, type Harness } from '../helpers/cluster-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function install(harness: Harness, sets: string[], extra: Partial<InstallRequest> & { revision?: string } = {}, io = captureIO()) {
  const p = await prepareInstall({ sets, revision: extra.revision });
  const outcome = await installToCluster(harness.cluster, { iop: p.iop, plan: p.plan, skipConfirmation: true, readinessTimeoutMs: 10_000, ...extra }, io);
  return { outcome, plan: p.plan, io };
}

async function kubectlJson(harness: Harness, args: string[]): Promise<any> {
  const r = await harness.kubectl([...args, '-o', 'json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

/** The default revision tag is made after the prune (istioctl.md §3 step 6d), so its writes come last. */
const isDefaultTag = (name: string | undefined) => ['istio-revision-tag-default', 'istiod-default-validator', 'istiod-revision-tag-default'].includes(name ?? '');

describe('install', () => {
  it('installs the demo profile: exactly what manifest generate prints, labelled, ready and recorded', async () => {
    h = await startHarness();
    const { outcome, plan, io } = await install(h, ['profile=demo']);
    expect(outcome.changed).toBe(plan.objects.length);
    expect(io.text()).toMatch(/✔ Istio core installed ⛵️ \(\d+\.\ds\)/);
    expect(io.text()).toMatch(/✔ Istiod installed 🧠/);
    expect(io.text()).toMatch(/✔ Ingress gateways installed 🛬/);
    expect(io.text()).toMatch(/✔ Egress gateways installed 🛫/);
    expect(io.text()).not.toMatch(/Remov/); // nothing pruned on a fresh cluster

    // The applied set is manifest generate's printed set, object for object.
    const { iop } = await resolveIstioOperator({ sets: ['profile=demo'] });
    const printed = parseAllDocuments(serializeManifests(allObjects(renderManifests(iop)))).map((d) => d.toJS()).filter(Boolean);
    expect(new Set(plan.objects.map(objectId))).toEqual(new Set(printed.map(objectId)));
    const labelled = await kubectlJson(h, ['get', 'deploy,svc,cm,sa,role,rolebinding,clusterrole,clusterrolebinding,mutatingwebhookconfiguration,validatingwebhookconfiguration,crd', '-A', '-l', 'operator.istio.io/component', '--show-managed-fields']);
    // Plus the default revision tag istioctl makes after an install (istioctl.md §3 step 6d), labelled with the install's owner labels.
    const defaultTag = ['admissionregistration.k8s.io/MutatingWebhookConfiguration::istio-revision-tag-default', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration::istiod-default-validator', '/Service:istio-system:istiod-revision-tag-default'];
    expect(new Set(labelled.items.map(objectId))).toEqual(new Set([...printed.map(objectId), ...defaultTag]));
    for (const p of printed.filter((o: any) => o.kind === 'Deployment')) {
      const live = labelled.items.find((o: any) => objectId(o) === objectId(p));
      expect(live.spec.template.spec.containers.map((c: any) => c.image)).toEqual(p.spec.template.spec.containers.map((c: any) => c.image));
      expect(live.metadata.labels).toMatchObject({ 'operator.istio.io/managed': 'Reconcile', 'istio.io/rev': 'default', 'install.operator.istio.io/owning-resource-namespace': 'istio-system' });
      expect(live.status.readyReplicas).toBe(live.spec.replicas);
      expect(live.metadata.managedFields.some((m: any) => m.manager === 'sailctl' && m.operation === 'Apply')).toBe(true);
    }
    const record = await kubectlJson(h, ['get', 'configmap', '-n', 'istio-system', 'sailctl-install']);
    expect(JSON.parse(record.data['objects.json'])).toHaveLength(plan.objects.length);
    expect(record.data['istio-operator.yaml']).toContain('profile: demo');
    // Well under 3 API requests per applied object.
    expect(h.emu.requestCount / plan.objects.length).toBeLessThan(3);
  });

  it('re-running the same install changes nothing and says so', async () => {
    h = await startHarness();
    await install(h, ['profile=minimal']);
    const before = await kubectlJson(h, ['get', 'deploy', '-n', 'istio-system', 'istiod']);
    const { outcome, io } = await install(h, ['profile=minimal']);
    expect(outcome.unchanged).toBe(true);
    expect(outcome.changed).toBe(0);
    expect(io.text()).toMatch(/No changes: all \d+ objects already match/);
    const after = await kubectlJson(h, ['get', 'deploy', '-n', 'istio-system', 'istiod']);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('upgrades demo → default: prunes the egress gateway only after the new objects are ready', async () => {
    h = await startHarness();
    await install(h, ['profile=demo']);
    h.emu.resetRequestLog();
    const { outcome, io } = await install(h, ['profile=default']);
    expect(outcome.pruned).toContain('Deployment istio-system/istio-egressgateway');
    expect(io.text()).toContain('Removed Deployment istio-system/istio-egressgateway');
    const deletes = h.emu.requests.filter((r) => r.verb === 'delete');
    const lastPatch = Math.max(...h.emu.requests.filter((r) => r.verb === 'patch' && r.resource !== 'configmaps' && !isDefaultTag(r.name)).map((r) => h!.emu.requests.indexOf(r)));
    expect(deletes.length).toBeGreaterThan(0);
    for (const d of deletes) expect(h.emu.requests.indexOf(d)).toBeGreaterThan(lastPatch);
    expect(deletes.map((d) => d.name)).not.toContain('istio-ingressgateway');
    const deploys = await kubectlJson(h, ['get', 'deploy', '-n', 'istio-system']);
    expect(deploys.items.map((d: any) => d.metadata.name).sort()).toEqual(['istio-ingressgateway', 'istiod']);
    expect((await h.kubectl(['get', 'crd', 'virtualservices.networking.istio.io'])).exitCode).toBe(0);
  });

  it('an upgrade that drops a gateway lists it, and removes it only after everything new is ready', async () => {
    h = await startHarness();
    await install(h, ['profile=demo']);
    h.emu.resetRequestLog();
    h.emu.readyDelayMs = 150;
    // A changed istiod (new env) rolls out; the egress gateway is no longer rendered.
    const { outcome, io } = await install(h, ['profile=demo', 'components.egressGateways[0].enabled=false', 'values.pilot.env.UPGRADE_MARK=1']);
    expect(outcome.pruned).toEqual(expect.arrayContaining(['Deployment istio-system/istio-egressgateway', 'Service istio-system/istio-egressgateway']));
    const text = io.text();
    const removing = text.indexOf('- Removing');
    expect(removing).toBeGreaterThan(text.indexOf('✔ Istiod installed'));
    expect(removing).toBeGreaterThan(text.indexOf('✔ Ingress gateways installed'));
    // The whole list comes before the first removal.
    expect(text.slice(removing)).toMatch(/^- Removing \d+ objects this install no longer has \(everything new is ready\):\n( {4}\S.*\n)+ {2}Removed /);
    const patches = h.emu.requests.filter((r) => r.verb === 'patch' && r.resource !== 'configmaps' && !isDefaultTag(r.name));
    const deletes = h.emu.requests.filter((r) => r.verb === 'delete');
    expect(deletes.length).toBeGreaterThan(0);
    for (const d of deletes) expect(h.emu.requests.indexOf(d)).toBeGreaterThan(h.emu.requests.indexOf(patches.at(-1)!));
    expect(deletes.map((d) => d.name)).not.toContain('istio-ingressgateway');
    const istiod = await kubectlJson(h, ['get', 'deploy', '-n', 'istio-system', 'istiod']);
    expect(istiod.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'UPGRADE_MARK', value: '1' }]));
    expect(istiod.status.updatedReplicas).toBe(1);
    expect((await h.kubectl(['get', 'deploy', '-n', 'istio-system', 'istio-egressgateway'])).exitCode).not.toBe(0);
    // The pruned objects are gone from the record too: a third run prunes nothing.
    const third = await install(h, ['profile=demo', 'components.egressGateways[0].enabled=false', 'values.pilot.env.UPGRADE_MARK=1']);
    expect(third.outcome.unchanged).toBe(true);
  });

  it('installs a revision side by side, and uninstalling it leaves the other', async () => {
    h = await startHarness();
    await install(h, ['profile=minimal']);
    const { plan } = await install(h, ['profile=minimal'], { revision: 'canary' });
    expect(plan.revision).toBe('canary');
    let deploys = await kubectlJson(h, ['get', 'deploy', '-n', 'istio-system']);
    expect(deploys.items.map((d: any) => d.metadata.name).sort()).toEqual(['istiod', 'istiod-canary']);
    expect((await kubectlJson(h, ['get', 'configmap', '-n', 'istio-system', 'sailctl-install-canary'])).data.revision).toBe('canary');

    const io = captureIO();
    const out = await uninstall(h.cluster, { istioNamespace: 'istio-system', revision: 'canary', skipConfirmation: true }, io);
    expect(out.removed).toContain('Deployment istio-system/istiod-canary');
    expect(out.removed.every((r) => !/CustomResourceDefinition/.test(r))).toBe(true);
    expect(io.stdout()).toContain('  Removed Deployment istio-system/istiod-canary');
    expect(io.text()).toMatch(/Uninstall complete \(\d+ objects removed\)/);
    deploys = await kubectlJson(h, ['get', 'deploy', '-n', 'istio-system']);
    expect(deploys.items.map((d: any) => d.metadata.name)).toEqual(['istiod']);
    expect((await h.kubectl(['get', 'mutatingwebhookconfiguration', 'istio-sidecar-injector-canary'])).exitCode).not.toBe(0);
    expect((await h.kubectl(['get', 'mutatingwebhookconfiguration', 'istio-sidecar-injector'])).exitCode).toBe(0);
    expect((await h.kubectl(['get', 'configmap', '-n', 'istio-system', 'sailctl-install-canary'])).exitCode).not.toBe(0);
  });

  it('times out naming every not-ready resource and why, and a re-run after the fix completes', async () => {
    h = await startHarness();
    h.emu.failImages(/^docker\.io\/istio\/proxyv2/);
    const io = captureIO();
    const err = await install(h, ['profile=demo'], { readinessTimeoutMs: 1500 }, io).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    // Both gateway components time out; each names its Deployment and the pod's reason from status.
    expect(msg).toMatch(/^(Ingress|Egress) gateways: not ready after 1\.5s:/m);
    expect(msg).toMatch(/Deployment istio-system\/istio-ingressgateway: 0\/1 ready, pod istio-ingressgateway-\S+ ImagePullBackOff: Back-off pulling image "docker.io\/istio\/proxyv2:1.30.0"/);
    expect(msg).toMatch(/Deployment istio-system\/istio-egressgateway: 0\/1 ready, pod istio-egressgateway-\S+ ImagePullBackOff/);
    expect((err as { hint?: string }).hint).toMatch(/run the same command again/);
    // While waiting it said what was pending, and istiod was reported ready.
    expect(io.text()).toMatch(/Waiting for Deployment istio-system\/istio-ingressgateway: 0\/1 ready/);
    expect(io.text()).toMatch(/✔ Istiod installed/);
    expect(io.text()).toMatch(/✘ Ingress gateways encountered an error/);
    // The fix: pull from a registry that works. The re-run rolls the gateways out and finishes.
    const again = await install(h, ['profile=demo', 'hub=gcr.io/istio-release']);
    expect(again.io.text()).toMatch(/Installation complete/);
    const gw = await kubectlJson(h, ['get', 'deploy', '-n', 'istio-system', 'istio-ingressgateway']);
    expect(gw.spec.template.spec.containers[0].image).toBe('gcr.io/istio-release/proxyv2:1.30.0');
    expect(gw.status.readyReplicas).toBe(1);
  });

  it('a crash-looping istiod is reported with CrashLoopBackOff from the pod status', async () => {
    h = await startHarness();
    h.emu.crashLoopImages(/pilot/);
    const err = await install(h, ['profile=minimal'], { readinessTimeoutMs: 1000 }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^Istiod: not ready after 1s:\n {2}Deployment istio-system\/istiod: 0\/1 ready, pod istiod-\S+ CrashLoopBackOff/);
  });

  it('refuses without confirmation when there is no terminal, and asks otherwise', async () => {
    h = await startHarness();
    const p = await prepareInstall({ sets: ['profile=minimal'] });
    await expect(installToCluster(h.cluster, { iop: p.iop, plan: p.plan, readinessTimeoutMs: 5000 }, captureIO())).rejects.toThrow(/refusing to install without confirmation: standard input is not a terminal/);
    const io = captureIO(false);
    await expect(installToCluster(h.cluster, { iop: p.iop, plan: p.plan, readinessTimeoutMs: 5000 }, io)).rejects.toMatchObject({ exitCode: 1 });
    expect(io.text()).toMatch(/Proceed\? \(y\/N\) Cancelled\./);
    expect(h.emu.countRequests({ verb: 'patch' })).toBe(0);
  });

  it('an interrupted install is completed by running it again', async () => {
    h = await startHarness();
    const abort = new AbortController();
    h.emu.readyDelayMs = 200;
    const p = await prepareInstall({ sets: ['profile=demo'] });
    const io = captureIO();
    const running = installToCluster(h.cluster, { iop: p.iop, plan: p.plan, skipConfirmation: true, readinessTimeoutMs: 10_000, signal: abort.signal }, io);
    await h.emu.waitFor(() => h!.emu.list('apps/v1', 'Deployment', 'istio-system').length > 0, 10_000, 'istiod applied');
    abort.abort();
    await expect(running).rejects.toThrow(/interrupted/);
    h.emu.readyDelayMs = 5;
    const again = await install(h, ['profile=demo']);
    expect(again.outcome.unchanged).toBe(false);
    const deploys = await kubectlJson(h, ['get', 'deploy', '-n', 'istio-system']);
    expect(deploys.items.map((d: any) => d.metadata.name).sort()).toEqual(['istio-egressgateway', 'istio-ingressgateway', 'istiod']);
  });

  it('an interrupted upgrade, re-run, still prunes what the previous install had', async () => {
    h = await startHarness();
    await install(h, ['profile=demo']);
    const sets = ['profile=demo', 'components.egressGateways[0].enabled=false', 'values.pilot.env.UPGRADE_MARK=1'];
    const p = await prepareInstall({ sets });
    const abort = new AbortController();
    h.emu.readyDelayMs = 300;
    const running = installToCluster(h.cluster, { iop: p.iop, plan: p.plan, skipConfirmation: true, readinessTimeoutMs: 10_000, signal: abort.signal }, captureIO());
    await h.emu.waitFor(() => JSON.stringify(h!.emu.get('apps/v1', 'Deployment', 'istio-system', 'istiod')?.spec).includes('UPGRADE_MARK'), 10_000, 'new istiod applied');
    abort.abort();
    await expect(running).rejects.toThrow(/interrupted/);
    expect((await kubectlJson(h, ['get', 'configmap', '-n', 'istio-system', 'sailctl-install'])).data.status).toBe('installing');
    h.emu.readyDelayMs = 5;
    const again = await install(h, sets);
    expect(again.outcome.pruned).toContain('Deployment istio-system/istio-egressgateway');
    expect((await kubectlJson(h, ['get', 'configmap', '-n', 'istio-system', 'sailctl-install'])).data.status).toBe('complete');
  });

  it('refuses to install next to a clashing injector webhook unless --force', async () => {
    h = await startHarness();
    await install(h, ['profile=minimal']);
    // Serving the default revision's pods is its default tag's job (its own injector is deactivated).
    const mwc = h.emu.get('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined, 'istio-revision-tag-default')!;
    h.emu.create({ apiVersion: mwc.apiVersion, kind: mwc.kind, metadata: { name: 'legacy-injector', labels: { 'istio.io/rev': '1-22' } }, webhooks: mwc.webhooks });
    h.emu.resetRequestLog();
    const err = await install(h, ['profile=minimal', 'values.pilot.env.X=1']).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/pre-install checks failed on context "kube-emulator" .*:\n {2}no other sidecar injector selects the same pods: two injectors would both inject new pods:\n {4}MutatingWebhookConfiguration legacy-injector \(revision 1-22\) injects the same pods as istio-revision-tag-default\//);
    expect((err as { hint?: string }).hint).toMatch(/--force/);
    expect(h.emu.countRequests({ verb: 'patch' })).toBe(0);
    const forced = await install(h, ['profile=minimal', 'values.pilot.env.X=1'], { force: true });
    expect(forced.io.text()).toMatch(/❗ two injectors would both inject new pods: .*legacy-injector.* \(continuing because of --force\)/);
    expect(forced.outcome.changed).toBeGreaterThan(0);
  });
});

describe('API errors', () => {
  it('names the missing permissions from one batch of access reviews before changing anything', async () => {
    h = await startHarness();
    h.emu.setAccessRules([{ allowed: false, verb: ['create', 'patch'], group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }]);
    const err = await install(h, ['profile=minimal']).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/pre-install checks failed/);
    expect((err as Error).message).toContain('create clusterroles.rbac.authorization.k8s.io (cluster-wide)');
    expect((err as Error).message).toContain('patch clusterroles.rbac.authorization.k8s.io (cluster-wide)');
    expect(h.emu.countRequests({ verb: 'patch' })).toBe(0);
  });

  it('a 403 on a write names the verb and the resource', async () => {
    h = await startHarness();
    h.emu.failNext({ verb: 'patch', resource: 'deployments', code: 403 });
    const err = await install(h, ['profile=minimal']).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^applying Deployment istio-system\/istiod: you are not allowed to patch deployments.apps in namespace istio-system on context "kube-emulator"/);
    expect((err as { hint?: string }).hint).toMatch(/grant "patch" on "deployments.apps" in namespace istio-system/);
  });

  it('a 409 is reported, not retried', async () => {
    h = await startHarness();
    h.emu.failNext({ verb: 'patch', resource: 'configmaps', code: 409 });
    const err = await install(h, ['profile=minimal']).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/applying ConfigMap istio-system\/\S+ on context "kube-emulator" .* failed: .*\(HTTP 409/);
  });

  it('retries 429 (Retry-After), 500, dropped connections and dropped watches, then succeeds', async () => {
    h = await startHarness();
    h.emu.failNext({ verb: 'patch', resource: 'deployments', code: 429, retryAfterSeconds: 0, times: 2 });
    h.emu.failNext({ verb: 'patch', resource: 'services', code: 500 });
    h.emu.failNext({ verb: 'list', resource: 'mutatingwebhookconfigurations', drop: true });
    h.emu.readyDelayMs = 300;
    const running = install(h, ['profile=demo']);
    await h.emu.waitFor(() => h!.emu.openWatches > 0, 10_000, 'a watch');
    expect(h.emu.dropWatches({ abrupt: true })).toBeGreaterThan(0);
    const { outcome } = await running;
    expect(outcome.changed).toBeGreaterThan(0);
    expect(h.emu.requests.filter((r) => r.verb === 'patch' && r.resource === 'deployments' && r.code === 429)).toHaveLength(2);
    expect(h.emu.requests.filter((r) => r.verb === 'watch').length).toBeGreaterThan(1);
    const deploys = await kubectlJson(h, ['get', 'deploy', '-n', 'istio-system']);
    expect(deploys.items.every((d: any) => d.status.readyReplicas === 1)).toBe(true);
  });
});

describe('uninstall', () => {
  it('-f/--set select the revision they render (unlike istioctl, --set revision=x removes only x)', async () => {
    h = await startHarness();
    await install(h, ['profile=minimal']);
    await install(h, ['profile=minimal'], { revision: 'canary' });
    const { plan } = await prepareInstall({ sets: ['profile=minimal', 'revision=canary'] });
    const io = captureIO();
    const out = await uninstall(h.cluster, { istioNamespace: 'istio-system', plan, skipConfirmation: true }, io);
    expect(out.removed).toContain('Deployment istio-system/istiod-canary');
    expect(out.removed.filter((r) => !r.includes('canary'))).toEqual([]);
    // Webhooks go first (nothing may call a removed istiod), then the workloads.
    const order = io.stdout().split('\n').filter(Boolean);
    expect(order.findIndex((l) => l.includes('WebhookConfiguration'))).toBe(0);
    const lastWebhook = order.length - 1 - [...order].reverse().findIndex((l) => l.includes('WebhookConfiguration'));
    expect(order.findIndex((l) => l.includes('Deployment'))).toBeGreaterThan(lastWebhook);
    const deploys = await kubectlJson(h, ['get', 'deploy', '-n', 'istio-system']);
    expect(deploys.items.map((d: any) => d.metadata.name)).toEqual(['istiod']);
  });

  it('--purge removes everything, CRDs included, and warns about custom resources', async () => {
    h = await startHarness();
    await install(h, ['profile=demo']);
    await install(h, ['profile=minimal'], { revision: 'canary' });
    const io = captureIO();
    const out = await uninstall(h.cluster, { istioNamespace: 'istio-system', purge: true, skipConfirmation: true }, io);
    expect(io.text()).toMatch(/--purge removes every Istio resource, including the Istio CRDs/);
    expect(out.removed.some((r) => r.startsWith('CustomResourceDefinition'))).toBe(true);
    const left = await kubectlJson(h, ['get', 'deploy,svc,cm,mutatingwebhookconfiguration,validatingwebhookconfiguration,clusterrole,crd', '-A', '-l', 'operator.istio.io/component']);
    expect(left.items).toEqual([]);
    expect((await h.kubectl(['get', 'cm', '-A', '-l', 'install.sailctl.io/record'])).stdout).toBe('');
  });

  it('refuses objects it does not own, supports --dry-run, and rejects an unknown revision', async () => {
    h = await startHarness();
    await install(h, ['profile=minimal'], { revision: 'canary' });
    // Someone took over the Service: our labels are gone.
    const r = await h.kubectl(['label', 'svc', '-n', 'istio-system', 'istiod-canary', 'operator.istio.io/component-']);
    expect(r.exitCode).toBe(0);
    const dry = captureIO();
    await uninstall(h.cluster, { istioNamespace: 'istio-system', revision: 'canary', dryRun: true }, dry);
    expect(dry.text()).toMatch(/Would remove \d+ objects/);
    expect(h.emu.countRequests({ verb: 'delete' })).toBe(0);
    const io = captureIO();
    const out = await uninstall(h.cluster, { istioNamespace: 'istio-system', revision: 'canary', skipConfirmation: true }, io);
    expect(out.refused.join()).toContain('Service istio-system/istiod-canary');
    expect(io.text()).toContain('Not removing Service istio-system/istiod-canary');
    expect((await h.kubectl(['get', 'svc', '-n', 'istio-system', 'istiod-canary'])).exitCode).toBe(0);
    expect((await h.kubectl(['get', 'deploy', '-n', 'istio-system', 'istiod-canary'])).exitCode).not.toBe(0);
    await expect(uninstall(h.cluster, { istioNamespace: 'istio-system', revision: 'nope', skipConfirmation: true }, captureIO())).rejects.toThrow(/could not find target revision "nope"/);
  });
});
