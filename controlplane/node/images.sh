#!/usr/bin/env bash
# The images the test node runs, built here without a registry or a Docker daemon (test infrastructure only):
#   pause.tar   the sandbox image (controlplane/node/pause)
#   agent.tar   this project's image, from the repo's Dockerfile: its runtime stage, on a JRE 17 base assembled
#               from Debian's packages (mmdebstrap) and tagged as the Dockerfile's FROM names it; the build stage
#               (a Maven image) is replaced by the jar Maven just built, copied where the build stage puts it
#   br.tar, dumpling.tar, tidb-lightning.tar, tikv.tar
#               stand-ins for pingcap's tool images: the real images' layout (the binary at /br, /dumpling,
#               /tidb-lightning, /tikv-ctl, a shell for the init container's cp) with a simulated tool inside:
#               br is built from standin/br-go and writes a backup in BR's layout to the test's S3 server
# Each archive is a docker-archive for `ctr images import`; archives.txt lists this run's. The JRE base and the stand-ins are cached by their
# inputs; the agent image is rebuilt when the jar changes.
#
#   images.sh <out dir> <jar> <node bin dir> <tool version>...
set -euo pipefail
out="$1"; jar="$2"; node_bin="$3"; shift 3; versions=("$@")
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
mkdir -p "$out"
store="$out/buildah"
B=(buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs)
tag_of() { sed -n 's/^FROM \([^ ]*\)$/\1/p' "$repo/Dockerfile" | tail -1; }
base="$(tag_of)"                      # the runtime stage's FROM, e.g. eclipse-temurin:17-jre
case "$base" in */*) ;; *) base="docker.io/library/$base" ;; esac

archive() { # <image> <file>
  rm -f "$2"
  "${B[@]}" push -q "$1" "docker-archive:$2:$1" >/dev/null
}

printf '%s\n' "$out/pause.tar" "$out/agent.tar" > "$out/archives.txt"

# --- pause
if [ ! -s "$out/pause.tar" ]; then
  c=$("${B[@]}" from scratch)
  "${B[@]}" copy "$c" "$node_bin/pause" /pause >/dev/null
  "${B[@]}" config --entrypoint '["/pause"]' "$c"
  "${B[@]}" commit -q "$c" localhost/tbo-pause:1 >/dev/null
  "${B[@]}" rm "$c" >/dev/null
  archive localhost/tbo-pause:1 "$out/pause.tar"
  echo "images: pause built"
fi

# --- the JRE base, from Debian's packages, under the name the Dockerfile's FROM uses
if ! "${B[@]}" inspect --type image "$base" >/dev/null 2>&1; then
  t=$(date +%s)
  echo "images: assembling $base from Debian's openjdk-17-jre-headless (mmdebstrap, about a minute)"
  mmdebstrap --quiet --variant=minbase --include=openjdk-17-jre-headless \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    bookworm "$out/jre-rootfs.tar"
  c=$("${B[@]}" from scratch)
  "${B[@]}" add "$c" "$out/jre-rootfs.tar" / >/dev/null
  "${B[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$c"
  "${B[@]}" commit -q "$c" "$base" >/dev/null
  "${B[@]}" rm "$c" >/dev/null
  rm -f "$out/jre-rootfs.tar"
  echo "images: $base assembled in $(( $(date +%s) - t )) s"
fi

# --- this project's image: the Dockerfile's runtime stage, the jar in the build stage's place
sum=$(sha256sum "$jar" "$repo/Dockerfile" | sha256sum | cut -c1-16)
if [ "$(cat "$out/agent.sum" 2>/dev/null)" != "$sum" ] || [ ! -s "$out/agent.tar" ]; then
  t=$(date +%s)
  ctx="$out/agent-context"; rm -rf "$ctx"; mkdir -p "$ctx/src/target"
  cp "$jar" "$ctx/src/target/tidb-backup-operator.jar"
  # the runtime stage as written, with the build stage's output taken from the context
  awk 'BEGIN{n=0} /^FROM /{n++} n==2' "$repo/Dockerfile" \
    | sed 's|^COPY --from=build /src/target/|COPY src/target/|' > "$ctx/Dockerfile"
  "${B[@]}" bud -q --pull=never --isolation chroot --runtime /usr/sbin/runc --layers=false \
    -t localhost/tidb-backup-operator:test -f "$ctx/Dockerfile" "$ctx" >/dev/null
  archive localhost/tidb-backup-operator:test "$out/agent.tar"
  echo "$sum" > "$out/agent.sum"
  # the image this tag named before is left untagged; with the vfs driver each is a full copy (~430 MB)
  "${B[@]}" rmi --prune >/dev/null 2>&1 || true
  echo "images: localhost/tidb-backup-operator:test built from the Dockerfile in $(( $(date +%s) - t )) s"
fi

# --- stand-in tools: br is a static Go program (standin/br-go: it writes a backup to S3), the others scripts
br_sum=$(cat "$here/standin/br-go/"* | sha256sum | cut -c1-16)
if [ ! -x "$out/standin-br-$br_sum" ]; then
  echo "images: building the stand-in br (controlplane/node/standin/br-go, Go standard library only)"
  (cd "$here/standin/br-go" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags=-s \
    -o "$out/standin-br-$br_sum.tmp" .)
  mv "$out/standin-br-$br_sum.tmp" "$out/standin-br-$br_sum"
fi
standin_of() { # <tool binary name>
  if [ "$1" = br ]; then echo "$out/standin-br-$br_sum"; else echo "$here/standin/$1"; fi
}

# --- stand-in tool images: the real images' binary paths, a static busybox for the init container's cp
for version in "${versions[@]}"; do for tool in br dumpling tidb-lightning tikv; do
  bin="/$tool"; [ "$tool" = tikv ] && bin=/tikv-ctl
  image="docker.io/pingcap/$tool:$version"
  src="$(standin_of "$(basename "$bin")")"
  file="$out/$tool-$version-$(sha256sum "$src" | cut -c1-8).tar"
  echo "$file" >> "$out/archives.txt"
  [ -s "$file" ] && continue
  rootfs="$out/standin-rootfs"; rm -rf "$rootfs"; mkdir -p "$rootfs/bin"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in sh cp ls cat; do ln -s busybox "$rootfs/bin/$applet"; done
  install -m 0755 "$src" "$rootfs$bin"
  tar -C "$rootfs" -cf "$rootfs.tar" .
  c=$("${B[@]}" from scratch)
  "${B[@]}" add "$c" "$rootfs.tar" / >/dev/null
  rm -rf "$rootfs" "$rootfs.tar"
  "${B[@]}" commit -q "$c" "$image" >/dev/null
  "${B[@]}" rm "$c" >/dev/null
  archive "$image" "$file"
  echo "images: stand-in $image built"
done
done
