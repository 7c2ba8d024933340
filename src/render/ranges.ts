/**
 * Numbers in rendered objects must be ones Kubernetes accepts and we write exactly: a value
 * like `replicas: 1e+26` (from --set or values) is refused here rather than printed or applied.
 * Fields are known by name, as they are typed in the Kubernetes API (apps, core, autoscaling,
 * policy): int32 fields must fit 32 bits, int64 fields must be integers we can write exactly.
 */
import { UserError } from '../core/errors.js';
import type { K8sObject } from './types.js';

const INT32_FIELDS = new Set([
  'replicas', 'minReplicas', 'maxReplicas', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'minReadySeconds',
  'containerPort', 'hostPort', 'port', 'targetPort', 'nodePort', 'number',
  'initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold',
  'averageUtilization', 'stabilizationWindowSeconds', 'defaultMode', 'mode', 'weight', 'priority',
  'maxUnavailable', 'maxSurge', 'minAvailable', 'maxSkew', 'value',
]);
const INT64_FIELDS = new Set(['terminationGracePeriodSeconds', 'runAsUser', 'runAsGroup', 'fsGroup', 'activeDeadlineSeconds', 'expirationSeconds', 'gracePeriodSeconds']);
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Throws a UserError naming the object and field path of the first out-of-range number. */
export function checkNumberRanges(objects: readonly K8sObject[], where: string): void {
  for (const obj of objects) {
    // CRD schemas carry bounds such as maximum: 4294967295 as data, not Kubernetes fields
    if (obj.kind === 'CustomResourceDefinition') continue;
    const problem = firstProblem(obj, []);
    if (problem) {
      throw new UserError(`${where}: ${obj.kind} ${obj.metadata.name}: ${problem.path.join('.')}: ${problem.why}`, {
        hint: 'Set the value that feeds this field (--set or your -f file) within range.',
      });
    }
  }
}

function firstProblem(value: unknown, path: (string | number)[]): { path: (string | number)[]; why: string } | undefined {
  if (typeof value === 'number') {
    const field = [...path].reverse().find((p): p is string => typeof p === 'string');
    if (!Number.isFinite(value)) return { path, why: `${String(value)} is not a number Kubernetes accepts` };
    if (field !== undefined && INT32_FIELDS.has(field) && (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX)) {
      return { path, why: `${String(value)} is out of range for a 32-bit integer field (${INT32_MIN}..${INT32_MAX})` };
    }
    if (field !== undefined && INT64_FIELDS.has(field) && !Number.isSafeInteger(value)) {
      return { path, why: `${String(value)} is not an integer that can be written exactly (at most ±2^53)` };
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = firstProblem(value[i], [...path, i]);
      if (p) return p;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = firstProblem(v, [...path, k]);
      if (p) return p;
    }
  }
  return undefined;
}
