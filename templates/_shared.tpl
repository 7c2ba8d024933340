{{- /*
Blocks that several built-in templates share, written once here. They are pasted into each
template that uses them when sailctl loads the templates (a line holding only
`{{ template "NAME" . }}`, re-indented to that line), so every template in the injector
ConfigMap stays self-contained for istiod. See src/injection-templates/include.ts.
*/ -}}

{{- /* The istio-proxy container's identity from the downward API (every proxy). */ -}}
{{ define "proxy-env-pod-identity" }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: INSTANCE_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: SERVICE_ACCOUNT
  valueFrom:
    fieldRef:
      fieldPath: spec.serviceAccountName
{{ end }}

{{- /* The node's address and the container's CPU limit (Envoy-running proxies). */ -}}
{{ define "proxy-env-node" }}
- name: HOST_IP
  valueFrom:
    fieldRef:
      fieldPath: status.hostIP
- name: ISTIO_CPU_LIMIT
  valueFrom:
    resourceFieldRef:
      resource: limits.cpu
      divisor: "1"
{{ end }}

{{- /* The pod volumes the Istio agent needs: its data dir, pod labels/annotations, and the CA token. */ -}}
{{ define "pod-volumes-agent" }}
- name: istio-data
  emptyDir: {}
- name: istio-podinfo
  downwardAPI:
    items:
    - path: labels
      fieldRef:
        fieldPath: metadata.labels
    - path: annotations
      fieldRef:
        fieldPath: metadata.annotations
- name: istio-token
  projected:
    sources:
    - serviceAccountToken:
        path: istio-token
        expirationSeconds: 43200
        audience: {{ valueOrDefault .Values.global.sds.token.aud "istio-ca" | quote }}
{{ end }}
