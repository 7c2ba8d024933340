import { afterEach, describe, expect, it } from 'vitest';
import { decodeText, firstInvalidUtf8 } from '../../src/core/input.js';
import { parseYamlDocuments } from '../../src/yaml/documents.js';
import { parseYaml } from '../../src/yaml/values.js';

afterEach(() => {
  delete process.env.SAILCTL_MAX_DOCUMENT_MB;
});

describe('UTF-8', () => {
  it('finds the start of the first ill-formed sequence', () => {
    const at = (...bytes: number[]) => firstInvalidUtf8(Uint8Array.from(bytes));
    expect(at(0x61, 0x62)).toBe(2); // valid: the length
    expect(at(0x61, 0xff)).toBe(1);
    expect(at(0x61, 0xc3, 0x28)).toBe(1); // lead byte without its continuation
    expect(at(0xe2, 0x82)).toBe(0); // cut off
    expect(at(0xc0, 0xaf)).toBe(0); // overlong
    expect(at(0xed, 0xa0, 0x80)).toBe(0); // surrogate
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0); // beyond U+10FFFF
    expect(at(0xf0, 0x9f, 0x9a, 0xa2, 0x80)).toBe(4); // 🚢 then a stray continuation
  });
  it('drops a byte-order mark and keeps CRLF', () => {
    expect(decodeText(Buffer.from('\ufeffa: 1\r\n'), 'f')).toBe('a: 1\r\n');
  });
});

describe('limits on the library path', () => {
  it('depth: 256 levels are read, 257 are refused at the line where the limit is crossed', () => {
    const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(() => parseYaml(`a:\n  - ${nest(254)}\n`, { source: 'f' })).not.toThrow();
    expect(() => parseYaml(`a:\n  - ${nest(255)}\n`, { source: 'f' })).toThrow(/^f:2: document 1 nests maps and lists deeper than 256 levels/);
  });
  it('duplicate keys: by their value as Kubernetes sees it (1 and "1" are the same JSON key); last wins without a source', () => {
    expect(() => parseYaml('1: a\n"1": b\n', { source: 'f' })).toThrow(/^f:2: duplicate key "1" in document 1 \(first at line 1\)/);
    expect(parseYaml('a: 1\na: 2\n')).toEqual({ a: 2 }); // template output and cluster data, as Go's non-strict decoding
    expect(() => parseYamlDocuments('x: 1\n---\na:\n  b: 1\n  c: 2\n  b: 3\n', 'g')).toThrow(/^g:6: duplicate key "b" in document 2 \(first at line 4\)/);
  });
  it('alias expansion counts bytes, nested anchors included; a few small aliases are fine', () => {
    expect(parseYamlDocuments('a: &a [1, 2]\nb: *a\nc: *a\n', 'f')[0]!.value).toEqual({ a: [1, 2], b: [1, 2], c: [1, 2] });
    process.env.SAILCTL_MAX_DOCUMENT_MB = '1';
    const kb = 'x'.repeat(1024);
    // 800 KiB anchored and used once more: 1.6 MiB, over 1 MiB, under 2 MiB; a nested anchor used again: 2.4 MiB
    const anchor = `a: &a ["${Array.from({ length: 800 }, () => kb).join('","')}"]\n`;
    expect(() => parseYamlDocuments(`${anchor}b: *a\n`, 'f')).toThrow(/^f:2: document 1 expands to more than 1 MiB/);
    process.env.SAILCTL_MAX_DOCUMENT_MB = '2';
    expect(() => parseYamlDocuments(`${anchor}b: *a\n`, 'f')).not.toThrow();
    expect(() => parseYamlDocuments(`${anchor}b: &b [*a]\nc: *b\n`, 'f')).toThrow(/^f:3: document 1 expands to more than 2 MiB/);
  });
  it('document size: counted per document from the markers, before parsing', () => {
    process.env.SAILCTL_MAX_DOCUMENT_MB = '1';
    const big = `items:\n${'  - ' + 'y'.repeat(100) + '\n'}`.repeat(1) + `  - ${'z'.repeat(100)}\n`.repeat(11_000);
    expect(() => parseYamlDocuments(`a: 1\n---\n${big}`, 'f')).toThrow(/^f:2: document 2 is larger than 1 MiB \(the per-document limit, raised with SAILCTL_MAX_DOCUMENT_MB=<MiB>\)/);
    // many small documents add up to more than the limit, and are fine
    const many = Array.from({ length: 12_000 }, (_, i) => `---\nname: doc-${i}-${'w'.repeat(80)}\n`).join('');
    expect(parseYamlDocuments(many, 'f')).toHaveLength(12_000);
  });
});
