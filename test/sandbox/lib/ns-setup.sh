#!/bin/bash
# Runs once per host at `up`, inside the host's new persistent mount and UTS namespaces (and its
# network namespace): sets the hostname and bind-mounts the host's private tree over the system
# paths the cluster daemons write to. Everything here stays inside the host's mount namespace.
# With SANDBOX_NODE_ROOT (up --pacemaker 3.0), the namespace first pivots into that root (the
# node's own system: another Debian, another Pacemaker), then gets the same private tree on top.
set -eu
. "$(dirname "$0")/common.sh"
H=$1
HD=$(host_dir "$H")
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || die "ns-setup: refusing to run in the root mount namespace"

# The node's own system: the root (shared by all nodes, like the host's own files), with the host's
# /dev, /proc, /sys, the sandbox state, the project (its scripts run inside) and the network
# namespace handles at their usual paths. The old root is dropped.
enter_node_root() {
    local r=$1 new=$1 d
    [ -x "$r/usr/sbin/pacemakerd" ] || die "ns-setup: $r is not a node root (no pacemakerd)"
    mount --bind "$r" "$new"
    for d in /dev /proc /sys "$STATE" "$PROJECT_DIR" /run/netns; do
        mkdir -p "$new$d"
        mount --rbind "$d" "$new$d"
    done
    cd "$new"
    mkdir -p .oldroot
    pivot_root . .oldroot
    cd /
    umount -l /.oldroot
}
[ -n "${SANDBOX_NODE_ROOT:-}" ] && enter_node_root "$SANDBOX_NODE_ROOT"

# A member keeps a handle on every guest's network namespace (the guest is built inside it).
if [ "$(host_kind "$H")" = member ]; then
    for g in "${GUESTS[@]}"; do
        mount --bind "/run/netns/$(netns_of "$g")" "$HD/guest-$g.net"
    done
fi
# Inherited copies of netns and mount-ns handles would pin other hosts' namespaces.
umount -l /run/netns 2>/dev/null || true
umount -l "$NS_DIR" 2>/dev/null || true

hostname "$H"
mount_private_tree "$HD"
# podman (bundles): private configuration per member (the container store: mount_private_tree)
[ -d /etc/containers ] && [ -d "$HD/etc/containers" ] && mount --bind "$HD/etc/containers" /etc/containers
for f in etc/hosts etc/hostname etc/resolv.conf; do
    mount --bind "$HD/$f" "/$f"
done
mount --bind "$STATE/bin/systemctl" /usr/bin/systemctl

# OCF providers: the system ones plus "sandbox" (the guest agent); the path is compiled in.
OCF=$STATE/ocf
for p in /usr/lib/ocf/resource.d/*; do
    [ -d "$p" ] || continue
    mkdir -p "$OCF/${p##*/}"
    mount --bind "$p" "$OCF/${p##*/}"
done
mount --rbind "$OCF" /usr/lib/ocf/resource.d
