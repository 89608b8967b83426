#!/usr/bin/env bash
# Where a server's CPU goes under one scenario: starts the server as
# bench/run.sh does, runs the scenario with sockd_loadgen while `perf record`
# samples the server (and `perf stat` counts its context switches), then
# writes the hottest symbols under build-bench/profiles/.
#
#   bench/profile.sh [fanout|rooms|conns|storm] [sockd|nats|bare|bare-naive]
#   TOOL=callgrind bench/profile.sh fanout sockd
#   bench/profile.sh fanout sockd-wss    # over https/wss (bench/lib.sh)
#
# TOOL=perf (default) samples the server at PERF_FREQ Hz with call graphs.
# TOOL=massif runs sockd or the bare server under valgrind's heap profiler
# (conns: 2,000 connections) and prints the heap's biggest holders at the
# peak; divide by the connections for bytes per connection.
# TOOL=callgrind runs sockd or the bare server under valgrind and counts
# the instructions of the measured phase only (collection is switched on
# after the clients are connected); far slower, so the scenario is scaled
# down (fanout: 100 subscribers). Needs perf (apt-get install -y
# linux-perf) or valgrind, and a build from bench/run.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
SCENARIO=${1:-fanout}
PEER=${2:-sockd}
FREQ=${PERF_FREQ:-999}
TOOL=${TOOL:-perf}

if [[ $TOOL == perf ]]; then
  command -v perf >/dev/null || apt-get install -y linux-perf >/dev/null
  command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }
elif [[ $TOOL == callgrind || $TOOL == massif ]]; then
  command -v valgrind >/dev/null || apt-get install -y valgrind >/dev/null
  command -v valgrind >/dev/null || { echo "valgrind is missing" >&2; exit 1; }
else
  echo "TOOL is perf, callgrind or massif" >&2
  exit 2
fi

NAME=${PROFILE_DIR:-$BUILD/profiles}/$SCENARIO-$PEER-$TOOL
mkdir -p "$(dirname "$NAME")"
if [[ $TOOL != perf ]]; then
  [[ $PEER == sockd || $PEER == bare || $PEER == bare-naive ]] \
    || { echo "$TOOL runs sockd or the bare server only" >&2; exit 2; }
  if [[ $TOOL == callgrind ]]; then
    SERVER_WRAPPER="valgrind --tool=callgrind --instr-atstart=no"
    SERVER_WRAPPER+=" --callgrind-out-file=$NAME.out"
  else
    SERVER_WRAPPER="valgrind --tool=massif --detailed-freq=1 --threshold=0.2"
    SERVER_WRAPPER+=" --massif-out-file=$NAME.out"
  fi
  START_WAIT=120
  STOP_WAIT=120
fi

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

if [[ $TOOL == perf ]]; then
  case $SCENARIO in
    fanout) ARGS="--subscribers=1000 --window=32 --warmup=1 --duration=5" ;;
    rooms)  ARGS="--topics=1000 --per_topic=4 --rate=10000 --warmup=1"
            ARGS+=" --duration=5" ;;
    conns)  ARGS="--conns=18000 --concurrency=500" ;;
    storm)  ARGS="--clients=5000 --concurrency=500" ;;
    *) die "unknown scenario $SCENARIO" ;;
  esac
  ARGS+=" --deadline=150"
else
  # Valgrind runs the server some 50 times slower: scale down.
  case $SCENARIO in
    fanout) ARGS="--subscribers=100 --window=32 --warmup=2 --duration=5" ;;
    rooms)  ARGS="--topics=100 --per_topic=4 --rate=500 --warmup=2"
            ARGS+=" --duration=5" ;;
    conns)  ARGS="--conns=500 --concurrency=50"
            [[ $TOOL == massif ]] && ARGS="--conns=2000 --concurrency=50" ;;
    storm)  ARGS="--clients=200 --concurrency=50" ;;
    *) die "unknown scenario $SCENARIO" ;;
  esac
  ARGS+=" --deadline=600 --connect_timeout=120"
fi

# Waits (at most $2 seconds) for the load generator to print $1.
wait_marker() {
  local i
  for (( i = 0; i < $2 * 10; i++ )); do
    grep -q "sockd_loadgen: $1" "$NAME.loadgen.log" 2>/dev/null && return 0
    kill -0 "$LOADGEN_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Write calls per scenario (frames per write = deliveries / calls), where
# the kernel exposes syscall tracepoints.
syscall_events() {
  local ev list="" known
  known=$(perf list tracepoint 2>/dev/null || true)
  for ev in sendmsg sendto writev write; do
    [[ $known == *"syscalls:sys_enter_$ev "* ]] \
      && list+=",syscalls:sys_enter_$ev"
  done
  echo "$list"
}

ulimit -n "$(ulimit -Hn)"
start_server "$PEER"
log "profiling $PEER (pid $SERVER_PID) under $SCENARIO with $TOOL"
db_arg=""
[[ $PEER == sockd || $PEER == sockd-wss ]] && db_arg="--db_pid=$PG_PID"
# shellcheck disable=SC2086
timeout 900 "$LOADGEN" --scenario="$SCENARIO" --target="$TARGET" \
  --label="$PEER" --port="$PORT" --jwt_secret="$SECRET" --users="$USERS" \
  --server_pid="$SERVER_PID" $db_arg $SERVER_TLS ${LOADGEN_ARGS:-} $ARGS \
  >"$NAME.result.json" 2>"$NAME.loadgen.log" &
LOADGEN_PID=$!

# Only the measured phase is profiled: not start-up, not connecting.
wait_marker measuring 600 || die "the scenario never started measuring"
if [[ $TOOL == perf ]]; then
  perf record -F "$FREQ" --call-graph dwarf,8192 -p "$SERVER_PID" \
    -o "$NAME.perf.data" >/dev/null 2>"$NAME.record.log" &
  RECORD_PID=$!
  perf stat -e task-clock,context-switches,cpu-migrations,page-faults$(syscall_events) \
    -p "$SERVER_PID" -o "$NAME.stat.txt" &
  STAT_PID=$!
elif [[ $TOOL == callgrind ]]; then
  callgrind_control -i on "$SERVER_PID" >/dev/null
fi
wait_marker measured 900 || log "the scenario did not finish measuring"
if [[ $TOOL == perf ]]; then
  kill -INT "$RECORD_PID" "$STAT_PID" 2>/dev/null || true
  wait "$RECORD_PID" "$STAT_PID" 2>/dev/null || true
elif [[ $TOOL == callgrind ]]; then
  callgrind_control -i off "$SERVER_PID" >/dev/null
fi
wait "$LOADGEN_PID" || true
cat "$NAME.result.json"
stop_server

if [[ $TOOL == perf ]]; then
  perf report -i "$NAME.perf.data" --stdio --no-children --sort dso,symbol \
    --percent-limit 0.5 -g none 2>/dev/null >"$NAME.flat.txt" || true
  perf report -i "$NAME.perf.data" --stdio --children --sort symbol \
    --percent-limit 3 -g caller,2,callee --max-stack 24 2>/dev/null \
    >"$NAME.tree.txt" || true
  log "flat profile: $NAME.flat.txt; call trees: $NAME.tree.txt;" \
      "counters: $NAME.stat.txt"
  grep -v '^#' "$NAME.flat.txt" | grep -v '^$' | head -40
  cat "$NAME.stat.txt"
elif [[ $TOOL == massif ]]; then
  ms_print "$NAME.out" >"$NAME.txt" 2>/dev/null || true
  log "heap profile: $NAME.txt; raw: $NAME.out"
  grep -m1 -A60 'peak' "$NAME.txt" || head -80 "$NAME.txt"
else
  callgrind_annotate --inclusive=no "$NAME.out" 2>/dev/null \
    | head -60 >"$NAME.self.txt" || true
  callgrind_annotate --inclusive=yes "$NAME.out" 2>/dev/null \
    | head -80 >"$NAME.inclusive.txt" || true
  log "instructions by function: $NAME.self.txt (self)," \
      "$NAME.inclusive.txt (inclusive); raw: $NAME.out"
  cat "$NAME.self.txt"
fi
