{{- /* gRPC with the Istio agent but no Envoy: the agent serves xDS and certificates to the app over a shared volume. */ -}}
{{- $anno := .ObjectMeta.Annotations -}}
{{- $statusPort := annotation .ObjectMeta `status.sidecar.istio.io/port` .Values.global.proxy.statusPort -}}
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
    sidecar.istio.io/rewriteAppHTTPProbers: "false"
spec:
  containers:
  - name: istio-proxy
    image: {{ $image | quote }}
    {{- with .Values.global.imagePullPolicy }}
    imagePullPolicy: {{ . | quote }}
    {{- end }}
    ports:
    - name: mesh-metrics
      containerPort: 15020
      protocol: TCP
    args:
    - proxy
    - sidecar
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
    lifecycle:
    {{- if .Values.global.proxy.lifecycle }}
      {{ toYaml .Values.global.proxy.lifecycle | indent 6 }}
    {{- else }}
      postStart:
        exec:
          command:
          - pilot-agent
          - wait
          - "--url=http://localhost:15020/healthz/ready"
    {{- end }}
    env:
    - name: ISTIO_META_GENERATOR
      value: grpc
    - name: OUTPUT_CERTS
      value: /var/lib/istio/data
    {{- if eq (printf "%v" .InboundTrafficPolicyMode) "localhost" }}
    - name: REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION
      value: "true"
    {{- end }}
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
    - name: HOST_IP
      valueFrom:
        fieldRef:
          fieldPath: status.hostIP
    - name: PROXY_CONFIG
      value: {{ printf "%s\n" (protoToJSON .ProxyConfig) | quote }}
    - name: ISTIO_META_POD_PORTS
      value: {{ $podPorts | quote }}
    - name: ISTIO_META_APP_CONTAINERS
    {{- if $appNames }}
      value: {{ $appNames | quote }}
    {{- end }}
    - name: ISTIO_META_CLUSTER_ID
      value: {{ valueOrDefault .Values.global.multiCluster.clusterName "Kubernetes" | quote }}
    - name: ISTIO_META_NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
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
    - name: ISTIO_META_MESH_ID
      value: {{ valueOrDefault .Values.global.meshID $trustDomain | quote }}
    - name: TRUST_DOMAIN
      value: {{ $trustDomain | quote }}
    {{- range $key, $value := .ProxyConfig.ProxyMetadata }}
    - name: {{ $key | quote }}
      value: {{ $value | quote }}
    {{- end }}
    - name: ISTIO_META_DNS_CAPTURE
      value: "false"
    - name: DISABLE_ENVOY
      value: "true"
    {{- if ne (printf "%v" $statusPort) "0" }}
    readinessProbe:
      httpGet:
        path: /healthz/ready
        port: 15020
      {{- with annotation .ObjectMeta `readiness.status.sidecar.istio.io/initialDelaySeconds` .Values.global.proxy.readinessInitialDelaySeconds }}
      {{- if ne (printf "%v" .) "0" }}
      initialDelaySeconds: {{ . }}
      {{- end }}
      {{- end }}
      periodSeconds: {{ annotation .ObjectMeta `readiness.status.sidecar.istio.io/periodSeconds` .Values.global.proxy.readinessPeriodSeconds }}
      timeoutSeconds: 3
      failureThreshold: {{ annotation .ObjectMeta `readiness.status.sidecar.istio.io/failureThreshold` .Values.global.proxy.readinessFailureThreshold }}
    {{ template "proxy-resources" . }}
    volumeMounts:
    - name: workload-socket
      mountPath: /var/run/secrets/workload-spiffe-uds
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
    - name: istio-xds
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
    {{- else if isset $anno `sidecar.istio.io/userVolumeMount` }}
    volumeMounts:
    {{- end }}
    {{- if isset $anno `sidecar.istio.io/userVolumeMount` }}
    {{- range $name, $mount := fromJSON (index $anno `sidecar.istio.io/userVolumeMount`) }}
    - name: {{ $name | quote }}
      {{ toYaml $mount | indent 6 }}
    {{- end }}
    {{- end }}
  {{- range .Spec.Containers }}
  {{- if ne .Name "istio-proxy" }}
  - name: {{ .Name | quote }}
    env:
    - name: GRPC_XDS_EXPERIMENTAL_SECURITY_SUPPORT
      value: "true"
    - name: GRPC_XDS_BOOTSTRAP
      value: /etc/istio/proxy/grpc-bootstrap.json
    volumeMounts:
    - name: istio-data
      mountPath: /var/lib/istio/data
    - name: istio-xds
      mountPath: /etc/istio/proxy
    - name: workload-certs
      mountPath: /var/run/secrets/workload-spiffe-credentials
  {{- end }}
  {{- end }}
  volumes:
  - name: workload-socket
    emptyDir:
  {{- if $gke }}
  - name: gke-workload-certificate
    csi:
      driver: workloadcertificates.security.cloud.google.com
  {{- else }}
  - name: workload-certs
    emptyDir:
  {{- end }}
  {{- if isset $anno `sidecar.istio.io/bootstrapOverride` }}
  - name: custom-bootstrap-volume
    configMap:
      name: {{ index $anno `sidecar.istio.io/bootstrapOverride` | quote }}
  {{- end }}
  - name: istio-xds
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
  {{- if isset $anno `sidecar.istio.io/userVolume` }}
  {{- range $name, $volume := fromJSON (index $anno `sidecar.istio.io/userVolume`) }}
  - name: {{ $name | quote }}
    {{ toYaml $volume | indent 4 }}
  {{- end }}
  {{- end }}
  {{- if .Values.global.imagePullSecrets }}
  imagePullSecrets:
    {{- range .Values.global.imagePullSecrets }}
    - name: {{ . | quote }}
    {{- end }}
  {{- end }}
