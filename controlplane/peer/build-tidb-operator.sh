#!/usr/bin/env bash
# Builds TiDB Operator's backup-manager (./cmd/backup-manager) and tidb-controller-manager (./cmd/controller-manager)
# from branch release-1.6 of its source, for the side-by-side benchmarks (PeerCleanBenchmark and the operator's).
# Bench only: nothing in the normal build or CI runs this script, and nothing it builds is shipped.
#
#   build-tidb-operator.sh <tidb-operator checkout or git dir> <out dir>
#
# The source is a local git checkout or bare mirror; the script exports release-1.6 (git archive) into a temp dir and
# builds there with the local Go (GOTOOLCHAIN=local: the go.mod's `go` line is older than this Go, so no toolchain is
# fetched), CGO_ENABLED=0 and -mod=mod. The only network it uses is the Go module proxy (GOPROXY as set).
# Into <out dir> it writes backup-manager, tidb-controller-manager, pingcap.com_backups.yaml and the other nine
# pingcap.com CRDs under crd/ (copied from manifests/crd/v1, read by the benchmarks; never committed here) and
# .built-from (the commit). When .built-from names the branch's current commit and both binaries are there, it
# only says so. BRANCH=<ref> builds another ref.
set -euo pipefail
say() { echo "peer-build: $*"; }
[ $# -eq 2 ] || { echo "usage: build-tidb-operator.sh <tidb-operator checkout or git dir> <out dir>" >&2; exit 2; }
src="$1"; out="$2"; branch="${BRANCH:-release-1.6}"
command -v go >/dev/null || { echo "peer-build: Go is needed (go build)" >&2; exit 1; }
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || { echo "peer-build: $src is not a git checkout or git dir" >&2; exit 1; }

commit="$(git -C "$src" rev-parse --verify -q "$branch^{commit}" \
  || git -C "$src" rev-parse --verify -q "origin/$branch^{commit}" || true)"
[ -n "$commit" ] || { echo "peer-build: $src has no branch $branch" >&2; exit 1; }
mkdir -p "$out"; out="$(cd "$out" && pwd)"
want="github.com/pingcap/tidb-operator $branch $commit"
if [ -x "$out/backup-manager" ] && [ -x "$out/tidb-controller-manager" ] && [ -f "$out/pingcap.com_backups.yaml" ] \
   && [ "$(cat "$out/.built-from" 2>/dev/null)" = "$want" ]; then
  say "already built from $branch at $commit in $out (delete $out/.built-from to build again)"
  exit 0
fi
say "building $branch at $commit ($(git -C "$src" log -1 --format=%cs "$commit")) with $(go version | cut -d' ' -f3)"

work="$(mktemp -d "${TMPDIR:-/tmp}/tidb-operator-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
say "exporting $branch into $work (git archive)"
git -C "$src" archive --format=tar "$commit" | tar -x -C "$work"

# GOTOOLCHAIN=local: build with this Go even where go.mod names another; -mod=mod: go.sum gaps are filled from the
# proxy rather than failing; -buildvcs=false: the export is not a repository. CGO off: the Makefile's default build
# (the boringcrypto one is its FIPS variant).
# GOPROXY loses a trailing ",direct": the module proxy is the only network this build may use.
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} -mod=mod -buildvcs=false"
GOPROXY="$(go env GOPROXY)"; export GOPROXY="${GOPROXY%,direct}"
say "go.mod asks for $(sed -n 's/^go //p' "$work/go.mod")$(sed -n 's/^toolchain / (toolchain &)/p' "$work/go.mod"); GOFLAGS=$GOFLAGS"
say "downloading modules (from the module cache or $(go env GOPROXY))"
t=$(date +%s)
(cd "$work" && go mod download)
say "modules ready in $(( $(date +%s) - t )) s"

# the version the binaries print, stamped as its hack/version.sh does
pkgv=github.com/pingcap/tidb-operator/pkg/version
ldflags="-s -w -X $pkgv.gitCommit=$commit -X $pkgv.gitTreeState=clean -X $pkgv.gitVersion=$branch-${commit:0:10}"
ldflags="$ldflags -X $pkgv.buildDate=$(git -C "$src" log -1 --format=%cI "$commit")"
mkdir -p "$work/bin"
for pair in backup-manager:./cmd/backup-manager tidb-controller-manager:./cmd/controller-manager; do
  name="${pair%%:*}"; pkg="${pair#*:}"
  say "building $name from $pkg (cold: minutes)"
  t=$(date +%s)
  (cd "$work" && go build -trimpath -ldflags "$ldflags" -o "bin/$name" "$pkg")
  say "$name built in $(( $(date +%s) - t )) s ($(du -h "$work/bin/$name" | cut -f1))"
done

say "installing into $out"
rm -f "$out/.built-from"
mkdir -p "$out/crd"
cp "$work"/manifests/crd/v1/pingcap.com_*.yaml "$out/crd/"
cp "$work/manifests/crd/v1/pingcap.com_backups.yaml" "$out/pingcap.com_backups.yaml"
mv -f "$work/bin/backup-manager" "$work/bin/tidb-controller-manager" "$out/"
echo "$want" > "$out/.built-from"
say "done: $out/backup-manager, $out/tidb-controller-manager, $out/crd/ ($(ls "$out/crd" | wc -l) CRDs)"
