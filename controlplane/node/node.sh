#!/usr/bin/env bash
# A real Kubernetes node for the tests (never shipped): containerd + runc + bridge CNI + kubelet, registered to the
# test API server. Everything it changes stays on this machine and, where it can, out of the host's view:
#   - the pods' bridge and addresses live in a network namespace of its own (tbo-node-<id>), joined to the host by
#     one veth pair on a /30; the host gets one route to the pod subnet through it, nothing routes off the machine;
#   - containerd and kubelet run in a private mount namespace with their own /run, /var/lib/kubelet, /var/log and
#     /var/lib/cni, and with the sysctl files kubelet would set bound over by files that already hold its values;
#   - every path they write is under the work directory.
#
#   node.sh up <workdir> <kubeconfig> <id>   start (runs in the foreground until stopped; SIGTERM stops it)
#   node.sh down <workdir> <id>              remove the network namespace, veth and route (idempotent)
#
# Environment: NODE_BIN (kubelet), PAUSE_IMAGE (the sandbox image, already imported), KUBELET_PORT.
# Needs root, containerd, runc and containernetworking-plugins (controlplane/build.sh node installs them).
set -euo pipefail

cmd="$1"; work="$2"
# every process of the node's pods (kubelet's cgroups under /tbo-node-<id>), containerd's shims, then the network
down() {
  local id="$1" dir
  for dir in $(find /sys/fs/cgroup/*/"tbo-node-$id" /sys/fs/cgroup/"tbo-node-$id" -name cgroup.procs 2>/dev/null); do
    xargs -r kill -9 < "$dir" 2>/dev/null || true
  done
  pkill -9 -f -- "--config $work/kubelet.yaml" 2>/dev/null || true
  pkill -9 -f -- "--config $work/containerd.toml" 2>/dev/null || true
  pkill -9 -f -- "-address $work/containerd.sock" 2>/dev/null || true
  sleep 0.2
  for dir in /sys/fs/cgroup/*/"tbo-node-$id" /sys/fs/cgroup/"tbo-node-$id"; do
    [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  ip route del "10.201.$id.0/24" 2>/dev/null || true
  ip link del "tbo-h$id" 2>/dev/null || true
  ip netns del "tbo-node-$id" 2>/dev/null || true
}
if [ "$cmd" = down ]; then
  down "$3"
  exit 0
fi
kubeconfig="$3"; id="$4"
netns="tbo-node-$id"
host_if="tbo-h$id"; node_if="tbo-n$id"
# 10.200.<id>.0/30 joins host and node; 10.201.<id>.0/24 is the pods' subnet
host_ip="10.200.$id.1"; node_ip="10.200.$id.2"; pod_subnet="10.201.$id.0/24"
mkdir -p "$work"/{containerd/root,containerd/state,cni/conf,cni/ipam,kubelet,pki,pod-logs,volume-plugins,opt,sys}

# --- network: a namespace for the pods' bridge, one veth to the host
down "$id"
ip netns add "$netns"
ip link add "$host_if" type veth peer name "$node_if"
ip link set "$node_if" netns "$netns"
ip addr add "$host_ip/30" dev "$host_if"
ip link set "$host_if" up
ip netns exec "$netns" ip addr add "$node_ip/30" dev "$node_if"
ip netns exec "$netns" ip link set "$node_if" up
ip netns exec "$netns" ip link set lo up
# no default route: pods reach the host's end of the veth (connected) and nothing else, so no packet of a pod or of
# an image pull has a way off the machine
ip netns exec "$netns" sysctl -q -w net.ipv4.ip_forward=1
ip route replace "$pod_subnet" via "$node_ip" dev "$host_if"

cat > "$work/cni/conf/10-tbo.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "tbo", "plugins": [
  {"type": "bridge", "bridge": "tbo0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$pod_subnet"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$work/cni/ipam"}}]}
EOF

cat > "$work/containerd.toml" <<EOF
version = 2
root = "$work/containerd/root"
state = "$work/containerd/state"
[grpc]
  address = "$work/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$work/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE:-localhost/tbo-pause:1}"
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$work/cni/conf"
EOF

cat > "$work/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /tbo-node-$id
failSwapOn: false
address: $host_ip
port: ${KUBELET_PORT:-10250}
readOnlyPort: 0
healthzPort: 0
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization:
  mode: AlwaysAllow
containerRuntimeEndpoint: unix://$work/containerd.sock
imageServiceEndpoint: unix://$work/containerd.sock
podLogsDir: $work/pod-logs
volumePluginDir: $work/volume-plugins
resolvConf: ""
protectKernelDefaults: false
serializeImagePulls: false
rotateCertificates: false
serverTLSBootstrap: false
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "1Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
localStorageCapacityIsolation: false
maxPods: 40
EOF

# --- kubelet's cgroup root, the same path in every hierarchy (child cgroups only: no hierarchy is remounted)
for hierarchy in /sys/fs/cgroup/*/; do
  [ -e "$hierarchy/cgroup.procs" ] && mkdir -p "$hierarchy/tbo-node-$id"
done
[ -e /sys/fs/cgroup/cgroup.procs ] && mkdir -p "/sys/fs/cgroup/tbo-node-$id"

# --- the sysctl values kubelet wants, in files bound over /proc/sys in the private mount namespace
echo 1 > "$work/sys/overcommit_memory"; echo 10 > "$work/sys/panic"; echo 1 > "$work/sys/panic_on_oops"

# --- containerd (in the pods' network namespace) and kubelet (on the host's, at the veth address), in one private
# mount namespace so that kubelet's volume mounts are the ones containerd hands to runc
exec unshare --mount --propagation private -- bash -c '
  set -euo pipefail
  work="$1"; netns="$2"; kubeconfig="$3"; id="$4"; host_ip="$5"
  touch "$work/netns"; mount --bind "/run/netns/$netns" "$work/netns"
  mount -t tmpfs -o mode=755 tmpfs /run
  mkdir -p /var/lib/kubelet /var/lib/cni /var/log
  mount -t tmpfs tmpfs /var/lib/kubelet
  mount -t tmpfs tmpfs /var/lib/cni
  mount -t tmpfs tmpfs /var/log
  mount --bind "$work/sys/overcommit_memory" /proc/sys/vm/overcommit_memory
  mount --bind "$work/sys/panic" /proc/sys/kernel/panic
  mount --bind "$work/sys/panic_on_oops" /proc/sys/kernel/panic_on_oops
  # no name server: a pull of an image that was not imported fails here at once (a real ImagePullBackOff)
  printf "nameserver 127.0.0.1\n" > "$work/resolv.conf"; mount --bind "$work/resolv.conf" /etc/resolv.conf
  # kubelet treats iptables as best effort: a stub that fails keeps its chains off the host
  printf "#!/bin/sh\nexit 1\n" > "$work/iptables-stub"; chmod +x "$work/iptables-stub"
  for b in iptables ip6tables iptables-save iptables-restore ip6tables-save ip6tables-restore; do
    [ -e "/usr/sbin/$b" ] && mount --bind "$work/iptables-stub" "/usr/sbin/$b"
  done
  nsenter --net="$work/netns" containerd --config "$work/containerd.toml" > "$work/containerd.log" 2>&1 &
  containerd_pid=$!
  for i in $(seq 1 100); do [ -S "$work/containerd.sock" ] && break; sleep 0.1; done
  if [ -n "${IMAGES:-}" ]; then
    for image in $IMAGES; do
      ctr --address "$work/containerd.sock" -n k8s.io images import "$image" > /dev/null
    done
  fi
  "${NODE_BIN}/kubelet" --config "$work/kubelet.yaml" --kubeconfig "$kubeconfig" --root-dir "$work/kubelet" \
    --cert-dir "$work/pki" --node-ip "$host_ip" --hostname-override "tbo-node-$id" --v=1 > "$work/kubelet.log" 2>&1 &
  kubelet_pid=$!
  stop() { kill $kubelet_pid 2>/dev/null; wait $kubelet_pid 2>/dev/null; kill $containerd_pid 2>/dev/null; wait $containerd_pid 2>/dev/null; exit 0; }
  trap stop TERM INT
  wait -n $kubelet_pid $containerd_pid
  stop
' node "$work" "$netns" "$kubeconfig" "$id" "$host_ip"
