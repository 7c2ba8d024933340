/**
 * The user's own versions of injected containers (injection-fidelity.md group 1, group 6): a
 * pod may declare `istio-proxy` or `istio-init` itself (often with `image: auto`) to customise
 * them. After the templates are merged, each container the templates declare gets the user's
 * version merged on top (user wins field by field), is recorded in proxy.istio.io/overrides on
 * first injection, and the user's UID/GID carry over to the capture container.
 *
 * Deliberate difference from istiod (documented in the README): when a pod is injected again
 * and a container sits in the same list as before, istiod lets the template win over earlier
 * customisations; we re-apply them from the overrides annotation, so re-injection is idempotent.
 */
import { isObject, type JsonObject } from '../core/json.js';
import { typedContainer } from './k8s-container.js';
import { strategicMerge } from './smp.js';

export const PROXY = 'istio-proxy';
export type ContainerList = 'containers' | 'initContainers';

export interface InjectionStatus {
  initContainers: string[] | null;
  containers: string[] | null;
  volumes: string[] | null;
  imagePullSecrets: string[] | null;
  revision: string;
}

export interface Overrides {
  containers: JsonObject[];
  initContainers: JsonObject[];
}

/**
 * Merges the user's versions onto `pod` (in place of its spec lists) for every container the
 * template pod declares, list by list in template order. Returns what was applied, per the
 * list the template uses, for the overrides annotation.
 */
export function applyUserContainers(pod: JsonObject, original: JsonObject, templateSpec: JsonObject, previous: InjectionStatus | undefined, annotation: Overrides): { pod: JsonObject; applied: Overrides } {
  const applied: Overrides = { containers: [], initContainers: [] };
  for (const list of ['containers', 'initContainers'] as const) {
    for (const declared of listOf(templateSpec[list])) {
      const name = String(declared.name ?? '');
      // Injected before into this same list: idempotent re-injection keeps the annotation's version only.
      const before = previous?.[list]?.includes(name) ?? false;
      let user = annotation[list].find((c) => c.name === name);
      if (!user && !before) user = list === 'containers' ? findIn(original, ['containers'], name) : findIn(original, ['containers', 'initContainers'], name);
      if (!user) continue;
      const overlay: JsonObject = { ...user };
      if (overlay.image === 'auto') delete overlay.image;
      applied[list].push(overlay);
      pod = strategicMerge(pod, { spec: { [list]: [overlay] } });
    }
  }
  return { pod, applied };
}

/** The proxy.istio.io/overrides value: each container as Kubernetes writes it, under the list the template used. */
export function overridesAnnotation(applied: Overrides): string {
  const out: Record<string, JsonObject[]> = {};
  if (applied.containers.length > 0) out.containers = applied.containers.map(typedContainer);
  if (applied.initContainers.length > 0) out.initContainers = applied.initContainers.map(typedContainer);
  return JSON.stringify(out);
}

export function readOverrides(text: string | undefined): Overrides {
  if (text) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (isObject(parsed)) return { containers: listOf(parsed.containers), initContainers: listOf(parsed.initContainers) };
    } catch {
      // an unreadable overrides annotation carries no customisations
    }
  }
  return { containers: [], initContainers: [] };
}

/**
 * The user's istio-proxy UID/GID, applied after the templates (which always get 1337): under
 * TPROXY the proxy must stay root; otherwise the CNI validation container runs as the user's
 * IDs; and iptables' `-u` excludes the user's UID.
 */
export function adjustRunAs(spec: JsonObject, original: JsonObject, tproxy: boolean): void {
  const user = findIn(original, ['containers', 'initContainers'], PROXY);
  const security = isObject(user?.securityContext) ? user.securityContext : undefined;
  const runAsUser = security?.runAsUser;
  const runAsGroup = security?.runAsGroup;
  const hasUser = runAsUser !== undefined && runAsUser !== null;
  const hasGroup = runAsGroup !== undefined && runAsGroup !== null;
  if (!hasUser && !hasGroup) return;
  const capture = listOf(spec.initContainers).find((c) => c.name === 'istio-init' || c.name === 'istio-validation');
  if (!capture) return;
  if (tproxy && hasUser) {
    const proxy = findIn(spec, ['containers', 'initContainers'], PROXY);
    if (proxy) proxy.securityContext = { ...(isObject(proxy.securityContext) ? proxy.securityContext : {}), runAsUser: 0 };
  }
  if (!tproxy && capture.name === 'istio-validation') {
    const sc: JsonObject = { ...(isObject(capture.securityContext) ? capture.securityContext : {}) };
    if (hasUser) sc.runAsUser = runAsUser;
    if (hasGroup) sc.runAsGroup = runAsGroup;
    capture.securityContext = sc;
  }
  if (hasUser && runAsUser !== 0 && Array.isArray(capture.args)) {
    const args = capture.args.slice();
    const at = args.indexOf('-u');
    if (at >= 0 && at + 1 < args.length) {
      args[at + 1] = String(runAsUser);
      capture.args = args;
    }
  }
}

/** The first container named `name`, searching the lists in order (istiod's FindSidecar order). */
export function findIn(spec: JsonObject, lists: ContainerList[], name: string): JsonObject | undefined {
  for (const list of lists) {
    const found = listOf(spec[list]).find((c) => c.name === name);
    if (found) return found;
  }
  return undefined;
}

export function listOf(value: unknown): JsonObject[] {
  return Array.isArray(value) ? (value.filter(isObject) as JsonObject[]) : [];
}
