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
set -euo pipefail
ROOTS=${PCMK_VERSION_ROOTS:-/var/cache/pcmk-console/roots}
SUITES=(bullseye trixie)

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
for s in "${SUITES[@]}"; do
  if complete "$ROOTS/$s"; then
    echo "version-roots: $s present: $(cat "$ROOTS/$s/.pcmk-version-root")"
  else
    build "$s"
  fi
done
