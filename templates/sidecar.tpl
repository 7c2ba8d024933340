{{- /* ---- decisions shared by every section ---- */ -}}
{{- $anno := .ObjectMeta.Annotations -}}
{{- $native := ne (annotation .ObjectMeta `sidecar.istio.io/nativeSidecar` .NativeSidecars) "false" -}}
{{- $mode := annotation .ObjectMeta `sidecar.istio.io/interceptionMode` .ProxyConfig.InterceptionMode -}}
{{- $cni := and .Values.pilot.cni .Values.pilot.cni.enabled -}}
{{- $statusPort := annotation .ObjectMeta `status.sidecar.istio.io/port` .Values.global.proxy.statusPort -}}
{{- $hold := and (or .ProxyConfig.HoldApplicationUntilProxyStarts.GetValue .Values.global.proxy.holdApplicationUntilProxyStarts) (not $native) -}}
{{- $tproxy := eq $mode "TPROXY" -}}
{{- $bindService := eq (annotation .ObjectMeta `sidecar.istio.io/capNetBindService` (valueOrDefault .Values.global.proxy.capNetBindService false)) "true" -}}
{{- $trace := eq (index .ProxyConfig.ProxyMetadata "IPTABLES_TRACE_LOGGING") "true" -}}
{{- $imageType := annotation .ObjectMeta `sidecar.istio.io/proxyImageType` "" -}}
{{- $proxyImage := .ProxyImage -}}
{{- $initImage := .ProxyInitImage -}}
{{- if contains "/" (annotation .ObjectMeta `sidecar.istio.io/proxyImage` "") -}}
  {{- $proxyImage = annotation .ObjectMeta `sidecar.istio.io/proxyImage` "" -}}
  {{- $initImage = $proxyImage -}}
{{- else -}}
  {{- if contains "/" (valueOrDefault .Values.global.proxy.image "") -}}{{- $proxyImage = .Values.global.proxy.image -}}{{- end -}}
  {{- if contains "/" (valueOrDefault .Values.global.proxy_init.image "") -}}{{- $initImage = .Values.global.proxy_init.image -}}{{- end -}}
{{- end -}}
{{ template "pod-app-containers" . }}
{{ template "pod-ports" . }}
{{- $excludeInbound := excludeInboundPort $statusPort (annotation .ObjectMeta `traffic.sidecar.istio.io/excludeInboundPorts` (valueOrDefault .Values.global.proxy.excludeInboundPorts "")) -}}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain (valueOrDefault .Values.global.trustDomain "cluster.local") -}}
metadata:
  labels:
    security.istio.io/tlsMode: {{ index .ObjectMeta.Labels `security.istio.io/tlsMode` | default "istio" | quote }}
    {{- if eq (index .ProxyConfig.ProxyMetadata "ISTIO_META_ENABLE_HBONE") "true" }}
    networking.istio.io/tunnel: {{ index .ObjectMeta.Labels `networking.istio.io/tunnel` | default "http" | quote }}
    {{- end }}
    service.istio.io/canonical-name: {{ coalesce (index .ObjectMeta.Labels `service.istio.io/canonical-name`) (index .ObjectMeta.Labels `app.kubernetes.io/name`) (index .ObjectMeta.Labels "app") .DeploymentMeta.Name | trunc 63 | trimAll "-_." | quote }}
    service.istio.io/canonical-revision: {{ coalesce (index .ObjectMeta.Labels `service.istio.io/canonical-revision`) (index .ObjectMeta.Labels `app.kubernetes.io/version`) (index .ObjectMeta.Labels "version") "latest" | quote }}
    {{- if or (index .ObjectMeta.Labels `topology.istio.io/network`) .Values.global.network }}
    topology.istio.io/network: {{ coalesce (index .ObjectMeta.Labels `topology.istio.io/network`) .Values.global.network | quote }}
    {{- end }}
  annotations:
    istio.io/rev: {{ .Revision | default "default" | quote }}
    {{- if and (ne $firstApp "") (not (isset $anno `kubectl.kubernetes.io/default-logs-container`)) }}
    kubectl.kubernetes.io/default-logs-container: {{ $firstApp | quote }}
    {{- end }}
    {{- if and (ne $firstApp "") (not (isset $anno `kubectl.kubernetes.io/default-container`)) }}
    kubectl.kubernetes.io/default-container: {{ $firstApp | quote }}
    {{- end }}
    {{- if $cni }}
    sidecar.istio.io/interceptionMode: {{ $mode | quote }}
    {{- with annotation .ObjectMeta `traffic.sidecar.istio.io/includeOutboundIPRanges` (valueOrDefault .Values.global.proxy.includeIPRanges "") }}
    traffic.sidecar.istio.io/includeOutboundIPRanges: {{ . | quote }}
    {{- end }}
    {{- with annotation .ObjectMeta `traffic.sidecar.istio.io/excludeOutboundIPRanges` (valueOrDefault .Values.global.proxy.excludeIPRanges "") }}
    traffic.sidecar.istio.io/excludeOutboundIPRanges: {{ . | quote }}
    {{- end }}
    traffic.sidecar.istio.io/includeInboundPorts: {{ annotation .ObjectMeta `traffic.sidecar.istio.io/includeInboundPorts` (valueOrDefault .Values.global.proxy.includeInboundPorts "") | quote }}
    traffic.sidecar.istio.io/excludeInboundPorts: {{ $excludeInbound | quote }}
    {{- if or (isset $anno `traffic.sidecar.istio.io/includeOutboundPorts`) .Values.global.proxy.includeOutboundPorts }}
    traffic.sidecar.istio.io/includeOutboundPorts: {{ annotation .ObjectMeta `traffic.sidecar.istio.io/includeOutboundPorts` .Values.global.proxy.includeOutboundPorts | quote }}
    {{- end }}
    {{- if or (isset $anno `traffic.sidecar.istio.io/excludeOutboundPorts`) .Values.global.proxy.excludeOutboundPorts }}
    traffic.sidecar.istio.io/excludeOutboundPorts: {{ annotation .ObjectMeta `traffic.sidecar.istio.io/excludeOutboundPorts` .Values.global.proxy.excludeOutboundPorts | quote }}
    {{- end }}
    {{- range $key := list `traffic.sidecar.istio.io/kubevirtInterfaces` `istio.io/reroute-virtual-interfaces` `traffic.sidecar.istio.io/excludeInterfaces` }}
    {{- if isset $anno $key }}
    {{ $key }}: {{ index $anno $key | quote }}
    {{- end }}
    {{- end }}
    {{- if eq (valueOrDefault .Values.pilot.cni.provider "") "multus" }}
    k8s.v1.cni.cncf.io/networks: {{ appendMultusNetwork (index $anno `k8s.v1.cni.cncf.io/networks`) "default/istio-cni" | quote }}
    {{- end }}
    {{- end }}
spec:
  {{- if .Values.global.imagePullSecrets }}
  imagePullSecrets:
    {{- range .Values.global.imagePullSecrets }}
    - name: {{ . | quote }}
    {{- end }}
  {{- end }}
  initContainers:
  {{- if ne $mode "NONE" }}
  {{- template "sidecar-init" (dict "Values" .Values "MeshConfig" .MeshConfig "ProxyConfig" .ProxyConfig "ObjectMeta" (dict "Annotations" $anno) "ProxyUID" .ProxyUID "ProxyGID" .ProxyGID "mode" $mode "cni" $cni "tproxy" $tproxy "image" $initImage "excludeInbound" $excludeInbound) }}
  {{- end }}
  {{- if $native }}
  {{- template "sidecar-proxy" (dict "root" . "native" true "mode" $mode "statusPort" $statusPort "hold" $hold "tproxy" $tproxy "bind" $bindService "trace" $trace "image" $proxyImage "apps" $appNames "ports" $podPorts "trustDomain" $trustDomain) }}
  {{- else }}
  containers:
  {{- template "sidecar-proxy" (dict "root" . "native" false "mode" $mode "statusPort" $statusPort "hold" $hold "tproxy" $tproxy "bind" $bindService "trace" $trace "image" $proxyImage "apps" $appNames "ports" $podPorts "trustDomain" $trustDomain) }}
  {{- end }}
  volumes:
  - name: workload-socket
    emptyDir:
  - name: credential-socket
    emptyDir:
  {{- if eq (valueOrDefault .Values.global.caName "") "GkeWorkloadCertificate" }}
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
  - name: istio-envoy
    emptyDir:
      medium: Memory
  {{ template "pod-volumes-agent" . }}
  {{- if eq (valueOrDefault .Values.global.pilotCertProvider "istiod") "istiod" }}
  {{ template "istiod-ca-volume" . }}
  {{- end }}
  - name: istio-ca-crl
    configMap:
      name: {{ valueOrDefault .Values.pilot.crlConfigMapName "istio-ca-crl" | quote }}
      optional: true
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
{{- /* ----------------------------------------------------------------------------------
The init container, given only what it reads (as are the proxy's fixed parts below):
sailctl renders such a block once for all the pods that give it the same values.
*/ -}}
{{- define "sidecar-init" }}
{{- $anno := .ObjectMeta.Annotations }}
{{- $mode := .mode }}
{{- $cni := .cni }}
{{- $tproxy := .tproxy }}
{{- $initImage := .image }}
{{- $excludeInbound := .excludeInbound }}
  - name: {{ if $cni }}istio-validation{{ else }}istio-init{{ end }}
    image: {{ $initImage | quote }}
    {{- with .Values.global.imagePullPolicy }}
    imagePullPolicy: {{ . | quote }}
    {{- end }}
    args:
    - istio-iptables
    - "-p"
    - {{ .MeshConfig.ProxyListenPort | default 15001 | quote }}
    - "-z"
    - {{ .MeshConfig.ProxyInboundListenPort | default 15006 | quote }}
    - "-u"
    - {{ if $tproxy }}"1337"{{ else }}{{ .ProxyUID | quote }}{{ end }}
    - "-m"
    - {{ $mode | quote }}
    - "-i"
    - {{ annotation .ObjectMeta `traffic.sidecar.istio.io/includeOutboundIPRanges` (valueOrDefault .Values.global.proxy.includeIPRanges "") | quote }}
    - "-x"
    - {{ annotation .ObjectMeta `traffic.sidecar.istio.io/excludeOutboundIPRanges` (valueOrDefault .Values.global.proxy.excludeIPRanges "") | quote }}
    - "-b"
    - {{ annotation .ObjectMeta `traffic.sidecar.istio.io/includeInboundPorts` (valueOrDefault .Values.global.proxy.includeInboundPorts "") | quote }}
    - "-d"
    - {{ if $excludeInbound }}{{ printf "15090,15021,%s" $excludeInbound | quote }}{{ else }}"15090,15021"{{ end }}
    {{- if or (isset $anno `traffic.sidecar.istio.io/includeOutboundPorts`) .Values.global.proxy.includeOutboundPorts }}
    - "-q"
    - {{ annotation .ObjectMeta `traffic.sidecar.istio.io/includeOutboundPorts` .Values.global.proxy.includeOutboundPorts | quote }}
    {{- end }}
    {{- if or (isset $anno `traffic.sidecar.istio.io/excludeOutboundPorts`) .Values.global.proxy.excludeOutboundPorts }}
    - "-o"
    - {{ annotation .ObjectMeta `traffic.sidecar.istio.io/excludeOutboundPorts` .Values.global.proxy.excludeOutboundPorts | quote }}
    {{- end }}
    {{- if isset $anno `istio.io/reroute-virtual-interfaces` }}
    - "-k"
    - {{ index $anno `istio.io/reroute-virtual-interfaces` | quote }}
    {{- else if isset $anno `traffic.sidecar.istio.io/kubevirtInterfaces` }}
    - "-k"
    - {{ index $anno `traffic.sidecar.istio.io/kubevirtInterfaces` | quote }}
    {{- end }}
    {{- if isset $anno `traffic.sidecar.istio.io/excludeInterfaces` }}
    - "-c"
    - {{ index $anno `traffic.sidecar.istio.io/excludeInterfaces` | quote }}
    {{- end }}
    - {{ printf "--log_output_level=%s" (annotation .ObjectMeta `sidecar.istio.io/agentLogLevel` .Values.global.logging.level) | quote }}
    {{- if .Values.global.logAsJson }}
    - "--log_as_json"
    {{- end }}
    {{- if $cni }}
    - "--run-validation"
    - "--skip-rule-apply"
    {{- else if .Values.global.proxy_init.forceApplyIptables }}
    - "--force-apply"
    {{- end }}
    {{- if .Values.global.nativeNftables }}
    - "--native-nftables"
    {{- end }}
    {{- if .ProxyConfig.ProxyMetadata }}
    env:
    {{- range $key, $value := .ProxyConfig.ProxyMetadata }}
    - name: {{ $key | quote }}
      value: {{ $value | quote }}
    {{- end }}
    {{- end }}
    {{- template "sidecar-resources" . }}
    securityContext:
    {{- if $cni }}
      allowPrivilegeEscalation: false
      capabilities:
        drop:
        - ALL
      privileged: false
      readOnlyRootFilesystem: true
      runAsGroup: {{ if $tproxy }}1337{{ else }}{{ .ProxyGID }}{{ end }}
      runAsNonRoot: true
      runAsUser: {{ if $tproxy }}1337{{ else }}{{ .ProxyUID }}{{ end }}
    {{- else }}
      allowPrivilegeEscalation: {{ .Values.global.proxy.privileged | default false }}
      capabilities:
        add:
        - NET_ADMIN
        - NET_RAW
        drop:
        - ALL
      privileged: {{ .Values.global.proxy.privileged | default false }}
      readOnlyRootFilesystem: false
      runAsGroup: 0
      runAsNonRoot: false
      runAsUser: 0
    {{- end }}
    {{- with .Values.global.proxy.seccompProfile }}
      seccompProfile:
        {{ toYaml . | indent 8 }}
    {{- end }}
{{- end }}
{{- /* ---------------------------------------------------------------------------------- */ -}}
{{- define "sidecar-resources" }}
    {{ template "proxy-resources" . }}
{{- end }}
{{- /* ---------------------------------------------------------------------------------- */ -}}
{{- define "sidecar-proxy" }}
{{- $root := .root }}
{{- $anno := $root.ObjectMeta.Annotations }}
{{- /* What the fixed parts read, without the pod's names, containers and ports: the same for most pods. */}}
{{- $fixed := dict "root" (dict "ObjectMeta" (dict "Annotations" $anno) "Values" $root.Values "ProxyConfig" $root.ProxyConfig "InboundTrafficPolicyMode" $root.InboundTrafficPolicyMode "CompliancePolicy" $root.CompliancePolicy "ProxyUID" $root.ProxyUID "ProxyGID" $root.ProxyGID) "native" .native "mode" .mode "statusPort" .statusPort "hold" .hold "tproxy" .tproxy "bind" .bind "trace" .trace "image" .image "trustDomain" .trustDomain }}
{{- template "proxy-head" $fixed }}
    - name: ISTIO_META_POD_PORTS
      value: {{ .ports | quote }}
    - name: ISTIO_META_APP_CONTAINERS
    {{- if .apps }}
      value: {{ .apps | quote }}
    {{- end }}
{{- template "proxy-env-mid" $fixed }}
    - name: ISTIO_META_WORKLOAD_NAME
      value: {{ index $root.ObjectMeta.Labels `service.istio.io/workload-name` | default $root.DeploymentMeta.Name | quote }}
    {{- if and $root.TypeMeta.APIVersion $root.DeploymentMeta.Name }}
    - name: ISTIO_META_OWNER
      value: {{ printf "kubernetes://apis/%s/namespaces/%s/%ss/%s" $root.TypeMeta.APIVersion (valueOrDefault $root.DeploymentMeta.Namespace "default") (toLower $root.TypeMeta.Kind) $root.DeploymentMeta.Name | quote }}
    {{- end }}
{{- template "proxy-env-late" $fixed }}
    {{- with otelResourceAttributes $root.MeshConfig $anno $root.ObjectMeta.Labels (valueOrDefault $root.DeploymentMeta.Namespace "default") $root.Spec.Containers }}
    - name: OTEL_RESOURCE_ATTRIBUTES
      value: {{ . | quote }}
    {{- end }}
{{- template "proxy-tail" $fixed }}
{{- end }}
{{- /* ---------------------------------------------------------------------------------- */ -}}
{{- define "proxy-head" }}
{{- $root := .root }}
{{- $anno := $root.ObjectMeta.Annotations }}
{{- $values := $root.Values }}
  - name: istio-proxy
    image: {{ .image | quote }}
    {{- with $values.global.imagePullPolicy }}
    imagePullPolicy: {{ . | quote }}
    {{- end }}
    {{- if .native }}
    restartPolicy: Always
    {{- end }}
    ports:
    - name: http-envoy-prom
      containerPort: 15090
      protocol: TCP
    args:
    - proxy
    - sidecar
    - "--domain"
    - {{ printf "$(POD_NAMESPACE).svc.%s" (valueOrDefault $values.global.proxy.clusterDomain "cluster.local") | quote }}
    - {{ printf "--proxyLogLevel=%s" (annotation $root.ObjectMeta `sidecar.istio.io/logLevel` (valueOrDefault $values.global.proxy.logLevel "warning")) | quote }}
    - {{ printf "--proxyComponentLogLevel=%s" (annotation $root.ObjectMeta `sidecar.istio.io/componentLogLevel` (valueOrDefault $values.global.proxy.componentLogLevel "misc:error")) | quote }}
    - {{ printf "--log_output_level=%s" (annotation $root.ObjectMeta `sidecar.istio.io/agentLogLevel` (valueOrDefault $values.global.logging.level "default:info")) | quote }}
    {{- if and $values.global.sts $values.global.sts.servicePort }}
    - {{ printf "--stsPort=%v" $values.global.sts.servicePort | quote }}
    {{- end }}
    {{- if $values.global.logAsJson }}
    - "--log_as_json"
    {{- end }}
    {{- with $values.global.proxy.outlierLogPath }}
    - {{ printf "--outlierLogPath=%s" . | quote }}
    {{- end }}
    {{- if $values.global.proxy.lifecycle }}
    lifecycle:
      {{ toYaml $values.global.proxy.lifecycle | indent 6 }}
    {{- else if .hold }}
    lifecycle:
      postStart:
        exec:
          command:
          - pilot-agent
          - wait
    {{- else if .native }}
    lifecycle:
      preStop:
        exec:
          command:
          - pilot-agent
          - request
          - {{ printf "--debug-port=%v" .statusPort | quote }}
          - POST
          - drain
    {{- end }}
    env:
    {{- if eq (printf "%v" $root.InboundTrafficPolicyMode) "localhost" }}
    - name: REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION
      value: "true"
    {{- end }}
    - name: PILOT_CERT_PROVIDER
      value: {{ valueOrDefault $values.global.pilotCertProvider "istiod" | quote }}
    - name: CA_ADDR
    {{- if $values.global.caAddress }}
      value: {{ $values.global.caAddress | quote }}
    {{- else if $values.revision }}
      value: {{ printf "istiod-%s.%s.svc:15012" $values.revision (valueOrDefault $values.global.istioNamespace "istio-system") | quote }}
    {{- else }}
      value: {{ printf "istiod.%s.svc:15012" (valueOrDefault $values.global.istioNamespace "istio-system") | quote }}
    {{- end }}
    {{ template "proxy-env-pod-identity" . }}
    {{ template "proxy-env-node" . }}
    - name: PROXY_CONFIG
      value: {{ printf "%s\n" (protoToJSON $root.ProxyConfig) | quote }}
{{- end }}
{{- /* ---------------------------------------------------------------------------------- */ -}}
{{- define "proxy-env-mid" }}
{{- $root := .root }}
{{- $anno := $root.ObjectMeta.Annotations }}
{{- $values := $root.Values }}
    - name: GOMEMLIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.memory
          divisor: "1"
    {{- with $root.CompliancePolicy }}
    - name: COMPLIANCE_POLICY
      value: {{ . | quote }}
    {{- if eq . "fips-140-3" }}
    - name: GODEBUG
      value: "fips140=only"
    {{- end }}
    {{- end }}
    - name: ISTIO_META_CLUSTER_ID
      value: {{ valueOrDefault $values.global.multiCluster.clusterName "Kubernetes" | quote }}
    - name: ISTIO_META_NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    - name: ISTIO_META_INTERCEPTION_MODE
      value: {{ .mode | quote }}
    {{- with $values.global.network }}
    - name: ISTIO_META_NETWORK
      value: {{ . | quote }}
    {{- end }}
{{- end }}
{{- /* ---------------------------------------------------------------------------------- */ -}}
{{- define "proxy-env-late" }}
{{- $root := .root }}
{{- $anno := $root.ObjectMeta.Annotations }}
{{- $values := $root.Values }}
    {{- if isset $anno `sidecar.istio.io/bootstrapOverride` }}
    - name: ISTIO_BOOTSTRAP_OVERRIDE
      value: "/etc/istio/custom-bootstrap/custom_bootstrap.json"
    {{- end }}
    - name: ISTIO_META_MESH_ID
      value: {{ valueOrDefault $values.global.meshID .trustDomain | quote }}
    - name: TRUST_DOMAIN
      value: {{ .trustDomain | quote }}
    {{- if and (eq (valueOrDefault $values.global.proxy.tracer "") "datadog") (isset $anno `apm.datadoghq.com/env`) }}
    {{- range $key, $value := fromJSON (index $anno `apm.datadoghq.com/env`) }}
    - name: {{ $key | quote }}
      value: {{ $value | quote }}
    {{- end }}
    {{- end }}
{{- end }}
{{- /* ---------------------------------------------------------------------------------- */ -}}
{{- define "proxy-tail" }}
{{- $root := .root }}
{{- $anno := $root.ObjectMeta.Annotations }}
{{- $values := $root.Values }}
    {{- range $key, $value := $root.ProxyConfig.ProxyMetadata }}
    - name: {{ $key | quote }}
      value: {{ $value | quote }}
    {{- end }}
    {{- if ne (printf "%v" .statusPort) "0" }}
    {{- if $values.global.proxy.startupProbe.enabled }}
    startupProbe:
      httpGet:
        path: /healthz/ready
        port: 15021
      periodSeconds: 1
      timeoutSeconds: 3
      failureThreshold: {{ $values.global.proxy.startupProbe.failureThreshold }}
    {{- end }}
    readinessProbe:
      httpGet:
        path: /healthz/ready
        port: 15021
      {{- with annotation $root.ObjectMeta `readiness.status.sidecar.istio.io/initialDelaySeconds` $values.global.proxy.readinessInitialDelaySeconds }}
      {{- if ne (printf "%v" .) "0" }}
      initialDelaySeconds: {{ . }}
      {{- end }}
      {{- end }}
      periodSeconds: {{ annotation $root.ObjectMeta `readiness.status.sidecar.istio.io/periodSeconds` $values.global.proxy.readinessPeriodSeconds }}
      timeoutSeconds: 3
      failureThreshold: {{ annotation $root.ObjectMeta `readiness.status.sidecar.istio.io/failureThreshold` $values.global.proxy.readinessFailureThreshold }}
    {{- end }}
    {{- template "sidecar-resources" $root }}
    securityContext:
    {{- if .trace }}
      allowPrivilegeEscalation: true
      capabilities:
        add:
        - NET_ADMIN
        drop:
        - ALL
      privileged: true
      readOnlyRootFilesystem: true
      runAsGroup: {{ $root.ProxyGID }}
      runAsNonRoot: false
      runAsUser: 0
    {{- else if or .tproxy .bind }}
      allowPrivilegeEscalation: {{ $values.global.proxy.privileged | default false }}
      capabilities:
        add:
        {{- if .tproxy }}
        - NET_ADMIN
        {{- end }}
        {{- if .bind }}
        - NET_BIND_SERVICE
        {{- end }}
        drop:
        - ALL
      privileged: {{ $values.global.proxy.privileged | default false }}
      readOnlyRootFilesystem: true
      runAsGroup: {{ $root.ProxyGID }}
      runAsNonRoot: false
      runAsUser: 0
    {{- else }}
      allowPrivilegeEscalation: {{ $values.global.proxy.privileged | default false }}
      capabilities:
        drop:
        - ALL
      privileged: {{ $values.global.proxy.privileged | default false }}
      readOnlyRootFilesystem: true
      runAsGroup: {{ $root.ProxyGID }}
      runAsNonRoot: true
      runAsUser: {{ $root.ProxyUID }}
    {{- end }}
    {{- with $values.global.proxy.seccompProfile }}
      seccompProfile:
        {{ toYaml . | indent 8 }}
    {{- end }}
    volumeMounts:
    - name: workload-socket
      mountPath: /var/run/secrets/workload-spiffe-uds
    - name: credential-socket
      mountPath: /var/run/secrets/credential-uds
    {{- if eq (valueOrDefault $values.global.caName "") "GkeWorkloadCertificate" }}
    - name: gke-workload-certificate
      mountPath: /var/run/secrets/workload-spiffe-credentials
      readOnly: true
    {{- else }}
    - name: workload-certs
      mountPath: /var/run/secrets/workload-spiffe-credentials
    {{- end }}
    {{- if eq (valueOrDefault $values.global.pilotCertProvider "istiod") "istiod" }}
    - name: istiod-ca-cert
      mountPath: /var/run/secrets/istio
    - name: istio-ca-crl
      mountPath: /var/run/secrets/istio/crl
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
    {{- if $values.global.mountMtlsCerts }}
    - name: istio-certs
      mountPath: /etc/certs/
      readOnly: true
    {{- end }}
    - name: istio-podinfo
      mountPath: /etc/istio/pod
    {{- if isset $anno `sidecar.istio.io/userVolumeMount` }}
    {{- range $name, $mount := fromJSON (index $anno `sidecar.istio.io/userVolumeMount`) }}
    - name: {{ $name | quote }}
      {{ toYaml $mount | indent 6 }}
    {{- end }}
    {{- end }}
{{- end }}
