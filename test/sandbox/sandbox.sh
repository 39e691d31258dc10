#!/bin/bash
# The sandbox cluster: a real Pacemaker/Corosync cluster (3 members, a remote node, a guest node,
# IPMI BMCs, sshd per node) built from namespaces on this machine. Run as root.
#
#   sandbox.sh up [--bundle] [--pacemaker 3.0 | --mixed] | down | status
#                 --pacemaker 3.0: nodes run Debian 13's Pacemaker 3.0 and Corosync 3.1.9 from a
#                 cached trixie root (scripts/version-roots.sh --node) instead of this machine's 2.1
#                 --mixed: a rolling upgrade half done: cluster-3 runs 3.0 from that root, the
#                 other nodes this machine's 2.1
#   sandbox.sh exec NODE -- COMMAND...        run inside a node (no ssh)
#   sandbox.sh ssh NODE [COMMAND...]          ssh into a node with the generated config
#   sandbox.sh power NODE on|off|cycle|reset|status   through the node's BMC (ipmitool lanplus -C 3)
#   sandbox.sh net NODE cut|restore           link down/up of the node's veth
#   sandbox.sh sshd NODE stop|start
#   sandbox.sh fail RESOURCE [NODE]           make the resource's next monitor fail
#   sandbox.sh cleanup [RESOURCE]             crm_resource --cleanup (forget failures)
#   sandbox.sh mem                            memory of the sandbox (sum of PSS per cgroup)
#   sandbox.sh env                            shell-exportable variables
#   sandbox.sh logs NODE                      paths of the node's logs
#
# State: $PCMK_SANDBOX_STATE (default /var/lib/pcmk-sandbox). Addresses: 198.51.100.0/24 only.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PACKAGES=(pacemaker corosync pacemaker-cli-utils pcs crmsh resource-agents fence-agents openipmi
    ipmitool openssh-server iproute2 util-linux python3)
UP_TIMEOUT=${PCMK_SANDBOX_UP_TIMEOUT:-240}

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2; }
require_root() { [ "$(id -u)" = 0 ] || die "must run as root (namespaces, bridges, cgroups)"; }
check_state_path() {
    case "$STATE" in
        /|/tmp|/tmp/*|/root|/root/*|/etc|/etc/*|/var/log|/var/log/*|/run|/run/*|/dev/*|/proc/*|/sys/*|"")
            die "PCMK_SANDBOX_STATE=$STATE: not allowed (hosts overlay /tmp, /root, /etc, /var/log, /run)" ;;
        /*) ;;
        *) die "PCMK_SANDBOX_STATE must be an absolute path" ;;
    esac
}
check_host() { is_known_host "$1" || die "unknown node '$1' (nodes: $(all_hosts))"; }

# ---------------------------------------------------------------- running things inside nodes

# exec NODE -- CMD...: enter the namespaces (net, mount, uts, ipc, pid) of the node's init and
# join its cgroup, so a power off kills the command too.
cmd_exec() {
    local h=${1:-} pid cgp dir a b c
    [ -n "$h" ] || die "usage: sandbox.sh exec NODE -- COMMAND..."
    shift; [ "${1:-}" = -- ] && shift
    [ $# -gt 0 ] || set -- bash -l
    check_host "$h"
    pid=$(init_pid "$h") || die "$h is not running"
    cgp=""
    while IFS=: read -r a b c; do [ "$a" = 0 ] && cgp=$c; done < "/proc/$pid/cgroup"
    if [ -n "$CG" ] && [ -n "$cgp" ]; then
        echo "$BASHPID" > "${CG%/pcmk-sandbox}$cgp/cgroup.procs" 2>/dev/null || true
    fi
    dir=$PWD
    exec nsenter -t "$pid" -n -m -u -i -p -r -w \
        env -i PATH="$SB_PATH" HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" ${TZ:+TZ="$TZ"} \
        /bin/sh -c 'cd "$1" 2>/dev/null || cd /root; shift; exec "$@"' sh "$dir" "$@"
}

in_node() { # quiet helper: run in a node with a timeout
    local h=$1 t=$2; shift 2
    timeout "$t" bash "$SB_DIR/sandbox.sh" exec "$h" -- "$@"
}

first_running_member() {
    local h
    for h in "${MEMBERS[@]}"; do
        [ "$(cat "$(host_dir "$h")/bmc/power" 2>/dev/null)" = 1 ] && init_pid "$h" > /dev/null && { echo "$h"; return 0; }
    done
    return 1
}

# ---------------------------------------------------------------- down

cmd_down() {
    require_root; check_state_path
    local t0 g h n m
    t0=$(now_ms)
    # 1. every process the sandbox started lives in a cgroup below $CG: kill them all at once
    if [ -n "$CG" ] && [ -d "$CG" ]; then
        cg_kill_wait "$CG"
        for g in "$CG"/*/; do
            [ -d "$g" ] && cg_kill_wait "$g"
        done
        find "$CG" -depth -type d -exec rmdir {} \; 2>/dev/null
        [ -d "$CG" ] && log "cannot remove cgroup $CG"
    fi
    # cgroups that podman made for bundle containers (--cgroup-parent /pcmk-sandbox/pods) in the
    # cgroup v1 hierarchies of a hybrid layout: empty once their processes died with their node
    for g in /sys/fs/cgroup/*/pcmk-sandbox; do
        [ -d "$g" ] && [ "$g" != "$CG" ] && find "$g" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    # 2. recorded pids that escaped the cgroups (should not happen), checked by name before kill
    for f in "$STATE"/hosts/*/bmc/ipmi_sim.pid; do
        [ -f "$f" ] || continue
        n=$(cat "$f"); [ -n "$n" ] && [ "$(cat "/proc/$n/comm" 2>/dev/null)" = ipmi_sim ] && kill -KILL "$n" 2>/dev/null
        rm -f "$f"
    done
    for f in "$STATE"/hosts/*/unshare.pid; do
        [ -f "$f" ] || continue
        n=$(cat "$f"); [ -n "$n" ] && [ "$(cat "/proc/$n/comm" 2>/dev/null)" = unshare ] && kill -KILL "$n" 2>/dev/null
        rm -f "$f"
    done
    # 3. mounts below the state dir (namespace handles, the private ns dir), deepest first
    for m in $(findmnt -rn -o TARGET | grep -E "^$STATE(/|$)" | sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "cannot unmount $m"
    done
    # 4. network namespaces, veths, bridge (by the sandbox's own name patterns)
    for n in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E '^pcmk-(cluster|remote|guest)-[0-9]+$'); do
        ip netns del "$n" 2>/dev/null || log "cannot delete netns $n"
    done
    for n in $(ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | sed 's/@.*//' | grep -E '^pv-(cluster|remote|guest)-[0-9]+$'); do
        ip link del "$n" 2>/dev/null
    done
    ip link show "$BRIDGE" > /dev/null 2>&1 && ip link del "$BRIDGE"
    for h in $(all_hosts); do
        [ -d "$(host_dir "$h")/bmc" ] && echo 0 > "$(host_dir "$h")/bmc/power"
    done
    [ -d "$STATE" ] && rm -f "$STATE/up"
    log "down in $(( ($(now_ms) - t0) ))ms"
}

# ---------------------------------------------------------------- up: packages and files

ensure_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "${missing[@]}" > "$STATE/apt.log" 2>&1 || {
        apt-get update >> "$STATE/apt.log" 2>&1
        apt-get install -y --no-install-recommends "${missing[@]}" >> "$STATE/apt.log" 2>&1 || die "apt-get install failed, see $STATE/apt.log"
    }
    dpkg-query -W -f='${Status}\n' pacemaker | grep -q '^install ok installed' || die "pacemaker is not installed"
}

# pacemaker-remoted comes from the pacemaker-remote .deb, which conflicts with pacemaker on
# Debian 12 (installing it removes pacemaker): extract the binary instead of installing.
ensure_remoted() {
    local deb
    [ -x /usr/sbin/pacemaker-remoted ] && return 0
    mkdir -p "$STATE/cache"
    deb=$(ls "$STATE"/cache/pacemaker-remote_*.deb 2>/dev/null | head -n1)
    if [ -z "$deb" ]; then
        (cd "$STATE/cache" && timeout 120 apt-get download pacemaker-remote > "$STATE/cache/download.log" 2>&1) \
            || die "apt-get download pacemaker-remote failed, see $STATE/cache/download.log"
        deb=$(ls "$STATE"/cache/pacemaker-remote_*.deb | head -n1)
    fi
    rm -rf "$STATE/pkg"; mkdir -p "$STATE/pkg"
    dpkg-deb -x "$deb" "$STATE/pkg"
    [ -x "$STATE/pkg/usr/sbin/pacemaker-remoted" ] || die "no pacemaker-remoted in $deb"
}

rand_pw() { tr -dc 'A-Za-z0-9' < /dev/urandom | head -c "$1"; }

hosts_file() {
    local h
    echo "127.0.0.1 localhost"
    for h in $(all_hosts); do echo "$(host_ip "$h") $h"; done
    for h in $(bmc_hosts); do echo "$(bmc_ip "$h") $h-bmc"; done
}

corosync_conf() {
    local h
    cat <<END
totem {
    version: 2
    cluster_name: $CLUSTER_NAME
    transport: knet
    crypto_cipher: none
    crypto_hash: none
}
nodelist {
END
    for h in "${MEMBERS[@]}"; do
        printf '    node {\n        ring0_addr: %s\n        name: %s\n        nodeid: %s\n    }\n' "$(host_ip "$h")" "$h" "$(host_num "$h")"
    done
    cat <<END
}
quorum {
    provider: corosync_votequorum
}
logging {
    to_logfile: yes
    logfile: /var/log/corosync/corosync.log
    to_syslog: no
    to_stderr: no
    timestamp: on
}
END
}

sshd_conf() {
    cat <<END
ListenAddress $(host_ip "$1")
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys
UseDNS no
PrintMotd no
MaxStartups 100:30:200
MaxSessions 100
AcceptEnv LANG LC_* TZ
Subsystem sftp /usr/lib/openssh/sftp-server
END
}

write_ipmi_conf() {
    local h=$1 hd; hd=$(host_dir "$h")
    mkdir -p "$hd/bmc/persist"
    cat > "$hd/bmc/lan.conf" <<END
name "$h"
set_working_mc 0x20
  startlan 1
    addr $(bmc_ip "$h") 623
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid $(printf '%032x' "$(host_num "$h")$(date +%s)")
  endlan
  chassis_control "$SB_DIR/lib/power.sh $h"
  user 1 false "" "" user 1 none md2 md5 straight
  user 2 true "$IPMI_USER" "$(cat "$STATE/ipmi_password")" admin 10 none md2 md5 straight
END
    cat > "$hd/bmc/bmc.emu" <<END
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
END
    echo 0 > "$hd/bmc/power"
    echo 0 > "$hd/bmc/boots"
}

# podman inside a member: runc, cgroupfs, explicit ulimits (crun and the default ulimits fail on
# this kind of machine), host network, a private image store per node. The rest of the
# configuration is the member's system's own (this machine's, or the node root's).
podman_conf() {
    local hd; hd=$(host_dir "$1")
    mkdir -p "$hd/etc/containers"
    cp -a "$(node_root_of "$1")/etc/containers/." "$hd/etc/containers/"
    cat > "$hd/etc/containers/containers.conf" <<END
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "host"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
END
    cat > "$hd/etc/containers/storage.conf" <<END
[storage]
driver = "overlay"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
END
}

# The system a node runs: the node root of `up --pacemaker 3.0` for every node, of `up --mixed`
# for the upgraded member only; empty for this machine's own system.
node_root_of() {
    if [ -z "${NODE_ROOT:-}" ]; then return 0; fi
    if [ -z "${UPGRADED:-}" ] || [ "$1" = "$UPGRADED" ]; then echo "$NODE_ROOT"; fi
}

# Owner of the cluster daemons' files, numeric, as host $1's system knows them (with a node root,
# its hacluster and haclient need not have this machine's ids).
pcmk_owner() {
    local etc u g
    etc=$(node_root_of "$1")/etc
    u=$(awk -F: '$1 == "hacluster" { print $3 }' "$etc/passwd")
    g=$(awk -F: '$1 == "haclient" { print $3 }' "$etc/group")
    [ -n "$u" ] && [ -n "$g" ] || die "no hacluster user or haclient group in $etc"
    echo "$u $g"
}

prepare_state() {
    local h hd d kh hu hg owner
    if findmnt -rn -o TARGET | grep -qE "^$STATE(/|$)"; then die "mounts remain below $STATE after down"; fi
    mkdir -p "$STATE"
    rm -rf "$STATE/hosts" "$STATE/ns" "$STATE/ocf" "$STATE/bin" "$STATE/ssh_config" "$STATE/known_hosts" \
        "$STATE"/id_ed25519* "$STATE/ipmi_password" "$STATE/authkey" "$STATE/cib.xml"
    mkdir -p "$STATE/bin" "$STATE/ocf/sandbox" "$NS_DIR"
    sed "s|@STATE@|$STATE|" "$SB_DIR/lib/systemctl.sh" > "$STATE/bin/systemctl"; chmod 0755 "$STATE/bin/systemctl"
    install -m 0755 "$SB_DIR/ocf/GuestNS" "$STATE/ocf/sandbox/GuestNS"
    rand_pw 16 > "$STATE/ipmi_password"; chmod 0600 "$STATE/ipmi_password"
    head -c 4096 /dev/urandom > "$STATE/authkey"
    ssh-keygen -q -t ed25519 -N '' -C pcmk-sandbox -f "$STATE/id_ed25519"
    # The CIB's feature set is the first member's (never the upgraded one: a mixed cluster starts
    # as the older version's)
    NODE_ROOT=$(node_root_of "${MEMBERS[0]}") bash "$SB_DIR/lib/cib.sh" > "$STATE/cib.xml"
    : > "$STATE/known_hosts"
    for h in $(all_hosts); do
        hd=$(host_dir "$h")
        owner=$(pcmk_owner "$h") || exit 1
        read -r hu hg <<< "$owner"
        mkdir -p "$hd"/{etc/corosync,etc/pacemaker,etc/ssh,var/lib/corosync,var/lib/containers,var/log/corosync,var/log/sandbox,var/log/crmsh,units}
        install -d -m 0700 "$hd/var/lib/pcsd" "$hd/var/log/pcsd" "$hd/root" "$hd/root/.ssh"
        install -d -m 1777 "$hd/tmp"
        install -d -o "$hu" -g "$hg" -m 0750 "$hd/var/lib/pacemaker" "$hd"/var/lib/pacemaker/{cib,pengine,blackbox,cores}
        install -d -o "$hu" -g "$hg" -m 0770 "$hd/var/log/pacemaker" "$hd/var/log/pacemaker/bundles"
        [ -d /etc/corosync/uidgid.d ] && cp -a /etc/corosync/uidgid.d "$hd/etc/corosync/"
        corosync_conf > "$hd/etc/corosync/corosync.conf"
        install -o root -g "$hg" -m 0640 "$STATE/authkey" "$hd/etc/pacemaker/authkey"
        hosts_file > "$hd/etc/hosts"
        echo "$h" > "$hd/etc/hostname"
        echo "nameserver 127.0.0.1" > "$hd/etc/resolv.conf"
        ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$hd/etc/ssh/ssh_host_ed25519_key"
        sshd_conf "$h" > "$hd/etc/ssh/sshd_config"
        { printf 'Host cluster-* remote-* guest-* 198.51.100.*\n    IdentityFile /root/.ssh/id_ed25519\n    StrictHostKeyChecking yes\n    UserKnownHostsFile /dev/null\n    GlobalKnownHostsFile /etc/ssh/ssh_known_hosts\n    LogLevel ERROR\n\n'
          cat /etc/ssh/ssh_config 2>/dev/null; } > "$hd/etc/ssh/ssh_config"
        [ -d /etc/ssh/ssh_config.d ] && cp -a /etc/ssh/ssh_config.d "$hd/etc/ssh/"
        echo "$h,$(host_ip "$h") $(cut -d' ' -f1,2 "$hd/etc/ssh/ssh_host_ed25519_key.pub")" >> "$STATE/known_hosts"
        install -m 0600 "$STATE/id_ed25519" "$hd/root/.ssh/id_ed25519"
        install -m 0644 "$STATE/id_ed25519.pub" "$hd/root/.ssh/id_ed25519.pub"
        install -m 0600 "$STATE/id_ed25519.pub" "$hd/root/.ssh/authorized_keys"
        for d in .bashrc .profile; do [ -f "/etc/skel/$d" ] && cp "/etc/skel/$d" "$hd/root/"; done
        if [ "$(host_kind "$h")" = member ]; then
            install -o "$hu" -g "$hg" -m 0600 "$STATE/cib.xml" "$hd/var/lib/pacemaker/cib/cib.xml"
            for d in "${GUESTS[@]}"; do : > "$hd/guest-$d.net"; done
        fi
        [ "$(host_kind "$h")" != guest ] && write_ipmi_conf "$h"
        [ "$(host_kind "$h")" = member ] && [ -d "$(node_root_of "$h")/etc/containers" ] && podman_conf "$h"
        : > "$hd/console.log"
    done
    for h in $(all_hosts); do install -m 0644 "$STATE/known_hosts" "$(host_dir "$h")/etc/ssh/ssh_known_hosts"; done
    {
        echo "# generated by test/sandbox/sandbox.sh up"
        for h in $(all_hosts); do printf 'Host %s\n    HostName %s\n\n' "$h" "$(host_ip "$h")"; done
        printf 'Host %s\n' "$(all_hosts)"
        printf '    User root\n    IdentityFile %s\n    IdentitiesOnly yes\n    UserKnownHostsFile %s\n' "$STATE/id_ed25519" "$STATE/known_hosts"
        printf '    GlobalKnownHostsFile /dev/null\n    StrictHostKeyChecking yes\n    BatchMode yes\n    ConnectTimeout 5\n'
        printf '    KexAlgorithms curve25519-sha256\n    LogLevel ERROR\n'
    } > "$STATE/ssh_config"
}

# ---------------------------------------------------------------- up: network, namespaces, BMCs

setup_network() {
    local h ns veth
    echo 0 > /proc/sys/net/ipv4/ip_forward 2>/dev/null || true
    ip link add "$BRIDGE" type bridge
    [ -e "/proc/sys/net/ipv6/conf/$BRIDGE/disable_ipv6" ] && echo 1 > "/proc/sys/net/ipv6/conf/$BRIDGE/disable_ipv6"
    ip addr add "$BRIDGE_IP/24" dev "$BRIDGE"
    for h in $(bmc_hosts); do ip addr add "$(bmc_ip "$h")/32" dev "$BRIDGE"; done
    ip link set "$BRIDGE" up
    for h in $(all_hosts); do
        ns=$(netns_of "$h"); veth=$(veth_of "$h")
        ip netns add "$ns"
        ip netns exec "$ns" sh -c 'for f in /proc/sys/net/ipv6/conf/all/disable_ipv6 /proc/sys/net/ipv6/conf/default/disable_ipv6; do [ -e $f ] && echo 1 > $f; done; true'
        ip link add "$veth" type veth peer name eth0 netns "$ns"
        [ -e "/proc/sys/net/ipv6/conf/$veth/disable_ipv6" ] && echo 1 > "/proc/sys/net/ipv6/conf/$veth/disable_ipv6"
        ip link set "$veth" master "$BRIDGE" up
        ip -n "$ns" addr add "$(host_ip "$h")/24" dev eth0
        ip -n "$ns" link set lo up
        ip -n "$ns" link set eth0 up
    done
}

setup_namespaces() {
    local h
    mount --bind "$NS_DIR" "$NS_DIR"
    mount --make-private "$NS_DIR"
    for h in $(booted_hosts); do
        : > "$NS_DIR/$h.mnt"; : > "$NS_DIR/$h.uts"
        nsenter --net="/run/netns/$(netns_of "$h")" \
            unshare --mount="$NS_DIR/$h.mnt" --uts="$NS_DIR/$h.uts" --propagation private \
            env SANDBOX_NODE_ROOT="$(node_root_of "$h")" bash "$SB_DIR/lib/ns-setup.sh" "$h" || die "namespace setup of $h failed"
    done
}

start_bmcs() {
    local h hd i n
    mkdir -p "$CG"
    for h in $(bmc_hosts); do
        hd=$(host_dir "$h")
        mkdir -p "$CG/bmc-$h"
        (
            close_fds
            echo "$BASHPID" > "$CG/bmc-$h/cgroup.procs"
            cd "$hd/bmc" || exit 1
            exec setsid ipmi_sim -n -c "$hd/bmc/lan.conf" -f "$hd/bmc/bmc.emu" -s "$hd/bmc/persist" \
                < /dev/null >> "$hd/bmc/ipmi_sim.log" 2>&1
        ) &
        echo $! > "$hd/bmc/ipmi_sim.pid"
    done
    n=$(bmc_hosts | wc -w)
    for i in $(seq 1 100); do
        [ "$(ss -Hlun 'sport = :623' | grep -c "$NET\.")" -ge "$n" ] && return 0
        sleep 0.05
    done
    die "BMCs did not start (see $STATE/hosts/*/bmc/ipmi_sim.log)"
}

crm_mon_xml() { in_node "$1" 15 crm_mon -1 --output-as=xml 2> /dev/null; }

wait_until() { # timeout-seconds description check-function
    local t=$1 what=$2 fn=$3 deadline why=""
    deadline=$(( $(date +%s) + t ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        why=$($fn 2>&1) && return 0
        sleep 1
    done
    log "timeout (${t}s) waiting for $what: $why"
    return 1
}

check_members_online() {
    crm_mon_xml cluster-1 | python3 "$SB_DIR/lib/settled.py" "$(echo "${MEMBERS[@]}" | tr ' ' ',')" nodes
}
check_settled() {
    local h x
    h=$(first_running_member) || { echo "no member running"; return 1; }
    x=$(crm_mon_xml "$h") || { echo "crm_mon failed on $h"; return 1; }
    echo "$x" | python3 "$SB_DIR/lib/settled.py" "$(all_hosts | tr ' ' ',')" || return 1
    # stable for a second (no transition in flight)
    sleep 1
    crm_mon_xml "$h" | python3 "$SB_DIR/lib/settled.py" "$(all_hosts | tr ' ' ',')"
}

cmd_up() {
    require_root; check_state_path
    local t0 t1 t2 t3 h bundle=0 version=2.1 root="" upgraded=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --bundle) bundle=1 ;;
            --pacemaker) version=${2:-}; shift ;;
            --pacemaker=*) version=${1#*=} ;;
            --mixed) version=mixed ;;
            *) die "unknown option $1" ;;
        esac
        shift
    done
    [ "${PCMK_SANDBOX_BUNDLE:-0}" = 1 ] && bundle=1
    case "$version" in
        2.1) ;;
        3.0) root=$NODE_ROOTS/trixie-node ;;
        mixed) root=$NODE_ROOTS/trixie-node upgraded=cluster-3 ;;
        *) die "--pacemaker: 2.1 (this machine's) or 3.0, not '$version'" ;;
    esac
    t0=$(now_ms)
    cmd_down 2> /dev/null
    [ -n "$CG" ] || die "no cgroup v2 hierarchy (need cgroup.kill, Linux >= 5.14)"
    mkdir -p "$STATE"
    # podman runs in the members: this machine's for 2.1 ones (the node root has its own)
    if [ "$bundle" = 1 ] && [ "$version" != 3.0 ]; then ensure_packages podman runc conmon; else ensure_packages; fi
    if [ -n "$root" ]; then
        log "node root $root (Pacemaker 3.0${upgraded:+ on $upgraded only})"
        PCMK_VERSION_ROOTS=$NODE_ROOTS bash "$PROJECT_DIR/scripts/version-roots.sh" --node >&2 \
            || die "no node root for Pacemaker 3.0 (scripts/version-roots.sh --node)"
    fi
    [ -z "$root" ] || [ -n "$upgraded" ] && ensure_remoted
    NODE_ROOT=$root UPGRADED=$upgraded
    prepare_state
    setup_network
    setup_namespaces
    start_bmcs
    t1=$(now_ms)
    log "prepared in $(( (t1 - t0) / 1000 )).$(( (t1 - t0) % 1000 / 100 ))s; powering on $(booted_hosts)"
    for h in $(booted_hosts); do bash "$SB_DIR/lib/power.sh" "$h" on 0; done
    wait_until 90 "members online" check_members_online || { cmd_status_brief; die "members did not come online"; }
    t2=$(now_ms)
    log "members online after $(( (t2 - t1) / 1000 )).$(( (t2 - t1) % 1000 / 100 ))s"
    wait_until "$UP_TIMEOUT" "resources settled" check_settled || { cmd_status_brief; die "cluster did not settle"; }
    t3=$(now_ms)
    date +%s > "$STATE/up"
    log "resources settled after $(( (t3 - t2) / 1000 )).$(( (t3 - t2) % 1000 / 100 ))s"
    echo "sandbox up in $(( (t3 - t0) / 1000 )).$(( (t3 - t0) % 1000 / 100 ))s (prepare $(( (t1 - t0) / 1000 ))s, members online $(( (t2 - t1) / 1000 ))s, settled $(( (t3 - t2) / 1000 ))s)"
    if [ "$bundle" = 1 ]; then
        bash "$SB_DIR/lib/bundle.sh" up || log "bundle: not available (see test/sandbox/README.md)"
        t3=$(now_ms)
        echo "sandbox up with bundle in $(( (t3 - t0) / 1000 )).$(( (t3 - t0) % 1000 / 100 ))s"
    fi
    echo "try: ssh -F $STATE/ssh_config cluster-2 crm_mon -1"
}

# ---------------------------------------------------------------- status

cmd_status_brief() {
    local h pid
    for h in $(all_hosts); do
        pid=$(init_pid "$h" 2> /dev/null) || pid=-
        printf '  %-10s power=%s init=%s\n' "$h" "$(cat "$(host_dir "$h")/bmc/power" 2>/dev/null || echo '-')" "$pid" >&2
    done
}

daemons_of() { # names of the cluster daemons running in host $1's pid namespace
    local pid=$1 p c out="" ns
    ns=$(readlink "/proc/$pid/ns/pid")
    for p in $(cat "$CG"/*/cgroup.procs 2>/dev/null); do
        [ "$(readlink "/proc/$p/ns/pid" 2>/dev/null)" = "$ns" ] || continue
        c=$(cat "/proc/$p/comm" 2>/dev/null)
        case "$c" in corosync|pacemakerd|pacemaker-remot*|sshd) out="$out $c" ;; esac
    done
    echo "$out" | tr ' ' '\n' | sort | uniq -c | awk 'NF { printf "%s%s ", $2, ($1 > 1 ? "x" $1 : "") }'
}

cmd_status() {
    local h hd pid pw rc=0 bmc m
    [ -f "$STATE/up" ] || { echo "sandbox: not up (no $STATE/up)"; rc=1; }
    printf '%-10s %-7s %-15s %-5s %-8s %s\n' NODE KIND ADDRESS POWER INIT DAEMONS
    for h in $(all_hosts); do
        hd=$(host_dir "$h")
        pw=$(cat "$hd/bmc/power" 2>/dev/null || echo -)
        [ "$(host_kind "$h")" = guest ] && pw=-
        if pid=$(init_pid "$h" 2> /dev/null); then
            printf '%-10s %-7s %-15s %-5s %-8s %s\n' "$h" "$(host_kind "$h")" "$(host_ip "$h")" "$pw" "$pid" "$(daemons_of "$pid")"
        else
            printf '%-10s %-7s %-15s %-5s %-8s %s\n' "$h" "$(host_kind "$h")" "$(host_ip "$h")" "$pw" - -
            [ "$(host_kind "$h")" != guest ] && rc=1
        fi
    done
    echo
    printf '%-14s %-16s %-8s %s\n' BMC ADDRESS PID "CHASSIS (ipmitool lanplus -C 3)"
    for h in $(bmc_hosts); do
        hd=$(host_dir "$h")
        pid=$(cat "$hd/bmc/ipmi_sim.pid" 2>/dev/null || echo -)
        if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != ipmi_sim ]; then
            printf '%-14s %-16s %-8s %s\n' "$h-bmc" "$(bmc_ip "$h")" - "not running"; rc=1; continue
        fi
        bmc=$(timeout 10 ipmitool -I lanplus -C 3 -H "$(bmc_ip "$h")" -U "$IPMI_USER" -f "$STATE/ipmi_password" \
            chassis power status 2>&1 | head -n1)
        printf '%-14s %-16s %-8s %s\n' "$h-bmc" "$(bmc_ip "$h")" "$pid" "$bmc"
    done
    echo
    if m=$(first_running_member); then
        in_node "$m" 15 crm_mon -1 || rc=1
    else
        echo "no member running"; rc=1
    fi
    return $rc
}

# ---------------------------------------------------------------- faults

cmd_power() {
    local h=${1:-} a=${2:-status}
    [ -n "$h" ] || die "usage: sandbox.sh power NODE on|off|cycle|reset|status"
    check_host "$h"
    bmc_ip "$h" > /dev/null || die "$h has no BMC (guest nodes are fenced by stopping their resource)"
    case "$a" in on|off|cycle|reset|status|soft) ;; *) die "power: unknown action $a" ;; esac
    timeout 30 ipmitool -I lanplus -C 3 -H "$(bmc_ip "$h")" -U "$IPMI_USER" -f "$STATE/ipmi_password" chassis power "$a"
}

cmd_net() {
    local h=${1:-} a=${2:-}
    check_host "$h"
    case "$a" in
        cut) ip link set "$(veth_of "$h")" down ;;
        restore) ip link set "$(veth_of "$h")" up ;;
        status) ip -br link show "$(veth_of "$h")" ;;
        *) die "usage: sandbox.sh net NODE cut|restore|status" ;;
    esac
}

cmd_sshd() {
    local h=${1:-} a=${2:-}
    check_host "$h"
    case "$a" in
        stop|start|status) in_node "$h" 30 systemctl "$a" ssh ;;
        *) die "usage: sandbox.sh sshd NODE stop|start|status" ;;
    esac
}

# fail RESOURCE [NODE]: a Dummy loses its state file (its next monitor really fails); other
# agents get a failure recorded through crm_resource --fail.
cmd_fail() {
    local r=${1:-} node=${2:-} m nodes n out
    [ -n "$r" ] || die "usage: sandbox.sh fail RESOURCE [NODE]"
    m=$(first_running_member) || die "no member running"
    if [ -n "$node" ]; then nodes=$node
    else
        nodes=$(in_node "$m" 15 crm_resource --locate --resource "$r" 2>/dev/null | sed -n 's/.*running on: \([^ ]*\).*/\1/p')
        [ -n "$nodes" ] || die "resource $r is not running"
    fi
    for n in $nodes; do
        check_host "$n"
        out=$(in_node "$n" 15 sh -c 'for f in /run/Dummy-"$1".state /run/Dummy-"$1":*.state; do [ -e "$f" ] && rm -f "$f" && echo "$f"; done; true' sh "$r")
        if [ -n "$out" ]; then
            echo "$r on $n: removed $out (next monitor fails)"
        else
            in_node "$m" 30 crm_resource --fail --resource "$r" --node "$n" && echo "$r on $n: failure recorded with crm_resource --fail"
        fi
    done
}

cmd_cleanup() {
    local m
    m=$(first_running_member) || die "no member running"
    in_node "$m" 60 crm_resource --cleanup ${1:+--resource "$1"}
}

# mem: sum of PSS (and RSS) of every sandbox process, per cgroup (a guest counts in its host,
# bundle containers in "pods").
cmd_mem() {
    local g p v w t r tt=0 tr=0
    [ -n "$CG" ] && [ -d "$CG" ] || die "sandbox is not up"
    printf '%-16s %9s %9s\n' CGROUP PSS_MiB RSS_MiB
    for g in "$CG"/*/; do
        t=0; r=0
        for p in $(find "$g" -name cgroup.procs -exec cat {} + 2>/dev/null); do
            read -r v w < <(awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } END { print p + 0, r + 0 }' "/proc/$p/smaps_rollup" 2>/dev/null)
            t=$((t + ${v:-0})); r=$((r + ${w:-0}))
        done
        printf '%-16s %9s %9s\n' "$(basename "$g")" $((t / 1024)) $((r / 1024))
        tt=$((tt + t)); tr=$((tr + r))
    done
    printf '%-16s %9s %9s\n' total $((tt / 1024)) $((tr / 1024))
}

cmd_env() {
    local h b=""
    for h in $(bmc_hosts); do b="$b $h=$(bmc_ip "$h")"; done
    cat <<END
export PCMK_SANDBOX_STATE='$STATE'
export PCMK_SANDBOX_SCRIPT='$SB_DIR/sandbox.sh'
export PCMK_SANDBOX_SSH_CONFIG='$STATE/ssh_config'
export PCMK_SANDBOX_KNOWN_HOSTS='$STATE/known_hosts'
export PCMK_SANDBOX_SSH_KEY='$STATE/id_ed25519'
export PCMK_SANDBOX_IPMI_USER='$IPMI_USER'
export PCMK_SANDBOX_IPMI_PASSWORD_FILE='$STATE/ipmi_password'
export PCMK_SANDBOX_NODES='${MEMBERS[*]}'
export PCMK_SANDBOX_REMOTE_NODES='${REMOTES[*]}'
export PCMK_SANDBOX_GUEST_NODES='${GUESTS[*]}'
export PCMK_SANDBOX_BMCS='${b# }'
export PCMK_SANDBOX_CLUSTER_NAME='$CLUSTER_NAME'
END
}

cmd_logs() {
    local h=${1:-cluster-1} hd
    check_host "$h"; hd=$(host_dir "$h")
    ls -1d "$hd/console.log" "$hd"/var/log/pacemaker/pacemaker.log "$hd"/var/log/corosync/corosync.log \
        "$hd"/var/log/sandbox/* "$hd"/bmc/*.log 2>/dev/null
}

cmd_ssh() {
    local h=${1:-}; shift || true
    check_host "$h"
    exec ssh -F "$STATE/ssh_config" "$h" "$@"
}

main() {
    local c=${1:-}; shift || true
    case "$c" in
        up) cmd_up "$@" ;;
        down) cmd_down ;;
        status) cmd_status ;;
        exec) require_root; cmd_exec "$@" ;;
        ssh) cmd_ssh "$@" ;;
        power) cmd_power "$@" ;;
        net) require_root; cmd_net "$@" ;;
        sshd) require_root; cmd_sshd "$@" ;;
        fail) require_root; cmd_fail "$@" ;;
        env) cmd_env ;;
        cleanup) require_root; cmd_cleanup "$@" ;;
        mem) require_root; cmd_mem ;;
        logs) cmd_logs "$@" ;;
        -h|--help|help|"") usage ;;
        *) echo "sandbox: unknown command '$c'" >&2; usage ;;
    esac
}
main "$@"
