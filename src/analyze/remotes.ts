/**
 * The other clusters of a multi-cluster analysis, for services.MultiClusterServiceAnalyzer:
 * live ones by kubeconfig context (--remote-contexts, as istioctl), and, offline, a cluster's
 * resources from files (--remote-files [name=]path, our addition). Only their Services are read.
 */
import type { Cluster } from '../kube/cluster.js';
import type { RemoteCluster } from './analyze.js';
import { loadFiles } from './files.js';
import { makeResource, type Resource } from './resource.js';

export interface RemoteOptions {
  contexts: readonly string[];
  /** `path` or `cluster=path`; a path names one cluster (a file or a directory). */
  files: readonly string[];
  open(context: string): Promise<Cluster>;
  warn: (line: string) => void;
}

export async function remoteClusters(options: RemoteOptions): Promise<RemoteCluster[]> {
  const out: RemoteCluster[] = [];
  for (const context of options.contexts) {
    out.push({
      id: context,
      async services() {
        const cluster = await options.open(context);
        try {
          const { items } = await cluster.res.list('v1', 'Service');
          return items.map((o) => makeResource({ body: o as never, defaultNamespace: 'default', origin: { source: 'cluster', cluster: context } }));
        } finally {
          cluster.close();
        }
      },
    });
  }
  options.files.forEach((spec, i) => {
    const eq = spec.indexOf('=');
    const [id, path] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [`remote-${i + 1}`, spec];
    out.push({
      id,
      async services() {
        const { resources } = await loadFiles([path], { defaultNamespace: 'default', ignoreUnknown: false, warn: options.warn });
        const services: Resource[] = resources.filter((r) => r.kind === 'Service' && r.group === '');
        for (const r of services) r.origin.cluster = id;
        return services;
      },
    });
  });
  return out;
}
