#!/usr/bin/env bash
# What sharing state through Redis adds to a request (issue 18's target: under 100 µs at p50 with
# Redis on loopback). One build, two configs taking turns in front of the same emulator, OpenAI
# chat → GPT with conversation affinity on (routing.affinity "on"), the one decision a request
# asks Redis for (a GETEX per request carrying a conversation; cooldowns never wait for Redis),
# and a client key with request and token limits (high enough to pass), whose counts the shared
# run also records for Redis and checks against its peers' (none here: the cost, not the effect):
#   local:  no shared_state (the conversation is looked up in-process);
#   shared: shared_state.redis_url pointing at a redis-server on loopback started here.
# Each round runs both at 1 connection (p50 latency: the added round trip) and at 64 connections
# (requests/s and the proxy's CPU time per request). On a shared machine single runs move by
# several µs, so the medians are reported as differences and ratios shared/local.
#
#   bench/shared-state-cost.sh [BUILD_DIR]     default: build (aicore-proxy, aicore-emulator, plugins/)
#
# The bench sends one conversation over and over: after its first turn every lookup is answered
# from the instance's memory (shared_state.client_cache), which is what a conversation's later
# turns cost. AFFINITY=new sends a new conversation with every request instead, the worst case:
# a read of Redis (GET + PTTL) and a write (SET) each. AFFINITY=off measures requests that ask
# Redis nothing (only their quota counts are recorded for the background thread).
# Environment: AB_SECONDS (5), AB_ROUNDS (3), AFFINITY (on|new|off). Writes
# bench/results/shared-state-cost[-affinity-new|-affinity-off].txt too.
set -euo pipefail
build=${1:-build}
secs=${AB_SECONDS:-5}
rounds=${AB_ROUNDS:-3}
command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server" >&2; exit 2; }
# shellcheck source=lib/ab.sh
. "$(dirname "$0")/lib/ab.sh"
mode=${AFFINITY:-on}
affinity=$([ "$mode" = off ] && echo off || echo on)
suffix=$([ "$mode" = on ] || echo "-affinity-$mode")
results=$(cd "$(dirname "$0")" && pwd)/results/shared-state-cost$suffix.txt
exec > >(tee "$results") 2>&1
ab_init
if [ "$mode" = new ]; then
  sed -i 's/in one line\./in one line ({{N}})./' "$tmp/body.json"
  export BENCH_UNIQUE=1
fi
ab_start_emulator "$build"
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$tmp/redis.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done
key=bench-key-0123456789abcdef
common=', "metrics":{"enabled":false}, "usage":{"enabled":false}, "routing":{"affinity":"'$affinity'"},
 "client_keys":[{"name":"bench","key":"'$key'","limits":{"requests_per_minute":1000000,
   "tokens_per_minute":100000000000,"tokens_per_day":100000000000}}]'
ab_config "$tmp/local.json" "$common"
ab_config "$tmp/shared.json" "$common"', "shared_state":{"redis_url":"redis://127.0.0.1:'$redis_port'/0"}'

echo "redis-server $(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p') on 127.0.0.1:$redis_port; $(nproc) cores"
printf '%-5s %-6s %10s %14s %10s %7s\n' round mode 'req/s@64' 'CPU µs/req@64' 'p50 µs@1' errors
: >"$tmp/rows"
for r in $(seq 1 "$rounds"); do
  modes=(local shared); [ $((r % 2)) -eq 0 ] && modes=(shared local)  # the order alternates
  for m in "${modes[@]}"; do
    read -r reqs errs cpu _ < <(ab_run "$build" "$tmp/$m.json" 64 "$secs" "$key")
    read -r _ errs1 _ p50 < <(ab_run "$build" "$tmp/$m.json" 1 "$secs" "$key")
    us=$(node -e 'console.log((process.argv[1]*1e6/process.argv[2]).toFixed(1))' "$cpu" "$reqs")
    printf '%-5s %-6s %10d %14s %10d %7d\n' "$r" "$m" "$((reqs / secs))" "$us" "$p50" "$((errs + errs1))"
    echo "$m $((reqs / secs)) $us $p50" >>"$tmp/rows"
    [ $((errs + errs1)) -eq 0 ] || { echo "errors in a $m run" >&2; exit 1; }
  done
done
# The shared runs must really have used Redis: the conversation (the bench sends one) and the
# key's quota counters are there.
conversations=$(redis-cli -p "$redis_port" --scan --pattern 'aicore:affinity:*' | wc -l)
if [ "$affinity" = on ]; then
  [ "$conversations" -ge 1 ] || { echo "no aicore:affinity:* key in Redis: the shared runs did not share" >&2; exit 1; }
else
  [ "$conversations" -eq 0 ] || { echo "aicore:affinity:* keys with affinity off" >&2; exit 1; }
fi
counters=$(redis-cli -p "$redis_port" --scan --pattern 'aicore:quota:{bench}:*' | wc -l)
[ "$counters" -ge 1 ] || { echo "no aicore:quota:{bench}:* counter in Redis: quotas were not shared" >&2; exit 1; }
node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
  const med = (m, i) => { const v = rows.filter((r) => r[0] === m).map((r) => Number(r[i])).sort((a, b) => a - b); return v[v.length >> 1]; };
  const [lr, sr] = [med("local", 1), med("shared", 1)], [lc, sc] = [med("local", 2), med("shared", 2)];
  const [lp, sp] = [med("local", 3), med("shared", 3)];
  console.log(`medians: p50 at 1 connection ${lp} -> ${sp} µs (added ${sp - lp} µs, target < 100);`);
  console.log(`         at 64 connections ${lr} -> ${sr} req/s (${(sr / lr).toFixed(2)}x), CPU ${lc} -> ${sc} µs/req (${(sc / lc).toFixed(2)}x)`);
' "$tmp/rows"
