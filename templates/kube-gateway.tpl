{{- /* Rendered by istiod's Gateway API controller for a Gateway of an Istio gateway class, not by injection. */ -}}
{{- $network := valueOrDefault (index .InfrastructureLabels `topology.istio.io/network`) .Values.global.network -}}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain .Values.global.trustDomain -}}
{{- $gke := eq (valueOrDefault .Values.global.caName "") "GkeWorkloadCertificate" -}}
{{- $istiodCA := eq (valueOrDefault .Values.global.pilotCertProvider "istiod") "istiod" -}}
{{ template "gateway-service-account" . }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .DeploymentName | quote }}
  namespace: {{ .Namespace | quote }}
  annotations: {{ toJsonMap (omit .InfrastructureAnnotations "kubectl.kubernetes.io/last-applied-configuration" "gateway.istio.io/name-override" "gateway.istio.io/service-account" "gateway.istio.io/controller-version") }}
  labels: {{ toJsonMap .InfrastructureLabels (strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass "gateway.istio.io/managed" "istio.io-gateway-controller") }}
  {{ template "gateway-owner" . }}
spec:
  selector:
    matchLabels:
      {{ .GatewayNameLabel | quote }}: {{ .Name | quote }}
  template:
    metadata:
      annotations: {{ toJsonMap (omit .InfrastructureAnnotations "kubectl.kubernetes.io/last-applied-configuration" "gateway.istio.io/name-override" "gateway.istio.io/service-account" "gateway.istio.io/controller-version") (strdict "istio.io/rev" (.Revision | default "default")) (strdict "prometheus.io/path" "/stats/prometheus" "prometheus.io/port" "15020" "prometheus.io/scrape" "true") }}
      labels: {{ toJsonMap (strdict "sidecar.istio.io/inject" "false" "service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") .InfrastructureLabels (strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass "gateway.istio.io/managed" "istio.io-gateway-controller") }}
    spec:
      securityContext:
      {{- if .Values.gateways.securityContext }}
        {{- toYaml .Values.gateways.securityContext | nindent 8 }}
      {{- else }}
        sysctls:
        - name: net.ipv4.ip_unprivileged_port_start
          value: "0"
      {{- if .Values.gateways.seccompProfile }}
        seccompProfile:
          {{- toYaml .Values.gateways.seccompProfile | nindent 10 }}
      {{- end }}
      {{- end }}
      serviceAccountName: {{ .ServiceAccount | quote }}
      containers:
      - name: istio-proxy
        {{- if contains "/" (annotation .ObjectMeta `sidecar.istio.io/proxyImage` .Values.global.proxy.image) }}
        image: {{ annotation .ObjectMeta `sidecar.istio.io/proxyImage` .Values.global.proxy.image | quote }}
        {{- else }}
        image: {{ .ProxyImage | quote }}
        {{- end }}
        {{- if .Values.global.proxy.resources }}
        resources:
          {{- toYaml (omitNil .Values.global.proxy.resources) | nindent 10 }}
        {{- end }}
        {{- with .Values.global.imagePullPolicy }}
        imagePullPolicy: {{ . | quote }}
        {{- end }}
        securityContext:
          capabilities:
            drop:
            - ALL
          allowPrivilegeEscalation: false
          privileged: false
          readOnlyRootFilesystem: true
          runAsUser: {{ .ProxyUID | default "1337" }}
          runAsGroup: {{ .ProxyGID | default "1337" }}
          runAsNonRoot: true
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
        args:
        - proxy
        - router
        - "--domain"
        - {{ printf "$(POD_NAMESPACE).svc.%s" .Values.global.proxy.clusterDomain | quote }}
        - "--proxyLogLevel"
        - {{ annotation .ObjectMeta `sidecar.istio.io/logLevel` .Values.global.proxy.logLevel | quote }}
        - "--proxyComponentLogLevel"
        - {{ annotation .ObjectMeta `sidecar.istio.io/componentLogLevel` .Values.global.proxy.componentLogLevel | quote }}
        - "--log_output_level"
        - {{ annotation .ObjectMeta `sidecar.istio.io/agentLogLevel` .Values.global.logging.level | quote }}
        {{- if .Values.global.sts.servicePort }}
        - {{ printf "--stsPort=%v" .Values.global.sts.servicePort | quote }}
        {{- end }}
        {{- if .Values.global.logAsJson }}
        - "--log_as_json"
        {{- end }}
        {{- if .Values.global.proxy.lifecycle }}
        lifecycle:
          {{- toYaml .Values.global.proxy.lifecycle | nindent 10 }}
        {{- end }}
        env:
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
        - name: ISTIO_META_POD_PORTS
          value: "[]"
        - name: ISTIO_META_APP_CONTAINERS
          value: ""
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
          value: {{ valueOrDefault .Values.global.multiCluster.clusterName .ClusterID | quote }}
        - name: ISTIO_META_NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
        - name: ISTIO_META_INTERCEPTION_MODE
          value: {{ printf "%v" .ProxyConfig.InterceptionMode | quote }}
        {{- with $network }}
        - name: ISTIO_META_NETWORK
          value: {{ . | quote }}
        {{- end }}
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
        {{- range $key, $value := .ProxyConfig.ProxyMetadata }}
        - name: {{ $key | quote }}
          value: {{ $value | quote }}
        {{- end }}
        {{- with index .InfrastructureLabels `topology.istio.io/network` }}
        - name: ISTIO_META_REQUESTED_NETWORK_VIEW
          value: {{ . | quote }}
        {{- end }}
        {{ template "gateway-probes" . }}
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
        emptyDir: {}
      {{- if $gke }}
      - name: gke-workload-certificate
        csi:
          driver: workloadcertificates.security.cloud.google.com
      {{- else }}
      - name: workload-certs
        emptyDir: {}
      {{- end }}
      - name: istio-envoy
        emptyDir:
          medium: Memory
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
  {{ template "gateway-object-annotations" . }}
  {{ template "gateway-owner" . }}
{{ template "gateway-service-spec" . }}
---
{{ template "gateway-scaling" . }}
