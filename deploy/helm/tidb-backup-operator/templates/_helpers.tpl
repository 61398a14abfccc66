{{- define "tbo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tbo.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "tbo.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "tbo.labels" -}}
app.kubernetes.io/name: {{ include "tbo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "tbo.selector" -}}
app.kubernetes.io/name: {{ include "tbo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tbo.serviceAccount" -}}
{{- default (include "tbo.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "tbo.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Namespaced permissions: the same rules in a ClusterRole (all namespaces) or in a Role per watched namespace. */}}
{{- /* Exactly what the operator calls: RbacIT runs it on a real API server with these rules and fails on a
     request they refuse or on a verb it never uses. */ -}}
{{- define "tbo.namespacedRules" -}}
# get: a status update that meets a conflict re-reads the object
- apiGroups: {{ toJson .Values.apiGroups }}
  resources: ["backups", "restores", "backupschedules", "compactbackups"]
  verbs: ["get", "list", "watch"]
# patch: the Backup finalizer, and a schedule's log truncation; a BackupSchedule creates its Backups (and
# CompactBackups) and deletes the ones retention expires
- apiGroups: {{ toJson .Values.apiGroups }}
  resources: ["backups"]
  verbs: ["patch", "create", "delete"]
- apiGroups: {{ toJson .Values.apiGroups }}
  resources: ["compactbackups"]
  verbs: ["create", "delete"]
- apiGroups: {{ toJson .Values.apiGroups }}
  resources: ["backups/status", "restores/status", "backupschedules/status", "compactbackups/status"]
  verbs: ["update"]
{{- if has "br.pingcap.com" .Values.apiGroups }}
# patch: v2's finalizer on a Restore while it runs
- apiGroups: ["br.pingcap.com"]
  resources: ["restores"]
  verbs: ["patch"]
# a v2 object's cluster: the Cluster it names, the oldest PDGroup and TiKVGroup of it (read only)
- apiGroups: ["core.pingcap.com"]
  resources: ["clusters"]
  verbs: ["get"]
- apiGroups: ["core.pingcap.com"]
  resources: ["pdgroups", "tikvgroups"]
  verbs: ["list"]
{{- end }}
{{- if has "pingcap.com" .Values.apiGroups }}
- apiGroups: ["pingcap.com"]
  resources: ["tidbclusters"]
  verbs: ["get"]
{{- end }}
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["list", "watch", "create", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
# create only: the Secret of an inline azblob.sasToken is named after its owner's UID and the token, so it is
# written once, never read back or updated (reads only with rbac.readSecrets)
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["create"]
# list, watch: the Job controller's FailedCreate events say why a Job has no pod (a missing ServiceAccount, a
# quota); watched per namespace, since the API server has no watch cache of events and every list reads them all.
# patch: a cause said again raises the count of its one Event (one merge patch, no read)
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "list", "watch", "patch"]
{{- end -}}

{{/* Cluster-scoped reads: whether the TidbCluster CRD exists, whether our CRDs are this release's, whether a namespace is terminating; JOSDK's own check
     of its Lease permissions. */}}
{{- define "tbo.clusterRules" -}}
# get: whether the TidbCluster CRD exists, and at startup whether our CRDs are this release's (CrdCheck)
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  resourceNames:
    - tidbclusters.pingcap.com
    {{- range $g := .Values.apiGroups }}
    - backups.{{ $g }}
    - restores.{{ $g }}
    - backupschedules.{{ $g }}
    - compactbackups.{{ $g }}
    {{- end }}
  verbs: ["get"]
- apiGroups: [""]
  resources: ["namespaces"]
  verbs: ["get"]
- apiGroups: ["authorization.k8s.io"]
  resources: ["selfsubjectrulesreviews"]
  verbs: ["create"]
{{- end -}}

{{- define "tbo.jobNamespaces" -}}
{{- if .Values.jobServiceAccount.namespaces -}}
{{- join "," .Values.jobServiceAccount.namespaces -}}
{{- else if .Values.watchNamespaces -}}
{{- join "," .Values.watchNamespaces -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

