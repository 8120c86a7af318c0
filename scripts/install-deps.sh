#!/usr/bin/env bash
# Installs what aicore-proxy needs to build (and, with --with-test-clients, to test) on Debian 12.
# Idempotent: installs only what is missing. Everything comes from Debian's packages and, for the
# test clients, from the npm registry through tests/integration/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

with_npm=0
for a in "$@"; do
  case "$a" in
    --with-test-clients) with_npm=1 ;;
    *) echo "usage: $0 [--with-test-clients]" >&2; exit 2 ;;
  esac
done

packages=(cmake make g++ pkg-config ca-certificates curl openssl
  libpoco-dev libssl-dev libsqlite3-dev libboost-dev libboost-filesystem-dev libspdlog-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev clang-format clang-tidy libjemalloc-dev
  dpkg-dev file)  # cpack -G DEB: dpkg-shlibdeps derives the .deb's Depends, file finds the ELF files
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "$with_npm" = 1 ]; then
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  # Prometheus's own promtool and server check what GET /metrics serves (tests/integration/metrics).
  dpkg-query -W -f='${Status}' prometheus 2>/dev/null | grep -q "install ok installed" || missing+=(prometheus)
  # A real Redis for the instances that share state through it (tests/integration/shared_state).
  dpkg-query -W -f='${Status}' redis-server 2>/dev/null | grep -q "install ok installed" || missing+=(redis-server)
  # Debian's Chromium, driven by puppeteer-core, renders the dashboard (tests/integration/dashboard_page).
  dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed" || missing+=(chromium)
  # The package test (tests/package/) installs the .deb, whose postinst runs adduser, and checks
  # the unit with systemd-analyze.
  for p in adduser systemd; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$with_npm" = 1 ]; then
  lock=tests/integration/package-lock.json
  stamp=tests/integration/node_modules/.aicore-lock
  if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
    echo "==> installing the test clients from npm (openai, @anthropic-ai/sdk, @google/genai, @anthropic-ai/claude-code, @openai/codex, @google/gemini-cli, puppeteer-core)"
    (cd tests/integration && npm ci --no-audit --no-fund --loglevel=error)
    cp "$lock" "$stamp"
  fi
fi
