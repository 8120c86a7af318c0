#!/usr/bin/env bash
# What metrics, the usage ledger, quotas and the dashboard add to a request (target: under 5 µs): one
# build, two configs taking turns in front of the same emulator, OpenAI chat → GPT (scenario 1 of
# run.sh, the cheapest request, so the added cost is the largest share):
#   off: metrics.enabled false, usage.enabled false, a named client key without limits;
#   on:  metrics counted, every request a ledger row (SQLite, default flush), and the key with
#        requests_per_minute, tokens_per_minute and tokens_per_day limits (set high enough to pass).
# First, in-process (build/aicore-bench-usage-cost, bench/tools/usage_cost.cpp): the CPU time the
# four add per request with the proxy's own code, 1 and 2 threads, each next to a baseline run;
# this is the precise figure. Then end to end, each round runs both configs at 64 connections
# (requests/s, and the proxy's CPU time per request, the ledger's writer thread included) and at
# 1 connection (p50 latency); on a shared machine these move by several µs from run to run, so
# they are reported as ratios on/off, and the in-process figure as a share of the proxy's CPU.
#
#   bench/usage-cost.sh [BUILD_DIR]     default: build (needs aicore-proxy, aicore-emulator, plugins/)
#
# Environment: AB_SECONDS (5), AB_ROUNDS (5). Prints one row per run and the medians, and writes
# all of it to bench/results/usage-cost.txt too. After every "on" run it checks that the ledger
# holds one row per request sent (none dropped).
set -euo pipefail
build=${1:-build}
secs=${AB_SECONDS:-5}
rounds=${AB_ROUNDS:-5}
# shellcheck source=lib/ab.sh
. "$(dirname "$0")/lib/ab.sh"
results=$(cd "$(dirname "$0")" && pwd)/results/usage-cost.txt
exec > >(tee "$results") 2>&1
ab_init
for t in 1 2; do "$build/aicore-bench-usage-cost" 200000 "$t" | tee -a "$tmp/inproc"; done
added=$(sed -n 's/^ADDED_US //p' "$tmp/inproc" | sort -n | tail -1)  # the larger (2 threads contend)
echo
ab_start_emulator "$build"
key=bench-key-0123456789abcdef
ab_config "$tmp/off.json" ', "metrics":{"enabled":false}, "usage":{"enabled":false},
 "client_keys":[{"name":"bench","key":"'$key'"}]'
ab_config "$tmp/on.json" ', "usage":{"file":"'$tmp'/usage.db"},
 "client_keys":[{"name":"bench","key":"'$key'","limits":{"requests_per_minute":1000000,
   "tokens_per_minute":100000000000,"tokens_per_day":100000000000}}]'

ledger_rows() {
  "$build/aicore-proxy" usage --config "$tmp/on.json" --since 1h --format json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).total.requests))'
}

printf '%-5s %-4s %10s %14s %10s %7s\n' round mode 'req/s@64' 'CPU µs/req@64' 'p50 µs@1' errors
: >"$tmp/rows"
for r in $(seq 1 "$rounds"); do
  modes=(off on); [ $((r % 2)) -eq 0 ] && modes=(on off)  # the order alternates
  for m in "${modes[@]}"; do
    rm -f "$tmp"/usage.db*
    read -r reqs errs cpu _ < <(ab_run "$build" "$tmp/$m.json" 64 "$secs" "$key")
    if [ "$m" = on ]; then
      rows=$(ledger_rows)
      # +1: ab_run's warm-up request; wrk may count a request it had in flight at the end as not done.
      [ "$rows" -ge "$reqs" ] || { echo "ledger holds $rows rows for $((reqs + 1)) requests: rows were dropped" >&2; exit 1; }
    fi
    read -r _ errs1 _ p50 < <(ab_run "$build" "$tmp/$m.json" 1 "$secs" "$key")
    us=$(node -e 'console.log((process.argv[1]*1e6/process.argv[2]).toFixed(1))' "$cpu" "$reqs")
    printf '%-5s %-4s %10d %14s %10d %7d\n' "$r" "$m" "$((reqs / secs))" "$us" "$p50" "$((errs + errs1))"
    echo "$m $((reqs / secs)) $us $p50" >>"$tmp/rows"
  done
done
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
const med = (m, i) => { const v = rows.filter((r) => r[0] === m).map((r) => +r[i]).sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2; };
const [rOff, rOn, cOff, cOn, pOff, pOn] = [med("off", 1), med("on", 1), med("off", 2), med("on", 2), med("off", 3), med("on", 3)];
const added = +process.argv[2];
console.log(`\nin-process: metrics + ledger + quotas + dashboard add ${added.toFixed(2)} µs of CPU per request (target < 5: ${added < 5 ? "pass" : "MISS"}),`);
console.log(`  ${(100 * added / cOff).toFixed(1)}% of the ${cOff.toFixed(1)} µs the proxy spends on a request without them`);
console.log(`end to end, medians of ${rows.length / 2} rounds`);
console.log(`  CPU per request: off ${cOff.toFixed(1)} µs, on ${cOn.toFixed(1)} µs: metrics + ledger + quotas + dashboard add ${(cOn - cOff).toFixed(1)} µs (target < 5), ratio on/off ${(cOn / cOff).toFixed(3)}`);
console.log(`  throughput at 64 connections: ratio on/off ${(rOn / rOff).toFixed(3)} (${rOff} vs ${rOn} req/s)`);
console.log(`  p50 at 1 connection: ratio on/off ${(pOn / pOff).toFixed(3)} (${pOff} vs ${pOn} µs)`);
' "$tmp/rows" "$added"
