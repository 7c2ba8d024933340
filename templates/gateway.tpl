{{- $anno := .ObjectMeta.Annotations -}}
{{- $image := .ProxyImage -}}
{{- if contains "/" (annotation .ObjectMeta `sidecar.istio.io/proxyImage` "") -}}
  {{- $image = annotation .ObjectMeta `sidecar.istio.io/proxyImage` "" -}}
{{- else if contains "/" (valueOrDefault .Values.global.proxy.image "") -}}
  {{- $image = .Values.global.proxy.image -}}
{{- end -}}
{{ template "pod-app-containers" . }}
{{ template "pod-ports" . }}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain (valueOrDefault .Values.global.trustDomain "cluster.local") -}}
{{- $gke := eq (valueOrDefault .Values.global.caName "") "GkeWorkloadCertificate" -}}
{{- $istiodCA := eq (valueOrDefault .Values.global.pilotCertProvider "istiod") "istiod" -}}
metadata:
  labels:
    service.istio.io/canonical-name: {{ coalesce (index .ObjectMeta.Labels `service.istio.io/canonical-name`) (index .ObjectMeta.Labels `app.kubernetes.io/name`) (index .ObjectMeta.Labels "app") .DeploymentMeta.Name | quote }}
    service.istio.io/canonical-revision: {{ coalesce (index .ObjectMeta.Labels `service.istio.io/canonical-revision`) (index .ObjectMeta.Labels `app.kubernetes.io/version`) (index .ObjectMeta.Labels "version") "latest" | quote }}
  annotations:
    istio.io/rev: {{ .Revision | default "default" | quote }}
    {{- if and (ne $firstApp "") (not (isset $anno `kubectl.kubernetes.io/default-logs-container`)) }}
    kubectl.kubernetes.io/default-logs-container: {{ $firstApp | quote }}
    {{- end }}
    {{- if and (ne $firstApp "") (not (isset $anno `kubectl.kubernetes.io/default-container`)) }}
    kubectl.kubernetes.io/default-container: {{ $firstApp | quote }}
    {{- end }}
spec:
  securityContext:
  {{- if .Values.gateways.securityContext }}
    {{ toYaml .Values.gateways.securityContext | indent 4 }}
  {{- else }}
    sysctls:
    - name: net.ipv4.ip_unprivileged_port_start
      value: "0"
  {{- end }}
  containers:
  - name: istio-proxy
    image: {{ $image | quote }}
    {{- with .Values.global.imagePullPolicy }}
    imagePullPolicy: {{ . | quote }}
    {{- end }}
    ports:
    - name: http-envoy-prom
      containerPort: 15090
      protocol: TCP
    args:
    - proxy
    - router
    - "--domain"
    - {{ printf "$(POD_NAMESPACE).svc.%s" (valueOrDefault .Values.global.proxy.clusterDomain "cluster.local") | quote }}
    - {{ printf "--proxyLogLevel=%s" (annotation .ObjectMeta `sidecar.istio.io/logLevel` (valueOrDefault .Values.global.proxy.logLevel "warning")) | quote }}
    - {{ printf "--proxyComponentLogLevel=%s" (annotation .ObjectMeta `sidecar.istio.io/componentLogLevel` (valueOrDefault .Values.global.proxy.componentLogLevel "misc:error")) | quote }}
    - {{ printf "--log_output_level=%s" (annotation .ObjectMeta `sidecar.istio.io/agentLogLevel` (valueOrDefault .Values.global.logging.level "default:info")) | quote }}
    {{- if and .Values.global.sts .Values.global.sts.servicePort }}
    - {{ printf "--stsPort=%v" .Values.global.sts.servicePort | quote }}
    {{- end }}
    {{- if .Values.global.logAsJson }}
    - "--log_as_json"
    {{- end }}
    {{- if .Values.global.proxy.lifecycle }}
    lifecycle:
      {{ toYaml .Values.global.proxy.lifecycle | indent 6 }}
    {{- end }}
    securityContext:
      runAsUser: {{ .ProxyUID }}
      runAsGroup: {{ .ProxyGID }}
    env:
    - name: PILOT_CERT_PROVIDER
      value: {{ valueOrDefault .Values.global.pilotCertProvider "istiod" | quote }}
    - name: CA_ADDR
    {{- if .Values.global.caAddress }}
      value: {{ .Values.global.caAddress | quote }}
    {{- else if .Values.revision }}
      value: {{ printf "istiod-%s.%s.svc:15012" .Values.revision (valueOrDefault .Values.global.istioNamespace "istio-system") | quote }}
    {{- else }}
      value: {{ printf "istiod.%s.svc:15012" (valueOrDefault .Values.global.istioNamespace "istio-system") | quote }}
    {{- end }}
    {{ template "proxy-env-pod-identity" . }}
    {{ template "proxy-env-node" . }}
    - name: PROXY_CONFIG
      value: {{ printf "%s\n" (protoToJSON .ProxyConfig) | quote }}
    - name: ISTIO_META_POD_PORTS
      value: {{ $podPorts | quote }}
    - name: ISTIO_META_APP_CONTAINERS
    {{- if $appNames }}
      value: {{ $appNames | quote }}
    {{- end }}
    - name: GOMEMLIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.memory
          divisor: "1"
    {{- with .CompliancePolicy }}
    - name: COMPLIANCE_POLICY
      value: {{ . | quote }}
    {{- if eq . "fips-140-3" }}
    - name: GODEBUG
      value: "fips140=only"
    {{- end }}
    {{- end }}
    - name: ISTIO_META_CLUSTER_ID
      value: {{ valueOrDefault .Values.global.multiCluster.clusterName "Kubernetes" | quote }}
    - name: ISTIO_META_NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    - name: ISTIO_META_INTERCEPTION_MODE
      value: {{ printf "%v" .ProxyConfig.InterceptionMode | quote }}
    {{- with .Values.global.network }}
    - name: ISTIO_META_NETWORK
      value: {{ . | quote }}
    {{- end }}
    - name: ISTIO_META_WORKLOAD_NAME
      value: {{ index .ObjectMeta.Labels `service.istio.io/workload-name` | default .DeploymentMeta.Name | quote }}
    {{- if and .TypeMeta.APIVersion .DeploymentMeta.Name }}
    - name: ISTIO_META_OWNER
      value: {{ printf "kubernetes://apis/%s/namespaces/%s/%ss/%s" .TypeMeta.APIVersion (valueOrDefault .DeploymentMeta.Namespace "default") (toLower .TypeMeta.Kind) .DeploymentMeta.Name | quote }}
    {{- end }}
    {{- if isset $anno `sidecar.istio.io/bootstrapOverride` }}
    - name: ISTIO_BOOTSTRAP_OVERRIDE
      value: "/etc/istio/custom-bootstrap/custom_bootstrap.json"
    {{- end }}
    - name: ISTIO_META_MESH_ID
      value: {{ valueOrDefault .Values.global.meshID $trustDomain | quote }}
    - name: TRUST_DOMAIN
      value: {{ $trustDomain | quote }}
    {{- range $key, $value := .ProxyConfig.ProxyMetadata }}
    - name: {{ $key | quote }}
      value: {{ $value | quote }}
    {{- end }}
    readinessProbe:
      httpGet:
        path: /healthz/ready
        port: 15021
      {{- with .Values.global.proxy.readinessInitialDelaySeconds }}
      initialDelaySeconds: {{ . }}
      {{- end }}
      {{- with .Values.global.proxy.readinessPeriodSeconds }}
      periodSeconds: {{ . }}
      {{- end }}
      timeoutSeconds: 3
      {{- with .Values.global.proxy.readinessFailureThreshold }}
      failureThreshold: {{ . }}
      {{- end }}
    volumeMounts:
    - name: workload-socket
      mountPath: /var/run/secrets/workload-spiffe-uds
    - name: credential-socket
      mountPath: /var/run/secrets/credential-uds
    {{- if $gke }}
    - name: gke-workload-certificate
      mountPath: /var/run/secrets/workload-spiffe-credentials
      readOnly: true
    {{- else }}
    - name: workload-certs
      mountPath: /var/run/secrets/workload-spiffe-credentials
    {{- end }}
    {{- if $istiodCA }}
    - name: istiod-ca-cert
      mountPath: /var/run/secrets/istio
    {{- end }}
    - name: istio-data
      mountPath: /var/lib/istio/data
    {{- if isset $anno `sidecar.istio.io/bootstrapOverride` }}
    - name: custom-bootstrap-volume
      mountPath: /etc/istio/custom-bootstrap
    {{- end }}
    - name: istio-envoy
      mountPath: /etc/istio/proxy
    - name: istio-token
      mountPath: /var/run/secrets/tokens
    {{- if .Values.global.mountMtlsCerts }}
    - name: istio-certs
      mountPath: /etc/certs/
      readOnly: true
    {{- end }}
    - name: istio-podinfo
      mountPath: /etc/istio/pod
  volumes:
  - name: workload-socket
    emptyDir:
  - name: credential-socket
    emptyDir: {}
  {{- if $gke }}
  - name: gke-workload-certificate
    csi:
      driver: workloadcertificates.security.cloud.google.com
  {{- else }}
  - name: workload-certs
    emptyDir: {}
  {{- end }}
  {{- if isset $anno `sidecar.istio.io/bootstrapOverride` }}
  - name: custom-bootstrap-volume
    configMap:
      name: {{ index $anno `sidecar.istio.io/bootstrapOverride` | quote }}
  {{- end }}
  - name: istio-envoy
    emptyDir:
      medium: Memory
  {{ template "pod-volumes-agent" . }}
  {{- if $istiodCA }}
  {{ template "istiod-ca-volume" . }}
  {{- end }}
  {{- if .Values.global.mountMtlsCerts }}
  - name: istio-certs
    secret:
      optional: true
      secretName: {{ printf "istio.%s" (valueOrDefault .Spec.ServiceAccountName "default") | quote }}
  {{- end }}
  {{- if .Values.global.imagePullSecrets }}
  imagePullSecrets:
    {{- range .Values.global.imagePullSecrets }}
    - name: {{ . | quote }}
    {{- end }}
  {{- end }}
