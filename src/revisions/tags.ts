/**
 * Revision tags (proxy-debugging.md §2.4, istioctl.md §2.15): mutable aliases for control
 * plane revisions. A tag is a MutatingWebhookConfiguration `istio-revision-tag-<t>` labelled
 * istio.io/tag=<t>, istio.io/rev=<revision>, whose webhooks select namespaces and pods labelled
 * istio.io/rev=<t>, plus a Service `istiod-revision-tag-<t>`; the `default` tag also carries
 * the legacy istio-injection webhooks and the `istiod-default-validator`. Everything is rendered
 * by the one renderer (render/components/webhooks.ts) from the revision's own injector webhook,
 * whose caBundle, path, service, reinvocation policy, labels and annotations it copies, as
 * istioctl's tag.Generate does. `install`, `tag set` and `tag generate` all come through here.
 */
import { UserError } from '../core/errors.js';
import type { KubeObject, Resources } from '../kube/resources.js';
import { IOP_API_VERSION, IOP_KIND, type IstioOperator } from '../operator/types.js';
import { buildContext } from '../render/context.js';
import { revisionTagObjects } from '../render/components/pilot.js';
import { deactivated, defaultTagValidatorConfig } from '../render/components/webhooks.js';

export const LABEL_TAG = 'istio.io/tag';
export const LABEL_REV = 'istio.io/rev';
export const DEFAULT_TAG = 'default';
export const MWC = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration' } as const;
export const VWC = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration' } as const;
const INJECTOR_SUFFIX = 'sidecar-injector.istio.io';
const OPERATOR_LABELS = 'operator.istio.io';

export interface TagOptions {
  tag: string;
  /** The revision the tag points at (`default` for the default revision). */
  revision: string;
  istioNamespace: string;
  /** --webhook-name: another name for the tag's MutatingWebhookConfiguration. */
  webhookName?: string;
  overwrite?: boolean;
  /** tag generate: looser checks, and nothing in the cluster is touched. */
  generate?: boolean;
  /** --auto-inject-namespaces: the default tag injects namespaces with no labels at all. */
  autoInjectNamespaces?: boolean;
  /** Labels added to every object (install adds its owner labels and not-pruned). */
  customLabels?: Record<string, string>;
  /** A user's tag (tag set/generate): operator labels are dropped, so installs and uninstalls leave it be. */
  userManaged: boolean;
}

export interface TagPlan {
  /** The tag's MutatingWebhookConfiguration, the default validator (tag `default`), its Service. */
  objects: KubeObject[];
  /** Tag `default` outside generate: the default revision's own injector, its selectors made never-matching. */
  deactivate?: KubeObject;
}

const list = async (res: Resources, kind: { apiVersion: string; kind: string }, labelSelector: string, namespace?: string) =>
  (await res.list(kind.apiVersion, kind.kind, { labelSelector, namespace })).items;

/** The injector webhooks a revision's install made (not its tags). */
export const revisionWebhooks = (res: Resources, revision: string) => list(res, MWC, `${LABEL_REV}=${revision},!${LABEL_TAG}`);
export const tagWebhooks = (res: Resources, tag: string) => list(res, MWC, `${LABEL_TAG}=${tag}`);
export const tagServices = (res: Resources, istioNamespace: string, tag: string) => list(res, { apiVersion: 'v1', kind: 'Service' }, `${LABEL_TAG}=${tag}`, istioNamespace);

/** Namespaces that select the tag (istio.io/rev=<tag>), sorted by the API server (by name). */
export async function namespacesUsingTag(res: Resources, tag: string): Promise<string[]> {
  return (await list(res, { apiVersion: 'v1', kind: 'Namespace' }, `${LABEL_REV}=${tag}`)).map((n) => n.metadata.name);
}

interface Canonical {
  revision: string;
  url: string;
  caBundle: string;
  path?: string;
  service?: string;
  reinvocationPolicy?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** What a tag copies from its revision's injector: the first *sidecar-injector.istio.io webhook's endpoint, and the labels but `app`. */
function fromCanonical(wh: KubeObject): Canonical {
  const revision = wh.metadata.labels?.[LABEL_REV];
  if (revision === undefined) throw new UserError(`failed to create tag webhook config: could not extract tag revision from webhook`);
  const hook = ((wh.webhooks ?? []) as { name: string; clientConfig?: { url?: string; caBundle?: string; service?: { path?: string; name?: string } }; reinvocationPolicy?: string }[]).find((w) => w.name.endsWith(INJECTOR_SUFFIX));
  if (!hook) throw new UserError(`failed to create tag webhook config: could not find sidecar-injector webhook in canonical webhook "${wh.metadata.name}"`);
  const { app: _app, ...labels } = wh.metadata.labels ?? {};
  return {
    revision,
    url: hook.clientConfig?.url ?? '',
    caBundle: hook.clientConfig?.caBundle ?? '',
    path: hook.clientConfig?.service ? (hook.clientConfig.service.path ?? '') : undefined,
    service: hook.clientConfig?.service?.name,
    reinvocationPolicy: hook.reinvocationPolicy,
    labels,
    annotations: wh.metadata.annotations ?? {},
  };
}

/** Chart labels, then the revision webhook's, then the caller's; a user's tag keeps no operator label. */
function mergeLabels(own: Record<string, string> | undefined, canonical: Canonical, opts: TagOptions): Record<string, string> {
  const labels: Record<string, string> = { ...own, ...canonical.labels, ...opts.customLabels };
  if (opts.userManaged) for (const k of Object.keys(labels)) if (k.includes(OPERATOR_LABELS)) delete labels[k];
  return labels;
}

function withMeta(obj: KubeObject, labels: Record<string, string>, annotations: Record<string, string>): KubeObject {
  const metadata = { ...obj.metadata, labels };
  const merged = { ...obj.metadata.annotations, ...annotations };
  if (Object.keys(merged).length > 0) metadata.annotations = merged;
  return { ...obj, metadata };
}

/**
 * What a tag consists of, checked against the cluster as istioctl's tag.Generate checks it. Reads
 * only; the caller applies the plan (applyTagPlan) or prints it (formatTagManifest).
 */
export async function planTag(res: Resources, opts: TagOptions): Promise<TagPlan> {
  const { tag, revision, istioNamespace } = opts;
  if (!opts.generate && !opts.overwrite && tag !== DEFAULT_TAG && (await revisionWebhooks(res, tag)).length > 0) {
    throw new UserError(`cannot create revision tag "${tag}": found existing control plane revision with same name`);
  }
  const canonicalHooks = await revisionWebhooks(res, revision);
  if (canonicalHooks.length === 0) {
    throw new UserError(`cannot modify tag: cannot find MutatingWebhookConfiguration with revision "${revision}"`, { hint: `Is revision "${revision}" installed? \`sailctl tag list\` and \`kubectl get mutatingwebhookconfigurations -l istio.io/rev\` show the revisions there are.` });
  }
  if (canonicalHooks.length > 1) throw new UserError(`cannot modify tag: found multiple canonical webhooks with revision "${revision}"`);
  if (!opts.overwrite && ((await tagWebhooks(res, tag)).length > 0 || (await tagServices(res, istioNamespace, tag)).length > 0)) {
    throw new UserError(`revision tag "${tag}" already exists, and --overwrite is false`, { hint: `Pass --overwrite to point it at revision "${revision}".` });
  }
  const canonical = fromCanonical(canonicalHooks[0]!);
  const rev = canonical.revision === 'default' ? '' : canonical.revision;
  const ctx = buildContext(tagOperator(opts, rev, canonical));

  const [webhook, service] = revisionTagObjects(ctx, tag);
  const hooks = (webhook.webhooks as { clientConfig: { caBundle?: string; service?: { name: string; path: string } } }[]).map((w) => {
    const clientConfig = { ...w.clientConfig };
    if (canonical.caBundle) clientConfig.caBundle = canonical.caBundle;
    if (clientConfig.service) clientConfig.service = { ...clientConfig.service, path: canonical.path ?? clientConfig.service.path, name: canonical.service ?? clientConfig.service.name };
    return { ...w, clientConfig };
  });
  const mwc = withMeta({ ...(webhook as KubeObject), webhooks: hooks }, mergeLabels(webhook.metadata.labels, canonical, opts), canonical.annotations);
  if (opts.webhookName) mwc.metadata = { ...mwc.metadata, name: opts.webhookName };
  const objects: KubeObject[] = [mwc];

  let deactivate: KubeObject | undefined;
  if (tag === DEFAULT_TAG) {
    if (!opts.generate) deactivate = await defaultInjectorToDeactivate(res);
    objects.push(await defaultValidator(res, ctx, canonical, opts));
  }
  objects.push(withMeta(service as KubeObject, mergeLabels(service.metadata.labels, canonical, opts), {}));
  return { objects, deactivate };
}

/** The values istioctl renders a tag with: only Pilot, the revision, the tag, where the webhook points. */
function tagOperator(opts: TagOptions, revision: string, canonical: Canonical): IstioOperator {
  const validationURL = canonical.url ? withPath(canonical.url, '/validate') : '';
  return {
    apiVersion: IOP_API_VERSION,
    kind: IOP_KIND,
    metadata: { namespace: opts.istioNamespace },
    spec: {
      profile: 'empty',
      revision,
      components: { pilot: { enabled: true } },
      values: {
        revisionTags: [opts.tag],
        sidecarInjectorWebhook: { enableNamespacesByDefault: opts.autoInjectNamespaces ?? false, ...(canonical.reinvocationPolicy ? { reinvocationPolicy: canonical.reinvocationPolicy } : {}) },
        istiodRemote: { injectionURL: canonical.url },
        base: { validationURL },
        global: { istioNamespace: opts.istioNamespace },
      },
    },
  };
}

function withPath(url: string, path: string): string {
  try {
    const u = new URL(url);
    u.pathname = path;
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * `istiod-default-validator` for the tagged revision. istiod flips failurePolicy to Fail once it
 * serves validation; a Fail already in the cluster is left to the server's default (Fail) rather
 * than reset to the chart's Ignore.
 */
async function defaultValidator(res: Resources, ctx: ReturnType<typeof buildContext>, canonical: Canonical, opts: TagOptions): Promise<KubeObject> {
  const rendered = defaultTagValidatorConfig(ctx) as KubeObject;
  const live = await res.get(VWC.apiVersion, VWC.kind, 'istiod-default-validator');
  const policies = new Map<string, string | undefined>();
  for (const w of (live?.webhooks ?? []) as { name: string; failurePolicy?: string }[]) policies.set(w.name, w.failurePolicy === 'Fail' ? undefined : w.failurePolicy);
  const webhooks = (rendered.webhooks as { name: string; failurePolicy?: string; clientConfig: Record<string, unknown> }[]).map((w) => {
    const hook = { ...w, clientConfig: canonical.caBundle ? { ...w.clientConfig, caBundle: canonical.caBundle } : w.clientConfig };
    if (policies.has(w.name)) {
      const p = policies.get(w.name);
      if (p === undefined) delete hook.failurePolicy;
      else hook.failurePolicy = p;
    }
    return hook;
  });
  return withMeta({ ...rendered, webhooks }, mergeLabels(rendered.metadata.labels, canonical, opts), canonical.annotations);
}

/** The default revision's own injector, deactivated: kept (to switch back later), injecting nothing. */
async function defaultInjectorToDeactivate(res: Resources): Promise<KubeObject | undefined> {
  const hooks = await revisionWebhooks(res, 'default');
  if (hooks.length === 0) return undefined;
  if (hooks.length > 1) throw new UserError('failed deactivating existing default revision: expected a single webhook for default revision');
  const wh = hooks[0]!;
  const off = deactivated(wh.webhooks ?? []);
  return JSON.stringify(off) === JSON.stringify(wh.webhooks ?? []) ? undefined : { ...wh, webhooks: off };
}

/** Applies a plan: the default injector is deactivated first, so two webhooks never inject at once. */
export async function applyTagPlan(res: Resources, plan: TagPlan): Promise<void> {
  if (plan.deactivate) await res.update(plan.deactivate);
  for (const obj of plan.objects) await res.apply(obj);
}

export interface TagDescription {
  tag: string;
  revision: string;
  namespaces: string[];
}

/**
 * `tag list`: every webhook and Istio-namespace Service labelled istio.io/rev, one row per
 * (revision, tag); a revision with tags loses its tag-less row. Sorted by revision, then tag.
 */
export async function listTags(res: Resources, istioNamespace: string): Promise<TagDescription[] | undefined> {
  const [hooks, services] = await Promise.all([list(res, MWC, LABEL_REV), list(res, { apiVersion: 'v1', kind: 'Service' }, LABEL_REV, istioNamespace)]);
  if (hooks.length === 0 && services.length === 0) return undefined;
  const rows = new Map<string, { tag: string; revision: string }>();
  for (const o of [...hooks, ...services]) {
    const tag = o.metadata.labels?.[LABEL_TAG] ?? '';
    const revision = o.metadata.labels?.[LABEL_REV] ?? '';
    rows.set(JSON.stringify([revision, tag]), { tag, revision });
  }
  for (const { tag, revision } of [...rows.values()]) if (tag !== '') rows.delete(JSON.stringify([revision, '']));
  const sorted = [...rows.values()].sort((a, b) => cmp(a.revision, b.revision) || cmp(a.tag, b.tag));
  return Promise.all(sorted.map(async (r) => ({ ...r, namespaces: await namespacesUsingTag(res, r.tag) })));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What `tag remove` deletes: the tag's webhook configurations (both kinds) and Services. */
export async function tagObjects(res: Resources, istioNamespace: string, tag: string): Promise<KubeObject[]> {
  const [mwcs, vwcs, svcs] = await Promise.all([tagWebhooks(res, tag), list(res, VWC, `${LABEL_TAG}=${tag}`), tagServices(res, istioNamespace, tag)]);
  return [...mwcs, ...vwcs, ...svcs];
}

/**
 * `tag generate`'s text: each object as the Kubernetes YAML serializer writes a typed object
 * (sorted keys, a final newline; webhook configurations carry `creationTimestamp: null`), joined
 * by "\n---\n" as istioctl joins them.
 */
export async function formatTagManifest(objects: readonly KubeObject[]): Promise<string> {
  const { emitManifestYaml } = await import('../yaml/fast-stringify.js');
  return objects
    .map((o) => emitManifestYaml(o.kind === 'Service' ? o : { ...o, metadata: { ...o.metadata, creationTimestamp: null } }))
    .join('\n---\n');
}
