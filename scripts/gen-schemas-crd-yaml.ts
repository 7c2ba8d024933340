// Writes schemas/crds/<group>.<kind>.spec.yaml: the YAML text of each Istio CRD's `spec`, as
// `manifest generate` prints it (indented under `spec:`). The renderer attaches the text to
// unmodified CRDs so it does not re-emit ~400 kB of schema on every run. `npm run gen-schemas`
// runs it last; run it alone when src/yaml/fast-stringify.ts changes its manifest output:
//   npx tsx scripts/gen-schemas-crd-yaml.ts
// test/operator/crds.test.ts fails while a file is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crdSpecYamlFile, istioCrds } from '../src/operator/istio-crds.js';
import { emitManifestYaml } from '../src/yaml/fast-stringify.js';
import { packageRoot } from '../src/core/package-root.js';

for (const crd of istioCrds()) {
  writeFileSync(join(packageRoot(), crdSpecYamlFile(crd.metadata.name)), specText(crd.spec));
}

/** The lines under `spec:` of a CRD document. */
export function specText(spec: unknown): string {
  return emitManifestYaml({ spec }).replace(/^spec:\n/, '');
}
