import type http from 'node:http';
import type stream from 'node:stream';
import type { PodRef, TargetResolver } from './index.js';
import { rejectUpgrade } from './upgrade.js';

// Work in progress: replaced by the WebSocket protocols in the next commit.
export function serveWebSocket(_req: http.IncomingMessage, socket: stream.Duplex, _head: Buffer, _pod: PodRef, _resolve: TargetResolver): void {
  rejectUpgrade(socket, 500, 'InternalError', 'WebSocket port-forward not implemented yet');
}
