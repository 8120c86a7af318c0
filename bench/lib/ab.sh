# Shared by the A/B scripts (bench/conn-ab.sh, bench/usage-cost.sh): an emulator serving d-gpt4o
# on loopback, a proxy config in front of it, and one wrk run against a proxy with the proxy's
# CPU time. Source it, then: ab_init; ab_start_emulator BUILD; ab_config FILE EXTRA_JSON;
# ab_run BUILD CONFIG CONNS SECONDS KEY.
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk (bench/run.sh installs it)" >&2; exit 2; }
ab_here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

ab_init() {
  tmp=$(mktemp -d)
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
  printf '%s' '{"model":"gpt-4o","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Summarise the benefits of connection reuse for an HTTP gateway in front of a model API in one line."}]}' >"$tmp/body.json"
}

ab_start_emulator() {  # build dir holding aicore-emulator; sets $emu
  cat >"$tmp/emulator.json" <<'JSON'
{"clients":[{"clientid":"bench-client","clientsecret":"bench-secret"}],
 "token_ttl_seconds":36000, "resource_groups":["default"],
 "deployments":{"d-gpt4o":{"executable":"azure-openai","model":"gpt-4o"}}}
JSON
  "$1/aicore-emulator" --port 0 --port-file "$tmp/emu.port" --config "$tmp/emulator.json" --quiet --threads 512 \
    >"$tmp/emu.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do [ -s "$tmp/emu.port" ] && break; sleep 0.05; done
  emu=http://127.0.0.1:$(cat "$tmp/emu.port")
}

ab_config() {  # file, extra top-level members (JSON, starting with a comma, or empty)
  cat >"$1" <<JSON
{"subAccounts":{"a":{"resource_group":"default",
  "service_key":{"clientid":"bench-client","clientsecret":"bench-secret","url":"$emu","serviceurls":{"AI_API_URL":"$emu"}},
  "deployment_models":{"gpt-4o":["$emu/v2/inference/deployments/d-gpt4o"]}}},
 "host":"127.0.0.1", "port":0, "log":{"level":"warn","access_log":false}$2}
JSON
}

# Prints "requests errors cpu_seconds p50_us" for one wrk run of SECONDS at CONNS connections.
ab_run() {  # build dir, config, conns, seconds, client key
  local b=$1 cfg=$2 conns=$3 secs=$4 key=$5 port pid t0 t1 out json
  "$b/aicore-proxy" --config "$cfg" --plugin-dir "$b/plugins" >"$tmp/proxy.out" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q 'listening on' "$tmp/proxy.out" && break; sleep 0.05; done
  port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$tmp/proxy.out" | head -1)
  [ -n "$port" ] || { cat "$tmp/proxy.out" >&2; kill "$pid" 2>/dev/null; return 1; }
  curl -fs -o /dev/null "http://127.0.0.1:$port/v1/chat/completions" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' --data-binary "@$tmp/body.json"
  t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  out=$(BENCH_BODY_FILE=$tmp/body.json BENCH_HEADERS="Authorization: Bearer $key" \
    wrk -t"$((conns < 2 ? 1 : 2))" -c"$conns" -d"${secs}s" -s "$ab_here/lib/post.lua" \
    "http://127.0.0.1:$port/v1/chat/completions")
  t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  json=$(grep BENCH_JSON <<<"$out" | sed 's/BENCH_JSON //')
  node -e 'const j=JSON.parse(process.argv[1]);
    console.log(j.requests, j.err_connect+j.err_read+j.err_write+j.err_status+j.err_timeout,
      process.argv[2]/process.argv[3], j.lat_p50_us)' "$json" "$((t1 - t0))" "$(getconf CLK_TCK)"
}
