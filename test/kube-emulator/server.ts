/**
 * HTTP routing: authentication, discovery/OpenAPI endpoints, resource URLs → Api calls, watch
 * streaming, Tables, fault injection and the request log. Port-forward upgrades go to ./portforward.
 */
import type http from 'node:http';
import type stream from 'node:stream';
import type { AccessPolicy } from './access.js';
import type { MutatingAdmission } from './admission.js';
import type { Api, DeleteOptions, WriteContext } from './api.js';
import type { FieldValidation } from './crds.js';
import {
  aggregatedDiscovery,
  AGGREGATED_V2,
  apiGroup,
  apiGroupList,
  apiVersions,
  resourceList,
  versionInfo,
  wantsAggregated,
} from './discovery.js';
import { ApiError, badRequest, injectedFailure, internalError, methodNotAllowed, notFound, unauthorized, unknownPath, type Obj } from './errors.js';
import type { Faults, RequestRecord } from './faults.js';
import { openAPIIndex, openAPIV2 } from './openapi.js';
import { decodeProtobufBody } from './protobuf.js';
import { isPlainObject, jsonPatch, mergePatch } from './patch/json-patches.js';
import { apiVersionOf, type Registry, type ResourceType } from './registry.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { toTable, wantsTable } from './table.js';
import type { TokenIssuer } from './tokens.js';
import { startWatch } from './watch.js';

export interface ServerCore {
  api: Api;
  registry: Registry;
  access: AccessPolicy;
  faults: Faults;
  requests: RequestRecord[];
  counts: Map<string, number>;
  token?: string;
  requireAuth: boolean;
  bookmarkIntervalMs: number;
  serverAddress(): string;
  podLogs(namespace: string, name: string, container: string | undefined): string;
  portForwardResolver(namespace: string, pod: string): (port: number) => { host: string; port: number } | { error: string };
  activeWatches: Set<{ end(): void; destroy(): void }>;
  activeSockets: Set<stream.Duplex>;
  tokens: TokenIssuer;
  /** Mutating webhooks, when the emulator calls them (startEmulator({ admissionWebhooks: true })). */
  admission(): MutatingAdmission | undefined;
}

interface Route {
  group: string;
  version: string;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPath: boolean;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

function send(res: http.ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', ...headers });
  res.end(text);
}

function sendError(res: http.ServerResponse, err: ApiError): void {
  send(res, err.code, err.toStatus(), err.headers);
}

async function readRawBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

function verbOf(method: string, route: Route | undefined, query: URLSearchParams): string {
  const watch = route?.watchPath || query.get('watch') === 'true' || query.get('watch') === '1';
  switch (method) {
    case 'GET':
      if (watch) return 'watch';
      return !route || route.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return route?.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** Parses /api/v1/... and /apis/g/v/... into a route; undefined for discovery-only paths. */
function parseRoute(registry: Registry, segs: string[]): Route | 'discovery' | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 2) {
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 3) {
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else {
    return undefined;
  }
  if (rest.length === 0) return 'discovery';
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  let plural: string;
  let name: string | undefined;
  let subresource: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(group === '' && rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    [plural, name, subresource] = rest.slice(2);
    if (rest.length > 5) return undefined;
  } else {
    [plural, name, subresource] = rest;
    if (rest.length > 3) return undefined;
  }
  const type = registry.get(group, plural);
  if (!type || !type.versions.includes(version) || (type.crd && !type.crd.established)) return undefined;
  if (namespace !== undefined && !type.namespaced) return undefined;
  if (type.namespaced && namespace === undefined && name !== undefined) return undefined;
  return { group, version, type, namespace, name, subresource, watchPath };
}

function boolParam(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  return v === 'true' || v === '1';
}

function writeContext(req: http.IncomingMessage, q: URLSearchParams): WriteContext {
  const fv = q.get('fieldValidation');
  return {
    fieldManager: q.get('fieldManager') ?? undefined,
    userAgent: req.headers['user-agent'],
    dryRun: q.getAll('dryRun').includes('All'),
    fieldValidation: (fv === 'Strict' || fv === 'Ignore' || fv === 'Warn' ? fv : 'Warn') as FieldValidation,
    warnings: [],
  };
}

function warningHeaders(ctx: WriteContext): Record<string, string> {
  if (!ctx.warnings?.length) return {};
  return { Warning: ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

function parseJson(text: string): Obj {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

function setPath(target: Obj, path: string, value: unknown): Obj {
  const parts = path.replace(/^\./, '').split('.');
  let cur = target;
  for (const p of parts.slice(0, -1)) cur = cur[p] ??= {};
  cur[parts[parts.length - 1]] = value;
  return target;
}

function readPath(obj: Obj, path: string | undefined): unknown {
  if (!path) return undefined;
  let cur: any = obj;
  for (const p of path.replace(/^\./, '').split('.')) cur = cur?.[p];
  return cur;
}

function scaleOf(type: ResourceType, obj: Obj): Obj {
  const scale = type.scale!;
  const selector = readPath(obj, scale.labelSelectorPath);
  let selectorText = typeof selector === 'string' ? selector : '';
  if (!selectorText && obj.spec?.selector?.matchLabels) {
    selectorText = Object.entries(obj.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: readPath(obj, scale.specReplicasPath) ?? 0 },
    status: { replicas: readPath(obj, scale.statusReplicasPath) ?? 0, ...(selectorText ? { selector: selectorText } : {}) },
  };
}

export function createRequestHandler(core: ServerCore): http.RequestListener {
  return (req, res) => {
    handle(core, req, res).catch((err) => {
      const apiErr = err instanceof ApiError ? err : internalError((err as Error)?.message ?? String(err));
      if (!res.headersSent) sendError(res, apiErr);
      else res.destroy();
    });
  };
}

function authenticate(core: ServerCore, req: http.IncomingMessage, path: string): void {
  if (!core.requireAuth || !core.token || PUBLIC_PATHS.has(path)) return;
  const header = req.headers.authorization ?? '';
  if (header !== `Bearer ${core.token}`) throw unauthorized();
}

async function handle(core: ServerCore, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const q = url.searchParams;
  const method = req.method ?? 'GET';
  const segs = path.split('/').filter((s) => s !== '');
  const routeOrDiscovery = parseRoute(core.registry, segs);
  const route = typeof routeOrDiscovery === 'object' ? routeOrDiscovery : undefined;
  const verb = verbOf(method, route, q);
  const record: RequestRecord = {
    method,
    path,
    verb,
    group: route?.group,
    resource: route?.type.plural,
    subresource: route?.subresource,
    namespace: route?.namespace,
    name: route?.name,
    userAgent: req.headers['user-agent'],
    contentType: req.headers['content-type'],
    fieldManager: q.get('fieldManager') ?? undefined,
    time: Date.now(),
  };
  core.requests.push(record);
  const countKey = route ? `${verb} ${route.subresource ? `${route.type.plural}/${route.subresource}` : route.type.plural}` : `${verb} ${path}`;
  core.counts.set(countKey, (core.counts.get(countKey) ?? 0) + 1);
  res.on('finish', () => (record.code = res.statusCode));

  authenticate(core, req, path);

  if (route) {
    const fault = core.faults.take({ verb, resource: route.type.plural, subresource: route.subresource, name: route.name, namespace: route.namespace });
    if (fault) {
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.drop) {
        req.socket.destroy();
        return;
      }
      if (fault.code) throw injectedFailure(fault.code, route.group, route.type.plural, route.name, fault.retryAfterSeconds);
    }
    if (!route.type.virtual) core.access.enforce({ verb, group: route.group, resource: route.type.plural, subresource: route.subresource, namespace: route.namespace, name: route.name });
    await handleResource(core, req, res, route, verb, q);
    return;
  }
  if (method !== 'GET') throw methodNotAllowed();
  handleNonResource(core, req, res, path, segs, routeOrDiscovery === 'discovery');
}

function handleNonResource(core: ServerCore, req: http.IncomingMessage, res: http.ServerResponse, path: string, segs: string[], isGroupVersion: boolean): void {
  const accept = req.headers.accept;
  if (path === '/version') return send(res, 200, versionInfo());
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return send(res, 200, 'ok', {}, 'text/plain; charset=utf-8');
  if (path === '/api') {
    if (wantsAggregated(accept)) return send(res, 200, aggregatedDiscovery(core.registry, true), {}, AGGREGATED_V2);
    return send(res, 200, apiVersions(core.serverAddress()));
  }
  if (path === '/apis') {
    if (wantsAggregated(accept)) return send(res, 200, aggregatedDiscovery(core.registry, false), {}, AGGREGATED_V2);
    return send(res, 200, apiGroupList(core.registry));
  }
  if (isGroupVersion) {
    const [group, version] = segs[0] === 'api' ? ['', segs[1]] : [segs[1], segs[2]];
    const list = resourceList(core.registry, group, version);
    if (list) return send(res, 200, list);
    throw unknownPath();
  }
  if (segs[0] === 'apis' && segs.length === 2) {
    const g = apiGroup(core.registry, segs[1]);
    if (g) return send(res, 200, g);
    throw unknownPath();
  }
  if (path === '/openapi/v2') {
    const protobuf = (accept ?? '').includes('protobuf');
    const doc = openAPIV2(protobuf);
    if (!protobuf) return send(res, 200, doc);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String((doc as Buffer).length) });
    res.end(doc);
    return;
  }
  if (path === '/openapi/v3') return send(res, 200, openAPIIndex(core.registry).index);
  if (segs[0] === 'openapi' && segs[1] === 'v3') {
    const entry = openAPIIndex(core.registry).docs.get(segs.slice(2).join('/'));
    if (entry) return send(res, 200, entry.doc, { ETag: `"${entry.hash}"` });
    throw unknownPath();
  }
  throw unknownPath();
}

async function handleResource(core: ServerCore, req: http.IncomingMessage, res: http.ServerResponse, route: Route, verb: string, q: URLSearchParams): Promise<void> {
  const { api } = core;
  const { type, version, namespace, name, subresource } = route;
  const contentType = req.headers['content-type'] ?? '';
  let protobufBody: Obj | undefined;
  if (contentType.includes('protobuf') || contentType.includes('cbor')) {
    // kubectl's typed clients send protobuf: decoded for access reviews and namespaces (auth can-i,
    // create namespace); out of scope for everything else (create configmap/deployment ...).
    if (contentType.includes('protobuf') && verb === 'create') protobufBody = decodeProtobufBody(await readRawBody(req));
    if (!protobufBody) {
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (the emulator does not decode ${contentType} for ${type.plural})`);
    }
  }
  if (subresource && !['status', 'scale', 'log', 'finalize', 'token'].includes(subresource)) throw unknownPath();
  if (subresource === 'status' && !type.statusSubresource) throw unknownPath();
  if (subresource === 'scale' && !type.scale) throw unknownPath();
  if (subresource === 'log' && type.plural !== 'pods') throw unknownPath();
  if (subresource === 'finalize' && type.plural !== 'namespaces') throw unknownPath();
  if (subresource === 'token' && type.plural !== 'serviceaccounts') throw unknownPath();
  if (subresource === 'token' && verb !== 'create') throw methodNotAllowed();

  switch (verb) {
    case 'get': {
      const obj = api.get(type, namespace, name!);
      if (subresource === 'scale') return send(res, 200, scaleOf(type, obj));
      if (subresource === 'log') {
        return send(res, 200, core.podLogs(namespace!, name!, q.get('container') ?? undefined), {}, 'text/plain');
      }
      const presented = api.present(obj, type, version);
      if (wantsTable(req.headers.accept)) {
        return send(res, 200, toTable(type, [presented], { resourceVersion: presented.metadata.resourceVersion }), {}, 'application/json;as=Table;v=v1;g=meta.k8s.io');
      }
      return send(res, 200, presented);
    }
    case 'list': {
      const limit = q.get('limit') ? Number(q.get('limit')) : undefined;
      const list = api.list(type, version, namespace, {
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        limit,
        continue: q.get('continue') ?? undefined,
      });
      if (wantsTable(req.headers.accept)) {
        return send(res, 200, toTable(type, list.items, list.metadata), {}, 'application/json;as=Table;v=v1;g=meta.k8s.io');
      }
      return send(res, 200, list);
    }
    case 'watch':
      return serveWatch(core, req, res, route, q);
    case 'create': {
      let body = protobufBody ?? parseJson(await readBody(req));
      if (type.virtual) return send(res, 201, accessReview(core, type, body));
      if (subresource === 'token') return send(res, 201, core.tokens.request(namespace!, name!, api.tryGet(type, namespace, name!), body));
      if (name) throw methodNotAllowed();
      const ctx = writeContext(req, q);
      const admission = core.admission();
      if (admission && isPlainObject(body)) body = await admission.admit(type, version, namespace, body);
      const created = api.create(type, version, namespace, body, ctx);
      return send(res, 201, created, warningHeaders(ctx));
    }
    case 'update': {
      const body = parseJson(await readBody(req));
      const ctx = writeContext(req, q);
      if (subresource === 'scale') return send(res, 200, updateScale(core, route, (obj) => Number(body.spec?.replicas ?? readPath(obj, type.scale!.specReplicasPath)), ctx));
      const updated = api.update(type, version, namespace, name!, body, ctx, subresource === 'status' ? 'status' : undefined);
      return send(res, 200, updated, warningHeaders(ctx));
    }
    case 'patch': {
      const raw = await readBody(req);
      const ctx = writeContext(req, q);
      if (subresource === 'scale') {
        return send(res, 200, updateScale(core, route, (obj) => {
          const patched = patchScale(contentType, scaleOf(type, obj), raw);
          return Number(patched.spec?.replicas);
        }, ctx));
      }
      const { object, created } = api.patch(type, version, namespace, name!, contentType, raw, ctx, {
        force: boolParam(q, 'force'),
        subresource: subresource === 'status' ? 'status' : undefined,
      });
      return send(res, created ? 201 : 200, object, warningHeaders(ctx));
    }
    case 'delete': {
      const opts = deleteOptions(q, parseJson(await readBody(req)));
      const { object, gone } = api.delete(type, version, namespace, name!, opts);
      if (gone && !type.crd) {
        return send(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: object.metadata.name, ...(type.group ? { group: type.group } : {}), kind: type.plural, uid: object.metadata.uid } });
      }
      return send(res, 200, object);
    }
    case 'deletecollection': {
      const opts = deleteOptions(q, parseJson(await readBody(req)));
      const list = api.list(type, version, namespace, { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined });
      const items = list.items.map((o: Obj) => api.delete(type, version, o.metadata.namespace, o.metadata.name, opts).object);
      return send(res, 200, { kind: type.listKind, apiVersion: apiVersionOf(type.group, version), metadata: { resourceVersion: String(api.store.currentRevision) }, items });
    }
    default:
      throw methodNotAllowed();
  }
}

function deleteOptions(q: URLSearchParams, body: Obj): DeleteOptions {
  const policy = q.get('propagationPolicy') ?? body.propagationPolicy ?? (body.orphanDependents === true || q.get('orphanDependents') === 'true' ? 'Orphan' : undefined);
  if (policy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(policy)) {
    throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  return { propagationPolicy: policy, preconditions: body.preconditions, dryRun: q.getAll('dryRun').includes('All') || (body.dryRun ?? []).includes('All') };
}

function patchScale(contentType: string, scale: Obj, raw: string): Obj {
  const ct = contentType.split(';')[0].trim();
  const body = parseJson(raw);
  if (ct === 'application/json-patch+json') return jsonPatch(scale, body) as Obj;
  return mergePatch(scale, body) as Obj;
}

function updateScale(core: ServerCore, route: Route, replicasOf: (obj: Obj) => number, ctx: WriteContext): Obj {
  const { type, namespace, name, version } = route;
  const obj = core.api.get(type, namespace, name!);
  const replicas = replicasOf(obj);
  if (!Number.isInteger(replicas) || replicas < 0) throw badRequest(`invalid replicas: ${replicas}`);
  const patch = setPath({}, type.scale!.specReplicasPath, replicas);
  const { object } = core.api.patch(type, version, namespace, name!, 'application/merge-patch+json', JSON.stringify(patch), ctx, { subresource: 'scale' });
  return scaleOf(type, object);
}

function accessReview(core: ServerCore, type: ResourceType, body: Obj): Obj {
  if (!isPlainObject(body)) throw badRequest('the request body must be an object');
  if (type.kind === 'SelfSubjectRulesReview') return core.access.rulesReview(body);
  return core.access.review(body, type.kind);
}

function serveWatch(core: ServerCore, req: http.IncomingMessage, res: http.ServerResponse, route: Route, q: URLSearchParams): void {
  const labels = parseLabelSelector(q.get('labelSelector') ?? undefined);
  let fields = parseFieldSelector(q.get('fieldSelector') ?? undefined);
  if (route.name) {
    const byName = parseFieldSelector(`metadata.name=${route.name}`)!;
    const other = fields;
    fields = other ? (o) => byName(o) && other(o) : byName;
  }
  const table = wantsTable(req.headers.accept);
  res.writeHead(200, { 'Content-Type': table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  let ended = false;
  let stop: () => void = () => undefined;
  const handle = {
    end: () => {
      if (ended) return;
      ended = true;
      stop();
      core.activeWatches.delete(handle);
      res.end();
    },
    destroy: () => {
      ended = true;
      stop();
      core.activeWatches.delete(handle);
      res.destroy();
    },
  };
  core.activeWatches.add(handle);
  stop = startWatch(
    core.api,
    {
      type: route.type,
      version: route.version,
      namespace: route.namespace,
      labels,
      fields,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      allowBookmarks: boolParam(q, 'allowWatchBookmarks'),
      sendInitialEvents: boolParam(q, 'sendInitialEvents'),
      timeoutSeconds: q.get('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : undefined,
      bookmarkIntervalMs: core.bookmarkIntervalMs,
      render: table ? (obj) => toTable(route.type, [obj], { resourceVersion: obj.metadata.resourceVersion }) : undefined,
    },
    { write: (line) => !ended && res.write(line), end: () => handle.end() },
  );
  req.on('close', () => {
    if (!ended) {
      ended = true;
      stop();
      core.activeWatches.delete(handle);
    }
  });
}

type PortForwardModule = {
  handlePortForwardUpgrade(
    req: http.IncomingMessage,
    socket: stream.Duplex,
    head: Buffer,
    pod: { namespace: string; name: string },
    resolveTarget: (port: number) => { host: string; port: number } | { error: string },
  ): void;
};

let portForwardModule: Promise<PortForwardModule | undefined> | undefined;
function loadPortForward(): Promise<PortForwardModule | undefined> {
  portForwardModule ??= import('./portforward/index.js').then(
    (m) => m as PortForwardModule,
    () => undefined,
  );
  return portForwardModule;
}

function rejectUpgrade(socket: stream.Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(
    `HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** HTTP Upgrade requests: only pods/{name}/portforward is served. */
export function createUpgradeHandler(core: ServerCore): (req: http.IncomingMessage, socket: stream.Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    core.activeSockets.add(socket);
    socket.on('close', () => core.activeSockets.delete(socket));
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const segs = url.pathname.split('/').filter((s) => s !== '');
    const record: RequestRecord = { method: req.method ?? 'GET', path: url.pathname, verb: 'create', userAgent: req.headers['user-agent'], time: Date.now() };
    core.requests.push(record);
    try {
      authenticate(core, req, url.pathname);
      const isPortForward = segs.length === 7 && segs[0] === 'api' && segs[1] === 'v1' && segs[2] === 'namespaces' && segs[4] === 'pods' && segs[6] === 'portforward';
      if (!isPortForward) throw unknownPath();
      const [namespace, name] = [segs[3], segs[5]];
      Object.assign(record, { group: '', resource: 'pods', subresource: 'portforward', namespace, name });
      core.counts.set('create pods/portforward', (core.counts.get('create pods/portforward') ?? 0) + 1);
      const podType = core.registry.get('', 'pods')!;
      core.access.enforce({ verb: 'create', group: '', resource: 'pods', subresource: 'portforward', namespace, name });
      const pod = core.api.tryGet(podType, namespace, name);
      if (!pod) throw notFound('', 'pods', name);
      if (pod.status?.phase !== 'Running') {
        throw badRequest(`unable to upgrade connection: pod ${name} is not running (phase ${pod.status?.phase ?? 'Pending'})`);
      }
      void loadPortForward().then((mod) => {
        if (!mod) {
          rejectUpgrade(socket, new ApiError(501, 'NotImplemented', 'port-forward is not available in this emulator build'));
          return;
        }
        record.code = 101;
        mod.handlePortForwardUpgrade(req, socket, head, { namespace, name }, core.portForwardResolver(namespace, name));
      });
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : internalError(String(err));
      record.code = apiErr.code;
      rejectUpgrade(socket, apiErr);
    }
  };
}
