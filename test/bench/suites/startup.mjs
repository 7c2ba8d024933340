// Start-up cost of commands that never talk to a cluster.
export default {
  title: 'Start-up',
  cases: (ctx) => [
    { name: '`node -e 0` (floor)', argv: [ctx.node, '-e', '0'] },
    { name: 'sailctl --version', argv: [ctx.node, ctx.sailctl, '--version'], compareKubectl: true },
    { name: 'sailctl --help', argv: [ctx.node, ctx.sailctl, '--help'], compareKubectl: true },
    { name: 'sailctl version --remote=false', argv: [ctx.node, ctx.sailctl, 'version', '--remote=false'], compareKubectl: true },
  ],
};
