#!/usr/bin/env bash
# The whole test suite: Debian packages, type check, unit and conformance tests, then the
# integration tests on the real sandbox cluster (brought up and down by the integration setup),
# then the integration tests that matter again on the Pacemaker 3.0 sandbox (integration-pcmk3), then
# the mixed-version sandbox of a rolling upgrade (integration-mixed).
# Prints one closing line "N passed, N failed" over everything.
set -uo pipefail
cd "$(dirname "$0")/.."

fail() { echo "test: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
[ "$(id -u)" = 0 ] || fail "the integration tests build a real cluster in namespaces and need root (run: sudo npm test; npm run test:unit needs no root)"
[ -r /etc/debian_version ] || fail "the sandbox cluster needs Debian 12 (apt-get); this is not Debian"
unshare --net true 2>/dev/null || fail "cannot create network namespaces here (unshare --net failed)"

bash scripts/install-deps.sh || fail "could not install the Debian packages"
# Pacemaker 2.0.5 and 3.0 beside the installed 2.1.5, for the conformance tests (built once, cached
# outside the repository); the conformance tests fail, not skip, when a version cannot run.
bash scripts/version-roots.sh || fail "could not build the Pacemaker version roots (scripts/version-roots.sh)"
# The system of the Pacemaker 3.0 sandbox's nodes (test/sandbox/README.md), from the trixie root.
bash scripts/version-roots.sh --node || fail "could not build the Pacemaker 3.0 node root (scripts/version-roots.sh --node)"
export PCMK_REQUIRE_VERSION_ROOTS=1
[ -d node_modules ] || npm ci || fail "npm ci failed"
npm run --silent build || fail "build failed"
# The tests are type-checked with the sources (tsconfig.test.json): a test that calls the product
# with a shape it no longer has fails here, not as a puzzling error in the middle of a run.
npm run --silent typecheck || fail "type check failed (npm run typecheck)"

out=$(mktemp -d)
status=0
# Each run writes exact counts (scripts/test-totals-reporter.mjs); the closing line adds them up
# with each run's exit status, so an error outside any test is never a "0 failed".
totals=scripts/test-totals-reporter.mjs
PCMK_TEST_TOTALS_FILE="$out/unit.json" npx vitest run --project unit --reporter=default --reporter=./$totals
unit=$?
PCMK_TEST_TOTALS_FILE="$out/integration.json" npx vitest run --project integration --reporter=default --reporter=./$totals
integration=$?
# After the integration project, never beside it: its setup replaces the sandbox with the 3.0 one.
PCMK_TEST_TOTALS_FILE="$out/integration-pcmk3.json" npx vitest run --project integration-pcmk3 --reporter=default --reporter=./$totals
pcmk3=$?
# Then a rolling upgrade half done: cluster-3 on 3.0, the rest on 2.1 (up --mixed).
PCMK_TEST_TOTALS_FILE="$out/integration-mixed.json" npx vitest run --project integration-mixed --reporter=default --reporter=./$totals
mixed=$?
[ $unit = 0 ] && [ $integration = 0 ] && [ $pcmk3 = 0 ] && [ $mixed = 0 ] || status=1
node scripts/test-totals.mjs "$out/unit.json=$unit" "$out/integration.json=$integration" "$out/integration-pcmk3.json=$pcmk3" "$out/integration-mixed.json=$mixed" || status=1
exit $status
