/**
 * `tag set | generate | list | remove` as a user runs them: the built binary against the emulator,
 * the real kubectl judging what landed. Expected texts and objects are istioctl's
 * (istioctl.md §2.15, proxy-debugging.md §2.4) and its charts' revision-tag templates.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sailctl } from '../helpers/cli.js';
import { startHarness, type Harness } from '../helpers/cluster-harness.js';
import { webhookOverlaps } from '../../src/revisions/overlap.js';
import type { KubeObject } from '../../src/kube/resources.js';

let h: Harness;
const run = (args: string[]) => sailctl(['--kubeconfig', h.kubeconfig, ...args]);
const kubectl = async (args: string[]) => {
  const r = await h.kubectl(args);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nistiod-canary\n-----END CERTIFICATE-----\n').toString('base64');

beforeAll(async () => {
  h = await startHarness();
  for (const args of [['--set', 'profile=minimal'], ['--set', 'profile=minimal', '-r', 'canary']]) {
    const r = await run(['install', '-y', ...args]);
    if (r.exitCode !== 0) throw new Error(r.stderr);
  }
  // istiod patches its CA into its webhooks; a tag copies it from there.
  const mwc = JSON.parse(await kubectl(['get', 'mutatingwebhookconfiguration', 'istio-sidecar-injector-canary', '-o', 'json']));
  for (const w of mwc.webhooks) w.clientConfig.caBundle = CA;
  await kubectl(['replace', '-f', writeTemp('canary-injector.json', JSON.stringify(mwc))]);
}, 60_000);
afterAll(async () => h?.stop());

function writeTemp(name: string, text: string): string {
  const path = join(h.dir, name);
  writeFileSync(path, text);
  return path;
}

describe('tag generate', () => {
  it('prints the tag webhook and Service from the revision’s injector, changes nothing, and kubectl takes it', async () => {
    const r = await run(['tag', 'generate', 'prod', '--revision', 'canary']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    // Each object as the Kubernetes serializer writes it, joined by "\n---\n".
    expect(r.stdout).toMatch(/^apiVersion: admissionregistration\.k8s\.io\/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n {2}creationTimestamp: null\n/);
    expect(r.stdout).toMatch(/\n\n---\napiVersion: v1\nkind: Service\n/);
    const [mwc, svc] = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(mwc.metadata.name).toBe('istio-revision-tag-prod');
    expect(mwc.metadata.labels).toMatchObject({ app: 'sidecar-injector', 'istio.io/tag': 'prod', 'istio.io/rev': 'canary' });
    expect(Object.keys(mwc.metadata.labels).filter((k: string) => k.includes('operator.istio.io'))).toEqual([]);
    expect(mwc.webhooks.map((w: { name: string }) => w.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
    for (const w of mwc.webhooks) {
      expect(w.clientConfig).toEqual({ caBundle: CA, service: { name: 'istiod-canary', namespace: 'istio-system', path: '/inject', port: 443 } });
      expect(w).toMatchObject({ failurePolicy: 'Fail', reinvocationPolicy: 'Never', sideEffects: 'None', admissionReviewVersions: ['v1'] });
    }
    expect(mwc.webhooks[0].namespaceSelector.matchExpressions).toEqual([{ key: 'istio.io/rev', operator: 'In', values: ['prod'] }, { key: 'istio-injection', operator: 'DoesNotExist' }]);
    expect(mwc.webhooks[1].objectSelector.matchExpressions).toEqual([{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }, { key: 'istio.io/rev', operator: 'In', values: ['prod'] }]);
    expect(svc).toMatchObject({ metadata: { name: 'istiod-revision-tag-prod', namespace: 'istio-system', labels: { 'istio.io/tag': 'prod', 'istio.io/rev': 'canary' } }, spec: { selector: { app: 'istiod', 'istio.io/rev': 'canary' } } });
    expect(svc.spec.ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`)).toEqual(['grpc-xds:15010', 'https-dns:15012', 'https-webhook:443', 'http-monitoring:15014']);
    expect((await h.kubectl(['get', 'mutatingwebhookconfiguration', 'istio-revision-tag-prod'])).exitCode).toBe(1);
    const applied = await kubectl(['apply', '--dry-run=server', '-f', writeTemp('prod.yaml', r.stdout)]);
    expect(applied).toBe('mutatingwebhookconfiguration.admissionregistration.k8s.io/istio-revision-tag-prod created (server dry run)\nservice/istiod-revision-tag-prod created (server dry run)');
  });

  it('the default tag adds istiod-default-validator (service /validate, the tag label), keeping a Fail the cluster has', async () => {
    const vwc = JSON.parse(await kubectl(['get', 'validatingwebhookconfiguration', 'istiod-default-validator', '-o', 'json']));
    vwc.webhooks[0].failurePolicy = 'Fail';
    await kubectl(['replace', '-f', writeTemp('vwc.json', JSON.stringify(vwc))]);
    // The install made a default tag, so even generate needs --overwrite (istioctl checks duplicates in both).
    expect((await run(['tag', 'generate', 'default', '--revision', 'canary'])).stderr).toMatch(/^Error: revision tag "default" already exists, and --overwrite is false\n/);
    const r = await run(['tag', 'generate', 'default', '--revision', 'canary', '--overwrite']);
    expect(r.exitCode).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['MutatingWebhookConfiguration/istio-revision-tag-default', 'ValidatingWebhookConfiguration/istiod-default-validator', 'Service/istiod-revision-tag-default']);
    expect(docs[0].webhooks.map((w: { name: string }) => w.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io', 'namespace.sidecar-injector.istio.io', 'object.sidecar-injector.istio.io']);
    const hook = docs[1].webhooks[0];
    expect(docs[1].metadata.labels).toMatchObject({ 'istio.io/tag': 'default', 'istio.io/rev': 'canary', app: 'istiod', istio: 'istiod' });
    expect(hook).toMatchObject({ name: 'validation.istio.io', clientConfig: { caBundle: CA, service: { name: 'istiod-canary', namespace: 'istio-system', path: '/validate' } }, admissionReviewVersions: ['v1beta1', 'v1'], objectSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }] } });
    // istiod set Fail; the generated object leaves it to the API server's default (Fail), not the chart's Ignore.
    expect(hook.failurePolicy).toBeUndefined();
    // generate never deactivates the default injector.
    expect(JSON.parse(await kubectl(['get', 'mutatingwebhookconfiguration', 'istio-revision-tag-default', '-o', 'json'])).metadata.labels['istio.io/rev']).toBe('default');
    expect(r.stderr).toBe('');
  });

  it('--webhook-name renames the webhook configuration', async () => {
    const r = await run(['tag', 'generate', 'blue', '-r', 'canary', '--webhook-name', 'my-blue-injector']);
    expect(parseAllDocuments(r.stdout)[0]!.toJS().metadata.name).toBe('my-blue-injector');
  });
});

describe('tag set', () => {
  it('istioctl’s refusals: no such revision, a revision’s name, an existing tag without --overwrite, no --revision', async () => {
    const missing = await run(['tag', 'set', 'prod', '--revision', 'nope']);
    expect(missing).toMatchObject({ exitCode: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^Error: cannot modify tag: cannot find MutatingWebhookConfiguration with revision "nope"\n/);
    const clash = await run(['tag', 'set', 'canary', '--revision', 'default']);
    expect(clash.stderr).toMatch(/^Error: cannot create revision tag "canary": found existing control plane revision with same name\n/);
    const again = await run(['tag', 'set', 'default', '--revision', 'canary']);
    expect(again).toMatchObject({ exitCode: 1 });
    expect(again.stderr).toMatch(/^Error: revision tag "default" already exists, and --overwrite is false\n/);
    const noRev = await run(['tag', 'set', 'prod']);
    expect(noRev).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/^Error: required flag\(s\) "revision" not set\n/) });
    expect((await run(['tag', 'set'])).stderr).toMatch(/^Error: must provide a tag for modification\n/);
    expect((await run(['tag', 'set', 'a', 'b', '-r', 'canary'])).stderr).toMatch(/^Error: must provide a single tag for creation\n/);
  });

  it('a tag webhook that would inject the same pods as another injector: istioctl’s analyzer text, then Apply anyways? (no on a closed stdin)', async () => {
    writeFileSync(join(h.dir, 'other.yaml'), `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: other-injector}
webhooks:
- name: x.sidecar-injector.istio.io
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig: {url: "https://injector.example.com/inject"}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
  namespaceSelector: {matchLabels: {istio.io/rev: blue}}
`);
    await kubectl(['apply', '-f', join(h.dir, 'other.yaml')]);
    const r = await run(['tag', 'set', 'blue', '--revision', 'canary']);
    expect(r.stderr).toBe(
      'creating tag would conflict, pass --skip-confirmation to proceed:\nError [IST0139] (MutatingWebhookConfiguration istio-revision-tag-blue) Webhook overlaps with others: [other-injector/x.sidecar-injector.istio.io]. This may cause injection to occur twice.\n\n',
    );
    expect(r).toMatchObject({ exitCode: 0, stdout: 'Apply anyways? [y/N] \n' });
    expect((await h.kubectl(['get', 'mutatingwebhookconfiguration', 'istio-revision-tag-blue'])).exitCode).toBe(1);
    const forced = await run(['tag', 'set', 'blue', '--revision', 'canary', '-y']);
    expect(forced).toMatchObject({ exitCode: 0, stderr: '' });
    expect(forced.stdout).toMatch(/^Revision tag "blue" created/);
    await kubectl(['delete', '-f', join(h.dir, 'other.yaml')]);
  });
});

describe('tag list and remove', () => {
  it('list: istioctl’s TAG REVISION NAMESPACES table (tabwriter padding 1), -o json with tabs, -o yaml', async () => {
    await kubectl(['create', 'namespace', 'shop']);
    await kubectl(['label', 'namespace', 'shop', 'istio.io/rev=blue']);
    const table = await run(['tag', 'list']);
    expect(table.stdout).toBe('TAG     REVISION NAMESPACES\nblue    canary   shop\ndefault default  \n');
    expect((await run(['tag', 'show', '-o', 'json'])).stdout).toBe('[\n\t{\n\t\t"tag": "blue",\n\t\t"revision": "canary",\n\t\t"namespaces": [\n\t\t\t"shop"\n\t\t]\n\t},\n\t{\n\t\t"tag": "default",\n\t\t"revision": "default",\n\t\t"namespaces": []\n\t}\n]\n');
    // JSONToYAML's text already ends in a newline and Fprintln adds one: a blank last line, as istioctl prints.
    expect((await run(['tag', 'list', '-o', 'yaml'])).stdout).toBe('- namespaces:\n  - shop\n  revision: canary\n  tag: blue\n- namespaces: []\n  revision: default\n  tag: default\n\n');
    expect(await run(['tag', 'list', '-o', 'wide'])).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/^Error: unknown format: wide\n/) });
  });

  it('remove refuses while namespaces use the tag (Aborting operation., exit 0), -y removes webhook and Service', async () => {
    const declined = await run(['tag', 'remove', 'blue']);
    expect(declined).toMatchObject({ exitCode: 0, stdout: 'Caution, found 1 namespace(s) still injected by tag "blue": shop\nProceed with operation? [y/N] \nAborting operation.\n' });
    expect((await h.kubectl(['get', 'mutatingwebhookconfiguration', 'istio-revision-tag-blue'])).exitCode).toBe(0);
    const removed = await run(['tag', 'delete', 'blue', '-y']);
    expect(removed).toMatchObject({ exitCode: 0, stdout: 'Revision tag blue removed\n' });
    expect((await h.kubectl(['get', 'mutatingwebhookconfiguration', 'istio-revision-tag-blue'])).exitCode).toBe(1);
    expect((await h.kubectl(['get', 'service', '-n', 'istio-system', 'istiod-revision-tag-blue'])).exitCode).toBe(1);
    const gone = await run(['tag', 'remove', 'blue']);
    expect(gone).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/^Error: cannot remove tag "blue": cannot find MutatingWebhookConfiguration or Service for tag\n/) });
  });

  it('tag help lists the inherited -n and -i, as istioctl’s does (istioctl.md §7 quirk 11)', async () => {
    const help = await run(['tag', 'set', '--help']);
    expect(help.stdout).toMatch(/-i, --istioNamespace <namespace>/);
    expect(help.stdout).toMatch(/-n, --namespace <namespace>/);
  });
});

describe('webhook overlap rule (IST0139)', () => {
  const mwc = (name: string, webhooks: unknown[], labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name, labels }, webhooks });
  it('two webhooks that select one namespace/pod label set overlap; a deactivated one selects nothing', () => {
    const a = mwc('a', [{ name: 'n.sidecar-injector.istio.io', namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } }], { 'istio.io/rev': 'default' });
    const b = mwc('b', [{ name: 'm.sidecar-injector.istio.io', namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] } }]);
    const off = mwc('c', [{ name: 'k.sidecar-injector.istio.io', namespaceSelector: { matchLabels: { 'istio.io/deactivated': 'never-match' } }, objectSelector: { matchLabels: { 'istio.io/deactivated': 'never-match' } } }]);
    const found = webhookOverlaps([a, b, off]);
    expect(found.get('a')).toEqual(['Webhook overlaps with others: [b/m.sidecar-injector.istio.io]. This may cause injection to occur twice.']);
    expect(found.get('b')).toEqual(['Webhook overlaps with others: [a/n.sidecar-injector.istio.io]. This may cause injection to occur twice.']);
    expect(found.has('c')).toBe(false);
  });
});
