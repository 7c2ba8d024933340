/** readYamlStream gives parseYamlDocuments' values and lines, building the document model only when it must. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseYamlDocuments, readYamlStream } from '../../src/yaml/documents.js';
import { resolveIstioOperator } from '../../src/operator/resolve.js';
import { allObjects, renderManifests, serializeManifests } from '../../src/render/index.js';

/** Every path of a document model, with whether it ends at a scalar. */
function paths(node: Node | null, prefix: (string | number)[] = [], out: [(string | number)[], boolean][] = []): [(string | number)[], boolean][] {
  if (isMap(node)) for (const item of node.items) {
    const key = isScalar(item.key) ? String(item.key.value) : undefined;
    if (key === undefined) continue;
    out.push([[...prefix, key], isScalar(item.value)]);
    paths(item.value as Node | null, [...prefix, key], out);
  } else if (isSeq(node)) node.items.forEach((item, i) => {
    out.push([[...prefix, i], isScalar(item)]);
    paths(item as Node | null, [...prefix, i], out);
  });
  return out;
}

function expectSameAsLibrary(text: string, file: string): number {
  const want = parseYamlDocuments(text, file);
  const got = readYamlStream(text, file);
  expect(got.map((d) => [d.index, d.line, d.value])).toEqual(want.map((d) => [d.index, d.line, d.value]));
  let checked = 0;
  want.forEach((d, i) => {
    for (const [path, leaf] of paths(d.doc.contents as Node | null)) {
      expect({ path, line: got[i]!.lineOf(path) }).toEqual({ path, line: d.lineOf(path) });
      expect({ path, leaf: got[i]!.leafLineOf(path) }).toEqual({ path, leaf: leaf ? d.lineOf(path) : undefined });
      checked++;
    }
  });
  return checked;
}

describe('readYamlStream', () => {
  it('matches the library on every path of the analyze fixtures', () => {
    const dir = 'test/analyze/fixtures/bookstore';
    const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.yaml'));
    let n = 0;
    for (const f of files) n += expectSameAsLibrary(readFileSync(join(dir, f), 'utf8'), f);
    expect(n).toBeGreaterThan(300);
  });

  it('matches the library on every path of a rendered control plane (block style, long documents)', async () => {
    const { iop } = await resolveIstioOperator({ sets: ['profile=demo'] });
    const text = serializeManifests(allObjects(renderManifests(iop)).filter((o) => o.kind !== 'CustomResourceDefinition'));
    expect(expectSameAsLibrary(text, 'demo.yaml')).toBeGreaterThan(1500);
  });

  it('handles comments, empty documents, nested lists, quoted keys, null values and values on the next line', () => {
    const text = `# leading comment
---
a: 1
list:
- x
-
  nested: [1, 2]
- - deep
  - deeper
"quoted key": {f: 1}
empty:
next:
  value
map:
  # inside
  k: v
---
---
- item: 1
  other:
    - z
`;
    expect(expectSameAsLibrary(text, 'mixed.yaml')).toBeGreaterThan(10);
  });

  it('falls back to the library for directives and reports malformed YAML as parseYamlDocuments does', () => {
    expect(readYamlStream('%YAML 1.2\n---\na: 1\n', 'd.yaml').map((d) => d.value)).toEqual([{ a: 1 }]);
    expect(() => readYamlStream('a: 1\n---\nb: [\n', 'bad.yaml')).toThrow(/^bad.yaml:\d+:\d+: malformed YAML in document 2/);
  });
});
