/**
 * WebSocket port-forward, two protocols behind one handshake:
 *  - `SPDY/3.1+portforward.k8s.io`: kubectl >= 1.31 tunnels the SPDY connection in binary messages;
 *  - `v4.channel.k8s.io` (and the base64 variants, or no subprotocol): the kubelet's channel protocol, used
 *    by @kubernetes/client-node.
 * `ws` refuses the tunnel's subprotocol (`/` is not an RFC 6455 token character), so we strip it from the
 * request before the handshake and add it back to the 101 response ourselves.
 */
import type http from 'node:http';
import type stream from 'node:stream';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { PodRef, TargetResolver } from './index.js';
import { CHANNEL_PROTOCOLS, parsePortsQuery, serveChannelPortForward } from './channel-portforward.js';
import { servePortForwardOverSpdy } from './spdy-portforward.js';
import { portForwardTrace } from './trace.js';
import { rejectUpgrade, SPDY_TUNNEL_SUBPROTOCOL } from './upgrade.js';

const tunnelRequests = new WeakSet<http.IncomingMessage>();

const server = new WebSocketServer({
  noServer: true,
  clientTracking: false,
  perMessageDeflate: false,
  maxPayload: 64 * 1024 * 1024,
  // Only channel requests reach this with protocols: tunnel requests had theirs removed.
  handleProtocols: (offered) => CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false,
});
server.on('headers', (headers, req) => {
  if (tunnelRequests.has(req)) headers.push(`Sec-WebSocket-Protocol: ${SPDY_TUNNEL_SUBPROTOCOL}`);
});

export function serveWebSocket(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer, pod: PodRef, resolveTarget: TargetResolver): void {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);

  if (offered.includes(SPDY_TUNNEL_SUBPROTOCOL)) {
    delete req.headers['sec-websocket-protocol'];
    tunnelRequests.add(req);
    server.handleUpgrade(req, socket, head, (ws) => {
      const transport = createWebSocketStream(ws);
      transport.on('error', () => {});
      servePortForwardOverSpdy(transport, Buffer.alloc(0), pod, resolveTarget, { trace: portForwardTrace('spdy-over-websocket') });
    });
    return;
  }

  if (offered.length > 0 && !offered.some((p) => (CHANNEL_PROTOCOLS as readonly string[]).includes(p))) {
    rejectUpgrade(socket, 400, 'BadRequest', `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${[SPDY_TUNNEL_SUBPROTOCOL, ...CHANNEL_PROTOCOLS].join(' ')}]`);
    return;
  }
  const ports = parsePortsQuery(new URL(req.url ?? '/', 'http://localhost').searchParams.getAll('ports'));
  if ('error' in ports) {
    rejectUpgrade(socket, 400, 'BadRequest', ports.error);
    return;
  }
  server.handleUpgrade(req, socket, head, (ws) => serveChannelPortForward(ws, ports.ports, pod, resolveTarget));
}
