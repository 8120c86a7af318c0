#!/usr/bin/env bash
# The sanitizer stages of the test command (scripts/test.sh runs this after the normal build):
#
#   asan  build-asan/: everything (host, plugins, emulator, unit, ABI, plugin golden but the
#         every-split sweeps, fuzz-corpus and integration tests, the soak) built with -DAICORE_SANITIZE=ON (ASan + UBSan, -O0 -g1)
#         and run with ctest; the integration tests start the sanitized binaries. Any ASan, LSan or
#         UBSan report fails the stage: ASan/LSan reports of every process are collected through
#         log_path (so a leak in a proxy the tests merely stop is caught too); UBSan aborts the
#         process that hit it (see stage_asan).
#   tsan  build-tsan/: the token cache, balancer, cooldown and attempt-plan tests, a concurrency
#         stress test, the connection layer, the upstream pool and the real handler factory with
#         the main build's plugins (so the main build comes first), built with -fsanitize=thread
#         (tests/tsan, a standalone project compiling every host source).
#   fuzz  build-fuzz/: the fuzz targets of tests/fuzz linked with libFuzzer (clang), ASan + UBSan,
#         each run for a few seconds from the seed corpus (golden fixtures) and the saved
#         regressions, every input on a thread with the workers' 256 KiB stack
#         (tests/fuzz/worker_stack_entry.cpp), so a recursion that would kill a worker is a finding.
#
# Usage: scripts/sanitize.sh [asan] [tsan] [fuzz]      (default: all three)
# Environment: AICORE_SAN_PREFIX (build folder prefix, default "build-"), JOBS (default nproc),
#   FUZZ_SECONDS (per target, default 5), AICORE_SAN_INSTALL=0 (do not install clang).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
prefix=${AICORE_SAN_PREFIX:-build-}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
fuzz_seconds=${FUZZ_SECONDS:-5}
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(asan tsan fuzz)

say() { echo "==> sanitize: $*"; }
elapsed() { echo "$(( $(date +%s) - $1 )) s"; }

# clang and compiler-rt (libFuzzer, clang's sanitizer runtimes) for the fuzz stage; gcc's ASan,
# UBSan, LSan and TSan runtimes come with g++ already. Idempotent, like scripts/install-deps.sh.
install_clang() {
  local missing=()
  for p in clang libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "${AICORE_SAN_INSTALL:-1}" = 1 ] || return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Sanitizer reports land in $1 (one file per process that reported); fails when there are any.
check_reports() {
  local dir=$1 what=$2
  shopt -s nullglob
  local files=("$dir"/*)
  shopt -u nullglob
  [ ${#files[@]} -eq 0 ] && return 0
  say "$what: ${#files[@]} sanitizer report(s):"
  for f in "${files[@]}"; do
    echo "---- $f"
    head -n 80 "$f"
  done
  return 1
}

# LeakSanitizer needs ptrace-like access that some containers forbid; probe it once.
lsan_works() {
  local t
  t=$(mktemp -d)
  printf 'int main(){ static void* volatile p; p = new char[64]; p = nullptr; return 0; }\n' >"$t/leak.cpp"
  if g++ -fsanitize=address -g "$t/leak.cpp" -o "$t/leak" 2>/dev/null; then
    ASAN_OPTIONS=detect_leaks=1 "$t/leak" >"$t/out" 2>&1 || true
    if grep -q "detected memory leaks" "$t/out"; then rm -rf "$t"; return 0; fi
  fi
  rm -rf "$t"
  return 1
}

stage_asan() {
  local dir=$prefix"asan" t0
  t0=$(date +%s)
  say "ASan+UBSan: configuring and building $dir"
  # Debug (asserts on) at -O0 with line tables only (-g1): stack traces keep file:line, and it
  # compiles about as fast as the Release build (-O1 -g takes ~3x longer on the nlohmann-heavy
  # plugins); the tests are I/O-bound, so -O0 costs little at run time.
  # -fno-sanitize-recover: any UBSan finding ends the process (exit 1) whatever UBSAN_OPTIONS a
  # test passes on. With gcc, UBSan reports go to stderr even when log_path is set (ASan's and
  # LSan's land in $reports): a gtest binary then fails by its exit status, a proxy or emulator by
  # dying under the integration tests, and the soak also scans their output for reports.
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O0 -g1" -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" \
    -DCMAKE_C_FLAGS=-fno-sanitize-recover=undefined -DCMAKE_CXX_FLAGS=-fno-sanitize-recover=undefined \
    -DAICORE_SANITIZE=ON -DAICORE_BUILD_TESTS=ON >/dev/null
  local reports="$root/$dir/sanitizer-reports"
  rm -rf "$reports"
  mkdir -p "$reports"
  local leaks=1
  if ! lsan_works; then
    leaks=0
    say "LeakSanitizer does not work here (ptrace restricted?): leak detection off"
  fi
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=$leaks:print_stacktrace=1:check_initialization_order=1:strict_init_order=1:detect_odr_violation=0:log_path=$reports/asan"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
  export LSAN_OPTIONS="print_suppressions=0"
  # gtest_discover_tests runs the test binaries while building: they run sanitized already.
  cmake --build "$dir" -j "$jobs"
  say "ASan+UBSan: built in $(elapsed "$t0"); running ctest"
  local rc=0
  # The every-split stream tests (each transcript cut at every byte offset, quadratic) are left to
  # the normal build: under ASan at -O0 they would take ten minutes, and the fuzz stage below
  # already feeds the same transcripts byte by byte to the sanitized converters.
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 900 -E 'EverySplit') || rc=$?
  check_reports "$reports" "ASan/UBSan" || rc=1
  unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
  say "ASan+UBSan: $( [ $rc = 0 ] && echo passed || echo FAILED ) in $(elapsed "$t0")"
  return $rc
}

stage_tsan() {
  local dir=$prefix"tsan" t0
  t0=$(date +%s)
  say "TSan: configuring and building $dir"
  cmake -S tests/tsan -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$dir" -j "$jobs"
  local rc=0
  (cd "$dir" && TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4" \
    ctest --output-on-failure --timeout 600) || rc=$?
  say "TSan: $( [ $rc = 0 ] && echo passed || echo FAILED ) in $(elapsed "$t0")"
  return $rc
}

stage_fuzz() {
  local dir=$prefix"fuzz" t0
  t0=$(date +%s)
  install_clang
  if ! command -v clang++ >/dev/null 2>&1 || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    say "fuzz: clang or libFuzzer (libclang-rt-14-dev) is not installed: FAILED"
    return 1
  fi
  say "fuzz: configuring and building $dir (clang, libFuzzer, ASan+UBSan)"
  # -O1 with line tables, asserts on (no NDEBUG); the code under test gets libFuzzer's coverage
  # instrumentation (fuzzer-no-link), the targets themselves link libFuzzer (tests/fuzz).
  CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAICORE_SANITIZE=ON -DAICORE_FUZZ=ON \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link >/dev/null
  local targets
  targets=$(cmake --build "$dir" --target help | sed -n 's/^\.\.\. \(fuzz_[a-z_]*\).*/\1/p' | sort)
  # shellcheck disable=SC2086
  cmake --build "$dir" -j "$jobs" --target $targets
  say "fuzz: built in $(elapsed "$t0"); ${fuzz_seconds} s per target, each input on a 256 KiB stack"
  local rc=0 fdir="$dir/tests/fuzz"
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:print_stacktrace=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  for t in $targets; do
    local name=${t#fuzz_} corpus="$dir/fuzz-corpus/${t#fuzz_}" artifacts="$dir/fuzz-artifacts/"
    mkdir -p "$corpus" "$artifacts"
    local dirs=("$corpus" "$fdir/seeds/$name")
    for d in "tests/fuzz/seeds/$name" "tests/fuzz/regressions/$name"; do [ -d "$d" ] && dirs+=("$d"); done
    local out="$dir/fuzz-$name.log"
    if "$fdir/$t" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=3072 -print_final_stats=1 -print_funcs=0 \
      -dict=tests/fuzz/json.dict -artifact_prefix="$artifacts$name-" "${dirs[@]}" >"$out" 2>&1; then
      echo "    $name: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$out" | tail -1), corpus $(ls "$corpus" | wc -l) new input(s)"
    else
      rc=1
      say "fuzz: $name FAILED — the input is in $artifacts; reproduce with: $fdir/$t <file>"
      grep -v -E '^#[0-9]+' "$out" | tail -n 60
    fi
  done
  unset ASAN_OPTIONS UBSAN_OPTIONS
  say "fuzz: $( [ $rc = 0 ] && echo passed || echo FAILED ) in $(elapsed "$t0")"
  return $rc
}

failed=()
for s in "${stages[@]}"; do
  case "$s" in
    asan | tsan | fuzz) "stage_$s" || failed+=("$s") ;;
    *) echo "usage: $0 [asan] [tsan] [fuzz]" >&2; exit 2 ;;
  esac
done
if [ ${#failed[@]} -gt 0 ]; then
  say "FAILED: ${failed[*]}"
  exit 1
fi
say "all passed (${stages[*]})"
