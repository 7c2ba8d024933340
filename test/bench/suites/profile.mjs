// Profiles: resolving and validating an IstioOperator (profile list/dump/diff), and a large
// --set / -f overlay to show the merge and validation stay linear.
import { writeFileSync } from 'node:fs';

export default {
  title: 'Profiles and IstioOperator resolution',
  async setup(ctx) {
    // 1,000 env entries and 1,000 annotations: validation and file:line lookup on a big overlay.
    const env = Array.from({ length: 1000 }, (_, i) => `          - name: VAR_${i}\n            value: "${i}"`).join('\n');
    const ann = Array.from({ length: 1000 }, (_, i) => `          example.com/a${i}: "${i}"`).join('\n');
    writeFileSync(
      `${ctx.tmp}/big-iop.yaml`,
      `apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  components:\n    pilot:\n      k8s:\n        env:\n${env}\n        podAnnotations:\n${ann}\n`,
    );
  },
  cases: (ctx) => [
    { name: 'profile list', argv: [ctx.node, ctx.sailctl, 'profile', 'list'] },
    { name: 'profile dump demo', argv: [ctx.node, ctx.sailctl, 'profile', 'dump', 'demo'] },
    { name: 'profile dump -o flags (10 --set)', argv: [ctx.node, ctx.sailctl, 'profile', 'dump', '-o', 'flags', ...Array.from({ length: 10 }, (_, i) => ['--set', `values.pilot.env.V${i}=${i}`]).flat()] },
    { name: 'profile diff default demo', argv: [ctx.node, ctx.sailctl, 'profile', 'diff', 'default', 'demo'] },
    { name: 'profile dump -f 2k-entry overlay', argv: [ctx.node, ctx.sailctl, 'profile', 'dump', '-f', `${ctx.tmp}/big-iop.yaml`, '-p', 'components.pilot.enabled'], units: { count: 2000, unit: 'entries' }, runs: 5 },
  ],
};
