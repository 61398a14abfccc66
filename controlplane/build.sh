#!/usr/bin/env bash
# Builds the test infrastructure from the Go modules pinned in this directory (test only, never shipped):
#   control plane: kube-apiserver, kube-controller-manager and kubectl (controlplane/k8s) and etcd (controlplane/etcd)
#     into ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-linux-amd64/, the layout fabric8's kube-api-test reads;
#   emulators: fake-gcs-server (controlplane/emulators) into ${KUBE_API_TEST_DIR:-~/.kubeapitest}/emulators/;
#   node: kubelet and kube-scheduler (controlplane/k8s) and a pause binary (controlplane/node/pause) into
#     ${KUBE_API_TEST_DIR:-~/.kubeapitest}/node/<version>/, and the container runtime from Debian's packages
#     (containerd, runc, containernetworking-plugins; buildah, mmdebstrap and busybox-static for the images), installed with
#     apt-get when missing (root only).
# Each part is skipped when its binaries for the pinned versions are there. A cold build of the control plane takes
# 5-25 minutes on 2 cores (most of it kube-apiserver); a Go error fails the script, with no fallback.
#
#   build.sh [all|controlplane|emulators|node]   build (default: all)
#   build.sh --print-dir                    print the control plane's binary directory
#   build.sh --print-fake-gcs-server        print the fake-gcs-server binary's path
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pinned() { sed -n "s|^require $1 v\(.*\)\$|\1|p" "$2"; }
K8S_VERSION="$(pinned k8s.io/kubernetes "$here/k8s/go.mod")"
ETCD_VERSION="$(pinned go.etcd.io/etcd/server/v3 "$here/etcd/go.mod")"
GCS_VERSION="$(pinned github.com/fsouza/fake-gcs-server "$here/emulators/go.mod")"
[ -n "$K8S_VERSION" ] && [ -n "$ETCD_VERSION" ] && [ -n "$GCS_VERSION" ] \
  || { echo "controlplane: cannot read the pinned versions" >&2; exit 1; }
root="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
cp_dir="$root/k8s/$K8S_VERSION-linux-amd64"
gcs_dir="$root/emulators/fake-gcs-server-v$GCS_VERSION"
node_dir="$root/node/$K8S_VERSION"
case "${1:-all}" in
  --print-dir) echo "$cp_dir"; exit 0 ;;
  --print-fake-gcs-server) echo "$gcs_dir/fake-gcs-server"; exit 0 ;;
  --print-node-dir) echo "$node_dir"; exit 0 ;;
  all|controlplane|emulators|node) target="${1:-all}" ;;
  *) echo "usage: build.sh [all|controlplane|emulators|node|--print-dir|--print-fake-gcs-server|--print-node-dir]" >&2
     exit 2 ;;
esac
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod" GOTOOLCHAIN=local

# build <module dir> <main package> <output> [go build flags…]
build() {
  local module="$1" pkg="$2" out="$3"; shift 3
  echo "controlplane: building $(basename "$out") from $pkg (cold: minutes; cached: seconds)"
  local t; t=$(date +%s)
  (cd "$module" && go build -trimpath "$@" -o "$out" "$pkg")
  echo "controlplane: $(basename "$out") built in $(( $(date +%s) - t )) s"
}

# the version Kubernetes' binaries report, as its own build stamps it
k8s_ldflags() {
  local minor ldflags="-s -w" p; minor="$(echo "$K8S_VERSION" | cut -d. -f2)"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  echo "$ldflags"
}

need_go() {
  command -v go >/dev/null || { echo "controlplane: Go is needed to build the test infrastructure" >&2; exit 1; }
}

control_plane() {
  local stamp="$cp_dir/.built-from" want="kubernetes v$K8S_VERSION, etcd v$ETCD_VERSION"
  if [ -x "$cp_dir/kube-apiserver" ] && [ -x "$cp_dir/kube-controller-manager" ] && [ -x "$cp_dir/kubectl" ] \
     && [ -x "$cp_dir/etcd" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "controlplane: $want already built in $cp_dir"
    return
  fi
  need_go
  local started; started=$(date +%s)
  rm -rf "$cp_dir.tmp"; mkdir -p "$cp_dir.tmp"
  local ldflags; ldflags="$(k8s_ldflags)"
  for cmd in kube-apiserver kube-controller-manager kubectl; do
    build "$here/k8s" "k8s.io/kubernetes/cmd/$cmd" "$cp_dir.tmp/$cmd" -tags selinux,notest,grpcnotrace \
      -ldflags "$ldflags"
  done
  build "$here/etcd" go.etcd.io/etcd/server/v3 "$cp_dir.tmp/etcd" -ldflags "-s -w"
  echo "$want" > "$cp_dir.tmp/.built-from"
  rm -rf "$cp_dir"; mv "$cp_dir.tmp" "$cp_dir"
  echo "controlplane: $want built into $cp_dir in $(( $(date +%s) - started )) s"
}

emulators() {
  if [ -x "$gcs_dir/fake-gcs-server" ]; then
    echo "controlplane: fake-gcs-server v$GCS_VERSION already built in $gcs_dir"
    return
  fi
  need_go
  rm -rf "$gcs_dir.tmp"; mkdir -p "$gcs_dir.tmp"
  build "$here/emulators" github.com/fsouza/fake-gcs-server "$gcs_dir.tmp/fake-gcs-server" -ldflags "-s -w"
  rm -rf "$gcs_dir"; mv "$gcs_dir.tmp" "$gcs_dir"
}

# the node's runtime from Debian's packages; the commands it needs, with their package
runtime_packages() {
  local missing=()
  command -v containerd >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || missing+=(runc)
  [ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  command -v buildah >/dev/null || missing+=(buildah)
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v nsenter >/dev/null || missing+=(util-linux)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "controlplane: node runtime packages present"
    return
  fi
  [ "$(id -u)" = 0 ] || { echo "controlplane: the node needs ${missing[*]} (Debian packages) and root" >&2; exit 1; }
  echo "controlplane: installing the node's runtime from Debian: ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

node() {
  runtime_packages
  local stamp="$node_dir/.built-from" want="kubernetes v$K8S_VERSION, pause 1"
  if [ -x "$node_dir/kubelet" ] && [ -x "$node_dir/kube-scheduler" ] && [ -x "$node_dir/pause" ] \
     && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "controlplane: node binaries ($want) already built in $node_dir"
    return
  fi
  need_go
  local started; started=$(date +%s)
  rm -rf "$node_dir.tmp"; mkdir -p "$node_dir.tmp"
  local ldflags; ldflags="$(k8s_ldflags)"
  for cmd in kubelet kube-scheduler; do
    build "$here/k8s" "k8s.io/kubernetes/cmd/$cmd" "$node_dir.tmp/$cmd" -tags selinux,notest,grpcnotrace \
      -ldflags "$ldflags"
  done
  build "$here/node/pause" . "$node_dir.tmp/pause" -ldflags "-s -w"
  echo "$want" > "$node_dir.tmp/.built-from"
  rm -rf "$node_dir"; mv "$node_dir.tmp" "$node_dir"
  echo "controlplane: node binaries built into $node_dir in $(( $(date +%s) - started )) s"
}

case "$target" in
  all) control_plane; emulators ;;
  controlplane) control_plane ;;
  emulators) emulators ;;
  node) node ;;
esac
