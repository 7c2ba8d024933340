/**
 * `x precheck`: before an install or upgrade, in verify-install's format: the cluster and its
 * Kubernetes version, the permissions the install needs, the Istio control planes already
 * there, and injector webhooks that would clash with the new one.
 */
import type { Cluster } from '../kube/cluster.js';
import { ISTIO_VERSION } from '../version/build-info.js';
import { buildReport, fail, ok, warn, type Check, type CheckReport } from '../core/check-report.js';
import type { Resource } from '../analyze/resource.js';
import type { InstallPlan } from './plan.js';
import { accessRequestsFor, defaultTagExists, findControlPlanes, needsDefaultTag, reachableCluster, permissionCheck, sameRevisionCheck, servingInjectors, webhookConflictCheck } from './preflight.js';
import type { IstioOperator } from '../operator/types.js';

export interface PrecheckInput {
  /** What would be installed (default profile, or the given revision). */
  plan: InstallPlan;
  /** Its IstioOperator, for the default tag the install would make. */
  iop: IstioOperator;
  /** --skip-controlplane: leave out the checks of existing control planes. */
  skipControlPlane?: boolean;
  /** --from-version, e.g. "1.21", for upgrade notes. */
  fromVersion?: string;
  /** Namespace whose workloads the alpha-annotation check reads (-n, else the context's). */
  namespace?: string;
}

export async function precheck(cluster: Cluster, input: PrecheckInput): Promise<CheckReport> {
  const pre = await reachableCluster(cluster);
  const res = cluster.res;
  const requests = await accessRequestsFor(input.plan.objects, res.discovery);
  const makesDefaultTag = needsDefaultTag(input.iop, input.plan, await defaultTagExists(res));
  const [access, webhooks, planes] = await Promise.all([
    permissionCheck(cluster, requests, 'install Istio'),
    webhookConflictCheck(res, servingInjectors(input.plan, input.iop, makesDefaultTag)),
    input.skipControlPlane ? Promise.resolve([]) : findControlPlanes(res),
  ]);
  const installs: Check[] = [];
  if (!input.skipControlPlane) {
    if (planes.length === 0) installs.push(ok(`no Istio control plane installed yet`));
    else {
      installs.push(ok(`installed control planes: ${planes.map((p) => `revision ${p.revision} (Istio ${p.version}, ${p.namespace}${p.ready ? '' : ', not ready'})`).join('; ')}`));
      installs.push(sameRevisionCheck(planes, input.plan.revision, input.plan.namespace));
      const older = planes.filter((p) => p.version !== ISTIO_VERSION && minorGap(p.version, ISTIO_VERSION) > 2);
      if (older.length > 0) {
        installs.push(warn(`upgrades skip at most two minor versions`, `${older.map((p) => `revision ${p.revision} runs ${p.version}`).join(', ')}; Istio supports upgrading at most two minor versions at once to ${ISTIO_VERSION}`, 'Upgrade in steps (e.g. through an intermediate release), or install side by side with --revision.'));
      }
    }
  }
  if (input.fromVersion) {
    const gap = minorGap(input.fromVersion, ISTIO_VERSION);
    installs.push(gap > 2 ? warn(`upgrade from ${input.fromVersion} is supported`, `${input.fromVersion} → ${ISTIO_VERSION} skips ${gap - 1} minor versions`, 'Upgrade at most two minor versions at a time.') : ok(`upgrade from ${input.fromVersion} is supported`));
  }
  // An upgrade: the deprecation analyzers of `analyze` over the Istio config in the cluster.
  const upgrade = planes.length > 0 || input.fromVersion ? [await deprecationCheck(cluster)] : [];
  const configuration = [await gatewayApiCheck(cluster), await alphaAnnotationCheck(cluster, input.namespace ?? cluster.namespace)];
  return buildReport([
    { categoryName: 'cluster', checks: pre.checks },
    { categoryName: 'permissions', checks: [access] },
    { categoryName: 'Istio installations', checks: installs },
    { categoryName: 'webhooks', checks: [webhooks] },
    { categoryName: 'configuration', checks: configuration },
    { categoryName: 'upgrade', checks: upgrade },
  ]);
}

/** Objects of a kind from the cluster as analysis resources (none when the kind is not served). */
async function listResources(cluster: Cluster, apiVersion: string, kind: string, namespace?: string): Promise<Resource[]> {
  const { makeResource } = await import('../analyze/resource.js');
  if (!(await cluster.res.discovery.lookup(apiVersion, kind))) return [];
  const { items } = await cluster.res.list(apiVersion, kind, namespace ? { namespace } : {});
  return items.map((o) => makeResource({ body: o as never, defaultNamespace: 'default', origin: { source: 'cluster' } }));
}

/** Gateway API CRD kinds Istio reads at v1beta1 (IST0156 without it) and at v1 (IST0172 without it). */
const NEEDS_V1BETA1 = new Set(['Gateway', 'GatewayClass', 'HTTPRoute', 'ReferenceGrant']);
const NEEDS_V1 = new Set(['Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute']);

/** precheck's Gateway API check: the CRDs must serve the versions this Istio release reads. */
export async function gatewayApiCheck(cluster: Cluster): Promise<Check> {
  const crds = (await listResources(cluster, 'apiextensions.k8s.io/v1', 'CustomResourceDefinition')).filter((c) => c.spec.group === 'gateway.networking.k8s.io');
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const crd of crds) {
    const kind = String(crd.spec.names?.kind ?? '');
    const served = (Array.isArray(crd.spec.versions) ? crd.spec.versions : []).filter((v: { served?: boolean }) => v?.served !== false).map((v: { name?: string }) => String(v?.name));
    const version = served.join(', ') || 'none';
    if (NEEDS_V1BETA1.has(kind) && !served.includes('v1beta1')) errors.push(`IST0156 (CustomResourceDefinition ${crd.name}) The Gateway API CRD version ${version} is lower than the minimum version: v1beta1`);
    if (NEEDS_V1.has(kind) && !served.includes('v1')) warnings.push(`IST0172 (CustomResourceDefinition ${crd.name}) The Gateway API CRD version ${version} will not be supported in the future; upgrade to a release serving v1`);
  }
  const description = `Gateway API CRDs serve the versions Istio reads (${crds.length} CRD${crds.length === 1 ? '' : 's'} checked)`;
  const hint = 'Upgrade the Gateway API CRDs (kubectl apply the standard channel of a current Gateway API release).';
  if (errors.length > 0) return fail(description, `${errors.length} Gateway API CRD${errors.length === 1 ? '' : 's'} without a supported version:`, hint, [...errors, ...warnings]);
  if (warnings.length > 0) return warn(description, `${warnings.length} Gateway API CRD${warnings.length === 1 ? '' : 's'} without v1:`, hint, warnings);
  return ok(description);
}

/** precheck's alpha-annotation check (IST0136) over the namespace's Namespace, Services, Pods and Deployments. */
export async function alphaAnnotationCheck(cluster: Cluster, namespace: string): Promise<Check> {
  const [{ AnalysisContext, defaultMeshConfig }, { runAnalyzers }, { alphaAnnotations }, { friendlyName }] = await Promise.all([
    import('../analyze/context.js'),
    import('../analyze/framework.js'),
    import('../analyze/analyzers/annotations.js'),
    import('../analyze/resource.js'),
  ]);
  const lists = await Promise.all([
    listResources(cluster, 'v1', 'Namespace').then((all) => all.filter((n) => n.name === namespace)),
    listResources(cluster, 'v1', 'Service', namespace),
    listResources(cluster, 'v1', 'Pod', namespace),
    listResources(cluster, 'apps/v1', 'Deployment', namespace),
  ]);
  const resources = lists.flat();
  const ctx = new AnalysisContext(resources, { meshConfig: defaultMeshConfig('istio-system'), istioNamespace: 'istio-system' });
  await runAnalyzers(ctx, [alphaAnnotations]);
  const found = [...new Set(ctx.diagnostics.map((d) => `${d.type.code} (${d.resource ? friendlyName(d.resource) : 'cluster'}) ${d.text}`))];
  const description = `no alpha-phase Istio annotations in namespace ${namespace} (${resources.length} resource${resources.length === 1 ? '' : 's'} checked)`;
  if (found.length === 0) return ok(description);
  return warn(description, `${found.length} alpha-phase annotation${found.length === 1 ? '' : 's'}:`, 'Alpha features may change or be incompletely supported; prefer the stable replacements before upgrading.', found);
}

/** Kinds the deprecation analyzer reads, as the cluster serves them. */
const DEPRECATION_INPUTS = [
  { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' },
  { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar' },
  { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
];

export async function deprecationCheck(cluster: Cluster): Promise<Check> {
  const [{ AnalysisContext, defaultMeshConfig }, { runAnalyzers }, { deprecationAnalyzer }, { friendlyName }] = await Promise.all([
    import('../analyze/context.js'),
    import('../analyze/framework.js'),
    import('../analyze/analyzers/deprecation.js'),
    import('../analyze/resource.js'),
  ]);
  const lists = await Promise.all(DEPRECATION_INPUTS.map((k) => listResources(cluster, k.apiVersion, k.kind)));
  const resources = lists.flat().filter((r) => r.kind !== 'CustomResourceDefinition' || r.spec.group === 'rbac.istio.io');
  const ctx = new AnalysisContext(resources, { meshConfig: defaultMeshConfig('istio-system'), istioNamespace: 'istio-system' });
  await runAnalyzers(ctx, [deprecationAnalyzer]);
  const found = ctx.diagnostics.map((d) => `${d.type.code} (${d.resource ? friendlyName(d.resource) : 'cluster'}) ${d.text}`);
  const description = `no deprecated Istio fields in use (${resources.length} resource${resources.length === 1 ? '' : 's'} checked)`;
  if (found.length === 0) return ok(description);
  return warn(description, `${found.length} use${found.length === 1 ? '' : 's'} of deprecated fields:`, 'Move them to the replacement fields before upgrading; sailctl analyze -A shows the same findings.', found);
}

/** 1.28.2 vs 1.30.0 → 2; unparsable → 0. */
export function minorGap(from: string, to: string): number {
  const m = (v: string) => Number(/^v?1\.(\d+)/.exec(v)?.[1]);
  const a = m(from);
  const b = m(to);
  return Number.isFinite(a) && Number.isFinite(b) ? b - a : 0;
}
