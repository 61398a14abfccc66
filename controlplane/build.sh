#!/usr/bin/env bash
# Builds the test control plane (kube-apiserver, kube-controller-manager, kubectl, etcd) from the Go modules
# pinned in controlplane/k8s and controlplane/etcd into the layout fabric8's kube-api-test reads:
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-linux-amd64/{kube-apiserver,kube-controller-manager,kubectl,etcd}
# Skips the build when all four binaries of the pinned version are there. Test infrastructure only.
# A cold build takes 15-25 minutes on 2 cores; a Go error fails the script (no fallback).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
K8S_VERSION="$(sed -n 's/^require k8s.io\/kubernetes v\(.*\)$/\1/p' "$here/k8s/go.mod")"
ETCD_VERSION="$(sed -n 's/^require go.etcd.io\/etcd\/server\/v3 v\(.*\)$/\1/p' "$here/etcd/go.mod")"
[ -n "$K8S_VERSION" ] && [ -n "$ETCD_VERSION" ] || { echo "controlplane: cannot read the pinned versions" >&2; exit 1; }
root="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
out="$root/k8s/$K8S_VERSION-linux-amd64"
stamp="$out/.built-from"
want="kubernetes v$K8S_VERSION, etcd v$ETCD_VERSION"
if [ "${1:-}" = "--print-dir" ]; then echo "$out"; exit 0; fi
if [ -x "$out/kube-apiserver" ] && [ -x "$out/kube-controller-manager" ] && [ -x "$out/kubectl" ] \
   && [ -x "$out/etcd" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "controlplane: $want already built in $out"
  exit 0
fi
command -v go >/dev/null || { echo "controlplane: Go is needed to build the test control plane" >&2; exit 1; }
mkdir -p "$out.tmp"
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod" GOTOOLCHAIN=local
minor="$(echo "$K8S_VERSION" | cut -d. -f2)"
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
done
started=$(date +%s)
for cmd in kube-apiserver kube-controller-manager kubectl; do
  echo "controlplane: building $cmd v$K8S_VERSION (cold: several minutes each; go's cache makes it seconds later)"
  t=$(date +%s)
  (cd "$here/k8s" && go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ldflags" \
      -o "$out.tmp/$cmd" "k8s.io/kubernetes/cmd/$cmd")
  echo "controlplane: $cmd built in $(( $(date +%s) - t )) s"
done
echo "controlplane: building etcd v$ETCD_VERSION"
t=$(date +%s)
(cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$out.tmp/etcd" go.etcd.io/etcd/server/v3)
echo "controlplane: etcd built in $(( $(date +%s) - t )) s"
echo "$want" > "$out.tmp/.built-from"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "controlplane: $want built into $out in $(( $(date +%s) - started )) s"
