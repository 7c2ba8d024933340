/**
 * Shapes the renderer produces. Objects are plain JSON trees (what `kubectl apply` takes),
 * typed just enough for the builders to be checked by the compiler.
 */
export type ComponentName = 'Base' | 'Pilot' | 'Cni' | 'Ztunnel' | 'IngressGateways' | 'EgressGateways';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** One installable unit: install applies these one after another in dependency order. */
export interface RenderedComponent {
  component: ComponentName;
  /** Resource name of the unit: `base`, `istiod[-rev]`, the gateway name, `istio-cni`, `ztunnel`. */
  name: string;
  namespace: string;
  objects: K8sObject[];
}

/** A JSON object the builders assemble or read; what they read is narrowed where it is used. */
export type JsonMap = { [key: string]: unknown };
