/**
 * Version facts, fixed at build time. ISTIO_VERSION is the Istio release whose images and
 * APIs the rendered manifests target; MIN_K8S_MINOR the oldest Kubernetes it supports.
 */
declare const __SAILCTL_VERSION__: string | undefined;

export const VERSION: string = typeof __SAILCTL_VERSION__ === 'string' ? __SAILCTL_VERSION__ : '0.0.0-dev';
export const ISTIO_VERSION = '1.30.0';
export const MIN_K8S_MINOR = 32;
