#!/usr/bin/env bash
# The .debs end to end (ctest -L package; README: Install): cpack builds aicore-proxy and
# aicore-proxy-dev from BUILD_DIR, apt installs them on this machine, the installed binary serves
# the emulator with the shipped example config (only its SAP URLs, port and ledger path changed),
# a plugin built out-of-tree against the installed SDK loads into the installed proxy, and a purge
# leaves no file, user or systemd state behind. It changes the machine, hence root only.
# Exit 77 (ctest: skipped) says why when it cannot run here.
set -euo pipefail

build=$(cd "${1:?usage: package-test.sh BUILD_DIR}" && pwd)
source_dir=$(cd "$(dirname "$0")/.." && pwd)
cpack=${CPACK_COMMAND:-cpack}
user=aicore-proxy
plugin_dir=/usr/lib/aicore-proxy/plugins

step() { echo "==> $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: installs packages on this machine, needs root"; exit 77; }
if ! command -v dpkg >/dev/null || ! command -v apt-get >/dev/null; then
  echo "SKIP: no dpkg/apt-get, not a Debian system"
  exit 77
fi

# One run per machine at a time: two would install and purge the same packages under each other.
exec 9>/run/lock/aicore-package-test.lock
flock -w 90 9 || fail "another package test has held /run/lock/aicore-package-test.lock for 90 s"

present() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -qv '^unknown ok not-installed$'; }
# The purge at the end removes the packages and the user: never do that to an admin's own.
for p in aicore-proxy aicore-proxy-dev; do
  present "$p" && fail "$p is already installed here; purge it first (apt-get purge $p)"
done
getent passwd "$user" >/dev/null && fail "a user '$user' exists already; this test would delete it"

work=$(mktemp -d /tmp/aicore-pkg.XXXXXX)
chmod 755 "$work"  # the proxy runs as the service user and reads its config copy from here
installed=0 emulator_pid="" proxy_pid=""

stop() {  # stop PID: SIGTERM, then SIGKILL after 5 s
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
purge() { dpkg --purge aicore-proxy-dev aicore-proxy >"$work/purge.log" 2>&1; }
cleanup() {
  local rc=$?
  stop "$proxy_pid"
  stop "$emulator_pid"
  if [ "$installed" = 1 ]; then
    rm -f "$plugin_dir/echo.so"
    purge || { cat "$work/purge.log" >&2; rc=1; }
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

# wait_listening LOG PID NAME: the URL from "... listening on URL", within 15 s.
wait_listening() {
  for _ in $(seq 150); do
    url=$(sed -n 's/.*listening on \(https\{0,1\}:\/\/[^ ]*\).*/\1/p' "$1" | head -n1)
    [ -n "$url" ] && return 0
    kill -0 "$2" 2>/dev/null || { cat "$1" >&2; fail "$3 exited before listening"; }
    sleep 0.1
  done
  cat "$1" >&2
  fail "$3 did not listen within 15 s"
}

step "cpack: building the .debs"
rm -rf "$build/packages"
(cd "$build" && "$cpack" -G DEB -B "$build/packages" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$build"/packages/aicore-proxy_*.deb)
dev_deb=$(ls "$build"/packages/aicore-proxy-dev_*.deb)
dpkg-deb -f "$deb" Depends | grep -q 'adduser' || fail "aicore-proxy does not depend on adduser"
dpkg-deb -f "$deb" Depends | grep -q 'libpoco' || fail "aicore-proxy lacks the shlibdeps Depends"

step "apt-get install $(basename "$deb") $(basename "$dev_deb")"
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -o DPkg::Lock::Timeout=60 "$deb" "$dev_deb" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; fail "apt-get install failed"; }
"$source_dir/tests/package/check-installed.sh"

step "the installed binary with the example config against the emulator"
etc="$work/etc"
cp -r /etc/aicore-proxy "$etc"
# The emulator plays every subaccount of the example: its service keys' clients, its deployments.
clients=$(for k in "$etc"/keys/*.json; do
  id=$(sed -n 's/.*"clientid": *"\([^"]*\)".*/\1/p' "$k")
  secret=$(sed -n 's/.*"clientsecret": *"\([^"]*\)".*/\1/p' "$k")
  printf '{"clientid":"%s","clientsecret":"%s"}\n' "$id" "$secret"
done | paste -sd, -)
deployments=$(grep -o 'deployments/d[0-9a-z]*' "$etc/config.json" | sort -u | cut -d/ -f2 |
  sed 's/.*/"&":{"executable":"azure-openai","model":"gpt-4o"}/' | paste -sd, -)
printf '{"clients":[%s],"resource_groups":["default"],"deployments":{%s}}\n' \
  "$clients" "$deployments" >"$work/emulator.json"
"$build/aicore-emulator" --port 0 --quiet --config "$work/emulator.json" >"$work/emulator.log" 2>&1 9>&- &
emulator_pid=$!
wait_listening "$work/emulator.log" "$emulator_pid" aicore-emulator
emulator_url=$url

# Only what points outside this machine changes: SAP URLs, the port, the ledger's path.
sed -i -E "s#https://[a-z0-9.-]+\.hana\.ondemand\.com#$emulator_url#g" "$etc"/config.json "$etc"/keys/*.json
sed -i -e 's#"port": 3001#"port": 0#' -e "s#/var/lib/aicore-proxy/usage.db#$etc/usage.db#" "$etc/config.json"
grep -q '"port": 0' "$etc/config.json" || fail "the example config no longer has the port this test rewrites"
grep -q "$etc/usage.db" "$etc/config.json" || fail "the shipped config no longer has the usage.file this test rewrites"
chown -R "$user:$user" "$etc"
key=$(sed -n 's/.*"secret_authentication_tokens": *\["\([^"]*\)".*/\1/p' "$etc/config.json")
as_user() { setpriv --reuid="$user" --regid="$user" --clear-groups "$@"; }

start_proxy() {
  # setpriv itself in the background (not as_user, a function: $! would be the subshell running
  # it, which SIGHUP and the trap's kill would reach instead of the proxy). Nor does the proxy
  # keep the lock's descriptor.
  setpriv --reuid="$user" --regid="$user" --clear-groups /usr/bin/aicore-proxy --config "$etc/config.json" \
    >"$work/proxy.log" 2>&1 9>&- &
  proxy_pid=$!
  wait_listening "$work/proxy.log" "$proxy_pid" aicore-proxy
  proxy_url=$url
}
chat() {  # chat MODEL TEXT: the answer's JSON
  curl -sS -m 10 --fail-with-body -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\"$2\"}]}" "$proxy_url/v1/chat/completions"
}
start_proxy
curl -sS -m 5 --fail "$proxy_url/health" | grep -q '"status":"ok"' || fail "/health is not ok"
chat gpt-4o "hello" | grep -q '"choices"' || fail "no chat completion through the emulator"
# What the unit's ExecReload does.
kill -HUP "$proxy_pid"
for _ in $(seq 50); do grep -q 'configuration reloaded' "$work/proxy.log" && break; sleep 0.1; done
grep -q 'configuration reloaded' "$work/proxy.log" || { cat "$work/proxy.log" >&2; fail "SIGHUP did not reload"; }
stop "$proxy_pid"
proxy_pid=""

step "examples/echo-provider built against the installed SDK, loaded by the installed proxy"
env -u CMAKE_PREFIX_PATH cmake -S "$source_dir/examples/echo-provider" -B "$work/echo" \
  -DCMAKE_BUILD_TYPE=Release >"$work/echo.log" 2>&1 &&
  cmake --build "$work/echo" >>"$work/echo.log" 2>&1 || { cat "$work/echo.log" >&2; fail "echo-provider did not build"; }
sdk_dir=$(sed -n 's/^aicore-sdk_DIR:PATH=//p' "$work/echo/CMakeCache.txt")
case "$sdk_dir" in /usr/lib/*) ;; *) fail "echo-provider found the SDK in '$sdk_dir', not under /usr/lib" ;; esac
install -m 0644 "$work/echo/echo.so" "$plugin_dir/echo.so"
as_user /usr/bin/aicore-proxy --config "$etc/config.json" --list-plugins >"$work/plugins.txt" 2>&1 || true
grep -q 'echo' "$work/plugins.txt" || { cat "$work/plugins.txt" >&2; fail "--list-plugins does not show echo"; }
# An echo-* model on the example's first deployment: the plugin passes the body through.
sed -i "0,/\"deployment_models\": {/s##&\n        \"echo-1\": [\"$emulator_url/v2/inference/deployments/d0000000000000a1\"],#" "$etc/config.json"
start_proxy
chat echo-1 "via the installed plugin" | grep -q 'Echo: via the installed plugin' ||
  { cat "$work/proxy.log" >&2; fail "echo-1 was not served by the installed echo plugin"; }
stop "$proxy_pid"
proxy_pid=""

step "dpkg --purge"
files=$(dpkg-query -L aicore-proxy aicore-proxy-dev | grep aicore)
rm -f "$plugin_dir/echo.so"
installed=0
purge || { cat "$work/purge.log" >&2; fail "dpkg --purge failed"; }
# shellcheck disable=SC2086 # one path per word
"$source_dir/tests/package/check-purged.sh" $files
echo "PASS: built, installed, served, extended by an out-of-tree plugin, purged"
