/**
 * The kubelet's WebSocket channel protocol for port-forward (`v4.channel.k8s.io`): every message is
 * `[channel][payload]`; port i (from `?ports=`) has data channel 2i and error channel 2i+1; the server's
 * first message on every channel is the port as 2 bytes little-endian. The base64 variants send text
 * messages `'0'+channel` followed by base64. The socket closes once every port's connection is done.
 */
import type net from 'node:net';
import type { WebSocket } from 'ws';
import type { PodRef, TargetResolver } from './index.js';
import { connectTarget, kubeletErrorPrefix } from './target.js';

export const CHANNEL_PROTOCOLS = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'base64.channel.k8s.io'] as const;

/** Above this many unsent bytes on the WebSocket we stop reading from targets. */
const SEND_BUFFER_LIMIT = 1024 * 1024;

/** `ports` query values as the kubelet reads them: repeated and/or comma-separated, each 1..65535. */
export function parsePortsQuery(values: string[]): { ports: number[] } | { error: string } {
  if (values.length === 0) return { error: 'query parameter "ports" is required' };
  const ports: number[] = [];
  for (const value of values) {
    if (value === '') return { error: 'query parameter "ports" cannot be empty' };
    for (const text of value.split(',')) {
      if (!/^\d+$/.test(text) || Number(text) > 65535) return { error: `unable to parse "${text}" as a port: strconv.ParseUint: parsing "${text}": invalid syntax` };
      if (Number(text) < 1) return { error: `port "${text}" must be > 0` };
      ports.push(Number(text));
    }
  }
  return { ports };
}

export function serveChannelPortForward(ws: WebSocket, ports: number[], pod: PodRef, resolveTarget: TargetResolver): void {
  const base64 = ws.protocol.includes('base64');
  const targets: (net.Socket | undefined)[] = ports.map(() => undefined);
  /** Client bytes that arrive before the target connects; null once the port failed (input is dropped). */
  const pendingInput: (Buffer[] | null)[] = ports.map(() => []);
  let remaining = ports.length;

  const send = (channel: number, payload: Buffer, callback?: () => void): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (base64) ws.send(String.fromCharCode(48 + channel) + payload.toString('base64'), callback);
    else ws.send(Buffer.concat([Buffer.from([channel]), payload]), { binary: true }, callback);
  };
  const portDone = (): void => {
    remaining -= 1;
    if (remaining === 0 && ws.readyState === ws.OPEN) ws.close(1000);
  };

  ports.forEach((port, i) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    send(2 * i, prefix);
    send(2 * i + 1, prefix);
    connectTarget(pod, port, resolveTarget, (result) => {
      if ('error' in result) {
        send(2 * i + 1, Buffer.from(result.error));
        pendingInput[i] = null;
        portDone();
        return;
      }
      const target = result.socket;
      if (ws.readyState !== ws.OPEN) return void target.destroy();
      targets[i] = target;
      for (const chunk of pendingInput[i] ?? []) target.write(chunk);
      pendingInput[i] = [];
      target.on('data', (chunk: Buffer) => {
        send(2 * i, chunk, () => {
          if (target.isPaused() && ws.bufferedAmount < SEND_BUFFER_LIMIT) target.resume();
        });
        if (ws.bufferedAmount >= SEND_BUFFER_LIMIT) target.pause();
      });
      target.on('drain', () => ws.resume());
      target.on('error', (err) => send(2 * i + 1, Buffer.from(kubeletErrorPrefix(pod, port) + err.message)));
      target.on('end', () => target.end());
      target.on('close', portDone);
    });
  });

  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    let message = raw;
    if (base64 || !isBinary) {
      const text = raw.toString('latin1');
      if (text.length === 0) return;
      message = Buffer.concat([Buffer.from([text.charCodeAt(0) - 48]), Buffer.from(text.slice(1), 'base64')]);
    }
    if (message.length < 2) return; // a bare channel byte carries nothing
    const channel = message[0];
    const index = channel / 2;
    if (channel % 2 !== 0 || index >= ports.length) return; // clients only write to data channels
    const payload = message.subarray(1);
    const target = targets[index];
    if (!target) pendingInput[index]?.push(payload);
    else if (!target.destroyed && !target.write(payload)) ws.pause();
  });
  ws.on('close', () => {
    for (const target of targets) target?.destroy();
  });
  ws.on('error', () => {});
}
