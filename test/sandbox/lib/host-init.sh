#!/bin/bash
# pid 1 of one boot of a sandbox host (member, remote or guest). Runs in a fresh pid namespace and
# a per-boot mount namespace: mounts its own /proc, /run and /dev/shm (lost at power off, like
# tmpfs on a real machine), waits the simulated POST delay, starts sshd and the enabled units,
# then reaps orphans until it is killed.
set -u
H=${SANDBOX_HOST:?}
STATE=${SANDBOX_STATE:?}
[ "$$" = 1 ] || { echo "host-init: must be pid 1 of its pid namespace" >&2; exit 1; }
[ "$(hostname)" = "$H" ] || { echo "host-init: not inside host $H's namespaces" >&2; exit 1; }

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
mkdir -p /run/sshd /run/lock /run/crm /run/systemd/system /run/resource-agents /run/pacemaker
chmod 0755 /run/sshd
chown hacluster:haclient /run/crm 2>/dev/null || true

echo "=== boot of $H at $(date '+%F %T') (POST ${SANDBOX_POST_DELAY:-0}s) ==="
[ "${SANDBOX_POST_DELAY:-0}" -gt 0 ] 2>/dev/null && sleep "$SANDBOX_POST_DELAY"

mkdir -p /var/log/sandbox
for unit in ssh corosync pacemaker pacemaker_remote; do
    if systemctl is-enabled "$unit" > /dev/null 2>&1; then
        systemctl start "$unit" || echo "host-init: $unit failed to start"
    fi
done
echo "=== $H up at $(date '+%F %T') ==="

trap 'exit 0' TERM INT
while :; do
    sleep 3600 &
    wait $! 2>/dev/null
done
