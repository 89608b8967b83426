#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test twice: a normal
# build with warnings as errors, and an AddressSanitizer + UBSan build; and
# fuzzes every parser that takes outside bytes (fuzz/, libFuzzer with ASan +
# UBSan) for SOCKD_FUZZ_SECONDS each (default 10). Ends with a summary of
# every phase, so the tail of the output says what failed.
#
# Time: the sanitizer and fuzz builds compile at the lowest CPU priority
# while the normal build's tests run (those mostly wait on sockets and
# timers), and the Chromium suites (ctest label `browser`) run in the
# normal build only.
set -euo pipefail
cd "$(dirname "$0")/.."

SOCKD_WITH_BROWSER=1 bash scripts/install-deps.sh
for dir in tests/integration clients/js; do
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

jobs=$(nproc)
status=0
summary=()
started=$SECONDS

configure() {
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DSOCKD_WERROR=ON "$@" >/dev/null
}

# ctest in `dir`; its output is shown and kept in dir/ctest.log. Adds one
# summary line: ctest's own "N% tests passed" line and the failed names.
run_tests() {
  local dir=$1 name=$2; shift 2
  local rc=0
  (cd "$dir" && ctest --output-on-failure -j1 "$@" 2>&1 | tee ctest.log) \
    || rc=$?
  local line failed
  line=$(grep -E '^[0-9]+% tests passed' "$dir/ctest.log" | tail -1 || true)
  failed=$(sed -n '/^The following tests FAILED:/,$p' "$dir/ctest.log" \
    | grep -E '^[[:space:]]+[0-9]+ - ' | sed -E 's/^[[:space:]]+[0-9]+ - //' \
    | tr '\n' ';' || true)
  if [ "$rc" -ne 0 ]; then
    status=1
    summary+=("$name: FAILED: ${line:-no summary} ${failed}")
  else
    summary+=("$name: ok: ${line}")
  fi
}

echo "== build and test (warnings as errors)"
configure build/ci -DCMAKE_BUILD_TYPE=Release
cmake --build build/ci -j"$jobs"

# Meanwhile, at the lowest priority: the sanitizer build and the fuzzers.
mkdir -p build
background_log=build/background-build.log
(
  configure build/asan -DCMAKE_BUILD_TYPE=Debug -DSOCKD_SANITIZE=ON \
    && nice -n 19 cmake --build build/asan -j"$jobs" \
    && { ! command -v clang++ >/dev/null 2>&1 \
         || SOCKD_FUZZ_BUILD_ONLY=1 nice -n 19 bash scripts/fuzz.sh; }
) >"$background_log" 2>&1 &
background=$!

run_tests build/ci "release"

background_rc=0
wait "$background" || background_rc=$?
if [ "$background_rc" -ne 0 ]; then
  echo "== the sanitizer or fuzz build failed:"
  tail -60 "$background_log"
  status=1
  summary+=("sanitizer/fuzz build: FAILED (see $background_log)")
else
  summary+=("sanitizer/fuzz build: ok")
fi

fuzz_seconds=${SOCKD_FUZZ_SECONDS:-10}
if [ "$background_rc" -eq 0 ] && command -v clang++ >/dev/null 2>&1; then
  echo "== fuzz every parser for ${fuzz_seconds} s (libFuzzer, ASan + UBSan)"
  if bash scripts/fuzz.sh "$fuzz_seconds"; then
    summary+=("fuzz: ok: ${fuzz_seconds} s per parser, no crash")
  else
    status=1
    summary+=("fuzz: FAILED: a parser crashed (build/fuzz/crashes/)")
  fi
elif [ "$background_rc" -eq 0 ]; then
  echo "== fuzzing skipped: clang++ not found"
  summary+=("fuzz: skipped (no clang++)")
fi

if [ "$background_rc" -eq 0 ]; then
  echo "== test under AddressSanitizer + UBSan (browser suites: normal build only)"
  cmake --build build/asan -j"$jobs" >/dev/null
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_tests build/asan "asan+ubsan" -LE browser
fi

echo "== summary ($(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s)"
printf '%s\n' "${summary[@]}"
exit $status
