/**
 * The mTLS mode a workload ends up with, by Istio's PeerAuthentication rules
 * (authn.ComposePeerAuthentication): the policies that apply are the root namespace's and
 * the workload namespace's whose selector matches the pod (no selector: all of them); a
 * policy without selector in the root namespace is the mesh default, one elsewhere the
 * namespace default, one with a selector outside the root namespace the workload policy;
 * within a level the oldest wins; each level overrides the one above unless its mode is
 * UNSET; port-level modes come from the workload policy, UNSET ports inheriting its mode.
 */
import type { KubeObject } from '../kube/resources.js';
import { containsLabels } from '../kube/label-selector.js';

type Mode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

export interface PeerAuthentication extends KubeObject {
  spec?: {
    selector?: { matchLabels?: Record<string, string> };
    mtls?: { mode?: Mode };
    portLevelMtls?: Record<string, { mode?: Mode }>;
  };
}

export interface EffectivePeerAuthentication {
  mode: string;
  /** Port → mode; Go iterates this map in random order, so callers sort for a stable print. */
  perPort?: Map<number, string>;
}

/** The policies that apply to a pod with these labels (root namespace's first, as listed). */
export function matchingPolicies(policies: PeerAuthentication[], podLabels: Record<string, string> | undefined): PeerAuthentication[] {
  return policies.filter((pa) => containsLabels(podLabels, pa.spec?.selector?.matchLabels));
}

const modeUnset = (mtls: { mode?: Mode } | undefined) => mtls === undefined || mtls === null || (mtls.mode ?? 'UNSET') === 'UNSET';

/** model.ConvertToMutualTLSMode: the modes Istio knows, UNKNOWN otherwise. */
function convertMode(mode: string | undefined): string {
  return mode === 'DISABLE' || mode === 'PERMISSIVE' || mode === 'STRICT' ? mode : 'UNKNOWN';
}

const created = (pa: PeerAuthentication) => (pa.metadata.creationTimestamp ? Date.parse(pa.metadata.creationTimestamp) : 0);

export function composePeerAuthentication(rootNamespace: string, policies: PeerAuthentication[]): EffectivePeerAuthentication {
  let mesh: PeerAuthentication | undefined;
  let namespace: PeerAuthentication | undefined;
  let workload: PeerAuthentication | undefined;
  const older = (a: PeerAuthentication, b: PeerAuthentication | undefined) => b === undefined || created(a) < created(b);
  for (const pa of policies) {
    const hasSelector = Object.keys(pa.spec?.selector?.matchLabels ?? {}).length > 0;
    if (!hasSelector) {
      if (pa.metadata.namespace === rootNamespace) {
        if (older(pa, mesh)) mesh = pa;
      } else if (older(pa, namespace)) namespace = pa;
    } else if (pa.metadata.namespace !== rootNamespace && older(pa, workload)) workload = pa;
  }
  const out: EffectivePeerAuthentication = { mode: 'PERMISSIVE' };
  for (const level of [mesh, namespace, workload]) {
    if (level && !modeUnset(level.spec?.mtls)) out.mode = convertMode(level.spec?.mtls?.mode);
  }
  const ports = workload?.spec?.portLevelMtls;
  if (ports) {
    out.perPort = new Map();
    for (const [port, mtls] of Object.entries(ports)) out.perPort.set(Number(port), modeUnset(mtls) ? out.mode : convertMode(mtls.mode));
  }
  return out;
}

/** describe's PeerAuthentication lines. */
export function printPeerAuthentication(effective: EffectivePeerAuthentication, applied: PeerAuthentication[]): string {
  let out = `Effective PeerAuthentication:\n   Workload mTLS mode: ${effective.mode}\n`;
  if (effective.perPort && effective.perPort.size > 0) {
    out += '   Port Level mTLS mode:\n';
    for (const [port, mode] of [...effective.perPort].sort((a, b) => a[0] - b[0])) out += `      ${port}: ${mode}\n`;
  }
  if (applied.length > 0) out += `Applied PeerAuthentication:\n   ${applied.map((pa) => `${pa.metadata.name}.${pa.metadata.namespace}`).join(', ')}\n`;
  return out;
}
