#!/usr/bin/env bash
# After dpkg --purge (scripts/package-test.sh): check-purged.sh PATH... (what dpkg -L listed
# before). Nothing of the packages is left: no package state, none of those paths, no user or
# group, no statoverride, no systemd enablement or mask, no usage ledger.
set -euo pipefail
user=aicore-proxy
fail() { echo "FAIL: $*" >&2; exit 1; }

for p in aicore-proxy aicore-proxy-dev; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qv '^unknown ok not-installed$' &&
    fail "$p is still known to dpkg: $(dpkg-query -W -f='${Status}' "$p")"
done
for f in "$@"; do
  [ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f is left after the purge"
done
for f in /etc/aicore-proxy /usr/lib/aicore-proxy /var/lib/aicore-proxy /usr/include/aicore; do
  [ ! -e "$f" ] || fail "$f is left after the purge"
done
getent passwd "$user" >/dev/null && fail "user $user is left after the purge"
getent group "$user" >/dev/null && fail "group $user is left after the purge"
dpkg-statoverride --list | grep -q aicore && fail "a statoverride is left: $(dpkg-statoverride --list | grep aicore)"
left=$(find /etc/systemd /var/lib/systemd -name '*aicore*' 2>/dev/null || true)
[ -z "$left" ] || fail "systemd state is left: $left"
echo "purged: no package, file, user, group, statoverride or systemd state left"
