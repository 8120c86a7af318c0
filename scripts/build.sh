#!/usr/bin/env bash
# Configures and builds aicore-proxy (Release) into build/: build/aicore-proxy,
# build/aicore-emulator and build/plugins/*.so. Extra arguments go to the CMake configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "$jobs"
