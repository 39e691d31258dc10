#!/bin/bash
# Minimal systemctl for sandbox hosts (no systemd inside): enough for pcs, crmsh and the sandbox
# itself. Units: corosync, pacemaker, pacemaker_remote, ssh (alias sshd). Enabled state is kept
# in $STATE/hosts/<host>/units/<unit>.disabled markers.
set -u
STATE=${SANDBOX_STATE:-@STATE@}
H=$(hostname)
HD=$STATE/hosts/$H
OUT=/var/log/sandbox
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p "$OUT" 2>/dev/null

unit_name() {
    local u=${1%.service}
    case "$u" in
        sshd) u=ssh ;;
        pacemaker-remote) u=pacemaker_remote ;;
    esac
    echo "$u"
}
known() { case "$1" in corosync|pacemaker|pacemaker_remote|ssh) return 0 ;; *) return 1 ;; esac; }
kind() { case "$H" in cluster-*) echo member ;; remote-*) echo remote ;; guest-*) echo guest ;; esac; }
default_enabled() {
    case "$1" in
        ssh) return 0 ;;
        corosync|pacemaker) [ "$(kind)" = member ] ;;
        pacemaker_remote) [ "$(kind)" != member ] ;;
    esac
}
is_enabled() {
    [ -e "$HD/units/$1.enabled" ] && return 0
    [ -e "$HD/units/$1.disabled" ] && return 1
    default_enabled "$1"
}
main_pid() {
    local p
    case "$1" in
        corosync) pidof -s corosync ;;
        pacemaker) pidof -s pacemakerd ;;
        pacemaker_remote) pidof -s pacemaker-remoted ;;
        ssh) p=$(cat /run/sshd.pid 2>/dev/null) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p" ;;
    esac
}
is_active() { [ -n "$(main_pid "$1")" ]; }

wait_for() { # seconds, command...
    local t=$1 i; shift
    for i in $(seq 1 $((t * 10))); do "$@" && return 0; sleep 0.1; done
    return 1
}
gone() { ! is_active "$1"; }

start() {
    is_active "$1" && return 0
    case "$1" in
        corosync)
            setsid corosync -f >> "$OUT/corosync.out" 2>&1 < /dev/null &
            wait_for 20 corosync-cfgtool -s > /dev/null 2>&1 ;;
        pacemaker)
            is_active corosync || start corosync || return 1
            setsid pacemakerd >> "$OUT/pacemaker.out" 2>&1 < /dev/null &
            wait_for 10 is_active pacemaker ;;
        pacemaker_remote)
            local bin=/usr/sbin/pacemaker-remoted
            [ -x "$bin" ] || bin=$STATE/pkg/usr/sbin/pacemaker-remoted
            setsid "$bin" >> "$OUT/pacemaker_remote.out" 2>&1 < /dev/null &
            wait_for 10 is_active pacemaker_remote ;;
        ssh)
            setsid /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config >> "$OUT/sshd.log" 2>&1 < /dev/null &
            wait_for 10 is_active ssh ;;
    esac
}
stop() {
    local p
    is_active "$1" || return 0
    case "$1" in
        corosync) is_active pacemaker && stop pacemaker ;;
    esac
    p=$(main_pid "$1") || return 0
    kill -TERM "$p" 2>/dev/null
    wait_for 120 gone "$1" || { kill -KILL "$p" 2>/dev/null; wait_for 5 gone "$1"; }
}

cmd=""; units=(); props=""; quiet=0
while [ $# -gt 0 ]; do
    case "$1" in
        -q|--quiet) quiet=1 ;;
        -p|--property) props=$2; shift ;;
        --property=*) props=${1#*=} ;;
        --no-pager|--no-legend|--no-block|--now|--full|-l|--plain|--system|--no-ask-password) ;;
        --type=*|--state=*|--all|-a) ;;
        -*) ;;
        *) if [ -z "$cmd" ]; then cmd=$1; else units+=("$(unit_name "$1")"); fi ;;
    esac
    shift
done

rc=0
case "$cmd" in
    start|stop|restart|is-active|is-enabled|enable|disable|status|show|is-failed|try-restart|reload-or-restart)
        for u in "${units[@]}"; do
            if ! known "$u"; then
                case "$cmd" in
                    is-active) [ $quiet = 1 ] || echo inactive; rc=3 ;;
                    is-enabled) [ $quiet = 1 ] || echo "Failed to get unit file state for $u.service: No such file or directory" >&2; rc=1 ;;
                    show) echo "ActiveState=inactive"; echo "LoadState=not-found" ;;
                    status) echo "Unit $u.service could not be found." >&2; rc=4 ;;
                    *) echo "Failed to $cmd $u.service: Unit $u.service not found." >&2; rc=5 ;;
                esac
                continue
            fi
            case "$cmd" in
                start) start "$u" || rc=1 ;;
                stop) stop "$u" || rc=1 ;;
                restart|try-restart|reload-or-restart) stop "$u"; start "$u" || rc=1 ;;
                is-active) if is_active "$u"; then [ $quiet = 1 ] || echo active; else [ $quiet = 1 ] || echo inactive; rc=3; fi ;;
                is-failed) [ $quiet = 1 ] || echo inactive; rc=1 ;;
                is-enabled) if is_enabled "$u"; then [ $quiet = 1 ] || echo enabled; else [ $quiet = 1 ] || echo disabled; rc=1; fi ;;
                enable) mkdir -p "$HD/units"; rm -f "$HD/units/$u.disabled"; touch "$HD/units/$u.enabled" ;;
                disable) mkdir -p "$HD/units"; rm -f "$HD/units/$u.enabled"; touch "$HD/units/$u.disabled" ;;
                status)
                    if is_active "$u"; then
                        echo "* $u.service"; echo "     Active: active (running)"; echo "   Main PID: $(main_pid "$u")"
                    else
                        echo "* $u.service"; echo "     Active: inactive (dead)"; rc=3
                    fi ;;
                show)
                    a=inactive; is_active "$u" && a=active
                    e=disabled; is_enabled "$u" && e=enabled
                    all="ActiveState=$a
SubState=$([ $a = active ] && echo running || echo dead)
LoadState=loaded
UnitFileState=$e
MainPID=$(main_pid "$u" || echo 0)
Id=$u.service"
                    if [ -n "$props" ]; then
                        for p in ${props//,/ }; do echo "$all" | grep "^$p="; done
                    else echo "$all"; fi ;;
            esac
        done ;;
    list-unit-files)
        for u in corosync pacemaker pacemaker_remote ssh; do
            e=disabled; is_enabled "$u" && e=enabled
            echo "$u.service $e"
        done ;;
    daemon-reload|reset-failed) ;;
    "") echo "systemctl (sandbox emulation): command required" >&2; rc=1 ;;
    *) echo "systemctl (sandbox emulation): '$cmd' not supported" >&2; rc=1 ;;
esac
exit $rc
