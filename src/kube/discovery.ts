/**
 * Which REST resource serves an apiVersion/kind, read from the API server's discovery
 * documents one group-version at a time and cached. Kinds that appear later (CRDs just
 * installed) are found by asking again once the cache has been invalidated.
 */
import { UserError } from '../core/errors.js';
import { isNotFound, type KubeClient } from './rest.js';

export interface ResourceInfo {
  group: string;
  version: string;
  apiVersion: string;
  kind: string;
  /** Plural name used in URLs, e.g. deployments. */
  resource: string;
  namespaced: boolean;
}

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

interface CacheEntry {
  generation: number;
  kinds: Promise<Map<string, ResourceInfo>>;
}

export class Discovery {
  private readonly cache = new Map<string, CacheEntry>();
  private generation = 0;

  constructor(private readonly client: KubeClient) {}

  /** Forget what was learnt, e.g. after CRDs were installed or removed; re-read lazily. */
  invalidate(): void {
    this.generation++;
  }

  async lookup(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    let entry = this.cache.get(apiVersion);
    if (!entry) entry = this.fetch(apiVersion);
    let found = (await entry.kinds).get(kind);
    if (!found && entry.generation < this.generation) found = (await this.fetch(apiVersion).kinds).get(kind);
    return found;
  }

  async require(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const info = await this.lookup(apiVersion, kind);
    if (!info) {
      throw new UserError(`the cluster ${this.client.describe()} does not serve ${kind} (${apiVersion})`, {
        hint: apiVersion.includes('istio.io') ? 'The Istio CRDs are not installed; install the base component first (sailctl install).' : 'Check the Kubernetes version of the cluster and the apiVersion of the object.',
      });
    }
    return info;
  }

  private fetch(apiVersion: string): CacheEntry {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) as [string, string] : ['', apiVersion];
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const kinds = this.client
      .json<ApiResourceList>({ method: 'GET', path, what: `reading the API discovery for ${apiVersion}` })
      .then(
        (list) => {
          const map = new Map<string, ResourceInfo>();
          for (const r of list?.resources ?? []) {
            if (r.name.includes('/')) continue; // subresources
            map.set(r.kind, { group, version, apiVersion, kind: r.kind, resource: r.name, namespaced: r.namespaced });
          }
          return map;
        },
        (err: unknown) => {
          if (isNotFound(err)) return new Map<string, ResourceInfo>();
          this.cache.delete(apiVersion);
          throw err;
        },
      );
    const entry = { generation: this.generation, kinds };
    this.cache.set(apiVersion, entry);
    return entry;
  }
}
