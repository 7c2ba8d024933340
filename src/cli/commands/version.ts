import { ISTIO_VERSION, VERSION } from '../../version/build-info.js';
import { UsageError, UserError } from '../../core/errors.js';
import { note } from '../../core/output.js';
import { parseDuration } from '../flags.js';
import type { GlobalOptions } from '../flags.js';
import type { MeshComponentVersion, ProxyVersion } from '../../version/mesh-version.js';

interface Options {
  output?: string;
  short?: boolean;
  remote: boolean;
  revision?: string;
}

export async function run(opts: Options, _args: string[], globals: GlobalOptions): Promise<void> {
  const output = opts.output ?? 'short';
  if (!['short', 'json', 'yaml'].includes(output)) {
    throw new UsageError(`--output must be 'yaml', 'json' or 'short', not "${output}"`);
  }
  const clientVersion = { version: VERSION, revision: '', golang_version: `node${process.versions.node}`, status: 'Clean', tag: VERSION, istioVersion: ISTIO_VERSION };
  let mesh: MeshComponentVersion[] | undefined;
  let proxies: ProxyVersion[] | undefined;
  if (opts.remote) {
    try {
      const { connectCluster } = await import('../../kube/connect.js');
      const versions = await import('../../version/mesh-version.js');
      const conn = await connectCluster({ kubeconfig: globals.kubeconfig, context: globals.context, timeoutMs: parseDuration(globals.kubeclientTimeout, '--kubeclient-timeout') });
      mesh = await versions.controlPlaneVersions(conn, globals.istioNamespace, opts.revision);
      if (mesh.length === 0) note(`Istio is not present in the cluster: no ready istiod pods in namespace ${globals.istioNamespace}`);
      else proxies = await versions.dataPlaneVersions(conn);
    } catch (err) {
      // Like istioctl, version never fails because of the cluster: say why and go on.
      if (!(err instanceof UserError)) throw err;
      note(`cannot read the control plane version: ${err.message}`);
    }
  }

  if (output !== 'short') {
    const doc: Record<string, unknown> = { clientVersion };
    if (mesh) doc.meshVersion = mesh;
    if (proxies) doc.dataPlaneVersion = proxies;
    const { formatStructured } = await import('../../core/structured.js');
    process.stdout.write(formatStructured(doc, output as 'json' | 'yaml'));
    return;
  }
  const lines = [`client version: ${VERSION} (sailctl; renders Istio ${ISTIO_VERSION})`];
  if (mesh && mesh.length > 0) {
    const distinct = [...new Set(mesh.map((m) => m.Info.version))];
    if (distinct.length === 1) lines.push(`control plane version: ${distinct[0]}`);
    else for (const m of mesh) lines.push(`${m.Component} version: ${m.Info.version} (revision ${m.Revision}, pod ${m.Info.pod})`);
  }
  if (proxies) {
    const { summariseProxies } = await import('../../version/mesh-version.js');
    lines.push(`data plane version: ${summariseProxies(proxies)}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
