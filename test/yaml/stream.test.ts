/**
 * The streaming splitter must cut a byte stream into the same documents as splitDocuments cuts
 * the whole text, wherever the chunk boundaries fall, and keep each document's line ending.
 */
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import type { DocumentText } from '../../src/yaml/documents.js';
import { DocumentSplitter } from '../../src/yaml/stream.js';

const SEPARATOR = /^---(?:[ \t]+(?:#.*)?)?$/;

/** The reference: the whole text split at once (how kube-inject split documents before it streamed). */
function splitDocuments(text: string, file: string): DocumentText[] {
  const lines = text.split('\n');
  const chunks: DocumentText[] = [];
  let start = 0;
  const flush = (end: number) => {
    if (end > start) {
      const body = lines.slice(start, end).join('\n');
      if (body.trim() !== '' || end - start > 1) chunks.push({ text: body, line: start + 1 });
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (!line.startsWith('---')) continue;
    if (!SEPARATOR.test(line)) {
      throw new DataError(`${file}:${i + 1}: unexpected content after the document separator '---'`, { hint: 'Put the document on the line after ---.' });
    }
    flush(i);
    start = i + 1;
  }
  flush(lines.length);
  // Blank-only chunks (e.g. the newline after a trailing ---) carry nothing.
  return chunks.filter((c) => c.text.trim() !== '' || c.text.includes('#'));
}


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
    expect(() => [...splitter.push(bad), ...splitter.end()]).toThrow('in.yaml:4: invalid UTF-8 at byte offset 17 (byte 0xc3)');
    expect(() => split('a: 1\n---\nb: 12345678901\n', [], 10)).toThrow('in.yaml:3: document 2 is larger than 10 bytes (the per-document limit');
    expect(() => split('x'.repeat(50), [10, 20], 16)).toThrow('in.yaml:1: document 1 is larger than 16 bytes (the per-document limit');
  });

});
