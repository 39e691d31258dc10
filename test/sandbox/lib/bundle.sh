#!/bin/bash
# Optional (`sandbox.sh up --bundle`): a Pacemaker bundle of podman containers, each running
# pacemaker-remoted and a Dummy. The image is a tiny merged-/usr skeleton made with
# `podman import`; the containers mount the machine's /usr read-only.
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

build_rootfs() {
    local r=$STATE/bundle-rootfs l
    rm -rf "$r"; mkdir -p "$r"/{etc,var/log,var/lib/pacemaker,run,tmp,proc,sys,dev,root,opt/pcmk,usr}
    chmod 1777 "$r/tmp"
    for l in bin sbin lib lib64; do ln -s "usr/$l" "$r/$l"; done
    ln -s ../run "$r/var/run"
    # libqb IPC sockets are abstract (per network namespace): with host networking the
    # container's pacemaker-remoted ("lrmd") would collide with the host's pacemaker-execd.
    # Filesystem sockets in the container's own /run avoid that.
    mkdir -p "$r/etc/libqb"; : > "$r/etc/libqb/force-filesystem-sockets"
    cp /etc/passwd /etc/group /etc/nsswitch.conf "$r/etc/"
    echo "127.0.0.1 localhost" > "$r/etc/hosts"
    tar -C "$r" -cf "$STATE/bundle-rootfs.tar" .
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
    command -v podman > /dev/null || { echo "bundle: podman is not installed"; return 1; }
    build_rootfs
    for h in "${MEMBERS[@]}"; do
        timeout 60 bash "$SB" exec "$h" -- podman import -q "$STATE/bundle-rootfs.tar" "$IMAGE" > /dev/null \
            || { echo "bundle: podman import failed on $h"; return 1; }
    done
    x="<bundle id=\"$B\">
  <podman image=\"$IMAGE\" replicas=\"$replicas\" replicas-per-host=\"1\" network=\"host\"
          run-command=\"/opt/pcmk/pacemaker-remoted\"
          options=\"--cgroup-parent=/pcmk-sandbox/pods --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --stop-signal=SIGINT\"/>
  <network control-port=\"3121\"/>
  <storage>
    <storage-mapping id=\"$B-usr\" source-dir=\"/usr\" target-dir=\"/usr\" options=\"ro\"/>
    <storage-mapping id=\"$B-remoted\" source-dir=\"$STATE/pkg/usr/sbin\" target-dir=\"/opt/pcmk\" options=\"ro\"/>
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
