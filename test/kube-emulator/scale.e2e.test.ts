/**
 * Scale: 10,000 objects listed with pagination in under a second, a watch delivering 10,000 events
 * in order, and memory that follows the stored objects.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.js';

const N = 10_000;
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ tls: false });
  emu.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bulk' } });
});
afterAll(() => emu.stop());

describe('scale', () => {
  it(`a watch delivers ${N} events in order while ${N} objects are created`, async () => {
    const rv = emu.list('v1', 'Namespace').length ? String(emu.store.currentRevision) : '0';
    const controller = new AbortController();
    const res = await fetch(`${emu.url}/api/v1/namespaces/bulk/configmaps?watch=true&labelSelector=i&resourceVersion=${rv}`, { signal: controller.signal });
    const t = emu.type('', 'configmaps');
    for (let i = 0; i < N; i++) {
      emu.api.create(t, 'v1', 'bulk', { metadata: { name: `cm-${String(i).padStart(5, '0')}`, labels: { i: String(i) } }, data: { v: String(i) } }, { fieldManager: 'bulk' });
    }
    const names: string[] = [];
    let last = 0;
    let ordered = true;
    let buffered = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const event = JSON.parse(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        const revision = Number(event.object.metadata.resourceVersion);
        if (revision <= last) ordered = false;
        last = revision;
        names.push(event.object.metadata.name);
      }
      if (names.length >= N) break;
    }
    controller.abort();
    expect(ordered).toBe(true);
    expect(names).toHaveLength(N);
    expect(names[0]).toBe('cm-00000');
    expect(names[N - 1]).toBe(`cm-${String(N - 1).padStart(5, '0')}`);
  }, 30_000);

  it(`lists ${N} objects with limit=500 pagination in under a second`, async () => {
    const started = performance.now();
    let count = 0;
    let cont = '';
    do {
      const res = await fetch(`${emu.url}/api/v1/namespaces/bulk/configmaps?labelSelector=i&limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      const page = (await res.json()) as { items: unknown[]; metadata: { continue?: string } };
      count += page.items.length;
      cont = page.metadata.continue ?? '';
    } while (cont);
    const elapsed = performance.now() - started;
    expect(count).toBe(N);
    expect(elapsed).toBeLessThan(1000);
  });

  it('memory follows the stored objects: deleting them (and compacting the event log) releases it', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const t = emu.type('', 'configmaps');
    const withObjects = heap();
    for (let i = 0; i < N; i++) emu.api.delete(t, 'v1', 'bulk', `cm-${String(i).padStart(5, '0')}`);
    emu.compactEvents(); // the event log holds the deleted states until it wraps
    expect(emu.list('v1', 'ConfigMap', 'bulk').filter((o) => o.metadata.labels?.i)).toEqual([]);
    const freed = withObjects - heap();
    // Each stored ConfigMap (object, managedFields, event-log entry) costs well over 300 bytes.
    expect(freed).toBeGreaterThan(N * 300);
  });
});
