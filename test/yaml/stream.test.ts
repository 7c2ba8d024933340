/**
 * The streaming splitter must cut a byte stream into the same documents as splitDocuments cuts
 * the whole text, wherever the chunk boundaries fall, and keep each document's line ending.
 */
import { describe, expect, it } from 'vitest';
import { splitDocuments } from '../../src/yaml/documents.js';
import { DocumentSplitter, maxDocumentBytes } from '../../src/yaml/stream.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function split(text: string, cuts: number[], max = Infinity) {
  const bytes = Buffer.from(text, 'utf8');
  const splitter = new DocumentSplitter('in.yaml', max);
  const docs = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    docs.push(...splitter.push(bytes.subarray(from, cut)));
    from = cut;
  }
  docs.push(...splitter.end());
  return { docs, sawContent: splitter.sawContent };
}

describe('DocumentSplitter', () => {
  it('matches splitDocuments on random streams and random chunk boundaries', () => {
    const r = rng(11);
    const pieces = ['a: 1', '# comment', '', '  ', '---', '--- # note', '---   ', 'b: "é"', 'list:\n- x', 'k: ---x', '----', 'text: |\n  ---\n  inside'];
    for (let n = 0; n < 300; n++) {
      const lines: string[] = [];
      for (let i = 0; i < 1 + Math.floor(r() * 12); i++) lines.push(pieces[Math.floor(r() * pieces.length)]!);
      const text = lines.join('\n') + (r() < 0.5 ? '\n' : '');
      let expected;
      try {
        expected = splitDocuments(text, 'in.yaml');
      } catch (err) {
        expect(() => split(text, [])).toThrow((err as Error).message);
        continue;
      }
      const size = Buffer.byteLength(text);
      const cuts = [...new Set([Math.floor(r() * size), Math.floor(r() * size), Math.floor(r() * size)])].sort((a, b) => a - b);
      const { docs } = split(text, cuts);
      expect(docs.map((d) => d.line)).toEqual(expected.map((c) => c.line));
      // A document before a separator keeps the newline ending its last line (the input's bytes exactly).
      docs.forEach((d, i) => expect([expected[i]!.text, `${expected[i]!.text}\n`]).toContain(d.text));
      expect(docs.map((d) => d.index)).toEqual(docs.map((_, i) => i));
    }
  });

  it('keeps CRLF line endings inside each document', () => {
    const { docs } = split('a: "x"\r\n---\r\nb: 1\r\n', [3, 9]);
    expect(docs.map((d) => d.text)).toEqual(['a: "x"\r\n', 'b: 1\r\n']);
    expect(docs.map((d) => d.line)).toEqual([1, 3]);
  });

  it('reports blank input, invalid UTF-8 and oversized documents with file and line', () => {
    expect(split('  \n\n', []).sawContent).toBe(false);
    expect(split('---\n', []).sawContent).toBe(true);
    const bad = Buffer.concat([Buffer.from('a: 1\n---\nb: 1\nc: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    const splitter = new DocumentSplitter('in.yaml');
    expect(() => [...splitter.push(bad), ...splitter.end()]).toThrow('in.yaml:4: invalid UTF-8 in document 2');
    expect(() => split('a: 1\n---\nb: 12345678901\n', [], 10)).toThrow('in.yaml:3: document 2 is larger than the 10 bytes limit for one document');
    expect(() => split('x'.repeat(50), [10, 20], 16)).toThrow('in.yaml:1: document 1 is larger than the 16 bytes limit');
  });

  it('reads its limit from SAILCTL_MAX_DOCUMENT_SIZE', () => {
    expect(maxDocumentBytes({})).toBe(32 * 1024 * 1024);
    expect(maxDocumentBytes({ SAILCTL_MAX_DOCUMENT_SIZE: '64Mi' })).toBe(64 * 1024 * 1024);
    expect(maxDocumentBytes({ SAILCTL_MAX_DOCUMENT_SIZE: '5000' })).toBe(5000);
    expect(() => maxDocumentBytes({ SAILCTL_MAX_DOCUMENT_SIZE: 'lots' })).toThrow(/SAILCTL_MAX_DOCUMENT_SIZE=lots: not a size/);
  });
});
