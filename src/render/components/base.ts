/** The Base component: Istio CRDs, the reader ServiceAccount, and the default validator when asked for. */
import { crdSpecYaml, istioCrds } from '../../operator/istio-crds.js';
import type { RenderContext } from '../context.js';
import { standardLabels } from '../context.js';
import { serviceAccount } from '../k8s.js';
import { str, truthy } from '../tree.js';
import type { K8sObject } from '../types.js';
import { useEmittedText } from '../../yaml/fast-stringify.js';
import { defaultValidatorConfig } from './webhooks.js';

export function baseObjects(ctx: RenderContext): K8sObject[] {
  const v = ctx.values;
  const labels = standardLabels(ctx, 'Base', 'base');
  const out: K8sObject[] = [];
  if (v.base?.enableIstioConfigCRDs !== false) {
    const excluded = new Set((v.base?.excludedCRDs ?? []).map(str));
    for (const crd of istioCrds() as unknown as K8sObject[]) {
      if (excluded.has(crd.metadata.name)) continue;
      // The chart swaps the CRD files' own labels for its standard set.
      out.push({ ...crd, metadata: { ...crd.metadata, labels: { ...labels } } });
      const text = crdSpecYaml(crd.metadata.name);
      if (text !== undefined) useEmittedText(crd.spec as object, '  ', text);
    }
  }
  out.push(serviceAccount('istio-reader-service-account', ctx.istioNamespace, { ...labels, app: 'istio-reader' }, v.global.imagePullSecrets));
  const defaultRevision = str(v.defaultRevision);
  if (truthy(defaultRevision) && truthy(v.global.configValidation)) out.push(defaultValidatorConfig(ctx, labels, defaultRevision));
  return out;
}
