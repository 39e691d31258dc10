#!/bin/bash
# Optional (`sandbox.sh up --bundle`): a Pacemaker bundle of podman containers, each running
# pacemaker-remoted and a Dummy. The image is a tiny merged-/usr skeleton made with
# `podman import` in each member; the containers mount the member's /usr read-only (this machine's,
# or the node root's with `up --pacemaker 3.0`), so they run the member's Pacemaker release.
# Stop signals: pid 1 of a container ignores SIGTERM unless it handles it, and neither the bundle's
# pcmk-init (pacemaker-remoted as pid 1 handles only SIGINT) nor `sleep` does, so every stop would
# wait out podman's timeout (50 s with the 60 s operation default) before SIGKILL: a standby of a
# member with two containers would take two minutes.
set -u
. "$(dirname "$0")/common.sh"
SB="$SB_DIR/sandbox.sh"
IMAGE=localhost/pcmk-remote:sandbox
B=dummy-bundle
C=podman-ctr

# The image of member $1, as $STATE/bundle-rootfs-$1.tar: its users and groups are the member's
# (the daemons' files it shares with the container belong to the member's hacluster), and
# /opt/pcmk/pacemaker-remoted is the member's: its system's own (a link into the mounted /usr), or
# the one extracted from the pacemaker-remote package (sandbox.sh ensure_remoted).
build_rootfs() {
    local h=$1 r=$STATE/bundle-rootfs l
    rm -rf "$r"; mkdir -p "$r"/{etc,var/log,var/lib/pacemaker,run,tmp,proc,sys,dev,root,opt/pcmk,usr}
    chmod 1777 "$r/tmp"
    for l in bin sbin lib lib64; do ln -s "usr/$l" "$r/$l"; done
    ln -s ../run "$r/var/run"
    # libqb IPC sockets are abstract (per network namespace): with host networking the
    # container's pacemaker-remoted ("lrmd") would collide with the host's pacemaker-execd.
    # Filesystem sockets in the container's own /run avoid that.
    mkdir -p "$r/etc/libqb"; : > "$r/etc/libqb/force-filesystem-sockets"
    timeout 30 bash "$SB" exec "$h" -- tar -C /etc -cf - passwd group nsswitch.conf | tar -C "$r/etc" -xf - \
        || { echo "bundle: cannot read the users of $h"; return 1; }
    echo "127.0.0.1 localhost" > "$r/etc/hosts"
    if timeout 30 bash "$SB" exec "$h" -- test -x /usr/sbin/pacemaker-remoted; then
        ln -s /usr/sbin/pacemaker-remoted "$r/opt/pcmk/pacemaker-remoted"
    elif [ -x "$STATE/pkg/usr/sbin/pacemaker-remoted" ]; then
        install -m 0755 "$STATE/pkg/usr/sbin/pacemaker-remoted" "$r/opt/pcmk/pacemaker-remoted"
    else
        echo "bundle: no pacemaker-remoted for $h"; return 1
    fi
    tar -C "$r" -cf "$STATE/bundle-rootfs-$h.tar" .
    rm -rf "$r"
}

down() {
    local r
    for r in "$C" "$B"; do
    timeout 30 bash "$SB" exec cluster-1 -- cibadmin --delete -o constraints --xml-text "<rsc_location id=\"location-$r-members-only\"/>" > /dev/null 2>&1
    timeout 30 bash "$SB" exec cluster-1 -- crm_resource --resource "$r" --set-parameter target-role --meta --parameter-value Stopped > /dev/null 2>&1 || continue
    timeout 60 bash "$SB" exec cluster-1 -- crm_resource --wait --timeout=50 > /dev/null 2>&1
    timeout 30 bash "$SB" exec cluster-1 -- cibadmin --delete -o resources --xml-text "<$([ "$r" = "$B" ] && echo bundle || echo primitive) id=\"$r\"/>" > /dev/null 2>&1
    done
    timeout 30 bash "$SB" exec cluster-1 -- crm_resource --cleanup > /dev/null 2>&1
    return 0
}

up() {
    local h t0 replicas=${#MEMBERS[@]} i x
    t0=$(date +%s)
    for h in "${MEMBERS[@]}"; do
        timeout 30 bash "$SB" exec "$h" -- podman --version > /dev/null 2>&1 || { echo "bundle: podman is not installed on $h"; return 1; }
        build_rootfs "$h" || return 1
        # (podman 5 of a 3.0 node warns that cgroup v1 is deprecated: the hybrid hierarchy here)
        timeout 60 bash "$SB" exec "$h" -- env PODMAN_IGNORE_CGROUPSV1_WARNING=1 podman import -q "$STATE/bundle-rootfs-$h.tar" "$IMAGE" > /dev/null \
            || { echo "bundle: podman import failed on $h"; return 1; }
    done
    x="<bundle id=\"$B\">
  <podman image=\"$IMAGE\" replicas=\"$replicas\" replicas-per-host=\"1\" network=\"host\"
          run-command=\"/opt/pcmk/pacemaker-remoted\"
          options=\"--cgroup-parent=/pcmk-sandbox/pods --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --stop-signal=SIGINT\"/>
  <network control-port=\"3121\"/>
  <storage>
    <storage-mapping id=\"$B-usr\" source-dir=\"/usr\" target-dir=\"/usr\" options=\"ro\"/>
  </storage>
  <primitive id=\"$B-dummy\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">
    <operations><op id=\"$B-dummy-monitor-10s\" name=\"monitor\" interval=\"10s\" timeout=\"20s\"/></operations>
  </primitive>
</bundle>"
    timeout 30 bash "$SB" exec cluster-1 -- cibadmin --create -o resources --xml-text "$x" || return 1
    timeout 30 bash "$SB" exec cluster-1 -- cibadmin --create -o constraints --xml-text \
        "<rsc_location id=\"location-$B-members-only\" rsc=\"$B\"><rule id=\"location-$B-members-only-rule\" score=\"-INFINITY\"><expression id=\"location-$B-members-only-expr\" attribute=\"#kind\" operation=\"ne\" value=\"cluster\"/></rule></rsc_location>" || return 1
    x="<primitive id=\"$C\" class=\"ocf\" provider=\"heartbeat\" type=\"podman\">
  <instance_attributes id=\"$C-ia\">
    <nvpair id=\"$C-image\" name=\"image\" value=\"$IMAGE\"/>
    <nvpair id=\"$C-allow_pull\" name=\"allow_pull\" value=\"false\"/>
    <nvpair id=\"$C-run_cmd\" name=\"run_cmd\" value=\"/bin/sleep infinity\"/>
    <nvpair id=\"$C-run_opts\" name=\"run_opts\" value=\"--net=host --cgroup-parent=/pcmk-sandbox/pods -v /usr:/usr:ro --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --stop-signal=SIGKILL\"/>
  </instance_attributes>
  <operations><op id=\"$C-monitor-30s\" name=\"monitor\" interval=\"30s\" timeout=\"30s\"/></operations>
</primitive>"
    timeout 30 bash "$SB" exec cluster-1 -- cibadmin --create -o resources --xml-text "$x" || return 1
    timeout 30 bash "$SB" exec cluster-1 -- cibadmin --create -o constraints --xml-text \
        "<rsc_location id=\"location-$C-members-only\" rsc=\"$C\"><rule id=\"location-$C-members-only-rule\" score=\"-INFINITY\"><expression id=\"location-$C-members-only-expr\" attribute=\"#kind\" operation=\"ne\" value=\"cluster\"/></rule></rsc_location>" || return 1
    for i in $(seq 1 120); do
        x=$(timeout 15 bash "$SB" exec cluster-1 -- crm_mon -1 --output-as=xml 2>/dev/null | python3 -c '
import sys, xml.etree.ElementTree as ET
r = ET.fromstring(sys.stdin.read())
b = [e for e in r.iter("bundle") if e.get("id") == sys.argv[1]]
ok = [x for x in b[0].iter("resource") if x.get("role") == "Started"] if b else []
c = [e for e in r.iter("resource") if e.get("id") == sys.argv[2] and e.get("role") == "Started"]
print(len(ok) + 100 * len(c))' "$B" "$C")
        [ "${x:-0}" -ge $((100 + replicas * 3)) ] && { echo "bundle $B: $replicas replicas and $C started in $(( $(date +%s) - t0 ))s"; return 0; }
        sleep 1
    done
    echo "bundle: $B did not start within 120s"
    return 1
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    *) echo "usage: bundle.sh up|down" >&2; exit 2 ;;
esac
