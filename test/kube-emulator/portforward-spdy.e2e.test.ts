/**
 * SPDY/3.1 port-forward, server side: frame codec, header compression with the SPDY/3 dictionary, and the
 * session as a client sees it on the wire (driven by our own SPDY client through a real HTTP upgrade).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPDY3_DICTIONARY } from './portforward/spdy/dictionary.js';
import {
  encodeData,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSettings,
  encodeSynReply,
  encodeSynStream,
  encodeWindowUpdate,
  FrameReader,
  RstStatus,
  Setting,
  type Frame,
} from './portforward/spdy/frames.js';
import { decodeHeaderBlock, encodeHeaderBlock, HeaderDeflater, HeaderInflater, StoredHeaderCompressor } from './portforward/spdy/header-block.js';
import { handlePortForwardUpgrade, type TargetResolver } from './portforward/index.js';
import { SpdyTestClient } from './portforward/testing/spdy-client.js';
import { servePortForwardOverSpdy } from './portforward/spdy-portforward.js';

describe('SPDY/3 header dictionary', () => {
  it('is the 1423-byte dictionary of the SPDY/3 draft', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(crypto.createHash('sha256').update(SPDY3_DICTIONARY).digest('hex')).toBe('51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  });
});

describe('SPDY frame codec', () => {
  const all: Buffer[] = [
    encodeSynStream(5, Buffer.from('hdrs'), { fin: true, associatedId: 3, priority: 2 }),
    encodeSynReply(5, Buffer.from('reply')),
    encodeData(5, Buffer.from('payload'), true),
    encodeData(7, Buffer.alloc(0)),
    encodeRstStream(9, RstStatus.CANCEL),
    encodeSettings([{ id: Setting.INITIAL_WINDOW_SIZE, value: 1 << 20, flags: 1 }]),
    encodePing(17),
    encodeGoAway(11, 2),
    encodeWindowUpdate(0, 40000),
  ];

  it('decodes what it encodes, field by field', () => {
    const frames = new FrameReader().push(Buffer.concat(all));
    expect(frames).toEqual([
      { kind: 'syn_stream', streamId: 5, associatedId: 3, priority: 2, flags: 1, headerBlock: Buffer.from('hdrs') },
      { kind: 'syn_reply', streamId: 5, flags: 0, headerBlock: Buffer.from('reply') },
      { kind: 'data', streamId: 5, flags: 1, data: Buffer.from('payload') },
      { kind: 'data', streamId: 7, flags: 0, data: Buffer.alloc(0) },
      { kind: 'rst_stream', streamId: 9, status: RstStatus.CANCEL },
      { kind: 'settings', flags: 0, entries: [{ flags: 1, id: Setting.INITIAL_WINDOW_SIZE, value: 1 << 20 }] },
      { kind: 'ping', id: 17 },
      { kind: 'goaway', lastGoodStreamId: 11, status: 2 },
      { kind: 'window_update', streamId: 0, delta: 40000 },
    ]);
  });

  it('writes the wire layout of the spec (control bit, version 3, type, flags, 24-bit length)', () => {
    expect(encodePing(1).toString('hex')).toBe('8003000600000004' + '00000001');
    expect(encodeData(3, Buffer.from('ab'), true).toString('hex')).toBe('00000003' + '01000002' + '6162');
    expect(encodeRstStream(1, 5).toString('hex')).toBe('8003000300000008' + '00000001' + '00000005');
  });

  it('reassembles frames split at every byte boundary', () => {
    const wire = Buffer.concat(all);
    const reader = new FrameReader();
    const frames: Frame[] = [];
    for (const byte of wire) frames.push(...reader.push(Buffer.from([byte])));
    expect(frames).toEqual(new FrameReader().push(wire));
  });

  it('keeps large frames linear: a 4 MiB DATA frame in 1 KiB chunks is one frame', () => {
    const payload = crypto.randomBytes(4 << 20);
    const wire = encodeData(1, payload);
    const reader = new FrameReader();
    const frames: Frame[] = [];
    const started = performance.now();
    for (let at = 0; at < wire.length; at += 1024) frames.push(...reader.push(wire.subarray(at, at + 1024)));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(frames).toHaveLength(1);
    expect((frames[0] as { data: Buffer }).data.equals(payload)).toBe(true);
  });

  it('reports control frames of other versions and unknown types instead of misreading them', () => {
    const v2 = Buffer.from('8002000600000004000000ff', 'hex');
    const unknownType = Buffer.from('8003000a00000000', 'hex');
    expect(new FrameReader().push(Buffer.concat([v2, unknownType]))).toEqual([
      { kind: 'unknown', version: 2, type: 6, flags: 0, payload: Buffer.from('000000ff', 'hex') },
      { kind: 'unknown', version: 3, type: 10, flags: 0, payload: Buffer.alloc(0) },
    ]);
  });
});

describe('SPDY header blocks', () => {
  it('encodes count and length-prefixed lower-case pairs, and decodes them back', () => {
    const block = encodeHeaderBlock([['StreamType', 'data'], ['port', '80']]);
    expect(block.toString('hex')).toBe('00000002' + '0000000a' + Buffer.from('streamtype').toString('hex') + '00000004' + Buffer.from('data').toString('hex') + '00000004' + Buffer.from('port').toString('hex') + '00000002' + Buffer.from('80').toString('hex'));
    expect(decodeHeaderBlock(block)).toEqual(new Map([['streamtype', 'data'], ['port', '80']]));
  });

  it('rejects duplicate names and truncated blocks', () => {
    expect(() => decodeHeaderBlock(encodeHeaderBlock([['a', '1'], ['a', '2']]))).toThrow(/duplicate SPDY header "a"/);
    expect(() => decodeHeaderBlock(encodeHeaderBlock([['port', '80']]).subarray(0, 10))).toThrow(/truncated/);
  });

  it('inflates blocks compressed with the dictionary in one shared zlib context per connection', async () => {
    const deflater = new HeaderDeflater();
    const inflater = new HeaderInflater();
    const blocks = [];
    for (let id = 0; id < 3; id++) blocks.push(await deflater.deflate([['streamtype', 'data'], ['port', '8080'], ['requestid', String(id)]]));
    // The first block declares the preset dictionary (FDICT with the dictionary's Adler-32)...
    expect(blocks[0][1] & 0x20).toBe(0x20);
    expect(blocks[0].readUInt32BE(2)).toBe(adler32(SPDY3_DICTIONARY));
    // ...and later ones refer back to earlier blocks, so they are far smaller and only valid in sequence.
    expect(blocks[1].length).toBeLessThan(blocks[0].length / 2);
    for (let id = 0; id < 3; id++) expect(await inflater.inflate(blocks[id])).toEqual(new Map([['streamtype', 'data'], ['port', '8080'], ['requestid', String(id)]]));
    await expect(new HeaderInflater().inflate(blocks[1])).rejects.toThrow(/cannot decompress SPDY header block/);
    deflater.close();
    inflater.close();
  });

  it('writes its own blocks as stored zlib blocks that end in a sync-flush marker', () => {
    const compressor = new StoredHeaderCompressor();
    const first = compressor.compress([['a', 'b']]);
    const second = compressor.compress([]);
    expect(first.subarray(0, 2).toString('hex')).toBe('7801');
    expect(second.subarray(0, 2).toString('hex')).not.toBe('7801');
    for (const block of [first, second]) expect(block.subarray(-5).toString('hex')).toBe('000000ffff');
    const inflated = zlib.inflateSync(Buffer.concat([first, second]), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    expect(inflated.equals(Buffer.concat([encodeHeaderBlock([['a', 'b']]), encodeHeaderBlock([])]))).toBe(true);
  });
});

describe('SPDY port-forward session (raw upgrade)', () => {
  let api: http.Server;
  let baseUrl: string;
  let echo: net.Server;
  let echoPort: number;
  let closedRefusedPort: number;
  let burstPort: number;
  const echoSockets: net.Socket[] = [];
  const apiSockets: net.Socket[] = [];
  let resolveTarget: TargetResolver;

  beforeAll(async () => {
    echo = net.createServer({ allowHalfOpen: true }, (s) => {
      echoSockets.push(s);
      s.pipe(s);
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    echoPort = (echo.address() as net.AddressInfo).port;
    // A port nobody listens on: bind, note the port, close.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedRefusedPort = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    // A target that sends 200 KiB as soon as a connection arrives.
    const burst = net.createServer((s) => s.end(Buffer.alloc(200 * 1024, 7)));
    await new Promise<void>((r) => burst.listen(0, '127.0.0.1', r));
    burstPort = (burst.address() as net.AddressInfo).port;
    resolveTarget = (port) => {
      if (port === 80) return { host: '127.0.0.1', port: echoPort };
      if (port === 81) return { host: '127.0.0.1', port: closedRefusedPort };
      if (port === 82) return { host: '127.0.0.1', port: burstPort };
      if (port === 83) return { error: 'error forwarding port 83 to pod 1234-abcd, uid : custom kubelet text' };
      return { error: `no container port ${port} in the emulated pod` };
    };
    api = http.createServer((_req, res) => res.writeHead(404).end());
    api.on('connection', (s: net.Socket) => apiSockets.push(s));
    api.on('upgrade', (req, socket, head) => handlePortForwardUpgrade(req, socket, head, { namespace: 'ns1', name: 'web-0' }, resolveTarget));
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(api.address() as net.AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of apiSockets) s.destroy();
    await new Promise((r) => api.close(r));
    for (const s of echoSockets) s.destroy();
    await new Promise((r) => echo.close(r));
  });

  const connect = async (): Promise<SpdyTestClient> => {
    const { client, response } = await SpdyTestClient.connect(baseUrl, '/api/v1/namespaces/ns1/pods/web-0/portforward');
    expect(response.statusCode).toBe(101);
    expect(response.headers['upgrade']).toBe('SPDY/3.1');
    expect(response.headers['x-stream-protocol-version']).toBe('portforward.k8s.io');
    return client;
  };

  it('replies to every SYN_STREAM, forwards bytes both ways and half-closes data and error streams', async () => {
    const client = await connect();
    const { data, error } = await client.exchange(80, 0, 'ping over spdy');
    expect(data.toString()).toBe('ping over spdy');
    expect(error).toBe('');
    expect(client.framesOf('syn_reply').map((f) => f.streamId)).toEqual([1, 3]);
    expect(client.replyHeaders.get(1)).toEqual(new Map());
    client.close();
  });

  it('runs many requests concurrently on one connection', async () => {
    const client = await connect();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => client.exchange(80, i, `request-${i}`.repeat(100))));
    results.forEach((r, i) => expect(r.data.toString()).toBe(`request-${i}`.repeat(100)));
    client.close();
  });

  it('writes a refused target as the kubelet does, on that request only, and keeps the connection', async () => {
    const client = await connect();
    const refused = await client.exchange(81, 0, 'hello?');
    expect(refused.error).toBe(
      `error forwarding port 81 to pod ns1/web-0, uid : failed to connect to 127.0.0.1:${closedRefusedPort} inside the pod network namespace: dial tcp4 127.0.0.1:${closedRefusedPort}: connect: connection refused`,
    );
    expect(refused.data.length).toBe(0);
    const unknown = await client.exchange(9999, 1, 'x');
    expect(unknown.error).toBe('error forwarding port 9999 to pod ns1/web-0, uid : no container port 9999 in the emulated pod');
    const verbatim = await client.exchange(83, 3, 'x');
    expect(verbatim.error).toBe('error forwarding port 83 to pod 1234-abcd, uid : custom kubelet text');
    const after = await client.exchange(80, 2, 'still here');
    expect(after.data.toString()).toBe('still here');
    expect(client.framesOf('goaway')).toEqual([]);
    client.close();
  });

  it('rejects a data stream without a valid port header on its error stream', async () => {
    const client = await connect();
    const missing = await client.exchange('', 0, 'x');
    expect(missing.error).toBe('"port" header is required');
    const bad = await client.exchange('http', 1, 'x');
    expect(bad.error).toMatch(/^unable to parse "http" as a port/);
    client.close();
  });

  it('echoes client PINGs (odd ids) and ignores even ones', async () => {
    const client = await connect();
    client.send(encodePing(7));
    client.send(encodePing(8));
    client.send(encodePing(9));
    await client.until(() => client.framesOf('ping').length === 2, 'two PING replies');
    await new Promise((r) => setTimeout(r, 50));
    expect(client.framesOf('ping').map((f) => f.id)).toEqual([7, 9]);
    client.close();
  });

  it('closes the target connection when the client resets the data stream', async () => {
    const client = await connect();
    const before = echoSockets.length;
    const { dataId } = await client.openRequest(80, 0);
    client.sendData(dataId, 'partial');
    await client.until(() => client.received(dataId).toString() === 'partial', 'echo of partial');
    const target = echoSockets[before];
    const closed = new Promise((r) => target.once('close', r));
    client.send(encodeRstStream(dataId, RstStatus.CANCEL));
    await closed;
    // The connection still serves new requests.
    expect((await client.exchange(80, 1, 'next')).data.toString()).toBe('next');
    client.close();
  });

  it('answers a stream id that does not increase with RST_STREAM PROTOCOL_ERROR', async () => {
    const client = await connect();
    await client.exchange(80, 0, 'a');
    await client.openStream([['streamtype', 'error'], ['port', '80'], ['requestid', '1']], { id: 1 });
    await client.until(() => client.framesOf('rst_stream').length > 0, 'RST_STREAM');
    expect(client.framesOf('rst_stream')[0]).toEqual({ kind: 'rst_stream', streamId: 1, status: RstStatus.PROTOCOL_ERROR });
    client.close();
  });

  it('returns WINDOW_UPDATEs for stream and session as it consumes uploaded data', async () => {
    const client = await connect();
    const payload = crypto.randomBytes(300 * 1024);
    const { dataId } = await client.openRequest(80, 0);
    for (let at = 0; at < payload.length; at += 16 * 1024) client.sendData(dataId, payload.subarray(at, at + 16 * 1024));
    await client.until(() => client.received(dataId).length === payload.length, 'all data echoed');
    expect(client.received(dataId).equals(payload)).toBe(true);
    const updates = client.framesOf('window_update');
    const credited = (id: number): number => updates.filter((u) => u.streamId === id).reduce((n, u) => n + u.delta, 0);
    // Every byte consumed is credited back, in batches of at least half the 64 KiB window.
    expect(credited(dataId)).toBeGreaterThan(payload.length - 32 * 1024);
    expect(credited(dataId)).toBeLessThanOrEqual(payload.length);
    expect(credited(0)).toBeGreaterThan(payload.length - 32 * 1024);
    expect(updates.every((u) => u.delta >= 32 * 1024)).toBe(true);
    client.close();
  });

  it('honours the client window once the client shows it does flow control', async () => {
    const client = await connect();
    client.send(encodeSettings([{ id: Setting.INITIAL_WINDOW_SIZE, value: 10_000 }]));
    const { dataId } = await client.openRequest(82, 0);
    client.sendData(dataId, Buffer.alloc(0), true);
    await client.until(() => client.received(dataId).length === 10_000, 'first window of data');
    await new Promise((r) => setTimeout(r, 100));
    expect(client.received(dataId).length).toBe(10_000); // stopped at the window
    client.send(encodeWindowUpdate(dataId, 50_000));
    await client.until(() => client.received(dataId).length === 60_000, 'second window');
    await new Promise((r) => setTimeout(r, 50));
    // The 64 KiB session window is the next limit.
    client.send(encodeWindowUpdate(dataId, 1 << 20));
    await client.until(() => client.received(dataId).length === 64 * 1024, 'session window');
    await new Promise((r) => setTimeout(r, 50));
    expect(client.received(dataId).length).toBe(64 * 1024);
    client.send(encodeWindowUpdate(0, 1 << 20));
    await client.until(() => client.isFinished(dataId), 'the rest of the data');
    expect(client.received(dataId).length).toBe(200 * 1024);
    client.close();
  });

  it('sends everything at once to clients without flow control (kubectl never sends WINDOW_UPDATE)', async () => {
    const client = await connect();
    const { dataId } = await client.openRequest(82, 0);
    client.sendData(dataId, Buffer.alloc(0), true);
    await client.until(() => client.isFinished(dataId), 'all data');
    expect(client.received(dataId).equals(Buffer.alloc(200 * 1024, 7))).toBe(true);
    client.close();
  });

  it('after the client GOAWAY, finishes open requests, refuses new ones and closes', async () => {
    const client = await connect();
    const { dataId, errorId } = await client.openRequest(80, 0);
    client.send(encodeGoAway(3, 0));
    const late = await client.openStream([['streamtype', 'error'], ['port', '80'], ['requestid', '1']]);
    await client.until(() => client.wasReset(late), 'refusal of the late stream');
    expect(client.framesOf('rst_stream').find((f) => f.streamId === late)?.status).toBe(RstStatus.REFUSED_STREAM);
    client.sendData(dataId, 'last words', true);
    await client.until(() => client.closed, 'connection close');
    expect(client.received(dataId).toString()).toBe('last words');
    expect(client.isFinished(errorId)).toBe(true);
  });

  it('answers an undecodable header block with GOAWAY PROTOCOL_ERROR and closes', async () => {
    const client = await connect();
    client.send(encodeSynStream(1, Buffer.from('not zlib at all')));
    await client.until(() => client.closed, 'connection close');
    expect(client.framesOf('goaway')).toEqual([{ kind: 'goaway', lastGoodStreamId: 0, status: 1 }]);
  });

  it('refuses an upgrade that negotiates only other protocols, with a Status', async () => {
    await expect(SpdyTestClient.connect(baseUrl, '/api/v1/namespaces/ns1/pods/web-0/portforward', 'v4.channel.k8s.io')).rejects.toMatchObject({
      statusCode: 403,
      body: expect.stringContaining('unable to negotiate protocol: client supports [v4.channel.k8s.io], server accepts [portforward.k8s.io]'),
    });
  });

  it('moves 16 MiB each way through one stream intact', async () => {
    const client = await connect();
    const payload = crypto.randomBytes(16 << 20);
    const started = performance.now();
    const { data } = await client.exchange(80, 0, payload);
    const seconds = (performance.now() - started) / 1000;
    expect(data.length).toBe(payload.length);
    expect(crypto.createHash('sha256').update(data).digest('hex')).toBe(crypto.createHash('sha256').update(payload).digest('hex'));
    expect(seconds).toBeLessThan(10);
    client.close();
  });
});

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

describe('SPDY port-forward stream pairing', () => {
  it('gives up on a request whose partner stream never comes, as the kubelet does', async () => {
    const server = net.createServer((socket) => {
      servePortForwardOverSpdy(socket, Buffer.alloc(0), { namespace: 'ns1', name: 'web-0' }, () => ({ error: 'unused' }), { pairTimeoutMs: 100 });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new SpdyTestClient(net.connect((server.address() as net.AddressInfo).port, '127.0.0.1'));
    const lonelyError = await client.openStream([['streamtype', 'error'], ['port', '80'], ['requestid', '1']]);
    const lonelyData = await client.openStream([['streamtype', 'data'], ['port', '80'], ['requestid', '2']]);
    await client.until(() => client.isFinished(lonelyError) && client.wasReset(lonelyData), 'both timeouts');
    expect(client.received(lonelyError).toString()).toBe('timed out waiting for streams');
    // A second stream of the same type for one request is refused.
    await client.openStream([['streamtype', 'data'], ['port', '80'], ['requestid', '3']]);
    const twin = await client.openStream([['streamtype', 'data'], ['port', '80'], ['requestid', '3']]);
    const odd = await client.openStream([['streamtype', 'stdin'], ['requestid', '4']]);
    await client.until(() => client.wasReset(twin) && client.wasReset(odd), 'refusals');
    expect(client.framesOf('rst_stream').find((f) => f.streamId === odd)?.status).toBe(RstStatus.PROTOCOL_ERROR);
    client.close();
    await new Promise((r) => server.close(r));
  });
});
