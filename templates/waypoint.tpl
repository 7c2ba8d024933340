{{- /* Rendered by istiod's Gateway API controller for a waypoint (gateway class istio-waypoint), not by injection. */ -}}
{{- $network := valueOrDefault (index .InfrastructureLabels `topology.istio.io/network`) .Values.global.network -}}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain .Values.global.trustDomain -}}
{{ template "gateway-service-account" . }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .DeploymentName | quote }}
  namespace: {{ .Namespace | quote }}
  annotations: {{ toJsonMap (omit .InfrastructureAnnotations "kubectl.kubernetes.io/last-applied-configuration" "gateway.istio.io/name-override" "gateway.istio.io/service-account" "gateway.istio.io/controller-version") }}
  labels: {{ toJsonMap .InfrastructureLabels (strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass "gateway.istio.io/managed" .ControllerLabel) }}
  {{ template "gateway-owner" . }}
spec:
  selector:
    matchLabels:
      {{ .GatewayNameLabel | quote }}: {{ .Name | quote }}
  template:
    metadata:
      annotations: {{ toJsonMap (omit .InfrastructureAnnotations "kubectl.kubernetes.io/last-applied-configuration" "gateway.istio.io/name-override" "gateway.istio.io/service-account" "gateway.istio.io/controller-version") (strdict "istio.io/rev" (.Revision | default "default")) (strdict "prometheus.io/path" "/stats/prometheus" "prometheus.io/port" "15020" "prometheus.io/scrape" "true") }}
      labels: {{ toJsonMap (strdict "sidecar.istio.io/inject" "false" "istio.io/dataplane-mode" "none" "service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") .InfrastructureLabels (strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass "gateway.istio.io/managed" .ControllerLabel) }}
    spec:
      {{- range $field := list "affinity" "topologySpreadConstraints" "nodeSelector" "tolerations" }}
      {{- with index $.Values.global.waypoint $field }}
      {{ $field }}:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- end }}
      serviceAccountName: {{ .ServiceAccount | quote }}
      containers:
      - name: istio-proxy
        ports:
        - name: metrics
          containerPort: 15020
          protocol: TCP
        - name: status-port
          containerPort: 15021
          protocol: TCP
        - name: http-envoy-prom
          containerPort: 15090
          protocol: TCP
        {{- if contains "/" (annotation .ObjectMeta `sidecar.istio.io/proxyImage` .Values.global.proxy.image) }}
        image: {{ annotation .ObjectMeta `sidecar.istio.io/proxyImage` .Values.global.proxy.image | quote }}
        {{- else }}
        image: {{ .ProxyImage | quote }}
        {{- end }}
        {{- with .Values.global.imagePullPolicy }}
        imagePullPolicy: {{ . | quote }}
        {{- end }}
        args:
        - proxy
        - waypoint
        - "--domain"
        - {{ printf "$(POD_NAMESPACE).svc.%s" .Values.global.proxy.clusterDomain | quote }}
        - "--serviceCluster"
        - {{ printf "%s.$(POD_NAMESPACE)" .ServiceAccount | quote }}
        - "--proxyLogLevel"
        - {{ annotation .ObjectMeta `sidecar.istio.io/logLevel` .Values.global.proxy.logLevel | quote }}
        - "--proxyComponentLogLevel"
        - {{ annotation .ObjectMeta `sidecar.istio.io/componentLogLevel` .Values.global.proxy.componentLogLevel | quote }}
        - "--log_output_level"
        - {{ annotation .ObjectMeta `sidecar.istio.io/agentLogLevel` .Values.global.logging.level | quote }}
        {{- if .Values.global.logAsJson }}
        - "--log_as_json"
        {{- end }}
        {{- with .Values.global.proxy.outlierLogPath }}
        - {{ printf "--outlierLogPath=%s" . | quote }}
        {{- end }}
        env:
        - name: ISTIO_META_SERVICE_ACCOUNT
          valueFrom:
            fieldRef:
              fieldPath: spec.serviceAccountName
        - name: ISTIO_META_NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
        - name: PILOT_CERT_PROVIDER
          value: {{ .Values.global.pilotCertProvider | quote }}
        - name: CA_ADDR
        {{- if .Values.global.caAddress }}
          value: {{ .Values.global.caAddress | quote }}
        {{- else if .Values.revision }}
          value: {{ printf "istiod-%s.%s.svc:15012" .Values.revision .Values.global.istioNamespace | quote }}
        {{- else }}
          value: {{ printf "istiod.%s.svc:15012" .Values.global.istioNamespace | quote }}
        {{- end }}
        {{ template "proxy-env-pod-identity" . }}
        {{ template "proxy-env-node" . }}
        - name: PROXY_CONFIG
          value: {{ printf "%s\n" (protoToJSON .ProxyConfig) | quote }}
        {{- range $key, $value := .ProxyConfig.ProxyMetadata }}
        - name: {{ $key | quote }}
          value: {{ $value | quote }}
        {{- end }}
        - name: GOMEMLIMIT
          valueFrom:
            resourceFieldRef:
              resource: limits.memory
              divisor: "1"
        - name: GOMAXPROCS
          valueFrom:
            resourceFieldRef:
              resource: limits.cpu
              divisor: "1"
        - name: ISTIO_META_CLUSTER_ID
          value: {{ valueOrDefault .Values.global.multiCluster.clusterName "Kubernetes" | quote }}
        {{- with $network }}
        - name: ISTIO_META_NETWORK
          value: {{ . | quote }}
        {{- if eq $.ControllerLabel "istio.io-eastwest-controller" }}
        - name: ISTIO_META_REQUESTED_NETWORK_VIEW
          value: {{ . | quote }}
        {{- end }}
        {{- end }}
        - name: ISTIO_META_INTERCEPTION_MODE
          value: REDIRECT
        - name: ISTIO_META_WORKLOAD_NAME
          value: {{ .DeploymentName | quote }}
        - name: ISTIO_META_OWNER
          value: {{ printf "kubernetes://apis/apps/v1/namespaces/%s/deployments/%s" .Namespace .DeploymentName | quote }}
        {{- with valueOrDefault .Values.global.meshID $trustDomain }}
        - name: ISTIO_META_MESH_ID
          value: {{ . | quote }}
        {{- end }}
        {{- with $trustDomain }}
        - name: TRUST_DOMAIN
          value: {{ . | quote }}
        {{- end }}
        {{- if .Values.global.waypoint.resources }}
        resources:
          {{- toYaml (omitNil .Values.global.waypoint.resources) | nindent 10 }}
        {{- end }}
        {{ template "gateway-probes" . }}
        securityContext:
          privileged: false
          {{- if ne (valueOrDefault .Values.global.platform "") "openshift" }}
          runAsGroup: 1337
          runAsUser: 1337
          {{- end }}
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          capabilities:
            drop:
            - ALL
          {{- with .Values.gateways.seccompProfile }}
          seccompProfile:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        volumeMounts:
        - name: workload-socket
          mountPath: /var/run/secrets/workload-spiffe-uds
        - name: istiod-ca-cert
          mountPath: /var/run/secrets/istio
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
        emptyDir: {}
      - name: istio-envoy
        emptyDir:
          medium: Memory
      - name: go-proxy-envoy
        emptyDir:
          medium: Memory
      - name: go-proxy-data
        emptyDir: {}
      {{ template "gateway-pod-volumes" . }}
      {{- if .Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- range .Values.global.imagePullSecrets }}
        - name: {{ . | quote }}
        {{- end }}
      {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .DeploymentName | quote }}
  namespace: {{ .Namespace | quote }}
  annotations: {{ toJsonMap (strdict "networking.istio.io/traffic-distribution" "PreferClose") (omit .InfrastructureAnnotations "kubectl.kubernetes.io/last-applied-configuration" "gateway.istio.io/name-override" "gateway.istio.io/service-account" "gateway.istio.io/controller-version") }}
  labels: {{ toJsonMap .InfrastructureLabels (strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass) }}
  {{ template "gateway-owner" . }}
{{ template "gateway-service-spec" . }}
---
{{ template "gateway-scaling" . }}
