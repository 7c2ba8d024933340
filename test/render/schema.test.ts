/**
 * Every rendered object is valid for its Kubernetes kind (kubernetes-models' OpenAPI JSON
 * schemas), across the profiles and with k8s settings exercised; every CRD schema compiles
 * as OpenAPI v3 with ajv.
 */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/render/index.js';
import { render } from './helpers.js';

const models = new Map<string, any>();
async function modelFor(obj: K8sObject): Promise<any> {
  const key = `${obj.apiVersion}/${obj.kind}`;
  if (!models.has(key)) {
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    const path = `kubernetes-models/${group ? `${group}/` : ''}${version}/${obj.kind}`;
    const mod = await import(/* @vite-ignore */ path);
    models.set(key, mod[obj.kind]);
  }
  return models.get(key);
}

const CASES: Record<string, string[]> = {
  default: [],
  demo: ['profile=demo'],
  ambient: ['profile=ambient'],
  remote: ['profile=remote'],
  stable: ['profile=stable'],
  preview: ['profile=preview'],
  openshift: ['profile=openshift'],
  'canary with tags and PDBs': [
    'revision=canary',
    'values.revisionTags[0]=prod',
    'components.pilot.k8s.hpaSpec.minReplicas=2',
    'components.pilot.k8s.nodeSelector.disk=ssd',
    'components.pilot.k8s.env[0].name=EXTRA',
    'components.pilot.k8s.env[0].value=1',
    'components.pilot.k8s.resources.limits.cpu=1',
    'components.pilot.k8s.podDisruptionBudget.maxUnavailable=1',
  ],
  'remote with a remote pilot address': ['profile=remote', 'values.global.remotePilotAddress=10.0.0.1', 'values.global.configCluster=true'],
  'cni with repair labelling and quotas': ['components.cni.enabled=true', 'values.cni.repair.repairPods=false', 'values.cni.repair.labelPods=true', 'values.cni.resourceQuotas.enabled=true'],
};

describe('rendered objects validate against the Kubernetes schemas', () => {
  for (const [name, sets] of Object.entries(CASES)) {
    it(name, async () => {
      const objects = (await render(sets)).flatMap((c) => c.objects);
      const failures: string[] = [];
      for (const obj of objects) {
        if (obj.apiVersion === 'k8s.cni.cncf.io/v1') continue; // Multus CRD: no upstream model
        const Model = await modelFor(obj);
        try {
          new Model(obj).validate();
        } catch (err) {
          failures.push(`${obj.kind}/${obj.metadata.name}: ${(err as Error).message}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('catches a broken object (the check can fail)', async () => {
    const [base] = await render(['profile=minimal']);
    const sa = structuredClone(base!.objects.find((o) => o.kind === 'ServiceAccount')!) as any;
    sa.metadata.labels.broken = 7;
    const Model = await modelFor(sa);
    expect(() => new Model(sa).validate()).toThrow(/must be string/);
  });
});

describe('CRD schemas', () => {
  it('compile as OpenAPI v3 schemas and accept a minimal object', async () => {
    const crds = (await render([])).find((c) => c.component === 'Base')!.objects.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds).toHaveLength(15);
    const ajv = new Ajv({
      strict: true,
      strictTypes: false,
      strictRequired: false, // oneOf/not branches name properties declared one level up, as CRDs do
      allowUnionTypes: true,
      keywords: ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-validations', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-embedded-resource'],
      formats: { int32: true, int64: true, double: true, float: true, byte: true },
    });
    // ajv-formats is CommonJS: under NodeNext typing its default export is the module object.
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    for (const crd of crds as any[]) {
      for (const version of crd.spec.versions) {
        const validate = ajv.compile(version.schema.openAPIV3Schema);
        const sample = { apiVersion: `${crd.spec.group}/${version.name}`, kind: crd.spec.names.kind, metadata: { name: 'x' }, spec: {} };
        expect(validate(sample), `${crd.metadata.name} ${version.name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
  });
});
