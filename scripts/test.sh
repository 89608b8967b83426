#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test twice: a normal
# build with warnings as errors, and an AddressSanitizer + UBSan build; then
# fuzzes every parser that takes outside bytes (fuzz/, libFuzzer with ASan +
# UBSan) for SOCKD_FUZZ_SECONDS each (default 20).
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
run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DSOCKD_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  (cd "$dir" && ctest --output-on-failure -j1) || status=1
}

echo "== build and test (warnings as errors)"
run_suite build/ci -DCMAKE_BUILD_TYPE=Release
# Fuzzing before the sanitizer pass, so ctest's summary closes the run.
fuzz_seconds=${SOCKD_FUZZ_SECONDS:-20}
if command -v clang++ >/dev/null 2>&1; then
  echo "== fuzz every parser for ${fuzz_seconds} s (libFuzzer, ASan + UBSan)"
  bash scripts/fuzz.sh "$fuzz_seconds" || status=1
else
  echo "== fuzzing skipped: clang++ not found"
fi
echo "== build and test under AddressSanitizer + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build/asan -DCMAKE_BUILD_TYPE=Debug -DSOCKD_SANITIZE=ON
exit $status
