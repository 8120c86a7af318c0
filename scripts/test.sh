#!/usr/bin/env bash
# The test command: installs what is missing (Debian packages and the npm test clients), builds
# everything, and runs every test (unit, ABI, plugin golden tests, integration with real SDKs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-test-clients
scripts/build.sh -DAICORE_BUILD_TESTS=ON
cd build
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" --timeout 600
