/**
 * The install record: a ConfigMap `sailctl-install[-<rev>]` in the Istio namespace holding
 * the merged IstioOperator and the list of installed objects, so verify-install, uninstall
 * and the next install's prune work without the original flags.
 */
import { UserError } from '../core/errors.js';
import type { IstioOperator } from '../operator/types.js';
import type { KubeObject, Resources } from '../kube/resources.js';
import { ISTIO_VERSION, VERSION } from '../version/build-info.js';
import { parseYaml, stringifyYaml } from '../yaml/values.js';
import { LABEL_REV } from './labels.js';
import { objectId } from './plan.js';

export const RECORD_LABEL = 'install.sailctl.io/record';

export interface RecordedObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  component: string;
}

export interface InstallRecord {
  revision: string;
  profile: string;
  namespace: string;
  istioVersion: string;
  sailctlVersion: string;
  installedAt: string;
  /**
   * `installing` while an install runs (then `objects` also holds what the previous install
   * had, so an interrupted upgrade still prunes it when re-run), `complete` once it finished.
   */
  status: 'installing' | 'complete';
  iop: IstioOperator;
  objects: RecordedObject[];
}

export function recordName(revision: string): string {
  return revision === 'default' ? 'sailctl-install' : `sailctl-install-${revision}`;
}

export function recordToConfigMap(rec: InstallRecord): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: recordName(rec.revision),
      namespace: rec.namespace,
      labels: { [RECORD_LABEL]: 'true', [LABEL_REV]: rec.revision, 'app.kubernetes.io/managed-by': 'sailctl' },
    },
    data: {
      revision: rec.revision,
      profile: rec.profile,
      istioVersion: rec.istioVersion,
      sailctlVersion: rec.sailctlVersion,
      installedAt: rec.installedAt,
      status: rec.status,
      'istio-operator.yaml': stringifyYaml(rec.iop),
      'objects.json': JSON.stringify(rec.objects),
    },
  };
}

export function recordFromConfigMap(cm: KubeObject): InstallRecord {
  const data = (cm.data ?? {}) as Record<string, string>;
  const where = `ConfigMap ${cm.metadata.namespace}/${cm.metadata.name}`;
  try {
    return {
      revision: data.revision ?? 'default',
      profile: data.profile ?? 'default',
      namespace: cm.metadata.namespace ?? 'istio-system',
      istioVersion: data.istioVersion ?? '',
      sailctlVersion: data.sailctlVersion ?? '',
      installedAt: data.installedAt ?? '',
      status: data.status === 'installing' ? 'installing' : 'complete',
      iop: parseYaml(data['istio-operator.yaml'] ?? '{}') as IstioOperator,
      objects: JSON.parse(data['objects.json'] ?? '[]') as RecordedObject[],
    };
  } catch (err) {
    throw new UserError(`the install record ${where} is damaged: ${(err as Error).message}`, {
      hint: `Delete it (kubectl delete configmap -n ${cm.metadata.namespace} ${cm.metadata.name}) and run sailctl install again to rewrite it.`,
    });
  }
}

export function newRecord(fields: Omit<InstallRecord, 'istioVersion' | 'sailctlVersion' | 'installedAt' | 'status'> & { status?: InstallRecord['status'] }): InstallRecord {
  return { status: 'complete', ...fields, istioVersion: ISTIO_VERSION, sailctlVersion: VERSION, installedAt: new Date().toISOString() };
}

export async function readRecord(res: Resources, namespace: string, revision: string): Promise<InstallRecord | undefined> {
  const cm = await res.get('v1', 'ConfigMap', recordName(revision), namespace);
  return cm ? recordFromConfigMap(cm) : undefined;
}

/** Every install record in the cluster (all revisions, all namespaces). */
export async function listRecords(res: Resources): Promise<InstallRecord[]> {
  const { items } = await res.list('v1', 'ConfigMap', { labelSelector: `${RECORD_LABEL}=true` });
  return items.map(recordFromConfigMap);
}

export function recordedObject(o: KubeObject): RecordedObject {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.metadata.namespace,
    name: o.metadata.name,
    component: o.metadata.labels?.['operator.istio.io/component'] ?? '',
  };
}

export function recordedId(r: RecordedObject): string {
  return objectId({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, namespace: r.namespace } });
}
