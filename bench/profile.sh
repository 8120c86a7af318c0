#!/usr/bin/env bash
# Profiles aicore-proxy with callgrind under a fixed load of scenario 1 (OpenAI chat, non-streaming,
# GPT) or 1s (the same, streaming): a fixed number of requests, so the instruction counts repeat
# from run to run whatever else the machine is doing. Uses the binaries bench/run.sh built.
#
#   bench/profile.sh [--requests N] [--conc C] [--stream] [--lean] [--out DIR]
#
# --lean turns off what later issues added to every request (metrics, which the dashboard reads,
# and the usage ledger), so the count compares with a tree from before them (issue 11's "no
# slower": run an older tree's own profile.sh with AICORE_BENCH_BUILD pointing at its build).
#
# Writes DIR/callgrind.out (open with kcachegrind or callgrind_annotate) and DIR/hotspots.txt
# (inclusive and exclusive top functions). DIR defaults to a new temp dir, printed at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${AICORE_BENCH_BUILD:-$root/build-bench}
requests=2000
conc=8
stream=false
lean=false
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests=$2; shift ;;
    --conc) conc=$2; shift ;;
    --stream) stream=true ;;
    --lean) lean=true ;;
    --out) out=$2; shift ;;
    *) echo "usage: $0 [--requests N] [--conc C] [--stream] [--lean] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
for b in aicore-proxy aicore-emulator bench/sseload; do
  [ -x "$build/$b" ] || { echo "missing $build/$b: run bench/run.sh first" >&2; exit 1; }
done
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
[ -n "$out" ] || out=$(mktemp -d /tmp/aicore-profile.XXXXXX)
mkdir -p "$out"
tmp=$(mktemp -d /tmp/aicore-profile-run.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$tmp/emulator.json" <<'EOF'
{"clients":[{"clientid":"bench-client","clientsecret":"bench-secret"}],"token_ttl_seconds":36000,
 "resource_groups":["default"],"deployments":{"d-gpt4o":{"executable":"azure-openai","model":"gpt-4o"}}}
EOF
"$build/aicore-emulator" --port 0 --port-file "$tmp/emu.port" --config "$tmp/emulator.json" --quiet >"$tmp/emu.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$tmp/emu.port" ] && break; sleep 0.05; done
emu=http://127.0.0.1:$(cat "$tmp/emu.port")
mkdir -p "$tmp/keys"
printf '{"clientid":"bench-client","clientsecret":"bench-secret","url":"%s","identityzoneid":"bench","serviceurls":{"AI_API_URL":"%s"}}' "$emu" "$emu" >"$tmp/keys/k.json"
features=""
[ "$lean" = true ] && features=',"metrics":{"enabled":false},"usage":{"enabled":false}'
cat >"$tmp/config.json" <<EOF
{"subAccounts":{"bench":{"resource_group":"default","service_key_json":"keys/k.json",
  "deployment_models":{"gpt-4o":["$emu/v2/inference/deployments/d-gpt4o"]}}},
 "secret_authentication_tokens":["bench-key"],"port":0,"host":"127.0.0.1","log":{"file":"$tmp/proxy.log"}$features}
EOF
echo "==> aicore-proxy under callgrind ($requests requests, concurrency $conc, stream=$stream)" >&2
# Collection starts only once the proxy is up and warmed (start-up, e.g. loading the CA store, and
# shutdown are left out), so the counts are those of serving the requests.
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" --instr-atstart=no \
  "$build/aicore-proxy" --config "$tmp/config.json" --plugin-dir "$build/plugins" >"$tmp/proxy.out" 2>"$tmp/valgrind.err" &
proxy_pid=$!
pids+=("$proxy_pid")
proxy=""
for _ in $(seq 1 600); do
  proxy=$(grep -o 'listening on http://[0-9.:]*' "$tmp/proxy.out" 2>/dev/null | head -1 | sed 's/listening on //' || true)
  [ -n "$proxy" ] && break
  sleep 0.1
done
[ -n "$proxy" ] || { cat "$tmp/valgrind.err" >&2; echo "aicore-proxy did not start" >&2; exit 1; }
words=""
for i in $(seq 1 32); do words="$words w$i"; done
printf '{"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant for a team of engineers. Answer briefly and precisely, quote the relevant configuration keys, and say so when you are not sure about something."},{"role":"user","content":"%s"}],"temperature":0.7,"stream":%s}' \
  "${words# }" "$stream" >"$tmp/body.json"
per_conn=$(((requests + conc - 1) / conc))
requests=$((per_conn * conc))
# Warm-up: token fetch, upstream connections, lazy symbol binding.
"$build/bench/sseload" --url "$proxy/v1/chat/completions" --body-file "$tmp/body.json" \
  --header 'Authorization: Bearer bench-key' --concurrency "$conc" --per-conn 5 --timeout 120 >/dev/null
callgrind_control -i on "$proxy_pid" >/dev/null
"$build/bench/sseload" --url "$proxy/v1/chat/completions" --body-file "$tmp/body.json" \
  --header 'Authorization: Bearer bench-key' --concurrency "$conc" --per-conn "$per_conn" --timeout 120 >"$out/load.json"
callgrind_control -i off "$proxy_pid" >/dev/null
cat "$out/load.json" >&2
kill -TERM "$proxy_pid"
for _ in $(seq 1 600); do kill -0 "$proxy_pid" 2>/dev/null || break; sleep 0.1; done
scen=1
[ "$stream" = true ] && scen=1s
{
  echo "# callgrind: aicore-proxy serving $requests requests of scenario $scen at concurrency $conc$([ "$lean" = true ] && echo ' (lean: metrics and usage ledger off)')"
  echo "# load: $(cat "$out/load.json")"
  echo
  callgrind_annotate --threshold=100 "$out/callgrind.out" 2>/dev/null | node "$here/lib/callgrind-summary.mjs" "$requests"
  echo
  echo "## inclusive (share of all instructions spent in a function and what it calls; top 60)"
  echo
  callgrind_annotate --inclusive=yes "$out/callgrind.out" 2>/dev/null | node "$here/lib/callgrind-summary.mjs" --inclusive 60
} >"$out/hotspots.txt"
echo "==> $out/hotspots.txt, $out/callgrind.out" >&2
