# Shared settings and helpers of the sandbox cluster (sourced, never run).
# Every path and address the sandbox uses is derived here.

SB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${PCMK_SANDBOX_STATE:-/var/lib/pcmk-sandbox}
MEMBERS=(cluster-1 cluster-2 cluster-3)
REMOTES=(remote-1)
GUESTS=(guest-1)
BRIDGE=pcmkbr0
NET=198.51.100
BRIDGE_IP=$NET.1
CLUSTER_NAME=sandbox
IPMI_USER=admin
POST_DELAY=${PCMK_SANDBOX_POST_DELAY:-10}
SB_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
NS_DIR=$STATE/ns
# Cached Debian roots (scripts/version-roots.sh); trixie-node is the system of `up --pacemaker 3.0`.
NODE_ROOTS=${PCMK_VERSION_ROOTS:-/var/cache/pcmk-console/roots}
# The project checkout (its scripts and dist/pcmk-agent.cjs are run inside the nodes).
PROJECT_DIR=$(cd "$SB_DIR/../.." && pwd)

# Bind-mounts a node's private tree ($1) over the system paths its daemons write to. /tmp and /root
# become private: a project checked out below them (a CI clone in /tmp) is kept visible at its path.
mount_private_tree() {
    local hd=$1 d hidden=0
    case "$PROJECT_DIR/" in /tmp/*|/root/*) hidden=1 ;; esac
    if [ "$hidden" = 1 ]; then
        mkdir -p "$hd/.project"
        mount --bind "$PROJECT_DIR" "$hd/.project"
    fi
    for d in etc/corosync etc/pacemaker etc/ssh var/lib/pacemaker var/lib/corosync var/lib/pcsd var/log tmp root; do
        [ -d "/$d" ] || continue
        mount --bind "$hd/$d" "/$d"
    done
    # podman's container store, private to every host, guests included, even where podman has
    # never run (no /var/lib/containers yet on a fresh machine): with a shared store, the probe of a
    # podman resource on a guest or remote node (own /run, so podman believes the machine rebooted)
    # resets the state of a member's running containers, and the cluster loses its bundle replicas.
    if [ -d "$hd/var/lib/containers" ]; then
        mkdir -p /var/lib/containers
        mount --bind "$hd/var/lib/containers" /var/lib/containers
    fi
    if [ "$hidden" = 1 ]; then
        mkdir -p "$PROJECT_DIR"
        mount --bind "$hd/.project" "$PROJECT_DIR"
    fi
}

all_hosts() { echo "${MEMBERS[@]}" "${REMOTES[@]}" "${GUESTS[@]}"; }
bmc_hosts() { echo "${MEMBERS[@]}" "${REMOTES[@]}"; }
booted_hosts() { echo "${MEMBERS[@]}" "${REMOTES[@]}"; }   # hosts with their own power

host_kind() {
    case "$1" in
        cluster-[0-9]*) echo member ;;
        remote-[0-9]*) echo remote ;;
        guest-[0-9]*) echo guest ;;
        *) return 1 ;;
    esac
}
host_num() { echo "${1##*-}"; }
host_ip() {
    local n; n=$(host_num "$1")
    case "$(host_kind "$1")" in
        member) echo "$NET.$((10 + n))" ;;
        remote) echo "$NET.$((20 + n))" ;;
        guest) echo "$NET.$((30 + n))" ;;
    esac
}
bmc_ip() {
    local n; n=$(host_num "$1")
    case "$(host_kind "$1")" in
        member) echo "$NET.$((110 + n))" ;;
        remote) echo "$NET.$((120 + n))" ;;
        *) return 1 ;;
    esac
}
netns_of() { echo "pcmk-$1"; }
veth_of() { echo "pv-$1"; }
host_dir() { echo "$STATE/hosts/$1"; }

is_known_host() {
    local h
    for h in $(all_hosts); do [ "$h" = "$1" ] && return 0; done
    return 1
}

# cgroup v2 hierarchy (pure v2 at /sys/fs/cgroup or hybrid at /sys/fs/cgroup/unified)
cg_root() {
    local m
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then m=/sys/fs/cgroup
    elif [ -f /sys/fs/cgroup/unified/cgroup.procs ]; then m=/sys/fs/cgroup/unified
    else m=$(findmnt -rn -t cgroup2 -o TARGET | head -n1)
    fi
    [ -n "$m" ] || return 1
    echo "$m/pcmk-sandbox"
}
CG=$(cg_root 2>/dev/null || true)

log() { printf '[sandbox %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { printf 'sandbox: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }

# Close every inherited descriptor above 2 (ipmi_sim's UDP socket must not leak into hosts).
close_fds() {
    local fd n
    for fd in /proc/$BASHPID/fd/*; do
        n=${fd##*/}
        [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-" 2>/dev/null
    done
    return 0
}

# Kill every process of a cgroup and wait (bounded) until it is empty.
cg_kill_wait() {
    local g=$1 i
    [ -d "$g" ] || return 0
    echo 1 > "$g/cgroup.kill" 2>/dev/null || true
    for i in $(seq 1 100); do
        grep -q 'populated 0' "$g/cgroup.events" 2>/dev/null && return 0
        sleep 0.05
    done
    echo 1 > "$g/cgroup.kill" 2>/dev/null || true
    sleep 0.2
}

# True when process $1 was started with SANDBOX_HOST=$2 in its environment.
has_host_env() {
    local e
    [ -r "/proc/$1/environ" ] || return 1
    while IFS= read -r -d '' e; do
        [ "$e" = "SANDBOX_HOST=$2" ] && return 0
    done < "/proc/$1/environ"
    return 1
}

# Root-namespace pid of the init (pid 1 of its pid namespace) of host $1, if running.
init_pid() {
    local h=$1 hd p up l
    hd=$(host_dir "$h")
    if [ -f "$hd/init.pid" ]; then
        p=$(< "$hd/init.pid")
        if [ -n "$p" ] && has_host_env "$p" "$h" && grep -qE '^NSpid:.*[[:space:]]1$' "/proc/$p/status" 2>/dev/null; then
            echo "$p"; return 0
        fi
    fi
    if [ "$(host_kind "$h")" != guest ] && [ -f "$hd/unshare.pid" ]; then
        up=$(< "$hd/unshare.pid")
        if [ -r "/proc/$up/task/$up/children" ]; then
            for p in $(< "/proc/$up/task/$up/children"); do
                has_host_env "$p" "$h" && { echo "$p" | tee "$hd/init.pid" 2>/dev/null; return 0; }
            done
        fi
    fi
    # fall back to a scan of the sandbox cgroups (guests live in their host's cgroup)
    [ -n "$CG" ] && [ -d "$CG" ] || return 1
    for p in $(cat "$CG"/*/cgroup.procs 2>/dev/null); do
        l=$(grep -m1 '^NSpid:' "/proc/$p/status" 2>/dev/null) || continue
        set -- $l
        [ $# -gt 2 ] && [ "${!#}" = 1 ] || continue
        has_host_env "$p" "$h" && { echo "$p" | tee "$hd/init.pid" 2>/dev/null; return 0; }
    done
    return 1
}
