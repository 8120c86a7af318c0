#!/usr/bin/env bash
# Sizing figures for several instances sharing one Redis (docs/scale-out.md): the same load,
# 64 connections of OpenAI chat → GPT against the emulator, first on one instance, then spread
# over N instances (default 3) on one config with shared_state on, each with its own usage
# ledger, conversation affinity on (a GETEX per request: the bench sends one conversation) and a
# client key with request and token limits (high enough to pass; counted globally). Reports, per
# layout: requests/s in all, each instance's CPU time per request and resident memory after the
# run, and Redis's share: commands per request, its CPU time per request and its memory. Every
# answer is checked (wrk counts non-2xx as errors; any error fails the run).
#
#   bench/scale-out.sh [BUILD_DIR]     default: build (aicore-proxy, aicore-emulator, plugins/)
#
# Environment: AB_SECONDS (10), INSTANCES (3). Writes bench/results/scale-out.txt too.
set -euo pipefail
build=${1:-build}
secs=${AB_SECONDS:-10}
n=${INSTANCES:-3}
conns=64
command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server" >&2; exit 2; }
# shellcheck source=lib/ab.sh
. "$(dirname "$0")/lib/ab.sh"
results=$(cd "$(dirname "$0")" && pwd)/results/scale-out.txt
exec > >(tee "$results") 2>&1
ab_init
ab_start_emulator "$build"
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$tmp/redis.out" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done
key=bench-key-0123456789abcdef
clk=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
redis_stat() { redis-cli -p "$redis_port" info "$1" | sed -n "s/^$2:\([0-9.]*\).*/\1/p"; }

# Starts instance $1 (sharing or not: $2); sets inst_pid[$1] and inst_port[$1].
declare -a inst_pid inst_port
start_instance() {
  local i=$1 shared=$2 extra
  extra=', "metrics":{"enabled":true}, "routing":{"affinity":"on"},
 "usage":{"enabled":true,"file":"'$tmp/usage-$i.db'"},
 "client_keys":[{"name":"bench","key":"'$key'","limits":{"requests_per_minute":1000000,
   "tokens_per_minute":100000000000,"tokens_per_day":100000000000}}]'
  [ "$shared" = yes ] && extra+=', "shared_state":{"redis_url":"redis://127.0.0.1:'$redis_port'/0"}'
  ab_config "$tmp/c$i.json" "$extra"
  "$build/aicore-proxy" --config "$tmp/c$i.json" --plugin-dir "$build/plugins" >"$tmp/p$i.out" 2>&1 &
  inst_pid[$i]=$!
  pids+=("${inst_pid[$i]}")
  for _ in $(seq 1 100); do grep -q 'listening on' "$tmp/p$i.out" && break; sleep 0.05; done
  inst_port[$i]=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$tmp/p$i.out" | head -1)
  [ -n "${inst_port[$i]}" ] || { cat "$tmp/p$i.out" >&2; exit 1; }
  curl -fs -o /dev/null "http://127.0.0.1:${inst_port[$i]}/v1/chat/completions" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' --data-binary "@$tmp/body.json"
}

# Runs the load over instances 0..$1-1 (64 connections split between them) and prints the row.
measure() {
  local count=$1 label=$2 i per total=0 errs=0 cmds0 cmds1 r0 r1
  per=$((conns / count))
  declare -a t0 t1 wpid
  for i in $(seq 0 $((count - 1))); do t0[$i]=$(cpu_ticks "${inst_pid[$i]}"); done
  r0=$(cpu_ticks "$redis_pid")
  cmds0=$(redis_stat stats total_commands_processed)
  for i in $(seq 0 $((count - 1))); do
    BENCH_BODY_FILE=$tmp/body.json BENCH_HEADERS="Authorization: Bearer $key" \
      wrk -t1 -c"$per" -d"${secs}s" -s "$ab_here/lib/post.lua" \
      "http://127.0.0.1:${inst_port[$i]}/v1/chat/completions" >"$tmp/wrk$i.out" &
    wpid[$i]=$!
  done
  for i in $(seq 0 $((count - 1))); do wait "${wpid[$i]}"; done
  r1=$(cpu_ticks "$redis_pid")
  cmds1=$(redis_stat stats total_commands_processed)
  for i in $(seq 0 $((count - 1))); do
    t1[$i]=$(cpu_ticks "${inst_pid[$i]}")
    read -r reqs e < <(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")
        .split("\n").find((l)=>l.startsWith("BENCH_JSON")).slice(11));
      console.log(j.requests, j.err_connect+j.err_read+j.err_write+j.err_status+j.err_timeout)' "$tmp/wrk$i.out")
    total=$((total + reqs)); errs=$((errs + e))
    printf '  instance %d: %6d req/s, %6.1f µs CPU/request, RSS %s MB\n' "$i" "$((reqs / secs))" \
      "$(node -e 'console.log(process.argv[1]*1e6/process.argv[2]/process.argv[3])' "$((t1[i] - t0[i]))" "$reqs" "$clk")" \
      "$(rss_mb "${inst_pid[$i]}")"
  done
  [ "$errs" -eq 0 ] || { echo "$errs errors in the $label run" >&2; exit 1; }
  printf '%s: %d req/s in all over %d instance(s); Redis: %.2f commands/request, %.1f µs CPU/request, %s used\n' \
    "$label" "$((total / secs))" "$count" \
    "$(node -e 'console.log((process.argv[1]-process.argv[2])/process.argv[3])' "$cmds1" "$cmds0" "$total")" \
    "$(node -e 'console.log(process.argv[1]*1e6/process.argv[2]/process.argv[3])' "$((r1 - r0))" "$total" "$clk")" \
    "$(redis-cli -p "$redis_port" info memory | sed -n 's/^used_memory_human:\(.*\)\r/\1/p')"
}

echo "redis-server $(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p'); $(nproc) cores; $conns connections, ${secs} s per layout"
start_instance 0 no
measure 1 "one instance, no Redis"
kill "${inst_pid[0]}"; wait "${inst_pid[0]}" 2>/dev/null || true
for i in $(seq 0 $((n - 1))); do start_instance "$i" yes; done
measure "$n" "$n instances, one Redis"
# The instances really shared: the conversation and the key's quota counters are in Redis.
[ "$(redis-cli -p "$redis_port" --scan --pattern 'aicore:affinity:*' | wc -l)" -ge 1 ] ||
  { echo "no aicore:affinity:* key in Redis: the instances did not share" >&2; exit 1; }
[ "$(redis-cli -p "$redis_port" --scan --pattern 'aicore:quota:{bench}:*' | wc -l)" -ge 1 ] ||
  { echo "no aicore:quota:{bench}:* counter in Redis: quotas were not shared" >&2; exit 1; }
