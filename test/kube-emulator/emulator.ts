/**
 * startEmulator(): an in-process Kubernetes API server for tests, on a random 127.0.0.1 port, over
 * HTTPS (generated CA, bearer token) or plain HTTP, with simulated controllers, fault injection and a
 * request log. See ./index.ts for the public surface.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type stream from 'node:stream';
import { stringify } from 'yaml';
import { AccessPolicy, type AccessRule } from './access.js';
import { MutatingAdmission } from './admission.js';
import { Api, nowTimestamp, type WriteContext } from './api.js';
import { ApiError, type Obj } from './errors.js';
import { clone } from './patch/json-patches.js';
import { Faults, type FaultRule, type RequestRecord } from './faults.js';
import { crdController, garbageCollector, namespaceController } from './controllers/lifecycle.js';
import { endpointsController } from './controllers/endpoints.js';
import { kubelet } from './controllers/kubelet.js';
import { ControllerContext, type ControllerSettings } from './controllers/runtime.js';
import { workloadControllers } from './controllers/workloads.js';
import { Registry, type ResourceType } from './registry.js';
import { createRequestHandler, createUpgradeHandler, type ServerCore } from './server.js';
import { Store } from './store.js';
import { tlsMaterial } from './tls.js';
import { TokenIssuer, type TokenReview } from './tokens.js';

export interface EmulatorOptions {
  /** HTTPS with a generated CA (default true). */
  tls?: boolean;
  /** Bearer token clients must send (default "kube-emulator-token"); enforced over HTTPS, and over HTTP with requireAuth. */
  token?: string;
  /** Enforce the token over plain HTTP too (kubectl sends no token over http://). Default: only with TLS. */
  requireAuth?: boolean;
  /** Port to listen on (default 0 = random). */
  port?: number;
  /** Delay before a scheduled pod runs and becomes Ready (default 20 ms). */
  readyDelayMs?: number;
  /** Delay before a new CRD reports Established and its kinds are served (default 0 = next tick). */
  crdEstablishDelayMs?: number;
  /** Delay before a Terminating namespace's content is deleted (default 20 ms). */
  namespaceDeleteDelayMs?: number;
  /** Interval of watch BOOKMARK events when clients ask for them (default 5000 ms). */
  bookmarkIntervalMs?: number;
  /** Events kept for watch resumption before 410 Gone (default 50,000). */
  eventLogSize?: number;
  /** Simulated nodes at start (default 1). */
  nodes?: number;
  /**
   * Call MutatingWebhookConfigurations on CREATE, as kube-apiserver does (default false: tests
   * that install Istio without running an istiod would otherwise fail every pod create, exactly
   * as a real cluster with a dead injector does).
   */
  admissionWebhooks?: boolean;
}

export interface PortTarget {
  host: string;
  port: number;
}

type LogProvider = string | ((container: string | undefined) => string);

export class Emulator {
  readonly store: Store;
  readonly registry = new Registry();
  readonly api: Api;
  readonly access = new AccessPolicy();
  readonly requests: RequestRecord[] = [];
  readonly tokens = new TokenIssuer();
  private readonly admission: MutatingAdmission;
  private admissionOn: boolean;
  private readonly counts = new Map<string, number>();
  private readonly faults = new Faults();
  private readonly controllers: ControllerContext;
  private readonly settings: ControllerSettings;
  private readonly portTargets = new Map<string, PortTarget>();
  private readonly podLogProviders = new Map<string, LogProvider>();
  private readonly activeWatches = new Set<{ end(): void; destroy(): void }>();
  private readonly activeSockets = new Set<stream.Duplex>();
  private server!: http.Server;
  private nodeCount = 0;
  /** https://127.0.0.1:PORT or http://... */
  url = '';
  readonly token: string;
  readonly tls: boolean;
  readonly caPem?: string;

  constructor(private readonly options: EmulatorOptions = {}) {
    this.tls = options.tls ?? true;
    this.token = options.token ?? 'kube-emulator-token';
    this.caPem = this.tls ? tlsMaterial().caPem : undefined;
    this.store = new Store(options.eventLogSize ?? 50_000);
    this.api = new Api(this.store, { namespaceType: this.registry.get('', 'namespaces')! });
    this.settings = {
      podReadyDelayMs: options.readyDelayMs ?? 20,
      crdEstablishDelayMs: options.crdEstablishDelayMs ?? 0,
      namespaceDeleteDelayMs: options.namespaceDeleteDelayMs ?? 20,
      failImages: [],
      crashLoopImages: [],
      caPem: this.caPem ?? '-----BEGIN CERTIFICATE-----\n(plain-http emulator)\n-----END CERTIFICATE-----\n',
    };
    this.controllers = new ControllerContext(this.api, this.registry, this.store, this.settings);
    this.admission = new MutatingAdmission(this.api, this.registry, (ns, pod, port) => this.resolvePortTarget(ns, pod, port));
    this.admissionOn = options.admissionWebhooks ?? false;
    this.controllers.admission = () => (this.admissionOn ? this.admission : undefined);
    const listeners = [
      garbageCollector(this.controllers),
      crdController(this.controllers),
      namespaceController(this.controllers),
      workloadControllers(this.controllers),
      kubelet(this.controllers),
      endpointsController(this.controllers),
    ];
    this.store.subscribe((e) => {
      for (const l of listeners) l(e);
    });
    this.seed(options.nodes ?? 1);
  }

  private seed(nodes: number): void {
    const ns = this.type('', 'namespaces');
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.api.create(ns, 'v1', undefined, { metadata: { name } }, { fieldManager: 'kube-apiserver' });
    }
    this.api.create(
      this.type('', 'services'),
      'v1',
      'default',
      {
        metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], type: 'ClusterIP' },
      },
      { fieldManager: 'kube-apiserver' },
    );
    for (let i = 0; i < nodes; i++) this.addNode();
  }

  type(group: string, plural: string): ResourceType {
    const t = this.registry.get(group, plural);
    if (!t) throw new Error(`kube-emulator: no resource ${plural}${group ? `.${group}` : ''}`);
    return t;
  }

  async listen(): Promise<void> {
    const core: ServerCore = {
      api: this.api,
      registry: this.registry,
      access: this.access,
      faults: this.faults,
      requests: this.requests,
      counts: this.counts,
      token: this.token,
      requireAuth: this.options.requireAuth ?? this.tls,
      bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 5000,
      serverAddress: () => this.url.replace(/^https?:\/\//, ''),
      podLogs: (ns, name, container) => this.podLogs(ns, name, container),
      portForwardResolver: (ns, pod) => (port) => this.resolvePortTarget(ns, pod, port),
      activeWatches: this.activeWatches,
      activeSockets: this.activeSockets,
      tokens: this.tokens,
      admission: () => (this.admissionOn ? this.admission : undefined),
    };
    const handler = createRequestHandler(core);
    if (this.tls) {
      const m = tlsMaterial();
      this.server = https.createServer({ cert: m.certPem, key: m.keyPem }, handler);
    } else {
      this.server = http.createServer(handler);
    }
    this.server.keepAliveTimeout = 30_000;
    this.server.on('upgrade', createUpgradeHandler(core));
    this.server.on('connection', (socket) => {
      this.activeSockets.add(socket);
      socket.on('close', () => this.activeSockets.delete(socket));
    });
    if (this.tls) {
      this.server.on('secureConnection', (socket) => {
        this.activeSockets.add(socket);
        socket.on('close', () => this.activeSockets.delete(socket));
      });
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `${this.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  /** Stops controllers, ends watches, closes every connection and the listener. */
  async stop(): Promise<void> {
    this.controllers.stop();
    for (const w of [...this.activeWatches]) w.destroy();
    for (const s of [...this.activeSockets]) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- kubeconfig ----------------------------------------------------------------------------

  /** A kubeconfig for this emulator (context "kube-emulator", namespace "default"). */
  kubeconfig(options: { namespace?: string } = {}): string {
    const cluster: Obj = { server: this.url };
    if (this.caPem) cluster['certificate-authority-data'] = Buffer.from(this.caPem).toString('base64');
    else cluster['insecure-skip-tls-verify'] = true;
    return stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'kube-emulator', cluster }],
      users: [{ name: 'kube-emulator-user', user: { token: this.token } }],
      contexts: [{ name: 'kube-emulator', context: { cluster: 'kube-emulator', user: 'kube-emulator-user', namespace: options.namespace ?? 'default' } }],
      'current-context': 'kube-emulator',
      preferences: {},
    });
  }

  writeKubeconfig(path: string, options: { namespace?: string } = {}): string {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, this.kubeconfig(options), { mode: 0o600 });
    return path;
  }

  // ---- observation ---------------------------------------------------------------------------

  get requestCount(): number {
    return this.requests.length;
  }

  /** Requests per "verb resource" (e.g. "create deployments", "patch deployments/status", "get /version"). */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Requests matching a filter (verb, resource, namespace, name, ...). */
  countRequests(filter: Partial<Pick<RequestRecord, 'verb' | 'resource' | 'subresource' | 'namespace' | 'name' | 'method'>> = {}): number {
    return this.requests.filter((r) => Object.entries(filter).every(([k, v]) => (r as unknown as Obj)[k] === v)).length;
  }

  resetRequestLog(): void {
    this.requests.length = 0;
    this.counts.clear();
  }

  // ---- fault injection -----------------------------------------------------------------------

  /** Fail (or delay, or drop) the next matching request(s). */
  failNext(rule: FaultRule): void {
    this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Ends every open watch stream cleanly (as an apiserver restart or timeout would); clients must re-watch. */
  dropWatches(options: { abrupt?: boolean } = {}): number {
    const n = this.activeWatches.size;
    for (const w of [...this.activeWatches]) {
      if (options.abrupt) w.destroy();
      else w.end();
    }
    return n;
  }

  get openWatches(): number {
    return this.activeWatches.size;
  }

  /** Forget the event log: watches from any earlier resourceVersion now get 410 Gone. */
  compactEvents(): void {
    this.store.compact();
  }

  // ---- authentication and admission ----------------------------------------------------------

  /** What a TokenReview says about a token from .../serviceaccounts/<sa>/token (for test stand-ins). */
  reviewToken(token: string, audience?: string): TokenReview {
    return this.tokens.review(token, audience);
  }

  /** Turns calling mutating admission webhooks on or off (see EmulatorOptions.admissionWebhooks). */
  set admissionWebhooks(on: boolean) {
    this.admissionOn = on;
  }

  // ---- authorization -------------------------------------------------------------------------

  /** Ordered allow/deny rules (first match wins; no rules = allow everything). */
  setAccessRules(rules: AccessRule[]): void {
    this.access.rules = [...rules];
  }

  // ---- simulation knobs ----------------------------------------------------------------------

  /** Pods started from now on whose image matches go to ImagePullBackOff (with kubelet Events). */
  failImages(pattern: RegExp): void {
    this.settings.failImages.push(pattern);
  }

  /** Pods started from now on whose image matches crash-loop (CrashLoopBackOff, not Ready). */
  crashLoopImages(pattern: RegExp): void {
    this.settings.crashLoopImages.push(pattern);
  }

  set readyDelayMs(ms: number) {
    this.settings.podReadyDelayMs = ms;
  }

  set crdEstablishDelayMs(ms: number) {
    this.settings.crdEstablishDelayMs = ms;
  }

  addNode(name?: string, labels: Record<string, string> = {}): Obj {
    this.nodeCount++;
    const nodeName = name ?? `kube-emulator-node-${this.nodeCount}`;
    const now = nowTimestamp();
    const ip = `172.18.0.${this.nodeCount + 1}`;
    const node = this.api.create(
      this.type('', 'nodes'),
      'v1',
      undefined,
      {
        metadata: {
          name: nodeName,
          labels: { 'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', ...labels },
        },
        spec: { podCIDR: `10.244.${this.nodeCount - 1}.0/24`, podCIDRs: [`10.244.${this.nodeCount - 1}.0/24`] },
      },
      { fieldManager: 'kubelet' },
    );
    return (
      this.api.writeStatus(
        this.type('', 'nodes'),
        node,
        {
          capacity: { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' },
          allocatable: { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' },
          conditions: [
            { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: now, lastTransitionTime: now },
            { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: now, lastTransitionTime: now },
            { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: now, lastTransitionTime: now },
            { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now },
          ],
          addresses: [
            { type: 'InternalIP', address: ip },
            { type: 'Hostname', address: nodeName },
          ],
          nodeInfo: {
            architecture: 'amd64',
            operatingSystem: 'linux',
            osImage: 'Debian GNU/Linux 12 (bookworm)',
            kernelVersion: '6.1.0',
            containerRuntimeVersion: 'containerd://1.7.24',
            kubeletVersion: 'v1.32.0',
            kubeProxyVersion: 'v1.32.0',
            machineID: '',
            systemUUID: '',
            bootID: '',
          },
        },
        'kubelet',
      ) ?? node
    );
  }

  /** Text served by pods/{name}/log. */
  setPodLogs(namespace: string, pod: string, logs: LogProvider): void {
    this.podLogProviders.set(`${namespace}/${pod}`, logs);
  }

  private podLogs(namespace: string, name: string, container: string | undefined): string {
    const pod = this.api.tryGet(this.type('', 'pods'), namespace, name);
    if (!pod) throw new ApiError(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
    const provider = this.podLogProviders.get(`${namespace}/${name}`);
    if (provider === undefined) return '';
    return typeof provider === 'string' ? provider : provider(container);
  }

  // ---- port-forward --------------------------------------------------------------------------

  /** Where pods/{pod}/portforward to `port` connects (instead of the pod annotation kube-emulator/forward-<port>). */
  attachPortTarget(namespace: string, pod: string, port: number, target: PortTarget): void {
    this.portTargets.set(`${namespace}/${pod}/${port}`, target);
  }

  private resolvePortTarget(namespace: string, pod: string, port: number): PortTarget | { error: string } {
    const attached = this.portTargets.get(`${namespace}/${pod}/${port}`);
    if (attached) return attached;
    const obj = this.api.tryGet(this.type('', 'pods'), namespace, pod);
    const annotation: string | undefined = obj?.metadata.annotations?.[`kube-emulator/forward-${port}`];
    if (annotation) {
      const m = /^(.+):(\d+)$/.exec(annotation.trim());
      if (m) return { host: m[1], port: Number(m[2]) };
      return { error: `pod annotation kube-emulator/forward-${port} must be host:port, got ${JSON.stringify(annotation)}` };
    }
    return {
      error: `error forwarding port ${port} to pod ${obj?.metadata.uid ?? pod}, uid : failed to execute portforward in network namespace "/var/run/netns/cni-emulator": failed to connect to localhost:${port} inside namespace "${obj?.metadata.uid ?? pod}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6: address localhost: no suitable address `,
    };
  }

  // ---- direct access (no HTTP) ---------------------------------------------------------------

  /** Creates an object directly (same semantics as POST). `apiVersion`/`kind` pick the type. */
  create(obj: Obj, ctx: WriteContext = {}): Obj {
    const { type, version } = this.resolve(obj.apiVersion, obj.kind);
    return clone(this.api.create(type, version, obj.metadata?.namespace ?? (type.namespaced ? 'default' : undefined), obj, { fieldManager: 'kube-emulator-test', ...ctx }));
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Obj | undefined {
    const { type, version } = this.resolve(apiVersion, kind);
    const obj = this.api.tryGet(type, namespace, name);
    return obj ? clone(this.api.present(obj, type, version)) : undefined;
  }

  /** Copies: changing what tests get back never changes the store. */
  list(apiVersion: string, kind: string, namespace?: string): Obj[] {
    const { type, version } = this.resolve(apiVersion, kind);
    return clone(this.api.list(type, version, namespace).items);
  }

  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
    const { type, version } = this.resolve(apiVersion, kind);
    this.api.delete(type, version, namespace, name);
  }

  private resolve(apiVersion: string, kind: string): { type: ResourceType; version: string } {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const type = this.registry.byKind(group, kind);
    if (!type || !type.versions.includes(version)) throw new Error(`kube-emulator: no kind ${kind} in ${apiVersion}`);
    return { type, version };
  }

  /** Resolves once the controllers have nothing queued (timers such as pod start delays may still be pending). */
  async settle(): Promise<void> {
    for (let i = 0; i < 100 && !this.controllers.queue.idle; i++) await new Promise((r) => setImmediate(r));
  }

  /** Polls until `check` returns a truthy value (or throws after timeoutMs). */
  async waitFor<T>(check: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`kube-emulator: timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new Emulator(options);
  await emulator.listen();
  return emulator;
}
