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
secs=${AB_SECONDS:-5}
rounds=${AB_ROUNDS:-3}
conns=${AB_CONNS:-64}
# shellcheck source=lib/ab.sh
. "$(dirname "$0")/lib/ab.sh"
ab_init
ab_start_emulator "$1"
ab_config "$tmp/proxy.json" ', "secret_authentication_tokens":["bench-key"]'

for _ in $(seq 1 "$rounds"); do
  for b in "$@"; do
    read -r reqs errs cpu _ < <(ab_run "$b" "$tmp/proxy.json" "$conns" "$secs" bench-key)
    node -e 'const [b,r,s,e,c]=process.argv.slice(1);console.log(`${b}: ${(r/s).toFixed(0)} req/s, ${(c*1e6/r).toFixed(0)} µs proxy CPU/request, errors ${e}`)' \
      "$b" "$reqs" "$secs" "$errs" "$cpu"
  done
done
