/**
 * pods/{name}/portforward for the kube emulator, speaking the wire protocols real clients use:
 *  - raw SPDY/3.1 (`Upgrade: SPDY/3.1`, `X-Stream-Protocol-Version: portforward.k8s.io`): every kubectl;
 *  - SPDY/3.1 tunnelled in WebSocket binary messages (subprotocol `SPDY/3.1+portforward.k8s.io`): kubectl >= 1.31;
 *  - the WebSocket channel protocol `v4.channel.k8s.io` (`?ports=`): @kubernetes/client-node's PortForward.
 * Every forwarded connection ends in a TCP connection to whatever `resolveTarget` returns for the pod port.
 */
import type http from 'node:http';
import type stream from 'node:stream';
import { rejectUpgrade, isWebSocketUpgrade, isSpdyUpgrade } from './upgrade.js';
import { serveRawSpdy } from './spdy-transport.js';
import { serveWebSocket } from './websocket.js';

/**
 * Maps a pod port to the local TCP endpoint standing in for the container, or says why it cannot. Called
 * once per forwarded connection. An `error` is written on that connection's error stream/channel after the
 * kubelet's prefix (`error forwarding port P to pod NS/NAME, uid : `), unless it already starts with
 * `error forwarding port `, in which case it is used as it is.
 */
export type TargetResolver = (port: number) => { host: string; port: number } | { error: string };

export interface PodRef {
  namespace: string;
  name: string;
}

/**
 * Handles an Upgrade request on /api/v1/namespaces/{ns}/pods/{name}/portforward (already authenticated,
 * pod exists and is Running). Picks SPDY, SPDY-over-WebSocket or v4.channel by the request headers.
 */
export function handlePortForwardUpgrade(
  req: http.IncomingMessage,
  socket: stream.Duplex,
  head: Buffer,
  pod: PodRef,
  resolveTarget: TargetResolver,
): void {
  if (isWebSocketUpgrade(req)) {
    serveWebSocket(req, socket, head, pod, resolveTarget);
  } else if (isSpdyUpgrade(req)) {
    serveRawSpdy(req, socket, head, pod, resolveTarget);
  } else {
    rejectUpgrade(socket, 400, 'BadRequest', 'unable to upgrade: missing upgrade headers in request: ' + JSON.stringify(req.headers.upgrade ?? ''));
  }
}
