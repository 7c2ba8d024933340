import { ISTIO_VERSION, VERSION } from '../../version/build-info.js';
import { UserError } from '../../core/errors.js';
import { note, parseOutputFormat } from '../../core/output.js';
import type { Cluster } from '../../kube/cluster.js';
import { clusterSession } from '../cluster-session.js';
import type { GlobalOptions } from '../flags.js';
import type { MeshComponentVersion, ProxyVersion } from '../../version/mesh-version.js';

interface Options {
  output?: string;
  short?: boolean;
  remote: boolean;
  revision?: string;
}

const OUTPUT_FORMATS = ['short', 'json', 'yaml'] as const;

export async function run(opts: Options, _args: string[], globals: GlobalOptions): Promise<void> {
  const output = parseOutputFormat(opts.output ?? 'short', OUTPUT_FORMATS);
  const clientVersion = { version: VERSION, revision: '', golang_version: `node${process.versions.node}`, status: 'Clean', tag: VERSION, istioVersion: ISTIO_VERSION };
  let mesh: MeshComponentVersion[] | undefined;
  let proxies: ProxyVersion[] | undefined;
  let tags: { tag: string; revision: string }[] = [];
  if (opts.remote) {
    const session = clusterSession(globals);
    let cluster: Cluster | undefined;
    try {
      const versions = await import('../../version/mesh-version.js');
      cluster = await session.open();
      mesh = await versions.controlPlaneVersions(cluster.res, globals.istioNamespace, opts.revision);
      if (mesh.length === 0) note(`Istio is not present in the cluster: no ready istiod pods in namespace ${globals.istioNamespace}`);
      else {
        proxies = await versions.dataPlaneVersions(cluster.res);
        const { listTags } = await import('../../revisions/tags.js');
        tags = ((await listTags(cluster.res, globals.istioNamespace)) ?? []).filter((t) => t.tag !== '');
      }
    } catch (err) {
      // Like istioctl, version never fails because of the cluster: say why and go on.
      if (!(err instanceof UserError)) throw err;
      note(`cannot read the control plane version: ${err.message}`);
    } finally {
      cluster?.close();
    }
  }

  if (output !== 'short') {
    const doc: Record<string, unknown> = { clientVersion };
    if (mesh) doc.meshVersion = mesh;
    if (proxies) doc.dataPlaneVersion = proxies.map(({ ID, IstioVersion, Type }) => ({ ID, IstioVersion, Type }));
    const { formatStructured } = await import('../../core/structured.js');
    process.stdout.write(formatStructured(doc, output));
    return;
  }
  const lines = [`client version: ${VERSION} (sailctl; renders Istio ${ISTIO_VERSION})`];
  if (mesh && mesh.length > 0) {
    const distinct = [...new Set(mesh.map((m) => m.Info.version))];
    if (distinct.length === 1) lines.push(`control plane version: ${distinct[0]}`);
    else for (const m of mesh) lines.push(`${m.Component} version: ${m.Info.version} (revision ${m.Revision}, pod ${m.Info.pod})`);
  }
  if (proxies) {
    const { summariseProxies, summariseRevisions } = await import('../../version/mesh-version.js');
    lines.push(`data plane version: ${summariseProxies(proxies)}`);
    // With canaries and tags about, which revision serves what (lines istioctl does not print).
    if (new Set(proxies.map((p) => p.Revision)).size > 1 || new Set(mesh?.map((m) => m.Revision)).size > 1) lines.push(`data plane revisions: ${summariseRevisions(proxies) || 'none'}`);
    if (tags.length > 0) lines.push(`revision tags: ${tags.map((t) => `${t.tag} -> ${t.revision}`).join(', ')}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
