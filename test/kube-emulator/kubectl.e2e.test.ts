/**
 * The real kubectl as the judge of the emulator's fidelity: every command here is run unmodified
 * (over HTTPS with a bearer token, server minor 32 so the dispatcher picks kubectl 1.32), and what it
 * prints is compared with what it prints against a real cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { execa } from 'execa';
import { kubectlPortForward } from './portforward/testing/kubectl.js';
import { startEmulator, type Emulator } from './index.js';
import { kubectlFor, kubectlPath, requireKubectl, tableRows, type Kubectl } from './test-helpers.js';

requireKubectl('the kubectl fidelity tests');

const APP = `
apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: demo, labels: {app: web}}
data: {a: "1", b: "2"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: demo, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80, name: http}]
        env: [{name: A, value: "1"}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: demo, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`;

const CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wg]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1, description: How many parts the widget has.}
              color: {type: string, enum: [red, blue]}
`;

describe.skipIf(!kubectlPath)('the real kubectl against the emulator', () => {
  let emu: Emulator;
  let k: Kubectl;

  beforeAll(async () => {
    emu = await startEmulator({ readyDelayMs: 30, crdEstablishDelayMs: 50 });
    k = kubectlFor(emu);
  });
  afterAll(async () => {
    await emu?.stop();
    k?.cleanup();
  });

  it('version reports server minor 32; api-resources lists built-ins with short names, groups and scope', async () => {
    const version = JSON.parse(await k.ok(['version', '-o', 'json']));
    expect(version.serverVersion).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0' });
    const rows = tableRows(await k.ok(['api-resources']));
    expect(rows[0]).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    expect(rows).toContainEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(rows).toContainEqual(['namespaces', 'ns', 'v1', 'false', 'Namespace']);
    expect(rows).toContainEqual(['horizontalpodautoscalers', 'hpa', 'autoscaling/v2', 'true', 'HorizontalPodAutoscaler']);
    expect(rows).toContainEqual(['validatingwebhookconfigurations', 'admissionregistration.k8s.io/v1', 'false', 'ValidatingWebhookConfiguration']);
    expect(rows).toContainEqual(['selfsubjectaccessreviews', 'authorization.k8s.io/v1', 'false', 'SelfSubjectAccessReview']);
    expect(await k.ok(['api-resources', '--api-group=apps', '-o', 'name'])).toBe('daemonsets.apps\ndeployments.apps\nreplicasets.apps\nstatefulsets.apps\n');
    expect((await k.ok(['api-resources', '--verbs=list', '--namespaced=false', '-o', 'name'])).split('\n')).toContain('nodes');
  });

  it('apply (client-side, validated against the served OpenAPI) creates, re-applies as unchanged, and configures changes', async () => {
    const file = k.file('app.yaml', APP);
    expect(await k.ok(['apply', '-f', file])).toBe('namespace/demo created\nconfigmap/cfg created\ndeployment.apps/web created\nservice/web created\n');
    expect(await k.ok(['apply', '-f', file])).toBe('namespace/demo unchanged\nconfigmap/cfg unchanged\ndeployment.apps/web unchanged\nservice/web unchanged\n');
    const changed = k.file('app2.yaml', APP.replace('data: {a: "1", b: "2"}', 'data: {a: "1", c: "3"}').replace('value: "1"', 'value: "2"'));
    expect(await k.ok(['apply', '-f', changed])).toBe('namespace/demo unchanged\nconfigmap/cfg configured\ndeployment.apps/web configured\nservice/web unchanged\n');
    const cm = JSON.parse(await k.ok(['get', 'cm', 'cfg', '-n', 'demo', '-o', 'json']));
    expect(cm.data).toEqual({ a: '1', c: '3' });
    expect(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"c":"3"');
    const deploy = JSON.parse(await k.ok(['get', 'deploy', 'web', '-n', 'demo', '-o', 'json']));
    expect(deploy.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '2' }]);
    expect(deploy.metadata.generation).toBe(2);
    // Validation is left to the server (fieldValidation=Strict): an unknown field is reported by name.
    const bad = k.file('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad, namespace: demo}\ndata: {a: "1"}\nbogus: 1\n');
    const r = await k.run(['apply', '-f', bad]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(`Error from server (BadRequest): error when creating "${bad}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"`);
  });

  it('rollout status and wait --for=condition=Available follow the Deployment to Ready pods', async () => {
    const rollout = await k.ok(['rollout', 'status', 'deploy/web', '-n', 'demo', '--timeout=20s']);
    expect(rollout.trim().split('\n').pop()).toBe('deployment "web" successfully rolled out');
    expect(await k.ok(['wait', '--for=condition=Available', 'deploy/web', '-n', 'demo', '--timeout=20s'])).toBe('deployment.apps/web condition met\n');
    const deploy = tableRows(await k.ok(['get', 'deploy', '-n', 'demo']));
    expect(deploy[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(deploy[1].slice(0, 4)).toEqual(['web', '2/2', '2', '2']);
    const pods = tableRows(await k.ok(['get', 'pods', '-n', 'demo', '-l', 'app=web']));
    expect(pods[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(pods.slice(1).map((p) => p.slice(1, 4))).toEqual([
      ['1/1', 'Running', '0'],
      ['1/1', 'Running', '0'],
    ]);
    expect(pods.slice(1).every((p) => /^web-[a-z0-9]{10}-[a-z0-9]{5}$/.test(p[0]))).toBe(true);
    const wide = tableRows(await k.ok(['get', 'deploy', 'web', '-n', 'demo', '-o', 'wide']));
    expect(wide[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(wide[1].slice(5)).toEqual(['web', 'nginx:1.27', 'app=web']);
    const ep = tableRows(await k.ok(['get', 'endpoints', 'web', '-n', 'demo']));
    expect(ep[1][1]).toMatch(/^10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80$/);
  });

  it('get: -o yaml/json, label selectors, --all-namespaces, jsonpath, NotFound', async () => {
    const yaml = await k.ok(['get', 'svc', 'web', '-n', 'demo', '-o', 'yaml']);
    expect(yaml).toMatch(/^apiVersion: v1\nkind: Service\nmetadata:\n/);
    expect(yaml).toContain('  clusterIP: 10.96.');
    const byLabel = await k.ok(['get', 'cm,svc,deploy', '-A', '-l', 'app=web', '-o', 'name']);
    expect(byLabel.trim().split('\n').sort()).toEqual(['configmap/cfg', 'deployment.apps/web', 'service/web']);
    expect((await k.ok(['get', 'cm', '-A', '-l', 'app!=web', '-o', 'name'])).trim().split('\n')).toContain('configmap/kube-root-ca.crt');
    const all = tableRows(await k.ok(['get', 'svc', '--all-namespaces']));
    expect(all[0]).toEqual(['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(all.slice(1).map((r) => `${r[0]}/${r[1]}/${r[5]}`)).toEqual(['default/kubernetes/443/TCP', 'demo/web/80/TCP']);
    expect(await k.ok(['get', 'pods', '-n', 'demo', '--field-selector', 'status.phase=Running', '-o', 'jsonpath={.items[*].status.phase}'])).toBe('Running Running');
    const missing = await k.run(['get', 'deploy', 'nope', '-n', 'demo']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');
  });

  it('create -f, then AlreadyExists; create namespace (protobuf body); generator commands for other kinds are out of scope', async () => {
    const file = k.file('made.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: made, namespace: demo}\ndata: {x: y}\n');
    expect(await k.ok(['create', '-f', file])).toBe('configmap/made created\n');
    const again = await k.run(['create', '-f', file]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr.trim()).toBe(`Error from server (AlreadyExists): error when creating "${file}": configmaps "made" already exists`);
    expect(await k.ok(['create', 'namespace', 'scratch'])).toBe('namespace/scratch created\n');
    expect(await k.ok(['get', 'ns', 'scratch', '-o', 'jsonpath={.status.phase} {.metadata.labels}'])).toBe('Active {"kubernetes.io/metadata.name":"scratch"}');
    const generator = await k.run(['create', 'configmap', 'gen', '-n', 'demo', '--from-literal=a=b']);
    expect(generator.exitCode).toBe(1);
    expect(generator.stderr).toContain('error: failed to create configmap: the body of the request was in an unknown format');
  });

  it('patch (strategic, merge, json), label, annotate and scale', async () => {
    expect(await k.ok(['patch', 'deploy', 'web', '-n', 'demo', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"B","value":"b"}]}]}}}}'])).toBe(
      'deployment.apps/web patched\n',
    );
    expect(await k.ok(['get', 'deploy', 'web', '-n', 'demo', '-o', 'jsonpath={.spec.template.spec.containers[0].env[*].name}'])).toBe('B A');
    expect(await k.ok(['patch', 'cm', 'cfg', '-n', 'demo', '--type=merge', '-p', '{"data":{"a":null,"m":"merged"}}'])).toBe('configmap/cfg patched\n');
    expect(await k.ok(['patch', 'cm', 'cfg', '-n', 'demo', '--type=merge', '-p', '{"data":{"m":"merged"}}'])).toBe('configmap/cfg patched (no change)\n');
    expect(await k.ok(['patch', 'cm', 'cfg', '-n', 'demo', '--type=json', '-p', '[{"op":"add","path":"/data/j","value":"json"}]'])).toBe('configmap/cfg patched\n');
    expect(JSON.parse(await k.ok(['get', 'cm', 'cfg', '-n', 'demo', '-o', 'jsonpath={.data}']))).toEqual({ c: '3', m: 'merged', j: 'json' });
    const failedTest = await k.run(['patch', 'cm', 'cfg', '-n', 'demo', '--type=json', '-p', '[{"op":"test","path":"/data/j","value":"other"}]']);
    expect(failedTest.exitCode).toBe(1);
    expect(await k.ok(['label', 'cm', 'cfg', '-n', 'demo', 'tier=backend'])).toBe('configmap/cfg labeled\n');
    expect(await k.ok(['annotate', 'cm', 'cfg', '-n', 'demo', 'note=hello'])).toBe('configmap/cfg annotated\n');
    expect(await k.ok(['label', 'cm', 'cfg', '-n', 'demo', 'tier-'])).toBe('configmap/cfg unlabeled\n');
    const clash = await k.run(['annotate', 'cm', 'cfg', '-n', 'demo', 'note=again']);
    expect(clash.stderr).toContain("--overwrite is false but found the following declared annotation(s): 'note' already has a value (hello)");
    expect(await k.ok(['scale', 'deploy', 'web', '-n', 'demo', '--replicas=3'])).toBe('deployment.apps/web scaled\n');
    await k.ok(['rollout', 'status', 'deploy/web', '-n', 'demo', '--timeout=20s']);
    expect(await k.ok(['get', 'deploy', 'web', '-n', 'demo', '-o', 'jsonpath={.status.readyReplicas}/{.spec.replicas}'])).toBe('3/3');
    expect(await k.ok(['get', 'pods', '-n', 'demo', '-l', 'app=web', '--field-selector', 'status.phase=Running', '-o', 'name'])).toMatch(/^(pod\/web-\S+\n){3}$/);
  });

  it('apply --server-side: create, no-op re-apply, conflicts as a real server reports them, --force-conflicts, removal of dropped list-map entries', async () => {
    const svc = (ports: number[]) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'gw', namespace: 'demo' },
        spec: { selector: { app: 'gw' }, ports: ports.map((p) => ({ name: `p${p}`, port: p, protocol: 'TCP', targetPort: p })) },
      });
    const s1 = k.file('s1.json', svc([80, 443, 31400]));
    expect(await k.ok(['apply', '--server-side', '--field-manager', 'installer', '-f', s1])).toBe('service/gw serverside-applied\n');
    const rv = await k.ok(['get', 'svc', 'gw', '-n', 'demo', '-o', 'jsonpath={.metadata.resourceVersion}']);
    await k.ok(['apply', '--server-side', '--field-manager', 'installer', '-f', s1]);
    expect(await k.ok(['get', 'svc', 'gw', '-n', 'demo', '-o', 'jsonpath={.metadata.resourceVersion}'])).toBe(rv);
    const s2 = k.file('s2.json', svc([80]));
    expect(await k.ok(['apply', '--server-side', '--field-manager', 'installer', '-f', s2])).toBe('service/gw serverside-applied\n');
    expect(await k.ok(['get', 'svc', 'gw', '-n', 'demo', '-o', 'jsonpath={.spec.ports[*].name}'])).toBe('p80');

    // kubectl scale set the replicas through the scale subresource (manager from its User-Agent): applying another value conflicts.
    const d = k.file('d.yaml', APP.split('---')[2].replace('replicas: 2', 'replicas: 4').replace('value: "1"', 'value: "2"'));
    const conflict = await k.run(['apply', '--server-side', '-f', d]);
    expect(conflict.exitCode).toBe(1);
    expect(conflict.stderr).toContain('error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas\n');
    expect(conflict.stderr).toContain('Please review the fields above--they currently have other managers.');
    expect(await k.ok(['apply', '--server-side', '--force-conflicts', '-f', d])).toBe('deployment.apps/web serverside-applied\n');
    const managers = JSON.parse(await k.ok(['get', 'deploy', 'web', '-n', 'demo', '-o', 'json', '--show-managed-fields'])).metadata.managedFields;
    expect(managers.find((m: { manager: string; operation: string }) => m.manager === 'kubectl' && m.operation === 'Apply').fieldsV1['f:spec']['f:replicas']).toEqual({});
  });

  it('rollout history and rollout undo bring back an earlier ReplicaSet (no new one), which becomes the newest revision', async () => {
    const revisions = (text: string) => tableRows(text).slice(2).map((r) => r[0]);
    expect(revisions(await k.ok(['rollout', 'history', 'deploy/web', '-n', 'demo']))).toEqual(['1', '2', '3']);
    const sets = (await k.ok(['get', 'rs', '-n', 'demo', '-o', 'name'])).trim().split('\n');
    expect(await k.ok(['rollout', 'undo', 'deploy/web', '-n', 'demo', '--to-revision=1'])).toBe('deployment.apps/web rolled back\n');
    await k.ok(['rollout', 'status', 'deploy/web', '-n', 'demo', '--timeout=20s']);
    expect((await k.ok(['get', 'rs', '-n', 'demo', '-o', 'name'])).trim().split('\n')).toEqual(sets);
    expect(revisions(await k.ok(['rollout', 'history', 'deploy/web', '-n', 'demo']))).toEqual(['2', '3', '4']);
    expect(await k.ok(['get', 'deploy', 'web', '-n', 'demo', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision} {.spec.template.spec.containers[0].env}'])).toBe(
      '4 [{"name":"A","value":"1"}]',
    );
  });

  it('get prints the columns a real cluster shows for nodes, jobs, RBAC, webhooks, endpoint slices and events', async () => {
    const header = async (args: string[]) => tableRows(await k.ok(['get', ...args]))[0];
    emu.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'demo' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x:1' }] } } } });
    emu.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] });
    emu.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'read', namespace: 'demo' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' }, subjects: [] });
    expect(await header(['nodes', '-o', 'wide'])).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    await k.ok(['wait', '--for=condition=Complete', 'job/once', '-n', 'demo', '--timeout=10s']);
    const job = tableRows(await k.ok(['get', 'jobs', '-n', 'demo']));
    expect(job[0]).toEqual(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
    expect(job[1].slice(0, 3)).toEqual(['once', 'Complete', '1/1']);
    expect(tableRows(await k.ok(['get', 'rolebinding', 'read', '-n', 'demo']))[1].slice(0, 2)).toEqual(['read', 'ClusterRole/reader']);
    expect(await header(['clusterrole', 'reader'])).toEqual(['NAME', 'CREATED AT']);
    emu.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'demo-validator' },
      webhooks: [{ name: 'validate.demo.example.com', clientConfig: { url: 'https://127.0.0.1:1/validate' }, sideEffects: 'None', admissionReviewVersions: ['v1'] }],
    });
    const webhooks = tableRows(await k.ok(['get', 'validatingwebhookconfigurations']));
    expect(webhooks[0]).toEqual(['NAME', 'WEBHOOKS', 'AGE']);
    expect(webhooks[1].slice(0, 2)).toEqual(['demo-validator', '1']);
    expect(await header(['endpointslices', '-n', 'demo'])).toEqual(['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    expect(await header(['events', '-n', 'demo'])).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
  });

  it('get -w prints the initial table and then one row per change', async () => {
    const watch = execa(kubectlPath!, ['--kubeconfig', k.kubeconfig, '--cache-dir', `${k.dir}/cache`, 'get', 'cm', '-n', 'demo', '-w', '-l', 'watched=yes'], { reject: false, env: { HOME: k.dir } });
    let out = '';
    watch.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    watch.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await emu.waitFor(() => out.includes('No resources found') || emu.openWatches > 0, 10_000, 'kubectl get -w to start');
    await emu.waitFor(() => emu.openWatches > 0, 10_000, 'the watch');
    await k.ok(['create', '-f', k.file('w1.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w1, namespace: demo, labels: {watched: "yes"}}\ndata: {a: b}\n')]);
    await emu.waitFor(() => out.includes('w1'), 10_000, 'the watch row');
    watch.kill('SIGTERM');
    await watch;
    const rows = tableRows(out.replace('No resources found in demo namespace.\n', ''));
    expect(rows[0]).toEqual(['NAME', 'DATA', 'AGE']);
    expect(rows[1].slice(0, 2)).toEqual(['w1', '1']);
  });

  it('a CRD becomes Established and served: api-resources, apply, printer columns, explain, schema validation, deletion', async () => {
    expect(await k.ok(['apply', '-f', k.file('crd.yaml', CRD)])).toBe('customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n');
    expect(await k.ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=10s'])).toBe(
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.com condition met\n',
    );
    expect(tableRows(await k.ok(['api-resources', '--api-group=example.com']))[1]).toEqual(['widgets', 'wg', 'example.com/v1', 'true', 'Widget']);
    const widget = k.file('w.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: demo}\nspec: {size: 3, color: red}\n');
    expect(await k.ok(['apply', '-f', widget])).toBe('widget.example.com/w1 created\n');
    expect(await k.ok(['apply', '-f', widget])).toBe('widget.example.com/w1 unchanged\n');
    const rows = tableRows(await k.ok(['get', 'wg', '-n', 'demo']));
    expect(rows[0]).toEqual(['NAME', 'SIZE', 'AGE']);
    expect(rows[1].slice(0, 2)).toEqual(['w1', '3']);
    const explain = await k.ok(['explain', 'widget.spec.size']);
    expect(explain).toContain('FIELD: size <integer>');
    expect(explain).toContain('How many parts the widget has.');
    const invalid = await k.run(['apply', '-f', '-'], '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"bad","namespace":"demo"},"spec":{"size":0,"color":"green"}}');
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stderr).toContain('The Widget "bad" is invalid: \n* spec.color: Unsupported value: "green": supported values: "red", "blue"\n* spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1');
    const unknown = await k.run(['apply', '-f', '-'], '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"bad","namespace":"demo"},"spec":{"size":1,"shape":"round"}}');
    expect(unknown.stderr).toContain('strict decoding error: unknown field "spec.shape"');
    expect(await k.ok(['delete', 'crd', 'widgets.example.com'])).toBe('customresourcedefinition.apiextensions.k8s.io "widgets.example.com" deleted\n');
    expect(emu.registry.get('example.com', 'widgets')).toBeUndefined();
    // kubectl still maps "widgets" from its discovery cache, as it would against a real cluster.
    expect((await k.run(['get', 'widgets', '-n', 'demo'])).stderr.trim()).toBe(
      'Error from server (NotFound): Unable to list "example.com/v1, Resource=widgets": the server could not find the requested resource',
    );
  });

  it('auth can-i answers from the configured access rules (SelfSubjectAccessReview in protobuf)', async () => {
    expect(await k.ok(['auth', 'can-i', 'create', 'deployments', '-n', 'demo'])).toBe('yes\n');
    emu.setAccessRules([{ allowed: false, verb: 'delete', resource: 'secrets', reason: 'no secrets for you' }]);
    const denied = await k.run(['auth', 'can-i', 'delete', 'secrets', '-n', 'demo']);
    expect(denied.exitCode).toBe(1);
    expect(denied.stdout).toBe('no - no secrets for you\n');
    expect(await k.ok(['auth', 'can-i', 'get', 'secrets', '-n', 'demo'])).toBe('yes\n');
    const forbidden = await k.run(['delete', 'secret', 'whatever', '-n', 'demo']);
    expect(forbidden.stderr.trim()).toBe(
      'Error from server (Forbidden): secrets "whatever" is forbidden: User "kube-emulator-user" cannot delete resource "secrets" in API group "" in the namespace "demo"',
    );
    emu.setAccessRules([]);
  });

  it('applies a kind: List with validation (OpenAPI v2 fallback) and ValidatingAdmissionPolicies', async () => {
    const list = k.file('list.yaml', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: listed, namespace: demo}\n');
    expect(await k.ok(['apply', '--dry-run=server', '-f', list])).toBe('configmap/listed created (server dry run)\n');
    const vap = k.file('vap.yaml', `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: demo-policy}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]
  validations: [{expression: "object.metadata.name != 'forbidden'"}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: demo-policy-binding}
spec: {policyName: demo-policy, validationActions: [Deny]}
`);
    expect(await k.ok(['apply', '--server-side', '-f', vap])).toBe(
      'validatingadmissionpolicy.admissionregistration.k8s.io/demo-policy serverside-applied\nvalidatingadmissionpolicybinding.admissionregistration.k8s.io/demo-policy-binding serverside-applied\n',
    );
  });

  it('port-forward to a pod whose annotation names the local target (set up with kubectl alone)', async () => {
    const echo = net.createServer((s) => s.on('data', (d) => s.end(`pong:${d}`)));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const target = (echo.address() as net.AddressInfo).port;
    const pod = k.file('pf.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pf\n  namespace: default\n  annotations: {kube-emulator/forward-9090: "127.0.0.1:${target}"}\nspec:\n  containers: [{name: c, image: x:1}]\n`);
    await k.ok(['apply', '-f', pod]);
    await k.ok(['wait', '--for=condition=Ready', 'pod/pf', '--timeout=10s']);
    const pf = await kubectlPortForward(kubectlPath!, k.kubeconfig, 'pod/pf', [':9090']);
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(pf.localPorts[0], '127.0.0.1');
        let got = '';
        socket.on('data', (d) => (got += d));
        socket.on('end', () => resolve(got));
        socket.on('error', reject);
        socket.write('ping');
      });
      expect(reply).toBe('pong:ping');
    } finally {
      await pf.stop();
      echo.close();
    }
  });

  it('kubectl and @kubernetes/client-node see one consistent server', async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(k.kubeconfig);
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'demo' } };
    const seen = await client.read(ref);
    expect(seen.metadata?.resourceVersion).toBe(await k.ok(['get', 'cm', 'cfg', '-n', 'demo', '-o', 'jsonpath={.metadata.resourceVersion}']));
    await client.patch({ ...ref, data: { fromNode: 'yes' } }, undefined, undefined, 'client-node', false, k8s.PatchStrategy.ServerSideApply);
    expect(await k.ok(['get', 'cm', 'cfg', '-n', 'demo', '-o', 'jsonpath={.data.fromNode}'])).toBe('yes');
    const deployments = await client.list('apps/v1', 'Deployment', 'demo');
    expect(deployments.items.map((d) => d.metadata?.name)).toEqual(['web']);
  });

  it('logs prints what the test attached to the pod', async () => {
    const pod = (await k.ok(['get', 'pods', '-n', 'demo', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    emu.setPodLogs('demo', pod, (container) => `hello from ${container}\n`);
    expect(await k.ok(['logs', pod, '-n', 'demo', '-c', 'web'])).toBe('hello from web\n');
  });

  it('delete: --cascade=orphan keeps dependents, delete -f waits until gone, delete ns cascades to its content', async () => {
    // One ReplicaSet per pod template the Deployment had (old ones scaled to 0, kept for rollback).
    const rsBefore = (await k.ok(['get', 'rs', '-n', 'demo', '-o', 'name'])).trim().split('\n');
    expect(rsBefore.length).toBe(3);
    expect(await k.ok(['delete', 'deploy', 'web', '-n', 'demo', '--cascade=orphan'])).toBe('deployment.apps "web" deleted\n');
    expect((await k.ok(['get', 'rs', '-n', 'demo', '-o', 'name'])).trim().split('\n')).toEqual(rsBefore);
    expect(await k.ok(['get', 'rs', '-n', 'demo', '-o', 'jsonpath={.items[*].metadata.ownerReferences}'])).toBe('');
    expect((await k.ok(['get', 'pods', '-n', 'demo', '-l', 'app=web', '-o', 'name'])).trim().split('\n').length).toBe(4); // replicas: 4 from the forced apply
    const deleted = await k.ok(['delete', 'rs', '--all', '-n', 'demo', '--cascade=foreground']);
    expect(deleted.trim().split('\n').sort()).toEqual(rsBefore.map((r) => `${r.replace('replicaset.apps/', 'replicaset.apps "')}" deleted`).sort());
    expect(await k.ok(['get', 'pods', '-n', 'demo', '-l', 'app=web', '-o', 'name'])).toBe('');
    const file = k.file('app.yaml', APP);
    const objects = k.file('objects.yaml', APP.split('---').slice(1).join('---'));
    await k.ok(['apply', '-f', file]);
    expect(await k.ok(['delete', '-f', objects, '--wait', '--cascade=foreground'])).toBe('configmap "cfg" deleted\ndeployment.apps "web" deleted\nservice "web" deleted\n');
    expect(await k.ok(['get', 'all', '-n', 'demo', '-l', 'app=web', '-o', 'name'])).toBe('');
    // Deleting the namespace takes its content with it (kubectl waits until it is gone).
    await k.ok(['apply', '-f', file]);
    await k.ok(['rollout', 'status', 'deploy/web', '-n', 'demo', '--timeout=20s']);
    expect(await k.ok(['delete', 'ns', 'demo'])).toBe('namespace "demo" deleted\n');
    expect((await k.run(['get', 'ns', 'demo'])).stderr.trim()).toBe('Error from server (NotFound): namespaces "demo" not found');
    expect(emu.list('v1', 'Pod', 'demo')).toEqual([]);
    expect(emu.list('v1', 'ConfigMap', 'demo')).toEqual([]);
  });
});
