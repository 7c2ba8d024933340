/** The container side of a forwarded connection: a TCP connection to the pod port's stand-in, and the kubelet's error wording. */
import net from 'node:net';
import type { PodRef, TargetResolver } from './index.js';

/** How long one side of a request waits for its partner stream (the kubelet's stream creation timeout). */
export const STREAM_PAIR_TIMEOUT_MS = 30_000;

export type Connected = { socket: net.Socket } | { error: string };

/**
 * Resolves and dials the target for `port`, calling back once with a connected socket (allowHalfOpen, so
 * each direction closes on its own) or with the text a kubelet writes on the error stream.
 */
export function connectTarget(pod: PodRef, port: number, resolve: TargetResolver, done: (result: Connected) => void): void {
  const prefix = kubeletErrorPrefix(pod, port);
  let target: ReturnType<TargetResolver>;
  try {
    target = resolve(port);
  } catch (err) {
    done({ error: prefix + (err as Error).message });
    return;
  }
  if ('error' in target) {
    done({ error: target.error.startsWith(KUBELET_ERROR_START) ? target.error : prefix + target.error });
    return;
  }
  const socket = net.connect({ host: target.host, port: target.port, allowHalfOpen: true });
  socket.setNoDelay(true);
  const onError = (err: NodeJS.ErrnoException): void => {
    done({ error: prefix + dialErrorText(target as { host: string; port: number }, err) });
  };
  socket.once('error', onError);
  socket.once('connect', () => {
    socket.off('error', onError);
    done({ socket });
  });
}

const KUBELET_ERROR_START = 'error forwarding port ';

/** What a kubelet puts before every port-forward failure it writes on the error stream. */
export function kubeletErrorPrefix(pod: PodRef, port: number): string {
  return `${KUBELET_ERROR_START}${port} to pod ${pod.namespace}/${pod.name}, uid : `;
}

/** Go's wording for dial failures, which is what users see from a real kubelet. */
export function dialErrorText(target: { host: string; port: number }, err: NodeJS.ErrnoException): string {
  const address = target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  const network = net.isIPv6(target.host) ? 'tcp6' : 'tcp4';
  const reason: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused',
    ETIMEDOUT: 'i/o timeout',
    EHOSTUNREACH: 'connect: no route to host',
    ENETUNREACH: 'connect: network is unreachable',
    ENOTFOUND: 'no such host',
  };
  return `failed to connect to ${address} inside the pod network namespace: dial ${network} ${address}: ${reason[err.code ?? ''] ?? err.message}`;
}

/** Parses a pod port as the kubelet does (decimal 1..65535). */
export function parsePort(text: string | undefined): { port: number } | { error: string } {
  if (text === undefined || text === '') return { error: '"port" header is required' };
  if (!/^\d+$/.test(text) || Number(text) > 65535) return { error: `unable to parse "${text}" as a port: strconv.ParseUint: parsing "${text}": invalid syntax` };
  const port = Number(text);
  if (port < 1) return { error: `port "${text}" must be > 0` };
  return { port };
}
