import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { resolveIstioOperator } from '../../src/operator/resolve.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sailctl-validate-'));
});
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The validation error lines (without the heading) for these inputs. */
async function problems(input: { files?: string[]; sets?: string[] }): Promise<string[]> {
  try {
    await resolveIstioOperator(input);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.exitCode).toBe(1);
    expect(e.message.split('\n')[0]).toBe('invalid IstioOperator:');
    expect(e.hint).toMatch(/--force/);
    return e.message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected validation to fail');
}

describe('validation errors name the path and where it was set', () => {
  it('unknown values fields, with file:line and a suggestion', async () => {
    const f = file('typo.yaml', [
      'apiVersion: install.istio.io/v1alpha1',
      'kind: IstioOperator',
      'spec:',
      '  values:',
      '    global:',
      '      hubb: docker.io/x',
      '      proxy:',
      '        statusPort: fast',
      '  components:',
      '    pilot:',
      '      enabled: "yes"',
      '',
    ].join('\n'));
    expect(await problems({ files: [f] })).toEqual([
      `spec.components.pilot.enabled (${f}:11): must be boolean, got string "yes"`,
      `spec.values.global.hubb (${f}:6): unknown field "hubb" (did you mean "hub"?)`,
      `spec.values.global.proxy.statusPort (${f}:8): must be a non-negative integer`,
    ]);
  });

  it('unknown fields from --set name the flag', async () => {
    expect(await problems({ sets: ['values.pilot.autoscaleEnabld=false', 'values.gateways.istio-ingressgateway.type=3'] })).toEqual([
      'spec.values.gateways.istio-ingressgateway.type (--set values.gateways.istio-ingressgateway.type=3): must be string, got number 3',
      'spec.values.pilot.autoscaleEnabld (--set values.pilot.autoscaleEnabld=false): unknown field "autoscaleEnabld" (did you mean "autoscaleEnabled"?)',
    ]);
  });

  it('unknown top-level spec and component fields', async () => {
    const f = file('top.yaml', 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profiel: demo\n  components:\n    gateway:\n      enabled: true\n    pilot:\n      k8s:\n        replicas: 2\n');
    expect(await problems({ files: [f] })).toEqual([
      `spec.profiel (${f}:4): unknown field "profiel" (did you mean "profile"?)`,
      `spec.components.gateway (${f}:6): unknown field "gateway"`,
      `spec.components.pilot.k8s.replicas (${f}:10): unknown field "replicas"`,
    ]);
  });

  it('enums, durations, list items and k8s settings', async () => {
    expect(
      await problems({
        sets: [
          'values.global.proxy.tracer=jaeger',
          'values.pilot.keepaliveMaxServerConnectionAge=soon',
          'components.pilot.k8s.imagePullPolicy=Sometimes',
          'components.pilot.k8s.env[0].value=x',
          'components.ingressGateways[0].name=Bad_Name',
        ],
      }),
    ).toEqual([
      'spec.components.pilot.k8s.env[0] (--set components.pilot.k8s.env[0].value=x): missing required field "name"',
      'spec.components.pilot.k8s.imagePullPolicy (--set components.pilot.k8s.imagePullPolicy=Sometimes): must be one of: Always, Never, IfNotPresent',
      'spec.components.ingressGateways[0].name (--set components.ingressGateways[0].name=Bad_Name): must be lower-case letters, digits, "." and "-" (at most 254)',
      'spec.values.global.proxy.tracer (--set values.global.proxy.tracer=jaeger): must be one of: zipkin, lightstep, datadog, stackdriver, openCensusAgent, none',
      'spec.values.pilot.keepaliveMaxServerConnectionAge (--set values.pilot.keepaliveMaxServerConnectionAge=soon): must be a duration such as 30s, 5m or 1h',
    ]);
  });

  it('semantic checks: hub, tag, CIDRs, ports, gateway target ports', async () => {
    expect(
      await problems({
        sets: [
          'hub=not a hub',
          'tag=bad tag!',
          'values.global.proxy.excludeIPRanges=10.0.0.0/8\\,nope',
          'values.global.proxy.excludeInboundPorts=80\\,99999',
          'components.ingressGateways[0].k8s.service.ports[0].name=http',
          'components.ingressGateways[0].k8s.service.ports[0].port=80',
          'components.ingressGateways[0].k8s.service.ports[0].targetPort=80',
        ],
      }),
    ).toEqual([
      'spec.hub (--set hub=not a hub): bad hub: "not a hub" is not an image registry path such as docker.io/istio',
      'spec.tag (--set tag=bad tag!): bad tag: "bad tag!" is not a valid image tag',
      'spec.values.global.proxy.excludeIPRanges (--set values.global.proxy.excludeIPRanges=10.0.0.0/8\\,nope): invalid CIDR "nope": expected a comma-separated list of CIDRs or *',
      'spec.values.global.proxy.excludeInboundPorts (--set values.global.proxy.excludeInboundPorts=80\\,99999): invalid port "99999": expected a comma-separated list of ports 0-65535',
      'spec.components.ingressGateways[0].k8s.service.ports[0].targetPort (--set components.ingressGateways[0].k8s.service.ports[0].targetPort=80): port http/80 in gateway istio-ingressgateway invalid: targetPort is set to 80, which requires root. Set targetPort to a value >= 1024, or set values.gateways.istio-ingressgateway.runAsRoot=true',
    ]);
    // a bad values.global.hub set directly is reported at its own path
    expect(await problems({ sets: ['values.global.hub=UPPER CASE'] })).toEqual([
      'spec.values.global.hub (--set values.global.hub=UPPER CASE): bad hub: "UPPER CASE" is not an image registry path such as docker.io/istio',
    ]);
    // runAsRoot allows low target ports
    await expect(
      resolveIstioOperator({ sets: ['values.gateways.istio-ingressgateway.runAsRoot=true', 'components.ingressGateways[0].k8s.service.ports[0].targetPort=80'] }),
    ).resolves.toBeDefined();
  });
});

describe('--force', () => {
  it('downgrades errors to warnings and keeps the values', async () => {
    const { iop, warnings } = await resolveIstioOperator({ sets: ['values.global.hubb=x'], force: true });
    expect(warnings).toEqual([
      'spec invalid; continuing because of --force: spec.values.global.hubb (--set values.global.hubb=x): unknown field "hubb" (did you mean "hub"?)',
    ]);
    expect((iop.spec.values!.global as Record<string, unknown>).hubb).toBe('x');
  });

  it('warnings that are not errors are reported without --force', async () => {
    const { warnings } = await resolveIstioOperator({ sets: ['components.pilot.k8s.replicaCount=2'] });
    expect(warnings).toEqual([
      'spec.components.pilot.k8s.replicaCount (--set components.pilot.k8s.replicaCount=2): is ignored while autoscaling is on; set values.pilot.autoscaleEnabled=false to pin the replica count',
    ]);
  });
});

describe('realistic IstioOperators validate cleanly', () => {
  it('a production-style overlay', async () => {
    const f = file('prod.yaml', `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: prod
  namespace: istio-system
spec:
  profile: default
  hub: registry.example.com:5000/istio
  tag: 1.30.0
  revision: 1-30-0
  meshConfig:
    accessLogFile: /dev/stdout
    defaultConfig:
      holdApplicationUntilProxyStarts: true
      proxyMetadata:
        ISTIO_META_DNS_CAPTURE: "true"
    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
  components:
    pilot:
      k8s:
        resources:
          requests: {cpu: 500m, memory: 2Gi}
          limits: {cpu: 2, memory: 4Gi}
        hpaSpec:
          minReplicas: 2
          maxReplicas: 5
        env:
          - name: PILOT_FILTER_GATEWAY_CLUSTER_CONFIG
            value: "true"
        nodeSelector:
          pool: system
        tolerations:
          - key: dedicated
            operator: Equal
            value: system
            effect: NoSchedule
        podDisruptionBudget:
          minAvailable: 1
    ingressGateways:
      - name: istio-ingressgateway
        enabled: true
        label:
          istio: ingressgateway
        k8s:
          serviceAnnotations:
            service.beta.kubernetes.io/aws-load-balancer-type: nlb
          service:
            type: LoadBalancer
            ports:
              - name: http2
                port: 80
                targetPort: 8080
              - name: https
                port: 443
                targetPort: 8443
          overlays:
            - kind: Deployment
              name: istio-ingressgateway
              patches:
                - path: spec.template.spec.containers.[name:istio-proxy].env.[name:X].value
                  value: "1"
      - name: internal-gateway
        namespace: gateways
        label:
          app: internal
  values:
    global:
      meshID: mesh1
      network: net1
      multiCluster:
        clusterName: c1
      logAsJson: true
      proxy:
        resources:
          requests: {cpu: 50m, memory: 64Mi}
        holdApplicationUntilProxyStarts: true
        includeIPRanges: "10.0.0.0/8,172.16.0.0/12"
        excludeInboundPorts: "15020"
      imagePullSecrets: [regcred]
    pilot:
      autoscaleMin: 2
      traceSampling: 1.0
      env:
        PILOT_ENABLE_STATUS: "true"
      keepaliveMaxServerConnectionAge: 30m
    sidecarInjectorWebhook:
      rewriteAppHTTPProbe: true
      injectedAnnotations:
        container.apparmor.security.beta.kubernetes.io/istio-proxy: runtime/default
    gateways:
      istio-ingressgateway:
        type: LoadBalancer
        autoscaleMax: 10
    telemetry:
      enabled: true
      v2:
        prometheus:
          enabled: true
    ztunnel:
      anything: goes
    cni:
      resource_quotas:
        enabled: false
`);
    const { warnings } = await resolveIstioOperator({ files: [f] });
    expect(warnings).toEqual([]);
  });
});
