/**
 * src/operator/generated/values.d.ts is generated from the values model that also generates the
 * IstioOperator JSON Schema; the renderer's view of chart values is typed by it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartOnly } from '../../scripts/iop-values-model.mjs';
import { VALUES_TYPES_FILE, valuesTypes } from '../../scripts/values-types.mjs';
import { resolveIstioOperator } from '../../src/operator/resolve.js';

const root = new URL('../../', import.meta.url);

describe('values.d.ts', () => {
  it('is what the values model generates (else run: npm run gen-schemas)', () => {
    expect(readFileSync(new URL(VALUES_TYPES_FILE, root), 'utf8')).toBe(valuesTypes());
  });

  it('types chart-only fields without letting the schema accept them under values', () => {
    const schema = JSON.parse(readFileSync(new URL('schemas/istio-operator.schema.json', root), 'utf8'));
    for (const [message, fields] of Object.entries(chartOnly)) {
      const properties = schema.definitions[message]?.properties ?? {};
      for (const field of Object.keys(fields)) {
        // Either absent from the schema, or open there (a google.protobuf.Value such as `ztunnel`).
        expect(properties[field] ?? {}, `${message}.${field}`).toEqual({});
      }
    }
  });

  it('leaves them settable through unvalidatedValues only, as istioctl does', async () => {
    await expect(resolveIstioOperator({ sets: ['values.cni.tolerations[0].operator=Exists'] })).rejects.toThrow(/tolerations/);
    const { iop } = await resolveIstioOperator({ sets: ['unvalidatedValues.cni.tolerations[0].operator=Exists'] });
    expect(iop.spec.values?.cni).toMatchObject({ tolerations: [{ operator: 'Exists' }] });
  });
});
