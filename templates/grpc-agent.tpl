metadata:
  annotations:
    sidecar.istio.io/rewriteAppHTTPProbers: "false"
spec:
  containers:
  {{- range .Spec.Containers }}
  {{- if ne .Name "istio-proxy" }}
  - name: {{ .Name | quote }}
    env:
    - name: GRPC_XDS_BOOTSTRAP
      value: /etc/istio/proxy/grpc-bootstrap.json
    - name: GRPC_GO_LOG_VERBOSITY_LEVEL
      value: "99"
    - name: GRPC_GO_LOG_SEVERITY_LEVEL
      value: info
    volumeMounts:
    - name: istio-xds
      mountPath: /etc/istio/proxy
    - name: istio-data
      mountPath: /var/lib/istio/data
  {{- end }}
  {{- end }}
  - name: istio-proxy
    image: {{ .ProxyImage | quote }}
    args:
    - proxy
    - sidecar
    - "--domain"
    - {{ printf "$(POD_NAMESPACE).svc.%s" (valueOrDefault .Values.global.proxy.clusterDomain "cluster.local") | quote }}
    env:
    {{ template "proxy-env-pod-identity" . }}
    - name: ISTIO_META_CLUSTER_ID
      value: {{ valueOrDefault .Values.global.multiCluster.clusterName "Kubernetes" | quote }}
    - name: CA_ADDR
      value: {{ valueOrDefault .Values.global.caAddress (printf "istiod.%s.svc:15012" (valueOrDefault .Values.global.istioNamespace "istio-system")) | quote }}
    - name: PILOT_CERT_PROVIDER
      value: {{ valueOrDefault .Values.global.pilotCertProvider "istiod" | quote }}
    - name: ISTIO_META_GENERATOR
      value: grpc
    - name: OUTPUT_CERTS
      value: /var/lib/istio/data
    - name: ISTIO_META_DNS_CAPTURE
      value: "false"
    - name: DISABLE_ENVOY
      value: "true"
    readinessProbe:
      httpGet:
        path: /healthz/ready
        port: 15020
      periodSeconds: 15
      timeoutSeconds: 3
      failureThreshold: 4
    resources:
      requests:
        cpu: 10m
        memory: 40Mi
    volumeMounts:
    - name: workload-socket
      mountPath: /var/run/secrets/workload-spiffe-uds
    - name: istiod-ca-cert
      mountPath: /var/run/secrets/istio
    - name: istio-data
      mountPath: /var/lib/istio/data
    - name: istio-xds
      mountPath: /etc/istio/proxy
    - name: istio-token
      mountPath: /var/run/secrets/tokens
    - name: istio-podinfo
      mountPath: /etc/istio/pod
  volumes:
  - name: workload-socket
    emptyDir:
  - name: istio-xds
    emptyDir: {}
  {{ template "pod-volumes-agent" . }}
  - name: istiod-ca-cert
    configMap:
      name: {{ valueOrDefault .Values.global.trustBundleName "istio-ca-root-cert" | quote }}
