#!/bin/bash
# Power control of one sandbox host. Used by its BMC (ipmi_sim chassis_control, extcmd protocol:
# "get power" prints "power:0|1"; "set power 0|1"; "set reset 1") and by sandbox.sh directly
# ("on" / "off" / "status"). Power off = SIGKILL to the whole cgroup of the host (pulling the plug);
# power on = a new boot: host-init.sh as pid 1 of a fresh pid namespace inside the host's
# persistent network, mount and UTS namespaces.
set -u
. "$(dirname "$0")/common.sh"

H=${1:?host}; shift
HD=$(host_dir "$H")
PF=$HD/bmc/power
mkdir -p "$HD/bmc"
plog() { echo "$(date '+%F %T') $*" >> "$HD/bmc/power.log"; }

state() { cat "$PF" 2>/dev/null || echo 0; }

power_off() {
    echo 0 > "$PF"
    cg_kill_wait "$CG/$H"
    rm -f "$HD/unshare.pid" "$HD/init.pid"
    plog "off"
}

power_on() {
    local delay=$1
    [ "$(state)" = 1 ] && { plog "on (already on)"; return 0; }
    echo 1 > "$PF"
    mkdir -p "$CG/$H"
    local boots; boots=$(cat "$HD/bmc/boots" 2>/dev/null || echo 0)
    echo $((boots + 1)) > "$HD/bmc/boots"
    [ "$boots" = 0 ] && delay=0
    (
        close_fds
        echo "$BASHPID" > "$CG/$H/cgroup.procs"
        exec setsid nsenter --net="/run/netns/$(netns_of "$H")" --mount="$NS_DIR/$H.mnt" --uts="$NS_DIR/$H.uts" \
            unshare --pid --ipc --mount --fork --kill-child --propagation private \
            env -i PATH="$SB_PATH" HOME=/root LANG=C.UTF-8 SANDBOX_HOST="$H" SANDBOX_STATE="$STATE" \
                SANDBOX_POST_DELAY="$delay" \
            bash "$SB_DIR/lib/host-init.sh" < /dev/null >> "$HD/console.log" 2>&1
    ) &
    echo $! > "$HD/unshare.pid"
    plog "on (boot $((boots + 1)), POST delay ${delay}s)"
}

cmd=${1:-status}; shift || true
case "$cmd" in
    get)
        for n in "$@"; do
            [ "$n" = power ] && echo "power:$(state)"
        done ;;
    set)
        while [ $# -ge 2 ]; do
            case "$1" in
                power) if [ "$2" = 0 ]; then power_off; else power_on "$POST_DELAY"; fi ;;
                reset) if [ "$2" = 1 ]; then power_off; power_on "$POST_DELAY"; fi ;;
            esac
            shift 2
        done ;;
    on) power_on "${1:-$POST_DELAY}" ;;
    off) power_off ;;
    status) echo "power:$(state)" ;;
    *) echo "power.sh: unknown command $cmd" >&2; exit 2 ;;
esac
exit 0
