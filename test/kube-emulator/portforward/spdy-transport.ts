/** Raw SPDY/3.1 port-forward: `Upgrade: SPDY/3.1` answered with 101, then SPDY frames on the socket itself. */
import type http from 'node:http';
import net from 'node:net';
import type stream from 'node:stream';
import type { PodRef, TargetResolver } from './index.js';
import { servePortForwardOverSpdy } from './spdy-portforward.js';
import { headerTokens, PORT_FORWARD_PROTOCOL, rejectUpgrade } from './upgrade.js';
import { portForwardTrace } from './trace.js';

export function serveRawSpdy(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer, pod: PodRef, resolveTarget: TargetResolver): void {
  const offered = headerTokens(req.headers['x-stream-protocol-version']);
  // A client that negotiates must offer ours; one that sends no version gets the legacy protocol, as from the kubelet.
  if (offered.length > 0 && !offered.includes(PORT_FORWARD_PROTOCOL)) {
    rejectUpgrade(socket, 403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PORT_FORWARD_PROTOCOL}]`);
    return;
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Connection: Upgrade\r\n' +
      'Upgrade: SPDY/3.1\r\n' +
      (offered.length > 0 ? `X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n` : '') +
      '\r\n',
  );
  if (socket instanceof net.Socket) socket.setNoDelay(true);
  servePortForwardOverSpdy(socket, head, pod, resolveTarget, { trace: portForwardTrace('spdy') });
}
