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

/**
 * Field names a strict API server (fieldValidation=Strict, as `kubectl apply --validate=strict`
 * sends) would reject as unknown, found by walking each object along the typed models of
 * @kubernetes/client-node (generated from the Kubernetes OpenAPI spec). The kubernetes-models
 * validators above do not flag unknown fields.
 */
async function unknownFields(obj: K8sObject): Promise<string[]> {
  const k8s: Record<string, any> = await import('@kubernetes/client-node');
  const version = obj.apiVersion.split('/').pop()!;
  const rootType = `V${version.slice(1, 2)}${version.slice(2)}${obj.kind}`;
  if (!k8s[rootType]?.attributeTypeMap) throw new Error(`no client-node model ${rootType}`);
  const out: string[] = [];
  const walk = (value: any, type: string, path: string): void => {
    if (value === null || value === undefined) return;
    const list = /^Array<(.+)>$/.exec(type);
    if (list) return void (Array.isArray(value) && value.forEach((v, i) => walk(v, list[1]!, `${path}[${i}]`)));
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return void Object.entries(value).forEach(([key, v]) => walk(v, map[1]!, `${path}.${key}`));
    const attrs: { baseName: string; type: string }[] | undefined = k8s[type]?.attributeTypeMap;
    if (!attrs || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value)) {
      const attr = attrs.find((a) => a.baseName === key);
      if (!attr) out.push(`${path}.${key}`.replace(/^\./, ''));
      else walk(v, attr.type, `${path}.${key}`);
    }
  };
  walk(obj, rootType, '');
  return out;
}

describe('rendered objects have no field a strict API server rejects as unknown', () => {
  it('across the profiles and the k8s-settings cases', async () => {
    const failures: string[] = [];
    for (const sets of Object.values(CASES)) {
      for (const obj of (await render(sets)).flatMap((c) => c.objects)) {
        if (obj.apiVersion === 'k8s.cni.cncf.io/v1') continue;
        for (const f of await unknownFields(obj)) failures.push(`${obj.kind}/${obj.metadata.name}: ${f}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('catches a misspelt field (the check can fail)', async () => {
    const comps = await render(['profile=minimal']);
    const deploy = structuredClone(comps.flatMap((c) => c.objects).find((o) => o.kind === 'Deployment')!) as any;
    deploy.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    deploy.spec.template.metadata.lables = {};
    expect(await unknownFields(deploy)).toEqual(['spec.template.metadata.lables', 'spec.template.spec.containers[0].imagePullPolicyy']);
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
