#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts aicore-proxy.
#   scripts/run.sh                      no config: a demo against the bundled SAP AI Core emulator
#   scripts/run.sh --config config.json your SAP AI Core subaccounts (any other aicore-proxy flags too)
set -euo pipefail
cd "$(dirname "$0")/.."
# AICORE_RUN_PREBUILT=DIR: use the binaries already built in DIR (tests/integration/demo.test.mjs
# runs the demo exactly as here, against the tree the test command built).
bin=${AICORE_RUN_PREBUILT:-build}
if [ -z "${AICORE_RUN_PREBUILT:-}" ]; then
  scripts/install-deps.sh
  scripts/build.sh -DAICORE_BUILD_TESTS=OFF
fi

if [ "$#" -gt 0 ]; then
  exec "$bin/aicore-proxy" "$@"
fi

# Demo mode: the emulator plays SAP AI Core on 127.0.0.1:3902 (as etc/demo/config.json expects).
emulator_port=3902
"$bin/aicore-emulator" --port "$emulator_port" --quiet >/dev/null &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$emulator_port/health" >/dev/null 2>&1 && break
  sleep 0.1
done

cat <<'MSG'
==================================================================================
 DEMO MODE: no --config given, so aicore-proxy serves the bundled SAP AI Core
 emulator (127.0.0.1:3902) with etc/demo/config.json: GPT, Claude and Gemini
 models, found by deployment discovery. Nothing leaves this machine.

 Try it:
   curl -s http://127.0.0.1:3001/v1/chat/completions \
     -H 'Authorization: Bearer demo-key' -H 'Content-Type: application/json' \
     -d '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}'

 Claude Code against it (another shell):
   export ANTHROPIC_BASE_URL=http://127.0.0.1:3001 ANTHROPIC_AUTH_TOKEN=demo-key
   export ANTHROPIC_MODEL=anthropic--claude-4.5-sonnet ANTHROPIC_DEFAULT_HAIKU_MODEL=anthropic--claude-4.5-sonnet
   claude -p "Hello"

 Or point an OpenAI SDK at it: base URL http://127.0.0.1:3001/v1, API key demo-key.
 For your own subaccounts: scripts/run.sh --config /path/to/config.json
 Stop with Ctrl-C.
==================================================================================
MSG
"$bin/aicore-proxy" --config etc/demo/config.json &
proxy=$!
trap 'kill "$proxy" "$emulator" 2>/dev/null || true' EXIT INT TERM
wait "$proxy"
