// Writes src/analyze/generated/crd/<group>.<kind>.<version>.mjs: the schema analyze and validate
// check each Istio kind against (src/analyze/schema.ts analysisSchema), precompiled by ajv as
// standalone code, so a run loads the validators of the kinds it meets instead of compiling the
// CRD schemas (~0.3 s for VirtualService and DestinationRule alone). Run by scripts/gen-schemas.mjs;
// test/analyze/schema.test.ts checks the files are current.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdValidatorSources } from '../src/analyze/schema-codegen.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'analyze', 'generated', 'crd');
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) rmSync(join(dir, f));
const sources = crdValidatorSources();
for (const [file, code] of sources) writeFileSync(join(dir, file), code);
process.stdout.write(`wrote ${sources.size} CRD validators under src/analyze/generated/crd/\n`);
