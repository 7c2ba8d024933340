/**
 * Generic object operations over any kind the cluster serves: server-side apply, get,
 * paginated list, delete, create. Paths come from discovery, messages name the object.
 */
import { Discovery, type ResourceInfo } from './discovery.js';
import { isNotFound, type ApiTarget, type KubeClient, type Verb } from './rest.js';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    generation?: number;
    deletionTimestamp?: string;
    creationTimestamp?: string;
    ownerReferences?: { kind: string; name: string; uid?: string; controller?: boolean }[];
    [key: string]: unknown;
  };
  [field: string]: any;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (default 500): large results never arrive in one response. */
  limit?: number;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
}

export const FIELD_MANAGER = 'sailctl';
const PAGE_SIZE = 500;

/** "Deployment istio-system/istiod", "ClusterRole istiod-clusterrole". */
export function describeObject(obj: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}

export function resourcePath(info: ResourceInfo, namespace?: string, name?: string): string {
  const root = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${info.resource}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/** A kind every API server serves at a fixed path (Pod, Deployment), so no discovery request is needed. */
export function builtinResource(apiVersion: string, kind: string, resource: string, namespaced = true): ResourceInfo {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/', 2) as [string, string]) : ['', apiVersion];
  return { group, version, apiVersion, kind, resource, namespaced };
}

function target(info: ResourceInfo, verb: Verb, namespace?: string, name?: string): ApiTarget {
  return { verb, resource: info.resource, group: info.group, namespace: info.namespaced ? namespace : undefined, name };
}

export class Resources {
  readonly discovery: Discovery;

  constructor(readonly client: KubeClient, discovery?: Discovery) {
    this.discovery = discovery ?? new Discovery(client);
  }

  /** Server-side apply with field manager `sailctl`, taking ownership of conflicting fields. */
  async apply(obj: KubeObject, opts: { dryRun?: boolean } = {}): Promise<KubeObject> {
    const info = await this.discovery.require(obj.apiVersion, obj.kind);
    const ns = info.namespaced ? obj.metadata.namespace ?? 'default' : undefined;
    return this.client.json<KubeObject>({
      method: 'PATCH',
      path: resourcePath(info, ns, obj.metadata.name),
      query: { fieldManager: FIELD_MANAGER, force: true, dryRun: opts.dryRun ? 'All' : undefined },
      contentType: 'application/apply-patch+yaml',
      body: obj,
      what: `applying ${describeObject(obj)}`,
      target: target(info, 'patch', ns, obj.metadata.name),
    });
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    const info = await this.discovery.require(obj.apiVersion, obj.kind);
    const ns = info.namespaced ? obj.metadata.namespace ?? 'default' : undefined;
    return this.client.json<KubeObject>({
      method: 'POST',
      path: resourcePath(info, ns),
      body: obj,
      what: `creating ${describeObject(obj)}`,
      target: target(info, 'create', ns),
    });
  }

  /** PUT: replaces the object as read (its resourceVersion guards against a concurrent change). */
  async update(obj: KubeObject): Promise<KubeObject> {
    const info = await this.discovery.require(obj.apiVersion, obj.kind);
    const ns = info.namespaced ? obj.metadata.namespace ?? 'default' : undefined;
    return this.client.json<KubeObject>({
      method: 'PUT',
      path: resourcePath(info, ns, obj.metadata.name),
      query: { fieldManager: FIELD_MANAGER },
      body: obj,
      what: `updating ${describeObject(obj)}`,
      target: target(info, 'update', ns, obj.metadata.name),
    });
  }

  /** The object, or undefined when it (or its kind) does not exist. */
  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const info = await this.discovery.lookup(apiVersion, kind);
    return info ? this.getResource(info, name, namespace) : undefined;
  }

  /** get() for a resource whose path is known (builtinResource). */
  async getResource<T extends KubeObject = KubeObject>(info: ResourceInfo, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return await this.client.json<T>({
        method: 'GET',
        path: resourcePath(info, namespace, name),
        what: `reading ${info.kind} ${namespace && info.namespaced ? `${namespace}/` : ''}${name}`,
        target: target(info, 'get', namespace, name),
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Every matching object, page by page (limit/continue). An unserved kind lists as empty. */
  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<ListResult> {
    const info = await this.discovery.lookup(apiVersion, kind);
    return info ? this.listResource(info, opts) : { items: [], resourceVersion: '' };
  }

  /** list() for a resource whose path is known (builtinResource). */
  async listResource(info: ResourceInfo, opts: ListOptions = {}): Promise<ListResult> {
    const { apiVersion, kind } = info;
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.client.json<{ items?: KubeObject[]; metadata?: { continue?: string; resourceVersion?: string } }>({
        method: 'GET',
        path: resourcePath(info, opts.namespace),
        query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.limit ?? PAGE_SIZE, continue: cont },
        what: `listing ${info.resource}${opts.namespace && info.namespaced ? ` in namespace ${opts.namespace}` : ''}${opts.labelSelector ? ` (${opts.labelSelector})` : ''}`,
        target: target(info, 'list', opts.namespace),
      });
      for (const item of page?.items ?? []) {
        // Lists omit apiVersion/kind on items.
        item.apiVersion ??= apiVersion;
        item.kind ??= kind;
        items.push(item);
      }
      cont = page?.metadata?.continue || undefined;
      resourceVersion = page?.metadata?.resourceVersion ?? resourceVersion;
    } while (cont);
    return { items, resourceVersion };
  }

  /** Deletes with foreground propagation: 'deleted', or 'absent' when it was already gone. */
  async delete(apiVersion: string, kind: string, name: string, namespace?: string): Promise<'deleted' | 'absent'> {
    const info = await this.discovery.lookup(apiVersion, kind);
    if (!info) return 'absent';
    try {
      await this.client.json({
        method: 'DELETE',
        path: resourcePath(info, namespace, name),
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' },
        what: `deleting ${kind} ${namespace && info.namespaced ? `${namespace}/` : ''}${name}`,
        target: target(info, 'delete', namespace, name),
      });
      return 'deleted';
    } catch (err) {
      if (isNotFound(err)) return 'absent';
      throw err;
    }
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: unknown;
  async function worker(): Promise<void> {
    while (next < items.length && failed === undefined) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (err) {
        failed ??= err;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
  return results;
}
