#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test twice: a normal
# build with warnings as errors, and an AddressSanitizer + UBSan build; and
# fuzzes every parser that takes outside bytes (fuzz/, libFuzzer with ASan +
# UBSan) for SOCKD_FUZZ_SECONDS each (default 10). Ends with a summary of
# every phase, so the tail of the output says what failed.
#
# Time: the three builds run one after the other, each with every core;
# then the two test passes and the fuzzers run side by side (the tests
# mostly wait on sockets and timers, so they overlap well), each into its
# own log, printed whole once all three are done. The Chromium suites
# (ctest label `browser`) run in the normal build only.
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

# ctest in `dir`; its output is shown and kept in dir/ctest.log. Its last
# line is the pass's summary: ctest's own "N% tests passed" line and the
# failed names. Returns ctest's status.
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
    echo "$name: FAILED: ${line:-no summary} ${failed}"
  else
    echo "$name: ok: ${line}"
  fi
  return "$rc"
}

echo "== build (warnings as errors)"
configure build/ci -DCMAKE_BUILD_TYPE=Release
cmake --build build/ci -j"$jobs"

# The sanitizer build: -g1 (line tables) is enough for ASan's reports and
# compiles and links faster than full debug information.
echo "== build under AddressSanitizer + UBSan"
build_rc=0
{ configure build/asan -DCMAKE_BUILD_TYPE=Debug -DSOCKD_SANITIZE=ON \
    -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  && cmake --build build/asan -j"$jobs"; } || build_rc=$?
if [ "$build_rc" -ne 0 ]; then
  status=1
  summary+=("asan build: FAILED")
fi

fuzz_seconds=${SOCKD_FUZZ_SECONDS:-10}
fuzz_built=0
if command -v clang++ >/dev/null 2>&1; then
  echo "== build the fuzzers (clang, libFuzzer)"
  if SOCKD_FUZZ_BUILD_ONLY=1 bash scripts/fuzz.sh; then
    fuzz_built=1
  else
    status=1
    summary+=("fuzz build: FAILED")
  fi
else
  summary+=("fuzz: skipped (no clang++)")
fi

echo "== test (normal build), test under AddressSanitizer + UBSan, and fuzz every parser for ${fuzz_seconds} s, side by side"
run_tests build/ci "release" > build/ci-tests.out 2>&1 &
release_pid=$!
asan_pid=
if [ "$build_rc" -eq 0 ]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_tests build/asan "asan+ubsan" -LE browser > build/asan-tests.out 2>&1 &
  asan_pid=$!
fi
fuzz_rc=0
if [ "$fuzz_built" -eq 1 ]; then
  nice -n 10 bash scripts/fuzz.sh "$fuzz_seconds" > build/fuzz.out 2>&1 \
    || fuzz_rc=$?
fi
# Each pass writes its summary line into its output's last line (it runs in
# a subshell, so it cannot append to `summary` here).
collect() {
  local pid=$1 out=$2 rc=0
  wait "$pid" || rc=$?
  cat "$out"
  summary+=("$(tail -1 "$out")")
  [ "$rc" -eq 0 ] || status=1
}
collect "$release_pid" build/ci-tests.out
[ -z "$asan_pid" ] || collect "$asan_pid" build/asan-tests.out
if [ "$fuzz_built" -eq 1 ]; then
  cat build/fuzz.out
  if [ "$fuzz_rc" -eq 0 ]; then
    summary+=("fuzz: ok: ${fuzz_seconds} s per parser, no crash")
  else
    status=1
    summary+=("fuzz: FAILED: a parser crashed (build/fuzz/crashes/)")
  fi
fi

echo "== summary ($(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s)"
printf '%s\n' "${summary[@]}"
exit $status
