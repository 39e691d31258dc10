#!/usr/bin/env bash
# `sudo npm run demo`: brings the sandbox cluster up if it is not running, then opens pcmk-top on it
# over SSH, the way an operator reaches a real cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "demo: the sandbox cluster is built in network namespaces and needs root: sudo npm run demo" >&2
  exit 1
fi
[ -f dist/pcmk-agent.cjs ] && [ -f dist/pcmk-top.mjs ] || npm run --silent build
if ! bash test/sandbox/sandbox.sh status >/dev/null 2>&1; then
  echo "demo: bringing the sandbox cluster up (about 40 s)..."
  bash test/sandbox/sandbox.sh up --bundle
fi
eval "$(bash test/sandbox/sandbox.sh env)"
echo "demo: opening pcmk-top on cluster-1, cluster-2, cluster-3 (q quits; sudo npm run sandbox -- down stops the cluster)"
exec env -u CI node bin/pcmk-top.js --host cluster-1,cluster-2,cluster-3 \
  -F "$PCMK_SANDBOX_SSH_CONFIG" --known-hosts "$PCMK_SANDBOX_KNOWN_HOSTS" "$@"
