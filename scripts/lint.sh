#!/usr/bin/env bash
# The style and static checks (run by scripts/test.sh after the build):
#  - clang-format --dry-run --Werror over host/, sdk/ and plugins/ (.clang-format);
#  - clang-tidy over the .cpp files of host/, sdk/ and plugins/ (.clang-tidy), with the build's
#    compile_commands.json (BUILD_DIR, default build/; run scripts/build.sh first), two at a time.
# Exit status 1 when either finds something. LINT_SKIP_TIDY=1 runs the format check alone.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}

pick() { for t in "$@"; do command -v "$t" >/dev/null 2>&1 && { echo "$t"; return; }; done; }
format=$(pick clang-format-14 clang-format)
tidy=$(pick clang-tidy-14 clang-tidy)
[ -n "$format" ] || { echo "lint: clang-format not found (scripts/install-deps.sh installs it)" >&2; exit 1; }

sources() { git ls-files host sdk plugins | grep -E "$1" || true; }

rc=0
echo "==> clang-format ($format)"
sources '\.(c|cc|cpp|h|hpp)$' | xargs -r "$format" --dry-run --Werror || rc=1

if [ "${LINT_SKIP_TIDY:-0}" != 1 ]; then
  [ -n "$tidy" ] || { echo "lint: clang-tidy not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
  [ -f "$build_dir/compile_commands.json" ] || { echo "lint: no $build_dir/compile_commands.json (build first)" >&2; exit 1; }
  echo "==> clang-tidy ($tidy)"
  # Only files the build compiles (a plugin left out of AICORE_PLUGINS has no entry).
  compiled=$(grep -o '"file": *"[^"]*"' "$build_dir/compile_commands.json" | sed 's/.*"\([^"]*\)"$/\1/')
  sources '\.cpp$' | while read -r f; do
    grep -qxF "$PWD/$f" <<<"$compiled" && echo "$f"
  done | xargs -r -P2 -n4 "$tidy" -p "$build_dir" --quiet 2>/dev/null || rc=1
fi
exit $rc
