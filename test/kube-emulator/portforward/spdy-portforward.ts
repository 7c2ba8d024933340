/**
 * Port-forward over a SPDY session, as the kubelet serves it: each forwarded connection is a pair of
 * streams (`streamtype: error` and `streamtype: data`, same `requestid`, `port` header); data is copied to
 * and from the target with half-closes; failures are written as text on that request's error stream, which
 * we then close, leaving the connection and every other request untouched.
 */
import type { Duplex } from 'node:stream';
import type { PodRef, TargetResolver } from './index.js';
import { RstStatus } from './spdy/frames.js';
import { SpdySession, type SpdyStream } from './spdy/session.js';
import { connectTarget, kubeletErrorPrefix, parsePort, STREAM_PAIR_TIMEOUT_MS } from './target.js';

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

export interface SpdyPortForwardOptions {
  pairTimeoutMs?: number;
  trace?: (direction: 'in' | 'out', frame: string) => void;
}

export function servePortForwardOverSpdy(
  transport: Duplex,
  head: Buffer,
  pod: PodRef,
  resolveTarget: TargetResolver,
  options: SpdyPortForwardOptions = {},
): SpdySession {
  const pairs = new Map<string, Pair>();
  const pairTimeout = options.pairTimeoutMs ?? STREAM_PAIR_TIMEOUT_MS;

  const onStream = (stream: SpdyStream): void => {
    stream.on('error', () => {}); // resets and lost connections also end the stream's pipes; nothing to report
    const type = stream.headers.get('streamtype');
    if (type !== 'data' && type !== 'error') {
      stream.resetStream(RstStatus.PROTOCOL_ERROR);
      return;
    }
    // Clients older than the requestid header pair streams by id: error = n, data = n + 2.
    const requestId = stream.headers.get('requestid') ?? String(type === 'error' ? stream.id : stream.id - 2);
    let pair = pairs.get(requestId);
    if (!pair) {
      const timer = setTimeout(() => {
        pairs.delete(requestId);
        const { error, data } = pair!;
        if (error) error.end('timed out waiting for streams');
        data?.resetStream();
      }, pairTimeout);
      timer.unref();
      pair = { timer };
      pairs.set(requestId, pair);
    }
    if (pair[type]) {
      stream.resetStream(RstStatus.PROTOCOL_ERROR); // a second stream of one type for one request
      return;
    }
    pair[type] = stream;
    if (type === 'error') stream.resume(); // clients half-close it at once; we only ever write to it
    if (pair.data && pair.error) {
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      forward(pair.data, pair.error);
    }
  };

  const forward = (data: SpdyStream, error: SpdyStream): void => {
    const fail = (message: string): void => {
      if (!error.writableEnded) error.end(message);
      if (!data.writableEnded && !data.destroyed) data.end();
    };
    const port = parsePort(data.headers.get('port'));
    if ('error' in port) return fail(port.error);
    connectTarget(pod, port.port, resolveTarget, (result) => {
      if ('error' in result) return fail(result.error);
      const target = result.socket;
      if (data.destroyed) return void target.destroy();
      data.pipe(target);
      target.pipe(data);
      let failed = false;
      target.on('error', (err) => {
        failed = true;
        fail(kubeletErrorPrefix(pod, port.port) + err.message);
      });
      data.on('error', () => target.destroy()); // reset by the client, or the connection went away
      target.on('close', () => {
        if (!failed && !error.writableEnded) error.end();
      });
    });
  };

  const session = new SpdySession(transport, onStream, { trace: options.trace });
  transport.once('close', () => {
    for (const pair of pairs.values()) clearTimeout(pair.timer);
    pairs.clear();
  });
  if (head.length > 0) session.receive(head);
  return session;
}
