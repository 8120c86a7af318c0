#!/usr/bin/env bash
# After apt installed aicore-proxy and aicore-proxy-dev (scripts/package-test.sh): the files where
# the README's Install section says, the conffiles, the service user, the permissions postinst
# sets, the unit's sandbox, and the shipped config loading with the installed plugins.
set -euo pipefail
user=aicore-proxy
fail() { echo "FAIL: $*" >&2; exit 1; }

for f in /usr/bin/aicore-proxy /etc/aicore-proxy/config.json /lib/systemd/system/aicore-proxy.service; do
  [ -e "$f" ] || fail "$f is not installed"
done
for p in auth openai claude gemini; do
  [ -f "/usr/lib/aicore-proxy/plugins/$p.so" ] || fail "plugin $p.so is not in /usr/lib/aicore-proxy/plugins"
done
dpkg-query -L aicore-proxy-dev | grep -q '^/usr/include/aicore/plugin.hpp$' || fail "aicore-proxy-dev lacks the headers"
dpkg-query -L aicore-proxy-dev | grep -q '/cmake/aicore-sdk/aicore-sdkConfig.cmake$' || fail "aicore-proxy-dev lacks the CMake package"
dpkg-query -L aicore-proxy | grep -q '^/usr/include' && fail "the headers belong to aicore-proxy-dev only"
dpkg-query -W -f='${Conffiles}\n' aicore-proxy | grep -q '^ /etc/aicore-proxy/config.json ' ||
  fail "/etc/aicore-proxy/config.json is not a conffile"

# A system account without a login shell, and a group of its own.
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd "$user") || fail "no user $user"
[ "$uid" -lt 1000 ] || fail "$user is not a system user (uid $uid)"
[ "$(getent group "$gid" | cut -d: -f1)" = "$user" ] || fail "$user's primary group is not $user"
[ "$home" = /var/lib/aicore-proxy ] && [ "$shell" = /usr/sbin/nologin ] || fail "$user: home $home, shell $shell"
[ "$(stat -c '%U:%G %a' /etc/aicore-proxy)" = "root:$user 750" ] ||
  fail "/etc/aicore-proxy is $(stat -c '%U:%G %a' /etc/aicore-proxy), not root:$user 750"

unit=/lib/systemd/system/aicore-proxy.service
# shellcheck disable=SC2016 # $MAINPID is the unit's, literally
for line in 'User=aicore-proxy' 'ExecReload=/bin/kill -HUP $MAINPID' 'ProtectSystem=strict' \
  'NoNewPrivileges=yes' 'PrivateTmp=yes' 'StateDirectory=aicore-proxy'; do
  grep -qxF "$line" "$unit" || fail "the unit lacks '$line'"
done
# Installed, not enabled: the shipped config holds placeholders.
[ ! -e /etc/systemd/system/multi-user.target.wants/aicore-proxy.service ] || fail "the package enabled the unit"
if command -v systemd-analyze >/dev/null; then
  # Any message is a finding: verify prints nothing for a clean unit.
  out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  echo "systemd-analyze verify $unit: clean"
else
  echo "systemd-analyze not found: the unit is not verified"
fi

# The shipped config loads as the service user (who may read /etc/aicore-proxy) with the
# installed plugins; the placeholders are valid, only SAP would refuse them.
setpriv --reuid="$user" --regid="$user" --clear-groups \
  /usr/bin/aicore-proxy --config /etc/aicore-proxy/config.json --check-config ||
  fail "the shipped config does not pass --check-config"
