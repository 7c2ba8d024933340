/**
 * A container as Go's encoding/json writes a Kubernetes corev1.Container: known fields only, in
 * the struct's field order, omitempty fields left out when zero, pointer fields only when set,
 * structs always present (`resources: {}`), maps with sorted keys, quantities canonical.
 * istiod records user overrides (proxy.istio.io/overrides) this way.
 */
import { isObject, type Json, type JsonObject } from '../core/json.js';
import { canonicalQuantity } from './quantity.js';

/** `o`: omitempty (zero values dropped); `p`: pointer (dropped only when unset); `r`: always written. */
type Presence = 'o' | 'p' | 'r';
type Kind = 'scalar' | 'map' | 'quantities' | Struct | [Struct];
interface Struct {
  fields: [name: string, presence: Presence, kind: Kind][];
}

const s = (fields: Struct['fields']): Struct => ({ fields });

const fieldRef = s([['apiVersion', 'o', 'scalar'], ['fieldPath', 'r', 'scalar']]);
const resourceFieldRef = s([['containerName', 'o', 'scalar'], ['resource', 'r', 'scalar'], ['divisor', 'r', 'scalar']]);
const keySelector = s([['name', 'o', 'scalar'], ['key', 'r', 'scalar'], ['optional', 'p', 'scalar']]);
const envSource = s([['name', 'o', 'scalar'], ['optional', 'p', 'scalar']]);
const exec = s([['command', 'o', 'scalar']]);
const httpGet = s([['path', 'o', 'scalar'], ['port', 'r', 'scalar'], ['host', 'o', 'scalar'], ['scheme', 'o', 'scalar'], ['httpHeaders', 'o', [s([['name', 'r', 'scalar'], ['value', 'r', 'scalar']])]]]);
const tcpSocket = s([['port', 'r', 'scalar'], ['host', 'o', 'scalar']]);
const grpc = s([['port', 'r', 'scalar'], ['service', 'p', 'scalar']]);
const handler: Struct['fields'] = [['exec', 'p', exec], ['httpGet', 'p', httpGet], ['tcpSocket', 'p', tcpSocket]];
const probe = s([
  ...handler,
  ['grpc', 'p', grpc],
  ['initialDelaySeconds', 'o', 'scalar'],
  ['timeoutSeconds', 'o', 'scalar'],
  ['periodSeconds', 'o', 'scalar'],
  ['successThreshold', 'o', 'scalar'],
  ['failureThreshold', 'o', 'scalar'],
  ['terminationGracePeriodSeconds', 'p', 'scalar'],
]);
const lifecycleHandler = s([...handler, ['sleep', 'p', s([['seconds', 'r', 'scalar']])]]);
const profile = s([['type', 'r', 'scalar'], ['localhostProfile', 'p', 'scalar']]);

const CONTAINER: Struct = s([
  ['name', 'r', 'scalar'],
  ['image', 'o', 'scalar'],
  ['command', 'o', 'scalar'],
  ['args', 'o', 'scalar'],
  ['workingDir', 'o', 'scalar'],
  ['ports', 'o', [s([['name', 'o', 'scalar'], ['hostPort', 'o', 'scalar'], ['containerPort', 'r', 'scalar'], ['protocol', 'o', 'scalar'], ['hostIP', 'o', 'scalar']])]],
  ['envFrom', 'o', [s([['prefix', 'o', 'scalar'], ['configMapRef', 'p', envSource], ['secretRef', 'p', envSource]])]],
  [
    'env',
    'o',
    [
      s([
        ['name', 'r', 'scalar'],
        ['value', 'o', 'scalar'],
        ['valueFrom', 'p', s([['fieldRef', 'p', fieldRef], ['resourceFieldRef', 'p', resourceFieldRef], ['configMapKeyRef', 'p', keySelector], ['secretKeyRef', 'p', keySelector]])],
      ]),
    ],
  ],
  ['resources', 'r', s([['limits', 'o', 'quantities'], ['requests', 'o', 'quantities'], ['claims', 'o', [s([['name', 'r', 'scalar'], ['request', 'o', 'scalar']])]]])],
  ['resizePolicy', 'o', [s([['resourceName', 'r', 'scalar'], ['restartPolicy', 'r', 'scalar']])]],
  ['restartPolicy', 'p', 'scalar'],
  ['volumeMounts', 'o', [s([['name', 'r', 'scalar'], ['readOnly', 'o', 'scalar'], ['recursiveReadOnly', 'p', 'scalar'], ['mountPath', 'r', 'scalar'], ['subPath', 'o', 'scalar'], ['mountPropagation', 'p', 'scalar'], ['subPathExpr', 'o', 'scalar']])]],
  ['volumeDevices', 'o', [s([['name', 'r', 'scalar'], ['devicePath', 'r', 'scalar']])]],
  ['livenessProbe', 'p', probe],
  ['readinessProbe', 'p', probe],
  ['startupProbe', 'p', probe],
  ['lifecycle', 'p', s([['postStart', 'p', lifecycleHandler], ['preStop', 'p', lifecycleHandler], ['stopSignal', 'p', 'scalar']])],
  ['terminationMessagePath', 'o', 'scalar'],
  ['terminationMessagePolicy', 'o', 'scalar'],
  ['imagePullPolicy', 'o', 'scalar'],
  [
    'securityContext',
    'p',
    s([
      ['capabilities', 'p', s([['add', 'o', 'scalar'], ['drop', 'o', 'scalar']])],
      ['privileged', 'p', 'scalar'],
      ['seLinuxOptions', 'p', s([['user', 'o', 'scalar'], ['role', 'o', 'scalar'], ['type', 'o', 'scalar'], ['level', 'o', 'scalar']])],
      ['windowsOptions', 'p', s([['gmsaCredentialSpecName', 'p', 'scalar'], ['gmsaCredentialSpec', 'p', 'scalar'], ['runAsUserName', 'p', 'scalar'], ['hostProcess', 'p', 'scalar']])],
      ['runAsUser', 'p', 'scalar'],
      ['runAsGroup', 'p', 'scalar'],
      ['runAsNonRoot', 'p', 'scalar'],
      ['readOnlyRootFilesystem', 'p', 'scalar'],
      ['allowPrivilegeEscalation', 'p', 'scalar'],
      ['procMount', 'p', 'scalar'],
      ['seccompProfile', 'p', profile],
      ['appArmorProfile', 'p', profile],
    ]),
  ],
  ['stdin', 'o', 'scalar'],
  ['stdinOnce', 'o', 'scalar'],
  ['tty', 'o', 'scalar'],
]);

/** The container as istiod serialises it (a new object; unknown fields dropped). */
export function typedContainer(container: JsonObject): JsonObject {
  return typed(container, CONTAINER);
}

function typed(value: JsonObject, struct: Struct): JsonObject {
  const out: JsonObject = {};
  for (const [name, presence, kind] of struct.fields) {
    const v = value[name];
    if (v === undefined || v === null) {
      if (presence === 'r') {
        if (isStructKind(kind)) out[name] = {};
        else if (name === 'divisor') out[name] = '0';
      }
      continue;
    }
    const encoded = encode(v, kind);
    if (presence === 'o' && isZero(encoded, kind)) continue;
    out[name] = encoded;
  }
  return out;
}

function isStructKind(kind: Kind): kind is Struct {
  return typeof kind === 'object' && !Array.isArray(kind);
}

function encode(value: Json, kind: Kind): Json {
  if (kind === 'scalar') return value;
  if (kind === 'quantities' || kind === 'map') {
    if (!isObject(value)) return value;
    const out: JsonObject = {};
    for (const k of Object.keys(value).sort()) out[k] = kind === 'quantities' ? (canonicalQuantity(value[k]) as Json) : value[k]!;
    return out;
  }
  if (Array.isArray(kind)) return Array.isArray(value) ? value.map((item) => (isObject(item) ? typed(item, kind[0]) : item)) : value;
  return isObject(value) ? typed(value, kind) : value;
}

/** Go's omitempty: zero scalars, empty slices and maps; never a struct. */
function isZero(value: Json, kind: Kind): boolean {
  if (value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return (kind === 'map' || kind === 'quantities') && isObject(value) && Object.keys(value).length === 0;
}
