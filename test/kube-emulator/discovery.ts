/**
 * Discovery documents generated from the registry: legacy (/api, /apis, APIResourceList per
 * group-version, APIGroup) and aggregated apidiscovery.k8s.io/v2, plus /version.
 */
import type { Obj } from './errors.js';
import { apiVersionOf, type Registry, type ResourceType } from './registry.js';

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function versionInfo(): Obj {
  return {
    major: '1',
    minor: '32',
    emulationMajor: '1',
    emulationMinor: '32',
    gitVersion: 'v1.32.0',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** Does the Accept header ask for aggregated discovery v2 (kubectl ≥1.30, client-go)? */
export function wantsAggregated(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const p = part.replace(/\s/g, '');
    return p.includes('as=APIGroupDiscoveryList') && p.includes('v=v2') && !p.includes('v=v2beta1') && p.includes('g=apidiscovery.k8s.io');
  });
}

interface Subresource {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

function subresourcesOf(t: ResourceType): Subresource[] {
  const out: Subresource[] = [];
  if (t.statusSubresource) out.push({ name: 'status', kind: t.kind, verbs: ['get', 'patch', 'update'] });
  if (t.scale) out.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
  if (t.group === '' && t.plural === 'pods') {
    out.push({ name: 'log', kind: 'Pod', verbs: ['get'] });
    out.push({ name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] });
  }
  if (t.group === '' && t.plural === 'namespaces') out.push({ name: 'finalize', kind: 'Namespace', verbs: ['update'] });
  if (t.group === '' && t.plural === 'serviceaccounts') out.push({ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] });
  return out;
}

export function resourceList(registry: Registry, group: string, version: string): Obj | undefined {
  const types = registry.served(group, version);
  if (types.length === 0) return undefined;
  const resources: Obj[] = [];
  for (const t of types) {
    const entry: Obj = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
    if (t.shortNames.length) entry.shortNames = t.shortNames;
    if (t.categories.length) entry.categories = t.categories;
    resources.push(entry);
    for (const s of subresourcesOf(t)) {
      resources.push({
        name: `${t.plural}/${s.name}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

export function apiVersions(serverAddress: string): Obj {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(name: string, versions: string[]): Obj {
  return {
    name,
    versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
  };
}

export function apiGroupList(registry: Registry): Obj {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .filter((g) => g.name !== '')
      .map((g) => groupEntry(g.name, g.versions)),
  };
}

export function apiGroup(registry: Registry, name: string): Obj | undefined {
  const g = registry.groups().find((x) => x.name === name && name !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.name, g.versions) } : undefined;
}

function aggregatedResource(t: ResourceType, version: string): Obj {
  const entry: Obj = {
    resource: t.plural,
    responseKind: { group: t.group, version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
  };
  if (t.shortNames.length) entry.shortNames = t.shortNames;
  if (t.categories.length) entry.categories = t.categories;
  const subs = subresourcesOf(t);
  if (subs.length) {
    entry.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? t.group, version: s.version ?? version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return entry;
}

/** Aggregated discovery for the core group (`legacy`) or all named groups. */
export function aggregatedDiscovery(registry: Registry, legacy: boolean): Obj {
  const items = registry
    .groups()
    .filter((g) => (g.name === '') === legacy)
    .map((g) => ({
      metadata: legacy ? { creationTimestamp: null } : { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: registry.served(g.name, v).map((t) => aggregatedResource(t, v)),
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
