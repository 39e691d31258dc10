#!/bin/bash
# Boot of a guest node, started by the GuestNS agent inside the member host that runs it:
# pid 1 of a new pid namespace, in new mount and UTS namespaces nested in that host, joined to
# the guest's network namespace. Rebuilds the guest's private mounts, then becomes host-init.
set -eu
H=${SANDBOX_HOST:?}
STATE=${SANDBOX_STATE:?}
HD=$STATE/hosts/$H
PCMK_SANDBOX_STATE=$STATE . "$(dirname "$0")/common.sh"
[ "$$" = 1 ] || { echo "guest-boot: must be pid 1" >&2; exit 1; }
hostname "$H"
mount_private_tree "$HD"
for f in etc/hosts etc/hostname etc/resolv.conf; do
    mount --bind "$HD/$f" "/$f"
done
exec bash "$(dirname "$0")/host-init.sh"
