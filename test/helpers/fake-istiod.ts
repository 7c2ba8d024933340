/**
 * A stand-in for one revision's istiod, for tests against the emulator (which must be started with
 * admissionWebhooks: true). It serves the two things of istiod that sailctl and the API server use:
 *  - the sidecar injector (HTTPS, port 15017 of the istiod pods): an AdmissionReview is answered by
 *    sailctl's own injection library (src/inject/pod-inject.ts) with this revision's ConfigMaps
 *    read from the emulator — what istiod renders with its own templates, values and mesh config.
 *    sailctl's library rather than a hand-made stand-in because the pods must come out as a real
 *    injection makes them (istio-proxy image and version of the revision, sidecar.istio.io/status
 *    naming it), which is what version, verify-install and proxy-status read back. Already
 *    injected pods are let through unchanged, as istiod does. Like istiod's webhook controller, it
 *    patches its CA into the caBundle of every webhook configuration labelled with its revision.
 *  - the debug endpoint (HTTP, port 15014): `/debug/syncz` lists the emulator's running pods whose
 *    sidecar status names this revision as connected proxies (every type SYNCED unless a test
 *    sets another state), and `/debug/config_dump?proxyID=` answers a dump a test gives it. A
 *    bearer token, when sent, must be one the emulator issued for audience istio-ca.
 * The istiod pods reach both through kube-emulator/forward-15017 and -15014 pod annotations, set
 * in the IstioOperator overlay `istiodOverlay()` returns.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { issueServingCertificate } from '../kube-emulator/tls.js';
import type { Emulator, Obj } from '../kube-emulator/index.js';
import { loadInjectionConfig } from '../../src/inject/config-sources.js';
import { injectPod } from '../../src/inject/pod-inject.js';
import type { JsonObject } from '../../src/core/json.js';

export interface InjectionCall {
  namespace: string;
  pod: string;
  /** The revision whose istiod injected it. */
  revision: string;
  injected: boolean;
}

export interface TypeOverride {
  sent?: string;
  acked?: string;
  sentTime?: string;
}

export interface FakeIstiod {
  revision: string;
  namespace: string;
  injections: InjectionCall[];
  /** Authorization headers of the debug requests, in order ('' when none was sent). */
  debugAuth: string[];
  debugPaths: string[];
  /** Per proxy ID (`pod.ns`), per type URL: a sync state other than SYNCED, or null to drop the type. */
  overrides: Map<string, Record<string, TypeOverride | null>>;
  /** config_dump answers per proxy ID. */
  configDumps: Map<string, string>;
  /** An IstioOperator overlay pointing the istiod pods' ports at this stand-in. */
  istiodOverlay(): string;
  close(): Promise<void>;
}

const CORE_TYPES = [
  'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  'type.googleapis.com/envoy.config.listener.v3.Listener',
  'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
];

const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

function statusRevision(pod: Obj): string | undefined {
  const status = pod.metadata?.annotations?.['sidecar.istio.io/status'];
  if (!status) return undefined;
  try {
    return JSON.parse(status).revision || 'default';
  } catch {
    return undefined;
  }
}

function tagOf(image: string | undefined): string {
  const m = /:([^:/@]+)$/.exec(image ?? '');
  return m ? m[1]! : '';
}

export async function startFakeIstiod(emu: Emulator, options: { revision?: string; namespace?: string } = {}): Promise<FakeIstiod> {
  const revision = options.revision ?? 'default';
  const namespace = options.namespace ?? 'istio-system';
  const service = revision === 'default' ? 'istiod' : `istiod-${revision}`;
  const tls = issueServingCertificate([`${service}.${namespace}.svc`, `istiod.${namespace}.svc`]);
  const caBundle = Buffer.from(tls.caPem).toString('base64');
  const injections: InjectionCall[] = [];
  const debugAuth: string[] = [];
  const debugPaths: string[] = [];
  const overrides = new Map<string, Record<string, TypeOverride | null>>();
  const configDumps = new Map<string, string>();

  const reader = {
    describe: () => 'kube-emulator',
    configMapData: async (ns: string, name: string) => emu.get('v1', 'ConfigMap', ns, name)?.data ?? undefined,
    defaultRevision: async () => undefined,
  };

  const inject = async (review: Obj): Promise<Obj> => {
    const request = review.request;
    const pod: Obj = request.object;
    const response: Obj = { uid: request.uid, allowed: true };
    const name = pod.metadata?.name ?? pod.metadata?.generateName ?? '';
    if (pod.metadata?.annotations?.['sidecar.istio.io/status']) {
      injections.push({ namespace: request.namespace, pod: name, revision, injected: false });
      return response;
    }
    const { config } = await loadInjectionConfig({ revision, istioNamespace: namespace }, { cluster: async () => reader, env: {} });
    const owner = (pod.metadata?.ownerReferences ?? [])[0];
    const deployName = owner?.kind === 'ReplicaSet' ? String(owner.name).replace(/-[^-]+$/, '') : owner?.name ?? name;
    const out = injectPod(config, { typeMeta: { apiVersion: 'v1', kind: 'Pod' }, deployMeta: { name: deployName, namespace: request.namespace }, metadata: pod.metadata as JsonObject, spec: pod.spec as JsonObject });
    const ops = [
      { op: 'add', path: '/metadata/labels', value: out.metadata.labels ?? {} },
      { op: 'add', path: '/metadata/annotations', value: out.metadata.annotations ?? {} },
      { op: 'add', path: '/spec', value: out.spec },
    ];
    injections.push({ namespace: request.namespace, pod: name, revision, injected: true });
    return { ...response, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
  };

  const webhook = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    void readBody(req).then(async (text) => {
      const review = JSON.parse(text);
      let response: Obj;
      try {
        response = await inject(review);
      } catch (err) {
        response = { uid: review.request.uid, allowed: false, status: { code: 500, message: `injection failed: ${(err as Error).message}` } };
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  });

  const syncz = (nsFilter: string | null): Obj[] => {
    const out: Obj[] = [];
    for (const pod of emu.list('v1', 'Pod').sort((a, b) => (`${a.metadata.name}.${a.metadata.namespace}` < `${b.metadata.name}.${b.metadata.namespace}` ? -1 : 1))) {
      if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp || statusRevision(pod) !== revision) continue;
      if (nsFilter && pod.metadata.namespace !== nsFilter) continue;
      const proxy = (pod.spec.containers ?? []).concat(pod.spec.initContainers ?? []).find((c: Obj) => c.name === 'istio-proxy');
      if (!proxy) continue;
      const id = `${pod.metadata.name}.${pod.metadata.namespace}`;
      const sentTime = pod.status.startTime ?? pod.metadata.creationTimestamp;
      const resources: Obj = {};
      for (const t of CORE_TYPES) resources[t] = { sent: `${id}-${t.length}`, acked: `${id}-${t.length}`, sentTime };
      for (const [t, o] of Object.entries(overrides.get(id) ?? {})) {
        if (o === null) delete resources[t];
        else resources[t] = { sentTime: '0001-01-01T00:00:00Z', ...o };
      }
      const nonce = (t: string) => resources[t] ?? {};
      out.push({
        cluster_id: 'Kubernetes',
        proxy: id,
        proxy_type: (proxy.args ?? []).includes('router') ? 'router' : 'sidecar',
        istio_version: tagOf(proxy.image),
        cluster_sent: nonce(CORE_TYPES[0]!).sent,
        cluster_acked: nonce(CORE_TYPES[0]!).acked,
        listener_sent: nonce(CORE_TYPES[1]!).sent,
        listener_acked: nonce(CORE_TYPES[1]!).acked,
        endpoint_sent: nonce(CORE_TYPES[2]!).sent,
        endpoint_acked: nonce(CORE_TYPES[2]!).acked,
        route_sent: nonce(CORE_TYPES[3]!).sent,
        route_acked: nonce(CORE_TYPES[3]!).acked,
        resources,
      });
    }
    return out;
  };

  const debug = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://istiod');
    const auth = req.headers.authorization ?? '';
    debugAuth.push(auth);
    debugPaths.push(`${url.pathname}${url.search}`);
    if (auth) {
      const review = emu.reviewToken(auth.replace(/^Bearer /, ''), 'istio-ca');
      if (!review.authenticated) {
        res.writeHead(401);
        return res.end();
      }
    }
    if (url.pathname === '/debug/syncz') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify(syncz(url.searchParams.get('namespace')), null, 2));
    }
    if (url.pathname === '/debug/config_dump') {
      const dump = configDumps.get(url.searchParams.get('proxyID') ?? '');
      if (!dump) {
        res.writeHead(404);
        return res.end('Proxy not connected to this Pilot instance. It may be connected to another instance.\n');
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(dump);
    }
    res.writeHead(404);
    res.end();
  });

  await Promise.all([new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r)), new Promise<void>((r) => debug.listen(0, '127.0.0.1', r))]);
  const webhookPort = (webhook.address() as AddressInfo).port;
  const debugPort = (debug.address() as AddressInfo).port;

  // istiod's webhook controller: keep this revision's webhook configurations' caBundle ours.
  const patchCaBundles = () => {
    for (const mwc of emu.list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration')) {
      if ((mwc.metadata.labels?.['istio.io/rev'] ?? '') !== revision) continue;
      const hooks: Obj[] = mwc.webhooks ?? [];
      if (hooks.every((w) => w.clientConfig?.caBundle === caBundle)) continue;
      for (const w of hooks) w.clientConfig = { ...w.clientConfig, caBundle };
      emu.api.update(emu.type('admissionregistration.k8s.io', 'mutatingwebhookconfigurations'), 'v1', undefined, mwc.metadata.name, mwc, { fieldManager: 'pilot-discovery' });
    }
  };
  const unsubscribe = emu.store.subscribe((e) => {
    if (e.typeKey.endsWith('mutatingwebhookconfigurations')) setImmediate(() => {
      try {
        patchCaBundles();
      } catch {
        // A concurrent writer won; the event of its write brings us back here.
      }
    });
  });
  patchCaBundles();

  return {
    revision,
    namespace,
    injections,
    debugAuth,
    debugPaths,
    overrides,
    configDumps,
    istiodOverlay: () =>
      [
        'apiVersion: install.istio.io/v1alpha1',
        'kind: IstioOperator',
        'spec:',
        '  components:',
        '    pilot:',
        '      k8s:',
        '        podAnnotations:',
        `          kube-emulator/forward-15017: "127.0.0.1:${webhookPort}"`,
        `          kube-emulator/forward-15014: "127.0.0.1:${debugPort}"`,
        '',
      ].join('\n'),
    async close() {
      unsubscribe?.();
      await Promise.all([new Promise<void>((r) => webhook.close(() => r())), new Promise<void>((r) => debug.close(() => r()))]);
    },
  };
}
