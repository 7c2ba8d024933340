// Manifest rendering, whole process: target ≤ 3× `node -e 0` for the demo profile.
export default {
  title: 'Manifest rendering',
  async setup(ctx) {
    const { writeFileSync } = await import('node:fs');
    // A customised IstioOperator: k8s settings and an overlay on top of demo.
    writeFileSync(
      ctx.tmp + '/custom.yaml',
      [
        'apiVersion: install.istio.io/v1alpha1',
        'kind: IstioOperator',
        'spec:',
        '  profile: demo',
        '  components:',
        '    pilot:',
        '      k8s:',
        '        resources: {requests: {cpu: 200m, memory: 256Mi}}',
        '        overlays:',
        '        - kind: Deployment',
        '          name: istiod',
        '          patches:',
        '          - path: spec.template.metadata.annotations.team',
        '            value: mesh',
        '',
      ].join('\n'),
    );
  },
  cases: (ctx) => [
    { name: '`node -e 0` (floor)', argv: [ctx.node, '-e', '0'] },
    { name: 'manifest generate --set profile=demo', argv: [ctx.node, ctx.sailctl, 'manifest', 'generate', '--set', 'profile=demo'] },
    { name: 'manifest generate --set profile=ambient -r canary', argv: [ctx.node, ctx.sailctl, 'manifest', 'generate', '--set', 'profile=ambient', '-r', 'canary'] },
    {
      name: 'manifest generate demo + 8 --set (paths, selectors, k8s)',
      argv: [
        ctx.node, ctx.sailctl, 'manifest', 'generate',
        ...[
          'profile=demo',
          'hub=registry.example.com/istio',
          'tag=1.30.0-custom',
          'meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY',
          'values.global.proxy.resources.requests.cpu=50m',
          'components.ingressGateways[name:istio-ingressgateway].k8s.service.type=NodePort',
          'components.pilot.k8s.env[0].name=EXTRA',
          'components.pilot.k8s.env[0].value=1',
        ].flatMap((s) => ['--set', s]),
      ],
    },
    { name: 'manifest generate -f custom.yaml (k8s + overlay)', argv: [ctx.node, ctx.sailctl, 'manifest', 'generate', '-f', ctx.tmp + '/custom.yaml'] },
    { name: 'install --dry-run --set profile=demo', argv: [ctx.node, ctx.sailctl, 'install', '--dry-run', '--set', 'profile=demo'] },
  ],
};
