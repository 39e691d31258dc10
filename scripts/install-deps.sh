#!/usr/bin/env bash
# Installs the Debian packages the tests and the sandbox cluster need (root, Debian 12).
# Never installs pacemaker-remote: it conflicts with pacemaker, which already ships pacemaker-remoted.
set -euo pipefail
PKGS=(pacemaker corosync pacemaker-cli-utils pcs crmsh resource-agents fence-agents openipmi ipmitool
      openssh-server openssh-client iproute2 util-linux procps psmisc python3 tmux podman runc conmon time
      zsh fish)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all Debian packages present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing Debian packages: ${missing[*]}; run as root (sudo) to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
