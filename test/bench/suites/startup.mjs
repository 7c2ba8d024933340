// Start-up cost of commands that never talk to a cluster. On a shared machine the floor drifts
// between runs, so each case alternates with `node -e 0` (A B A B …) and also reports its ratio
// to the floor of its own runs, against the target for that case (issue 11, issue 15).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RUNS = 21;

function once(argv, env) {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: r.status ?? 1, stderr: r.stderr?.toString() ?? String(r.error) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median of the case, and the median of its per-pair ratios to `node -e 0`. */
function paired(ctx, argv, env, target) {
  const floor = [ctx.node, '-e', '0'];
  once(floor, env);
  once(argv, env);
  const ms = [];
  const ratios = [];
  let failure;
  for (let i = 0; i < RUNS; i++) {
    const f = once(floor, env);
    const r = once(argv, env);
    if (r.status !== 0) failure = r;
    ms.push(r.ms);
    ratios.push(r.ms / f.ms);
  }
  const ratio = median(ratios);
  const note = `paired ${ratio.toFixed(2)}× node -e 0${target ? ` (target ≤ ${target}×${ratio <= target ? '' : ', MISSED'})` : ''}`;
  return { median: median(ms), note, ...(failure ? { status: failure.status, stderr: failure.stderr } : {}) };
}

export default {
  title: 'Start-up',
  setup(ctx) {
    // kube-inject with nothing configured: the built-in default profile, no cluster.
    writeFileSync(
      join(ctx.tmp, 'one.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n' +
        '  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n',
    );
    mkdirSync(join(ctx.tmp, 'home'));
  },
  cases: (ctx) => {
    const offline = { HOME: join(ctx.tmp, 'home'), KUBECONFIG: join(ctx.tmp, 'no-such-kubeconfig') };
    const sailctl = (args, target, env = {}, name = `sailctl ${args.join(' ')}`) => ({
      name,
      compareKubectl: args[0] === '--version' || args[0] === '--help',
      measure: () => paired(ctx, [ctx.node, ctx.sailctl, ...args], env, target),
    });
    return [
      { name: '`node -e 0` (floor)', argv: [ctx.node, '-e', '0'] },
      sailctl(['--version'], 1.1),
      sailctl(['--help'], 1.2),
      sailctl(['manifest', 'generate', '--help'], 1.2),
      sailctl(['version', '--remote=false']),
      sailctl(['manifest', 'generate', '--set', 'profile=demo'], 2),
      sailctl(['kube-inject', '-f', join(ctx.tmp, 'one.yaml')], 2.5, offline, 'sailctl kube-inject -f one-deployment.yaml (no cluster)'),
    ];
  },
};
