#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) and runs
# each for SECONDS (default 10), one after the other, from the seeds in
# fuzz/corpus/<target>/ plus what earlier runs of this build dir found.
# Prints executions and crashes per target (libFuzzer's final stats) and
# exits non-zero when a target crashed; the input that did it is kept in
# build/fuzz/crashes/<target>/ and named in the output.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
shift || true
all=(protocol_parse ws_reader jwt ticket query_string config)
targets=("${@:-${all[@]}}")
build=build/fuzz

# At least the default max_frame_bytes everywhere; protocol_parse four
# times that, so row 1 of issue 11 (70,000 levels, 140 KB) is a seed.
max_len() {
  case $1 in
    protocol_parse) echo 262144 ;;
    *) echo 65536 ;;
  esac
}

cxx=$(command -v clang++ || true)
if [ -z "$cxx" ]; then
  echo "fuzz: clang++ not found (scripts/install-deps.sh installs it)" >&2
  exit 2
fi
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
  "${launcher[@]}" >/dev/null
# Quiet unless it fails (ninja writes compiler errors to stdout).
if ! cmake --build "$build" -j"$(nproc)" >"$build/build.log" 2>&1; then
  grep -v -e 'pragma message' -e BOOST_PRAGMA "$build/build.log" | tail -40 >&2
  echo "fuzz: the fuzzers do not build; full log: $build/build.log" >&2
  exit 1
fi
# scripts/test.sh builds ahead of time, while other tests run.
[ "${SOCKD_FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0

status=0
rows=()
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  crashes="$build/crashes/$t"
  log="$build/logs/$t.log"
  mkdir -p "$work" "$crashes" "$(dirname "$log")"
  rc=0
  # -rss_limit_mb: a parser that grows memory without bound is a failure.
  ASAN_OPTIONS=detect_leaks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/fuzz_$t" "$work" "fuzz/corpus/$t" \
      -max_total_time="$seconds" -max_len="$(max_len "$t")" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$crashes/" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  found=$(grep -c '^artifact_prefix=\|Test unit written to' "$log" || true)
  if [ "$rc" -ne 0 ]; then
    status=1
    [ "$found" -gt 0 ] || found=1
    echo "fuzz: $t failed (exit $rc); see $log" >&2
    grep -E '^==[0-9]+==ERROR|SUMMARY|Test unit written to|runtime error' \
      "$log" | head -5 | cut -c1-160 >&2 || true
  fi
  rows+=("$(printf '%-16s %6ss %14s %8s' "$t" "$seconds" "${execs:-?}" "$found")")
done

printf '%-16s %7s %14s %8s\n' target time executions crashes
printf '%s\n' "${rows[@]}"
exit $status
