/** HTTP-level pieces of the port-forward upgrade: recognising the protocol and refusing it with a Status. */
import type http from 'node:http';
import type stream from 'node:stream';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** kubectl >= 1.31 tunnels SPDY in WebSocket binary messages under this subprotocol. */
export const SPDY_TUNNEL_SUBPROTOCOL = 'SPDY/3.1+portforward.k8s.io';

export function isWebSocketUpgrade(req: http.IncomingMessage): boolean {
  return headerTokens(req.headers.upgrade).includes('websocket');
}

export function isSpdyUpgrade(req: http.IncomingMessage): boolean {
  return headerTokens(req.headers.upgrade).includes('spdy/3.1');
}

/** Comma-separated header values (repeated headers already joined by Node), trimmed and lower-cased. */
export function headerTokens(value: string | string[] | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
}

/** Answers a not-yet-upgraded request with a Kubernetes Status body, as the API server does, and closes it. */
export function rejectUpgrade(socket: stream.Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  socket.on('error', () => {}); // the client may already be gone; nothing more to tell it
  const statusText: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${code} ${statusText[code] ?? 'Error'}\r\n` +
        'Content-Type: application/json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
}
