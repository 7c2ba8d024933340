/**
 * The port-forward transport of `dashboard`: one WebSocket per forwarded connection to a pod
 * port through the API server. client-node's PortForward speaks the channel protocol; it is
 * loaded on its own (not the whole client) and given our credentials, so the tunnel
 * authenticates exactly as every other request does (./connect.ts).
 */
import type { Readable, Writable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import type { WebSocket } from 'ws';
import type { ClusterConnection } from './connect.js';

/** The two things client-node's WebSocket handler asks of a KubeConfig, answered from our connection. */
function asKubeConfig(conn: ClusterConnection): KubeConfig {
  const config = {
    getCurrentCluster: () => ({ name: 'sailctl', server: conn.server, skipTLSVerify: false }),
    async applyToHTTPSOptions(opts: Record<string, unknown>) {
      const creds = await conn.credentials();
      for (const [k, v] of Object.entries(creds.tls)) if (v !== undefined) opts[k] = v;
      opts.headers = { ...(opts.headers as object | undefined), ...creds.headers };
      if (creds.agent) opts.agent = creds.agent;
    },
  };
  return config as unknown as KubeConfig;
}

/**
 * Connects to `port` of the pod: bytes from the pod go to `output`, its error channel to `errors`.
 * `input` is piped by the caller (it must never end, or client-node would close the WebSocket).
 */
export async function openPortForward(conn: ClusterConnection, namespace: string, pod: string, port: number, output: Writable, errors: Writable, input: Readable): Promise<WebSocket> {
  const { PortForward } = await import('@kubernetes/client-node/dist/portforward.js');
  const pf = new PortForward(asKubeConfig(conn), false);
  return (await pf.portForward(namespace, pod, [port], output, errors, input)) as WebSocket;
}
