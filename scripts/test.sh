#!/usr/bin/env bash
# The test command: installs what is missing (Debian packages and the npm test clients), builds
# everything, and runs every test (unit, ABI, plugin golden tests, fuzz corpora, integration with
# real SDKs, the soak), the style and static checks (scripts/lint.sh: clang-format, clang-tidy),
# then the sanitizer stages (scripts/sanitize.sh: everything again under ASan+UBSan, the
# shared-state tests under TSan, a short libFuzzer run of each fuzz target).
# AICORE_SKIP_SANITIZERS=1 skips the sanitizer stages (a quicker local run; CI never sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-test-clients
scripts/build.sh -DAICORE_BUILD_TESTS=ON
rc=0
(cd build && ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" --timeout 600) || rc=$?
scripts/lint.sh || rc=1
if [ "${AICORE_SKIP_SANITIZERS:-0}" != 1 ]; then
  scripts/sanitize.sh || rc=1
fi
exit $rc
