// Input limits (src/yaml/limits.ts): hostile inputs are refused from their text, quickly and
// within a capped heap. Each case must exit 65; NODE_OPTIONS caps the heap at 256 MB, so an
// input that got expanded or built before being judged would crash instead of answering.
import { writeFileSync } from 'node:fs';

const env = { ...process.env, NODE_OPTIONS: '--max-old-space-size=256' };
const IOP = 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n';
const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n';

export default {
  title: 'Input limits (exit 65, heap capped at 256 MB)',
  setup(ctx) {
    const anchor = `    big: &big "${'a'.repeat(1 << 20)}"\n    uses: [${Array.from({ length: 3000 }, () => '*big').join(', ')}]\n`;
    writeFileSync(`${ctx.tmp}/amplify-iop.yaml`, IOP + anchor);
    writeFileSync(`${ctx.tmp}/amplify-pod.yaml`, POD + anchor);
    writeFileSync(`${ctx.tmp}/deep.yaml`, `${POD}    deep: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    // one 40 MB document: over the 32 MiB per-document limit
    const line = `    - ${'x'.repeat(90)}\n`;
    writeFileSync(`${ctx.tmp}/huge-doc.yaml`, `apiVersion: v1\nkind: List\nitems:\n${line.repeat(Math.ceil((40 << 20) / line.length))}`);
  },
  cases: (ctx) => [
    { name: 'manifest generate -f: one 1 MiB anchor used 3,000 times (3 GB expanded)', argv: [ctx.node, ctx.sailctl, 'manifest', 'generate', '-f', `${ctx.tmp}/amplify-iop.yaml`], okStatus: [65], env, runs: 5 },
    { name: 'kube-inject -f: one 1 MiB anchor used 3,000 times', argv: [ctx.node, ctx.sailctl, 'kube-inject', '-f', `${ctx.tmp}/amplify-pod.yaml`], okStatus: [65], env, runs: 5 },
    { name: 'analyze: 10,000-level nesting', argv: [ctx.node, ctx.sailctl, 'analyze', '--use-kube=false', `${ctx.tmp}/deep.yaml`], okStatus: [65], env, runs: 5 },
    { name: 'validate -f: one 40 MB document', argv: [ctx.node, ctx.sailctl, 'validate', '-f', `${ctx.tmp}/huge-doc.yaml`], okStatus: [65], env, runs: 3 },
  ],
};
