/**
 * Which pod's Envoy a proxy command talks to: a pod argument resolved as every command
 * resolves it (../kube/pod-target.ts), in istioctl's proxy wording, and the checks istioctl's
 * port-forward makes before it connects.
 */
import { UserError } from '../core/errors.js';
import { isMeshed } from '../kube/istio-pods.js';
import type { Pod } from '../kube/pods.js';
import { resolvePod, type PodTarget } from '../kube/pod-target.js';
import type { Resources } from '../kube/resources.js';

/** The checks before a port-forward: the pod runs, and runs an Envoy. */
export function checkProxyPod(pod: Pod): void {
  const name = `${pod.metadata?.name}.${pod.metadata?.namespace}`;
  if (pod.status?.phase !== 'Running') throw new UserError(`failed to execute command on ${name} sidecar: pod is not running. Status=${pod.status?.phase ?? 'Unknown'}`);
  if (!isMeshed(pod)) {
    throw new UserError(`failed to execute command on ${name} sidecar: the pod has no istio-proxy container, so it has no Envoy to ask`, {
      hint: 'Is the pod part of the mesh? `sailctl kube-inject` or namespace label istio-injection=enabled adds the sidecar.',
    });
  }
}

/** Resolves `[type/]name[.namespace]` to one pod (namespace: -n, else the context's, else default). */
export async function resolveProxyPod(res: Resources, podArg: string, defaultNamespace: string): Promise<PodTarget> {
  return resolvePod(res, podArg, defaultNamespace, {
    podNotFound: (name, ns) => new UserError(`failed to execute command on ${name}.${ns} sidecar: pods "${name}" not found in the "${ns}" namespace`),
  });
}
