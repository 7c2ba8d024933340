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

{{- /* $appNames (comma-joined) and $firstApp: the pod's containers other than istio-proxy. */ -}}
{{ define "pod-app-containers" }}
{{- $appNames := "" -}}
{{- $firstApp := "" -}}
{{- range .Spec.Containers -}}
  {{- if ne .Name "istio-proxy" -}}
    {{- if eq $firstApp "" -}}{{- $firstApp = .Name -}}{{- end -}}
    {{- if eq $appNames "" -}}{{- $appNames = .Name -}}{{- else -}}{{- $appNames = printf "%s,%s" $appNames .Name -}}{{- end -}}
  {{- end -}}
{{- end -}}
{{ end }}

{{- /* $podPorts: every container port as Kubernetes JSON, one per line (ISTIO_META_POD_PORTS). */ -}}
{{ define "pod-ports" }}
{{- $podPorts := "[" -}}
{{- $sep := "" -}}
{{- range $c := .Spec.Containers -}}
  {{- range $p := $c.Ports -}}
    {{- if structToJSON $p -}}
      {{- $podPorts = printf "%s\n    %s%s" $podPorts $sep (structToJSON $p) -}}
      {{- $sep = "," -}}
    {{- end -}}
  {{- end -}}
{{- end -}}
{{- $podPorts = printf "%s\n]" $podPorts -}}
{{ end }}

{{- /* The istiod root certificate: its ConfigMap, or a cluster trust bundle when istiod publishes one. */ -}}
{{ define "istiod-ca-volume" }}
- name: istiod-ca-cert
{{- if eq (printf "%v" (valueOrDefault .Values.pilot.env.ENABLE_CLUSTER_TRUST_BUNDLE_API "false")) "true" }}
  projected:
    sources:
    - clusterTrustBundle:
        name: {{ printf "istio.io:istiod-ca:%s" (valueOrDefault .Values.global.trustBundleName "root-cert") | quote }}
        path: root-cert.pem
{{- else }}
  configMap:
    name: {{ valueOrDefault .Values.global.trustBundleName "istio-ca-root-cert" | quote }}
{{- end }}
{{ end }}

{{- /* The proxy's resources (also istio-init's): the four resource annotations if any is set, else values.global.proxy.resources without its null entries. */ -}}
{{ define "proxy-resources" }}
{{- $a := .ObjectMeta.Annotations }}
{{- if or (isset $a `sidecar.istio.io/proxyCPU`) (isset $a `sidecar.istio.io/proxyMemory`) (isset $a `sidecar.istio.io/proxyCPULimit`) (isset $a `sidecar.istio.io/proxyMemoryLimit`) }}
resources:
  {{- if or (isset $a `sidecar.istio.io/proxyCPU`) (isset $a `sidecar.istio.io/proxyMemory`) }}
  requests:
    {{- if isset $a `sidecar.istio.io/proxyCPU` }}
    cpu: {{ index $a `sidecar.istio.io/proxyCPU` | quote }}
    {{- end }}
    {{- if isset $a `sidecar.istio.io/proxyMemory` }}
    memory: {{ index $a `sidecar.istio.io/proxyMemory` | quote }}
    {{- end }}
  {{- end }}
  {{- if or (isset $a `sidecar.istio.io/proxyCPULimit`) (isset $a `sidecar.istio.io/proxyMemoryLimit`) }}
  limits:
    {{- if isset $a `sidecar.istio.io/proxyCPULimit` }}
    cpu: {{ index $a `sidecar.istio.io/proxyCPULimit` | quote }}
    {{- end }}
    {{- if isset $a `sidecar.istio.io/proxyMemoryLimit` }}
    memory: {{ index $a `sidecar.istio.io/proxyMemoryLimit` | quote }}
    {{- end }}
  {{- end }}
{{- else if .Values.global.proxy.resources }}
resources:
  {{- range $section, $amounts := .Values.global.proxy.resources }}
  {{- if $amounts }}
  {{ $section }}:
    {{- range $name, $amount := $amounts }}
    {{- if $amount }}
    {{ $name }}: {{ $amount | quote }}
    {{- end }}
    {{- end }}
  {{- end }}
  {{- end }}
{{- end }}
{{ end }}

{{- /* Gateway API deployments (kube-gateway, waypoint): metadata every generated object carries. */ -}}
{{ define "gateway-object-annotations" }}
annotations: {{ toJsonMap (omit .InfrastructureAnnotations "kubectl.kubernetes.io/last-applied-configuration" "gateway.istio.io/name-override" "gateway.istio.io/service-account" "gateway.istio.io/controller-version") }}
labels: {{ toJsonMap .InfrastructureLabels (strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass) }}
{{ end }}

{{- /* The owning Gateway. */ -}}
{{ define "gateway-owner" }}
ownerReferences:
- apiVersion: gateway.networking.k8s.io/v1
  kind: Gateway
  name: {{ .Name | quote }}
  uid: {{ .UID | quote }}
{{ end }}

{{- /* ServiceAccount, HorizontalPodAutoscaler and PodDisruptionBudget of a generated gateway deployment. */ -}}
{{ define "gateway-service-account" }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .ServiceAccount | quote }}
  namespace: {{ .Namespace | quote }}
  {{ template "gateway-object-annotations" . }}
  {{- if ge .KubeVersion 128 }}
  {{ template "gateway-owner" . }}
  {{- end }}
{{ end }}

{{ define "gateway-scaling" }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ .DeploymentName | quote }}
  namespace: {{ .Namespace | quote }}
  {{ template "gateway-object-annotations" . }}
  {{ template "gateway-owner" . }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ .DeploymentName | quote }}
  maxReplicas: 1
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .DeploymentName | quote }}
  namespace: {{ .Namespace | quote }}
  {{ template "gateway-object-annotations" . }}
  {{ template "gateway-owner" . }}
spec:
  selector:
    matchLabels:
      gateway.networking.k8s.io/gateway-name: {{ .Name | quote }}
{{ end }}

{{- /* The spec of the Service in front of a generated gateway deployment. */ -}}
{{ define "gateway-service-spec" }}
spec:
  ipFamilyPolicy: PreferDualStack
  ports:
  {{- range .Ports }}
  - name: {{ .Name | quote }}
    port: {{ .Port }}
    protocol: TCP
    appProtocol: {{ .AppProtocol }}
  {{- end }}
  selector:
    {{ .GatewayNameLabel | quote }}: {{ .Name | quote }}
  {{- if and .Spec.Addresses (eq .ServiceType "LoadBalancer") }}
  loadBalancerIP: {{ (index .Spec.Addresses 0).Value | quote }}
  {{- end }}
  type: {{ .ServiceType | quote }}
{{ end }}

{{- /* The agent volumes of a generated gateway pod (istio-data, podinfo, token, istiod CA). */ -}}
{{ define "gateway-pod-volumes" }}
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
- name: istiod-ca-cert
{{- if eq (printf "%v" ((.Values.pilot).env).ENABLE_CLUSTER_TRUST_BUNDLE_API) "true" }}
  projected:
    sources:
    - clusterTrustBundle:
        name: {{ printf "istio.io:istiod-ca:%s" (.Values.global.trustBundleName | default "root-cert") | quote }}
        path: root-cert.pem
{{- else }}
  configMap:
    name: {{ .Values.global.trustBundleName | default "istio-ca-root-cert" | quote }}
{{- end }}
{{ end }}

{{- /* The proxy probes of a generated gateway pod. */ -}}
{{ define "gateway-probes" }}
startupProbe:
  httpGet:
    path: /healthz/ready
    port: 15021
    scheme: HTTP
  initialDelaySeconds: 1
  periodSeconds: 1
  timeoutSeconds: 1
  successThreshold: 1
  failureThreshold: 30
readinessProbe:
  httpGet:
    path: /healthz/ready
    port: 15021
    scheme: HTTP
  initialDelaySeconds: 0
  periodSeconds: 15
  timeoutSeconds: 1
  successThreshold: 1
  failureThreshold: 4
{{ end }}
