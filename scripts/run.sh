#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts aicore-proxy.
#   scripts/run.sh                      no config: a demo against the bundled SAP AI Core emulator
#   scripts/run.sh --config config.json your SAP AI Core subaccounts (any other aicore-proxy flags too)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DAICORE_BUILD_TESTS=OFF

if [ "$#" -gt 0 ]; then
  exec build/aicore-proxy "$@"
fi

# Demo mode: the emulator plays SAP AI Core on 127.0.0.1:3902 (as etc/demo/config.json expects).
emulator_port=3902
build/aicore-emulator --port "$emulator_port" --quiet >/dev/null &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$emulator_port/health" >/dev/null 2>&1 && break
  sleep 0.1
done

cat <<'MSG'
==================================================================================
 DEMO MODE: no --config given, so aicore-proxy serves the bundled SAP AI Core
 emulator (127.0.0.1:3902) with etc/demo/config.json. Nothing leaves this machine.

 Try it:
   curl -s http://127.0.0.1:3001/v1/chat/completions \
     -H 'Authorization: Bearer demo-key' -H 'Content-Type: application/json' \
     -d '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}'

 Or point an OpenAI SDK at it: base URL http://127.0.0.1:3001/v1, API key demo-key.
 For your own subaccounts: scripts/run.sh --config /path/to/config.json
 Stop with Ctrl-C.
==================================================================================
MSG
build/aicore-proxy --config etc/demo/config.json &
proxy=$!
trap 'kill "$proxy" "$emulator" 2>/dev/null || true' EXIT INT TERM
wait "$proxy"
