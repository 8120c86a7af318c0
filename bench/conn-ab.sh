#!/usr/bin/env bash
# A quick A/B of the connection layer: wrk at -c64 (keep-alive) against aicore-proxy in front of
# the emulator, OpenAI chat → GPT (scenario 1 of run.sh, pass-through), for one or more builds.
#
#   bench/conn-ab.sh BUILD_DIR [BUILD_DIR...]     e.g. bench/conn-ab.sh /tmp/before build
#
# Each build dir needs aicore-proxy, aicore-emulator and plugins/. Environment: AB_SECONDS (5),
# AB_ROUNDS (3, the builds alternate so load from others on the machine hits both alike),
# AB_CONNS (64). Prints requests/s per run and the proxy's CPU time per request.
set -euo pipefail
[ $# -ge 1 ] || { sed -n 2,8p "$0"; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk (bench/run.sh installs it)" >&2; exit 2; }
secs=${AB_SECONDS:-5}
rounds=${AB_ROUNDS:-3}
conns=${AB_CONNS:-64}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

emu_build=$1
cat >"$tmp/emulator.json" <<'EOF'
{"clients":[{"clientid":"bench-client","clientsecret":"bench-secret"}],
 "token_ttl_seconds":36000, "resource_groups":["default"],
 "deployments":{"d-gpt4o":{"executable":"azure-openai","model":"gpt-4o"}}}
EOF
"$emu_build/aicore-emulator" --port 0 --port-file "$tmp/emu.port" --config "$tmp/emulator.json" --quiet --threads 512 \
  >"$tmp/emu.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$tmp/emu.port" ] && break; sleep 0.05; done
emu=http://127.0.0.1:$(cat "$tmp/emu.port")
cat >"$tmp/proxy.json" <<EOF
{"subAccounts":{"a":{"resource_group":"default",
  "service_key":{"clientid":"bench-client","clientsecret":"bench-secret","url":"$emu","serviceurls":{"AI_API_URL":"$emu"}},
  "deployment_models":{"gpt-4o":["$emu/v2/inference/deployments/d-gpt4o"]}}},
 "secret_authentication_tokens":["bench-key"], "host":"127.0.0.1", "port":0,
 "log":{"level":"warn","access_log":false}}
EOF
printf '%s' '{"model":"gpt-4o","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Summarise the benefits of connection reuse for an HTTP gateway in front of a model API in one line."}]}' >"$tmp/body.json"

run_one() {  # build dir
  local b=$1 port pid t0 t1 out
  "$b/aicore-proxy" --config "$tmp/proxy.json" --plugin-dir "$b/plugins" >"$tmp/proxy.out" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q 'listening on' "$tmp/proxy.out" && break; sleep 0.05; done
  port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$tmp/proxy.out" | head -1)
  curl -fs -o /dev/null "http://127.0.0.1:$port/v1/chat/completions" -H 'Authorization: Bearer bench-key' \
    -H 'Content-Type: application/json' --data-binary "@$tmp/body.json"
  t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  out=$(BENCH_BODY_FILE=$tmp/body.json BENCH_HEADERS="Authorization: Bearer bench-key" \
    wrk -t2 -c"$conns" -d"${secs}s" -s "$here/lib/post.lua" "http://127.0.0.1:$port/v1/chat/completions")
  t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local json reqs errs
  json=$(grep BENCH_JSON <<<"$out" | sed 's/BENCH_JSON //')
  reqs=$(node -e 'const j=JSON.parse(process.argv[1]);console.log(j.requests)' "$json")
  errs=$(node -e 'const j=JSON.parse(process.argv[1]);console.log(j.err_connect+j.err_read+j.err_write+j.err_status+j.err_timeout)' "$json")
  local ticks; ticks=$(getconf CLK_TCK)
  node -e 'const [b,r,s,e,d,t]=process.argv.slice(1);console.log(`${b}: ${(r/s).toFixed(0)} req/s, ${(d/t*1e6/r).toFixed(0)} µs proxy CPU/request, errors ${e}`)' \
    "$b" "$reqs" "$secs" "$errs" "$((t1 - t0))" "$ticks"
}

for _ in $(seq 1 "$rounds"); do
  for b in "$@"; do run_one "$b"; done
done
