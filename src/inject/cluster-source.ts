/**
 * kube-inject's configuration from a live cluster (injection.md §5.3): the
 * `istio-sidecar-injector[-REV]` ConfigMap (keys `config` and `values`) and the `istio[-REV]`
 * ConfigMap (key `mesh`) in the Istio namespace. Without --revision, the cluster's default
 * revision is the one the `istio.io/tag=default` webhook points at, as istioctl resolves it.
 */
import { UserError } from '../core/errors.js';
import { KubeApiError, isNotFound, type KubeClient, type RequestSpec } from '../kube/rest.js';

/** The API server could not be reached at all (as opposed to answering with an error). */
export class ClusterUnreachable extends UserError {}

export interface ClusterConfigReader {
  /** "context "kind" (https://…)", for messages. */
  describe(): string;
  /** The ConfigMap's data, or undefined when it does not exist. */
  configMapData(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** The revision the default tag points at, or undefined when no default tag exists. */
  defaultRevision(): Promise<string | undefined>;
}

export function clusterConfigReader(client: KubeClient): ClusterConfigReader {
  const get = async <T>(spec: RequestSpec): Promise<T> => {
    try {
      return await client.json<T>({ retries: 1, ...spec });
    } catch (err) {
      if (err instanceof UserError && !(err instanceof KubeApiError)) throw new ClusterUnreachable(err.message, { hint: err.hint, cause: err });
      throw err;
    }
  };
  return {
    describe: () => client.describe(),
    async configMapData(namespace, name) {
      try {
        const cm = await get<{ data?: Record<string, string> }>({
          method: 'GET',
          path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`,
          what: `reading ConfigMap ${namespace}/${name}`,
          target: { verb: 'get', resource: 'configmaps', group: '', namespace, name },
        });
        return cm?.data ?? {};
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async defaultRevision() {
      const list = await get<{ items?: { metadata?: { labels?: Record<string, string> } }[] }>({
        method: 'GET',
        path: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
        query: { labelSelector: 'istio.io/tag=default' },
        what: 'looking up the default revision (MutatingWebhookConfigurations labelled istio.io/tag=default)',
        target: { verb: 'list', resource: 'mutatingwebhookconfigurations', group: 'admissionregistration.k8s.io' },
      });
      for (const item of list?.items ?? []) {
        const rev = item.metadata?.labels?.['istio.io/rev'];
        if (rev) return rev;
      }
      return undefined;
    },
  };
}
