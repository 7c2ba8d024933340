{{- $statusPort := annotation .ObjectMeta "status.sidecar.istio.io/port" .Values.global.proxy.statusPort -}}
{{- $image := .ProxyImage -}}
{{- if contains "/" (annotation .ObjectMeta "sidecar.istio.io/proxyImage" "") -}}
  {{- $image = annotation .ObjectMeta "sidecar.istio.io/proxyImage" "" -}}
{{- else if contains "/" (valueOrDefault .Values.global.proxy.image "") -}}
  {{- $image = .Values.global.proxy.image -}}
{{- end -}}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain (valueOrDefault .Values.global.trustDomain "cluster.local") -}}
metadata:
  labels:
    service.istio.io/canonical-name: {{ coalesce (index .ObjectMeta.Labels "service.istio.io/canonical-name") (index .ObjectMeta.Labels "app.kubernetes.io/name") (index .ObjectMeta.Labels "app") .DeploymentMeta.Name | trunc 63 | trimAll "-_." | quote }}
    service.istio.io/canonical-revision: {{ coalesce (index .ObjectMeta.Labels "service.istio.io/canonical-revision") (index .ObjectMeta.Labels "app.kubernetes.io/version") (index .ObjectMeta.Labels "version") "latest" | quote }}
  annotations:
    istio.io/rev: {{ .Revision | default "default" | quote }}
    prometheus.io/port: "15020"
    prometheus.io/scrape: "true"
    prometheus.io/path: "/stats/prometheus"
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
    - {{ printf "--proxyLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/logLevel" (valueOrDefault .Values.global.proxy.logLevel "warning")) | quote }}
    - {{ printf "--proxyComponentLogLevel=%s" (annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" (valueOrDefault .Values.global.proxy.componentLogLevel "misc:error")) | quote }}
    - {{ printf "--log_output_level=%s" (annotation .ObjectMeta "sidecar.istio.io/agentLogLevel" (valueOrDefault .Values.global.logging.level "default:info")) | quote }}
    {{- if .Values.global.logAsJson }}
    - "--log_as_json"
    {{- end }}
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop:
        - ALL
      privileged: false
      readOnlyRootFilesystem: true
      runAsGroup: {{ .ProxyGID }}
      runAsNonRoot: true
      runAsUser: {{ .ProxyUID }}
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
      value: "[\n]"
    - name: ISTIO_META_APP_CONTAINERS
    - name: GOMEMLIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.memory
          divisor: "1"
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
      value: {{ index .ObjectMeta.Labels "service.istio.io/workload-name" | default .DeploymentMeta.Name | quote }}
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
    {{- if ne (printf "%v" $statusPort) "0" }}
    readinessProbe:
      httpGet:
        path: /healthz/ready
        port: 15021
      periodSeconds: 15
      timeoutSeconds: 3
      failureThreshold: 4
    {{- end }}
    volumeMounts:
    - name: workload-socket
      mountPath: /var/run/secrets/workload-spiffe-uds
    - name: credential-socket
      mountPath: /var/run/secrets/credential-uds
    - name: workload-certs
      mountPath: /var/run/secrets/workload-spiffe-credentials
    {{- if eq (valueOrDefault .Values.global.pilotCertProvider "istiod") "istiod" }}
    - name: istiod-ca-cert
      mountPath: /var/run/secrets/istio
    - name: istio-ca-crl
      mountPath: /var/run/secrets/istio/crl
    {{- end }}
    - name: istio-data
      mountPath: /var/lib/istio/data
    - name: istio-envoy
      mountPath: /etc/istio/proxy
    - name: istio-token
      mountPath: /var/run/secrets/tokens
    - name: istio-podinfo
      mountPath: /etc/istio/pod
  volumes:
  - name: workload-socket
    emptyDir:
  - name: credential-socket
    emptyDir:
  - name: workload-certs
    emptyDir:
  - name: istio-envoy
    emptyDir:
      medium: Memory
  {{ template "pod-volumes-agent" . }}
  {{- if eq (valueOrDefault .Values.global.pilotCertProvider "istiod") "istiod" }}
  - name: istiod-ca-cert
    configMap:
      name: {{ valueOrDefault .Values.global.trustBundleName "istio-ca-root-cert" | quote }}
  {{- end }}
  - name: istio-ca-crl
    configMap:
      name: {{ valueOrDefault .Values.pilot.crlConfigMapName "istio-ca-crl" | quote }}
      optional: true
  {{- if .Values.global.imagePullSecrets }}
  imagePullSecrets:
    {{- range .Values.global.imagePullSecrets }}
    - name: {{ . | quote }}
    {{- end }}
  {{- end }}
