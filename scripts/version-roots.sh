#!/usr/bin/env bash
# Builds the Pacemaker version roots the conformance tests run crm_mon from: minimal Debian roots
# with pacemaker-cli-utils, bullseye (Pacemaker 2.0.5) and trixie (Pacemaker 3.0), beside the
# installed bookworm 2.1.5. Built once into a cache outside the repository and rebuilt only when a
# root is missing or incomplete (no completion mark, or its crm_mon does not run).
#   PCMK_VERSION_ROOTS  cache directory (default /var/cache/pcmk-console/roots)
#   PCMK_DEBIAN_MIRROR  Debian mirror (default: the one apt uses here, else deb.debian.org)
# Root only (debootstrap and chroot). Each root is about 300 MB (package caches removed); a build takes one to several minutes.
# Inside each root, the root's own path is a link to "/", so a file under the root has the same
# absolute path inside and outside it (the agent's tool prefix "chroot ROOT" reads CIB files there).
#
#   version-roots.sh            the conformance roots (bullseye, trixie)
#   version-roots.sh --node     trixie, and trixie-node: the trixie root plus what a Pacemaker 3.0 sandbox
#                               node runs (the sandbox's `up --pacemaker 3.0`, podman and pcs included;
#                               about 810 MB)
set -euo pipefail
ROOTS=${PCMK_VERSION_ROOTS:-/var/cache/pcmk-console/roots}
SUITES=(bullseye trixie)
# What a sandbox node runs besides pacemaker-cli-utils (test/sandbox/sandbox.sh and lib/ inside the node).
NODE_PACKAGES=(pacemaker corosync resource-agents fence-agents-ipmilan ipmitool openssh-server iproute2 procps
  psmisc util-linux python3 nodejs podman runc conmon pcs crmsh)

mirror() {
  if [ -n "${PCMK_DEBIAN_MIRROR:-}" ]; then echo "$PCMK_DEBIAN_MIRROR"; return; fi
  local m
  m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
        /^URIs:/ { uri = $2 } /^Suites:/ && / bookworm( |$)/ && uri != "" { print uri; exit }')
  [ -n "$m" ] || m=$(grep -hE '^deb +(\[[^]]*\] +)?https?://[^ ]+ +bookworm +' /etc/apt/sources.list 2>/dev/null \
                      | head -1 | sed -E 's/^deb +(\[[^]]*\] +)?([^ ]+).*/\2/')
  echo "${m:-http://deb.debian.org/debian}"
}

# A root is complete when it carries the mark written after a successful build and its crm_mon runs.
complete() {
  local root=$1
  [ -f "$root/.pcmk-version-root" ] && chroot "$root" crm_mon --version >/dev/null 2>&1
}

build() {
  local suite=$1 root=$ROOTS/$1 tmp=$ROOTS/.$1.building
  rm -rf "$tmp" "$root"
  mkdir -p "$tmp"
  local started=$SECONDS
  echo "version-roots: building $suite into $root (debootstrap from $(mirror))"
  if ! nice debootstrap --variant=minbase --include=pacemaker-cli-utils "$suite" "$tmp" "$(mirror)" \
       >"$ROOTS/.$suite.log" 2>&1; then
    echo "version-roots: debootstrap $suite failed; last lines of $ROOTS/.$suite.log:" >&2
    tail -n 20 "$ROOTS/.$suite.log" >&2
    return 1
  fi
  # Package caches are not needed to run the tools.
  rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*
  # Same absolute path inside and outside: ROOT inside the root leads back to the root itself.
  mkdir -p "$tmp$(dirname "$root")"
  ln -sfn / "$tmp$root"
  mv "$tmp" "$root"
  chroot "$root" crm_mon --version | head -n 1 >"$root/.pcmk-version-root"
  echo "version-roots: $suite ready in $((SECONDS - started)) s: $(cat "$root/.pcmk-version-root")"
}

# trixie-node: a copy of the trixie root with the node packages installed by apt inside it.
# pacemaker-remote conflicts with pacemaker as a package; its one binary is extracted beside them.
# Complete: the mark, pacemakerd runs, and every package of NODE_PACKAGES is installed (a root
# built before a package joined the list is rebuilt).
node_complete() {
  local root=$ROOTS/trixie-node
  [ -f "$root/.pcmk-version-root" ] && chroot "$root" pacemakerd --version >/dev/null 2>&1 \
    && [ -x "$root/usr/sbin/pacemaker-remoted" ] \
    && [ "$(chroot "$root" dpkg-query -W -f='${db:Status-Abbrev}\n' "${NODE_PACKAGES[@]}" 2>/dev/null | grep -c '^ii')" \
         = "${#NODE_PACKAGES[@]}" ]
}

build_node() {
  local root=$ROOTS/trixie-node tmp=$ROOTS/.trixie-node.building log=$ROOTS/.trixie-node.log started=$SECONDS
  rm -rf "$tmp" "$root"
  echo "version-roots: building trixie-node into $root (from the trixie root)"
  cp -a "$ROOTS/trixie" "$tmp"
  mkdir -p "$tmp$(dirname "$root")"
  ln -sfn / "$tmp$root"
  rm -f "$tmp$ROOTS/trixie"
  # no service starts while installing
  printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"; chmod 0755 "$tmp/usr/sbin/policy-rc.d"
  mount -t proc proc "$tmp/proc"
  local rc=0
  {
    chroot "$tmp" apt-get update &&
    DEBIAN_FRONTEND=noninteractive nice chroot "$tmp" apt-get install -y --no-install-recommends "${NODE_PACKAGES[@]}" &&
    chroot "$tmp" sh -c 'cd /tmp && apt-get download pacemaker-remote && dpkg-deb -x pacemaker-remote_*.deb /tmp/remote &&
      install -m 0755 /tmp/remote/usr/sbin/pacemaker-remoted /usr/sbin/pacemaker-remoted && rm -rf /tmp/remote /tmp/*.deb'
  } >"$log" 2>&1 || rc=$?
  umount "$tmp/proc"
  if [ "$rc" != 0 ]; then
    echo "version-roots: trixie-node failed; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
  rm -f "$tmp/usr/sbin/policy-rc.d" "$tmp"/var/cache/apt/archives/*.deb
  rm -rf "$tmp"/var/lib/apt/lists/*
  mv "$tmp" "$root"
  chroot "$root" pacemakerd --version | head -n 1 >"$root/.pcmk-version-root"
  echo "version-roots: trixie-node ready in $((SECONDS - started)) s: $(cat "$root/.pcmk-version-root")"
}

if [ "$(id -u)" != 0 ]; then
  echo "version-roots: building roots needs root (debootstrap, chroot)" >&2
  exit 1
fi
if ! command -v debootstrap >/dev/null; then
  echo "version-roots: installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
fi
mkdir -p "$ROOTS"
# the node root is made from the trixie root only
[ "${1:-}" = --node ] && SUITES=(trixie)
for s in "${SUITES[@]}"; do
  if complete "$ROOTS/$s"; then
    echo "version-roots: $s present: $(cat "$ROOTS/$s/.pcmk-version-root")"
  else
    build "$s"
  fi
done
if [ "${1:-}" = --node ]; then
  if node_complete; then
    echo "version-roots: trixie-node present: $(cat "$ROOTS/trixie-node/.pcmk-version-root")"
  else
    build_node
  fi
fi
