/**
 * The API server's storage semantics, independent of HTTP: create/get/list/update/patch/apply/delete
 * with resourceVersions, generation, defaulting, validation, namespace lifecycle, finalizers and
 * managedFields. The HTTP layer and the simulated controllers both go through here, so controller
 * writes look like any other client's (watch events, resourceVersions, field managers).
 */
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { checkCustomObject, type FieldValidation } from './crds.js';
import { applyDefaults } from './defaults.js';
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  forbidden,
  notFound,
  STALE_WRITE,
  unsupportedMediaType,
  type Obj,
} from './errors.js';
import { clone, deepEqual, isPlainObject, jsonPatch, mergePatch } from './patch/json-patches.js';
import {
  changedFields,
  fieldsOf,
  readManagedFields,
  serverSideApply,
  updateManagedFields,
  type OwnershipChange,
} from './patch/managed-fields.js';
import { strategicMerge } from './patch/strategic-merge.js';
import { apiVersionOf, typeKey, type ResourceType } from './registry.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { objectKey, type Store } from './store.js';
import { checkBuiltinFields, validateBuiltin } from './validation.js';

export interface WriteContext {
  fieldManager?: string;
  userAgent?: string;
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  /** Filled with warnings to send back (Warning headers). */
  warnings?: string[];
  /** Internal callers (controllers) may create objects with a status. */
  keepStatus?: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

const APPLY = 'application/apply-patch+yaml';
const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';

/** Kinds whose metadata.generation tracks spec changes. */
const GENERATION_KINDS = new Set([
  'apps/Deployment',
  'apps/ReplicaSet',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'batch/Job',
  'batch/CronJob',
  'autoscaling/HorizontalPodAutoscaler',
  'policy/PodDisruptionBudget',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
]);

export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

function tracksGeneration(type: ResourceType): boolean {
  return !!type.crd || GENERATION_KINDS.has(`${type.group}/${type.kind}`);
}

/** Everything generation depends on: the object minus metadata (and minus status with a status subresource). */
function specPart(obj: Obj, type: ResourceType): Obj {
  const { metadata: _m, status, ...rest } = obj;
  return type.statusSubresource ? rest : { ...rest, status };
}

function normalizedForNoop(obj: Obj): Obj {
  const metadata = { ...obj.metadata };
  delete metadata.resourceVersion;
  metadata.managedFields = (metadata.managedFields ?? []).map((e: Obj) => ({ ...e, time: undefined }));
  return { ...obj, metadata };
}

export class Api {
  private clusterIPCounter = 10;
  private nodePortCounter = 30000;

  constructor(
    readonly store: Store,
    private readonly lookup: { namespaceType: ResourceType },
  ) {}

  present(obj: Obj, type: ResourceType, version: string): Obj {
    const apiVersion = apiVersionOf(type.group, version);
    return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
  }

  get(type: ResourceType, namespace: string | undefined, name: string): Obj {
    const obj = this.store.get(typeKey(type.group, type.plural), type.namespaced ? namespace : undefined, name);
    if (!obj) throw notFound(type.group, type.plural, name);
    return obj;
  }

  tryGet(type: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    return this.store.get(typeKey(type.group, type.plural), type.namespaced ? namespace : undefined, name);
  }

  /** Lists with selectors and limit/continue. Keys are ordered namespace/name, so pages are stable. */
  list(type: ResourceType, version: string, namespace: string | undefined, opts: ListOptions = {}): Obj {
    const key = typeKey(type.group, type.plural);
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector);
    const keys = this.store.sortedKeys(key);
    let listRevision = this.store.currentRevision;
    let start = 0;
    const ns = type.namespaced ? namespace : undefined;
    if (opts.continue) {
      let token: { rv: number; start: string };
      try {
        token = JSON.parse(Buffer.from(opts.continue, 'base64').toString('utf8'));
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      listRevision = token.rv;
      start = lowerBound(keys, token.start, true);
    } else if (ns) {
      start = lowerBound(keys, `${ns}/`, false);
    }
    const items: Obj[] = [];
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    let i = start;
    let lastKey = '';
    for (; i < keys.length && items.length < limit; i++) {
      const k = keys[i];
      if (ns && !k.startsWith(`${ns}/`)) break;
      const obj = this.store.getByKey(key, k)!;
      lastKey = k;
      if (labels && !labels(obj)) continue;
      if (fields && !fields(obj)) continue;
      items.push(this.present(obj, type, version));
    }
    const more = i < keys.length && (!ns || keys[i].startsWith(`${ns}/`));
    const metadata: Obj = { resourceVersion: String(listRevision) };
    if (more && items.length >= limit) {
      metadata.continue = Buffer.from(JSON.stringify({ rv: listRevision, start: lastKey })).toString('base64');
      if (!labels && !fields && !ns) metadata.remainingItemCount = keys.length - i;
    }
    return { kind: type.listKind, apiVersion: apiVersionOf(type.group, version), metadata, items };
  }

  private checkNamespace(type: ResourceType, namespace: string | undefined): void {
    if (!type.namespaced) return;
    if (!namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
    const ns = this.tryGet(this.lookup.namespaceType, undefined, namespace);
    if (!ns) throw notFound('', 'namespaces', namespace);
    if (ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') {
      throw forbidden(`${type.plural}${type.group ? `.${type.group}` : ''} "${''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
        kind: type.plural,
        ...(type.group ? { group: type.group } : {}),
      });
    }
  }

  private defaultingContext(previous?: Obj) {
    return {
      previous,
      allocateClusterIP: () => {
        const n = this.clusterIPCounter++;
        return `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      },
      allocateNodePort: () => this.nodePortCounter++,
    };
  }

  private checkBodyType(type: ResourceType, version: string, body: Obj): void {
    if (!isPlainObject(body)) throw badRequest('the request body must be a JSON object');
    const expected = apiVersionOf(type.group, version);
    if (body.apiVersion !== undefined && body.apiVersion !== expected) {
      throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})`);
    }
    if (body.kind !== undefined && body.kind !== type.kind) {
      throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${type.kind})`);
    }
  }

  /** Defaulting, validation and (for custom resources) schema pruning/validation of a candidate object. */
  private admit(type: ResourceType, version: string, obj: Obj, previous: Obj | undefined, ctx: WriteContext): void {
    applyDefaults(type.group, type.kind, obj, this.defaultingContext(previous));
    if (type.crd) {
      const warnings = checkCustomObject(type, version, obj, ctx.fieldValidation ?? 'Warn');
      ctx.warnings?.push(...warnings);
      if (!obj.metadata.name) throw badRequest('name or generateName is required');
    } else {
      ctx.warnings?.push(...checkBuiltinFields(type.group, type.kind, version, obj, ctx.fieldValidation ?? 'Warn'));
      validateBuiltin(type.group, type.kind, obj);
    }
  }

  private managerOf(ctx: WriteContext): string {
    if (ctx.fieldManager) return ctx.fieldManager;
    const ua = ctx.userAgent ?? '';
    return ua.split('/')[0] || 'unknown';
  }

  /** POST: a new object. */
  create(type: ResourceType, version: string, namespace: string | undefined, body: Obj, ctx: WriteContext = {}, applied?: { set: Set<string> }): Obj {
    this.checkBodyType(type, version, body);
    const obj: Obj = clone(body);
    obj.apiVersion = apiVersionOf(type.group, version);
    obj.kind = type.kind;
    const meta: Obj = (obj.metadata = isPlainObject(obj.metadata) ? obj.metadata : {});
    if (type.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace ?? meta.namespace;
    } else {
      delete meta.namespace;
    }
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    this.checkNamespace(type, meta.namespace);
    const key = typeKey(type.group, type.plural);
    if (meta.name && this.store.get(key, meta.namespace, meta.name)) throw alreadyExists(type.group, type.plural, meta.name);
    for (const f of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generation']) delete meta[f];
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    if (type.statusSubresource && !ctx.keepStatus) delete obj.status;
    this.admit(type, version, obj, undefined, ctx);
    if (tracksGeneration(type)) meta.generation = 1;
    obj.apiVersion = apiVersionOf(type.group, type.storageVersion);
    const part = type.statusSubresource ? 'main' : 'all';
    const change: OwnershipChange = applied
      ? { manager: this.managerOf(ctx), operation: 'Apply', apiVersion: apiVersionOf(type.group, version), time: nowTimestamp(), owned: applied.set, replace: true }
      : { manager: this.managerOf(ctx), operation: 'Update', apiVersion: apiVersionOf(type.group, version), time: nowTimestamp(), owned: fieldsOf(obj, type.tree, part), replace: false };
    meta.resourceVersion = String(this.store.nextRevision());
    const managed = updateManagedFields([], obj, type.tree, change);
    if (managed.length > 0) meta.managedFields = managed;
    if (ctx.dryRun) return this.present(obj, type, version);
    this.store.put(key, obj, 'ADDED');
    return this.present(obj, type, version);
  }

  /** Builds the next state for a main-resource or status write, keeping server-owned fields. */
  private prepareUpdate(type: ResourceType, version: string, prev: Obj, body: Obj, subresource: string | undefined, ctx: WriteContext): Obj {
    let next: Obj;
    if (subresource === 'status') {
      next = clone(prev);
      next.status = clone(body.status);
      if (next.status === undefined) delete next.status;
      if (type.crd) checkCustomObject(type, version, next, 'Ignore');
    } else {
      next = clone(body);
      next.metadata = isPlainObject(next.metadata) ? next.metadata : {};
      if (type.statusSubresource) {
        if (prev.status === undefined) delete next.status;
        else next.status = clone(prev.status);
      }
      this.admit(type, version, next, prev, ctx);
    }
    next.apiVersion = apiVersionOf(type.group, type.storageVersion);
    next.kind = type.kind;
    const meta = next.metadata;
    const pm = prev.metadata;
    meta.name = pm.name;
    if (pm.namespace) meta.namespace = pm.namespace;
    else delete meta.namespace;
    meta.uid = pm.uid;
    meta.creationTimestamp = pm.creationTimestamp;
    for (const f of ['deletionTimestamp', 'deletionGracePeriodSeconds']) {
      if (pm[f] !== undefined) meta[f] = pm[f];
      else delete meta[f];
    }
    if (pm.generation !== undefined) meta.generation = pm.generation;
    else delete meta.generation;
    if (tracksGeneration(type) && subresource !== 'status' && !deepEqual(specPart(prev, type), specPart(next, type))) {
      meta.generation = (pm.generation ?? 0) + 1;
    }
    meta.managedFields = pm.managedFields;
    if (meta.managedFields === undefined) delete meta.managedFields;
    return next;
  }

  /** Stores an updated object unless nothing changed; removes it when its last finalizer went away during deletion. */
  private commit(type: ResourceType, version: string, prev: Obj, next: Obj, ctx: WriteContext, change: OwnershipChange): Obj {
    next.metadata.resourceVersion = String(this.store.nextRevision());
    const managed = updateManagedFields(readManagedFields(prev), next, type.tree, change);
    if (managed.length > 0) next.metadata.managedFields = managed;
    else delete next.metadata.managedFields;
    if (deepEqual(normalizedForNoop(prev), normalizedForNoop(next))) return this.present(prev, type, version);
    if (ctx.dryRun) return this.present(next, type, version);
    const key = typeKey(type.group, type.plural);
    const namespaceFinalizers = type.group === '' && type.plural === 'namespaces' ? (next.spec?.finalizers ?? []).length : 0;
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && namespaceFinalizers === 0) {
      this.store.remove(key, next, prev);
      return this.present(next, type, version);
    }
    this.store.put(key, next, 'MODIFIED', prev);
    return this.present(next, type, version);
  }

  private updateChange(type: ResourceType, version: string, prev: Obj, next: Obj, ctx: WriteContext, subresource?: string): OwnershipChange {
    const part = subresource === 'status' ? 'status' : type.statusSubresource ? 'main' : 'all';
    return {
      manager: this.managerOf(ctx),
      operation: 'Update',
      apiVersion: apiVersionOf(type.group, version),
      time: nowTimestamp(),
      owned: changedFields(prev, next, type.tree, part),
      replace: false,
      ...(subresource === 'status' || subresource === 'scale' ? { subresource } : {}),
    };
  }

  /** PUT on the object or its status. */
  update(type: ResourceType, version: string, namespace: string | undefined, name: string, body: Obj, ctx: WriteContext = {}, subresource?: string): Obj {
    this.checkBodyType(type, version, body);
    const prev = this.get(type, namespace, name);
    if (body.metadata?.name !== undefined && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const rv = body.metadata?.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== prev.metadata.resourceVersion) throw conflict(type.group, type.plural, name, STALE_WRITE);
    const next = this.prepareUpdate(type, version, prev, body, subresource, ctx);
    return this.commit(type, version, prev, next, ctx, this.updateChange(type, version, prev, next, ctx, subresource));
  }

  /** PATCH with any of the four patch types. */
  patch(
    type: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    contentType: string,
    rawBody: string,
    ctx: WriteContext = {},
    opts: { force?: boolean; subresource?: string } = {},
  ): { object: Obj; created: boolean } {
    const ct = contentType.split(';')[0].trim().toLowerCase();
    if (ct === APPLY) return this.apply(type, version, namespace, name, rawBody, ctx, opts);
    if (ct !== JSON_PATCH && ct !== MERGE_PATCH && ct !== SMP) {
      throw unsupportedMediaType([JSON_PATCH, MERGE_PATCH, APPLY, ...(type.crd ? [] : [SMP])]);
    }
    if (ct === SMP && type.crd) throw unsupportedMediaType([JSON_PATCH, MERGE_PATCH, APPLY]);
    let patchBody: unknown;
    try {
      patchBody = JSON.parse(rawBody);
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const prev = this.get(type, namespace, name);
    const base = this.present(prev, type, version);
    const patched = this.applyPatch(type, ct, base, patchBody);
    if (isPlainObject(patchBody) && isPlainObject(patchBody.metadata)) {
      const rv = patchBody.metadata.resourceVersion;
      if (typeof rv === 'string' && rv !== '' && rv !== prev.metadata.resourceVersion) throw conflict(type.group, type.plural, name, STALE_WRITE);
    }
    if (!isPlainObject(patched)) throw badRequest('the patch produced something other than an object');
    if (patched.metadata?.name !== name) throw badRequest(`the name of the object (${patched.metadata?.name}) does not match the name on the URL (${name})`);
    const next = this.prepareUpdate(type, version, prev, patched, opts.subresource === 'status' ? 'status' : undefined, ctx);
    return { object: this.commit(type, version, prev, next, ctx, this.updateChange(type, version, prev, next, ctx, opts.subresource)), created: false };
  }

  applyPatch(type: ResourceType, ct: string, base: Obj, patchBody: unknown): unknown {
    if (ct === JSON_PATCH) return jsonPatch(base, patchBody);
    if (ct === MERGE_PATCH) return mergePatch(base, patchBody);
    return strategicMerge(base, patchBody, type.tree);
  }

  /** Server-side apply (create when missing). */
  private apply(
    type: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    rawBody: string,
    ctx: WriteContext,
    opts: { force?: boolean; subresource?: string },
  ): { object: Obj; created: boolean } {
    if (!ctx.fieldManager) {
      throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
        kind: 'PatchOptions',
        group: 'meta.k8s.io',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
      });
    }
    let applied: unknown;
    try {
      // kubectl and client-node send JSON (which is YAML); only parse as YAML when it is not JSON.
      applied = /^\s*\{/.test(rawBody) ? JSON.parse(rawBody) : parseYaml(rawBody);
    } catch {
      try {
        applied = parseYaml(rawBody);
      } catch (e) {
        throw badRequest(`error decoding YAML: ${(e as Error).message}`);
      }
    }
    if (!isPlainObject(applied)) throw badRequest('the apply body must be an object');
    this.checkBodyType(type, version, applied);
    if (!applied.apiVersion || !applied.kind) throw badRequest('apiVersion and kind must be set in an apply patch');
    const meta = isPlainObject(applied.metadata) ? applied.metadata : {};
    if (meta.name !== undefined && meta.name !== name) throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    if (type.namespaced && meta.namespace && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const cleaned: Obj = { ...applied, metadata: { ...meta, name } };
    delete cleaned.metadata.resourceVersion;
    delete cleaned.metadata.managedFields;
    const part = type.statusSubresource && opts.subresource !== 'status' ? 'main' : 'all';
    if (part === 'main') delete cleaned.status;
    const prev = this.tryGet(type, namespace, name);
    const live = prev ? this.present(prev, type, version) : undefined;
    const result = serverSideApply({
      live,
      applied: cleaned,
      tree: type.tree,
      manager: ctx.fieldManager,
      force: !!opts.force,
      apiVersion: apiVersionOf(type.group, version),
      group: type.group,
      plural: type.plural,
      name,
      part,
    });
    if (!prev) {
      const created = this.create(type, version, namespace, result.merged, ctx, { set: result.appliedSet });
      return { object: created, created: true };
    }
    const next = this.prepareUpdate(type, version, prev, result.merged, opts.subresource, ctx);
    const change: OwnershipChange = {
      manager: ctx.fieldManager,
      operation: 'Apply',
      apiVersion: apiVersionOf(type.group, version),
      time: nowTimestamp(),
      owned: result.appliedSet,
      replace: true,
      taken: result.taken,
      ...(opts.subresource === 'status' ? { subresource: 'status' } : {}),
    };
    return { object: this.commit(type, version, prev, next, ctx, change), created: false };
  }

  /**
   * DELETE. Objects with finalizers (including the ones foreground/orphan propagation adds) linger with
   * a deletionTimestamp until their finalizers are removed; others disappear at once. Returns the
   * object if it lingers, undefined if it is gone.
   */
  delete(type: ResourceType, version: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): { object: Obj; gone: boolean } {
    const prev = this.get(type, namespace, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== prev.metadata.uid) {
      throw conflict(type.group, type.plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${prev.metadata.uid}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== prev.metadata.resourceVersion) {
      throw conflict(type.group, type.plural, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${prev.metadata.resourceVersion}`);
    }
    if (opts.dryRun) return { object: this.present(prev, type, version), gone: true };
    const key = typeKey(type.group, type.plural);
    const finalizers: string[] = [...(prev.metadata.finalizers ?? [])];
    const isNamespace = type.group === '' && type.plural === 'namespaces';
    const isCRD = type.group === 'apiextensions.k8s.io' && type.plural === 'customresourcedefinitions';
    if (opts.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (isCRD && !finalizers.includes('customresourcecleanup.apiextensions.k8s.io')) finalizers.push('customresourcecleanup.apiextensions.k8s.io');
    const lingers = finalizers.length > 0 || isNamespace;
    if (!lingers) {
      const finalState = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(this.store.nextRevision()) } };
      this.store.remove(key, finalState, prev);
      return { object: this.present(finalState, type, version), gone: true };
    }
    if (prev.metadata.deletionTimestamp && deepEqual(finalizers, prev.metadata.finalizers ?? [])) {
      return { object: this.present(prev, type, version), gone: false };
    }
    const next = clone(prev);
    next.metadata.deletionTimestamp ??= nowTimestamp();
    next.metadata.deletionGracePeriodSeconds ??= 0;
    if (finalizers.length > 0) next.metadata.finalizers = finalizers;
    if (isNamespace) next.status = { ...(next.status ?? {}), phase: 'Terminating' };
    if (isCRD) {
      const conditions = (next.status?.conditions ?? []).filter((c: Obj) => c.type !== 'Terminating');
      conditions.push({ type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResourceDefinition marked for deletion; deleting instances', lastTransitionTime: nowTimestamp() });
      next.status = { ...(next.status ?? {}), conditions };
    }
    next.metadata.resourceVersion = String(this.store.nextRevision());
    this.store.put(key, next, 'MODIFIED', prev);
    return { object: this.present(next, type, version), gone: false };
  }

  /** Internal: writes new status for an object (controllers). Skips no-op writes. */
  writeStatus(type: ResourceType, obj: Obj, status: Obj, manager: string): Obj | undefined {
    const prev = this.tryGet(type, obj.metadata.namespace, obj.metadata.name);
    if (!prev || prev.metadata.uid !== obj.metadata.uid) return undefined;
    if (deepEqual(prev.status, status)) return prev;
    const ctx: WriteContext = { fieldManager: manager };
    const subresource = type.statusSubresource ? 'status' : undefined;
    const next = this.prepareUpdate(type, type.storageVersion, prev, subresource ? { status } : { ...prev, status }, subresource, ctx);
    return this.commit(type, type.storageVersion, prev, next, ctx, this.updateChange(type, type.storageVersion, prev, next, ctx, subresource));
  }

  /** Internal: rewrites an object with `mutate` applied (controllers, garbage collector). */
  mutate(type: ResourceType, namespace: string | undefined, name: string, manager: string, mutate: (o: Obj) => void): Obj | undefined {
    const prev = this.tryGet(type, namespace, name);
    if (!prev) return undefined;
    const draft = clone(prev);
    mutate(draft);
    const ctx: WriteContext = { fieldManager: manager };
    const next = this.prepareUpdate(type, type.storageVersion, prev, draft, undefined, ctx);
    return this.commit(type, type.storageVersion, prev, next, ctx, this.updateChange(type, type.storageVersion, prev, next, ctx));
  }

  /** Internal: removes one finalizer (which may complete a pending deletion). */
  removeFinalizer(type: ResourceType, namespace: string | undefined, name: string, finalizer: string): void {
    this.mutate(type, namespace, name, 'kube-controller-manager', (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
      if (o.metadata.finalizers.length === 0) delete o.metadata.finalizers;
    });
  }

  /** Internal: removes an object regardless of finalizers (namespace/CRD cleanup of the final state). */
  purge(type: ResourceType, namespace: string | undefined, name: string): void {
    const prev = this.tryGet(type, namespace, name);
    if (!prev) return;
    const finalState = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(this.store.nextRevision()) } };
    this.store.remove(typeKey(type.group, type.plural), finalState, prev);
  }

  keyOf(obj: Obj): string {
    return objectKey(obj.metadata.namespace, obj.metadata.name);
  }
}

/** First index whose key is > `after` (strict) or >= `from`. */
function lowerBound(keys: string[], target: string, strict: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < target || (strict && keys[mid] === target)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
