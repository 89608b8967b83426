#!/usr/bin/env bash
# Issue 6's benchmark in one command: builds Release into build-bench/,
# installs nats-server if missing, starts a throwaway PostgreSQL (as the
# postgres user, on a free loopback port), then for each round and each
# scenario starts every server afresh and drives it with sockd_loadgen,
# peers interleaved (sockd nats bare sockd nats bare ...). Prints the table
# and writes it, with the raw results, under build-bench/results/.
#
#   bench/run.sh                      # everything, 3 rounds
#   ROUNDS=1 SCENARIOS="fanout" bench/run.sh
#   TLS=1 SCENARIOS=fanout bench/run.sh   # wss and plain, sockd and nats
#
# Knobs (environment): ROUNDS, SCENARIOS, PEERS, NAIVE_SCENARIOS (scenarios
# that also run the bare server in one-write-per-message mode), BUILD_DIR,
# RESULTS_DIR, JOBS, SKIP_BUILD=1, FANOUT_SUBSCRIBERS, ROOMS_RATE,
# CONNS, STORM_CLIENTS, DURATION; SOCKD_ARGS (extra sockd options), and for
# A/B runs a second sockd, peer name sockd-alt: SOCKD_ALT (its binary,
# default the same) and SOCKD_ALT_ARGS (its options, default SOCKD_ARGS).
# A peer named NAME-wss is that server over https/wss only, with a throwaway
# CA's certificate the load generator verifies (bench/lib.sh). TLS=1 makes
# the peers "sockd-wss nats-wss sockd nats": both over wss and, interleaved
# in the same session, plain for scale (the bare server has no TLS).
# All traffic stays on 127.0.0.1; every wait below is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
OUT=${RESULTS_DIR:-$BUILD/results}
ROUNDS=${ROUNDS:-3}
SCENARIOS=${SCENARIOS:-"fanout rooms conns storm"}
if [[ ${TLS:-0} == 1 ]]; then
  PEERS=${PEERS:-"sockd-wss nats-wss sockd nats"}
  NAIVE_SCENARIOS=${NAIVE_SCENARIOS:-""}
else
  PEERS=${PEERS:-"sockd nats bare"}
  NAIVE_SCENARIOS=${NAIVE_SCENARIOS:-"fanout"}
fi
JOBS=${JOBS:-2}
DURATION=${DURATION:-5}
FANOUT_SUBSCRIBERS=${FANOUT_SUBSCRIBERS:-1000}
ROOMS_RATE=${ROOMS_RATE:-10000}
CONNS=${CONNS:-18000}
STORM_CLIENTS=${STORM_CLIENTS:-5000}
LOADGEN_ARGS=${LOADGEN_ARGS:-} # extra sockd_loadgen options, e.g. --ticket_keepalive=1

# --- build -----------------------------------------------------------------
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "[bench] building Release into $BUILD (-j$JOBS)" >&2
  # -g only adds symbols (for bench/profile.sh); the code is Release's.
  mkdir -p "$BUILD"
  if ! { cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
           -DSOCKD_BENCH=ON -DCMAKE_CXX_FLAGS="-g" \
         && cmake --build "$BUILD" -j"$JOBS" --target sockd sockd_loadgen \
              bare_beast_server; } >"$BUILD/bench-build.log" 2>&1; then
    grep -v -e 'pragma message' -e BOOST_PRAGMA "$BUILD/bench-build.log" \
      | tail -30 >&2
    echo "[bench] build failed; full log: $BUILD/bench-build.log" >&2
    exit 1
  fi
fi
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

scenario_args() {
  case $1 in
    fanout) echo "--subscribers=$FANOUT_SUBSCRIBERS --window=32 --warmup=1" \
                 "--duration=$DURATION --deadline=90" ;;
    rooms)  echo "--topics=1000 --per_topic=4 --rate=$ROOMS_RATE --warmup=1" \
                 "--duration=$DURATION --deadline=90" ;;
    conns)  echo "--conns=$CONNS --concurrency=500 --deadline=150" ;;
    storm)  echo "--clients=$STORM_CLIENTS --concurrency=500 --deadline=90" ;;
    *) die "unknown scenario $1" ;;
  esac
}

# --- the runs ----------------------------------------------------------------
mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$OUT/results-$STAMP.jsonl
TABLE=$OUT/results-$STAMP.md
: >"$RAW"
transport=()
if [[ " $PEERS " == *-wss* ]]; then
  transport=("transport: plain http + ws; peers named -wss: https + wss only, throwaway ECDSA P-256 CA and server certificate (bench/lib.sh), verified by the load generator")
fi
describe_run "${transport[@]}" >"$WORK/machine.txt"
cat "$WORK/machine.txt" >&2

for (( round = 1; round <= ROUNDS; round++ )); do
  for scenario in $SCENARIOS; do
    peers=$PEERS
    [[ " $NAIVE_SCENARIOS " == *" $scenario "* ]] && peers="$peers bare-naive"
    for peer in $peers; do
      wait_quiet
      start_server "$peer"
      log "round $round/$ROUNDS: $scenario against $peer" \
          "(pid $SERVER_PID, port $PORT)"
      db_arg=""
      [[ $peer == sockd* ]] && db_arg="--db_pid=$PG_PID"
      # SERVER_TLS: the load generator's --tls/--ca for a -wss server.
      # shellcheck disable=SC2046,SC2086
      line=$(timeout 300 "$LOADGEN" --scenario="$scenario" --target="$TARGET" \
               --label="$peer" --port="$PORT" --jwt_secret="$SECRET" \
               --users="$USERS" --server_pid="$SERVER_PID" $db_arg \
               $SERVER_TLS $LOADGEN_ARGS \
               $(scenario_args "$scenario") 2>>"$WORK/loadgen.log") \
        || line='{"server":"'$peer'","scenario":"'$scenario'",'\
'"errors":{"loadgen_failed":1}}'
      if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        log "$peer died during $scenario; its log ends with:"
        tail -5 "$SERVER_LOG" >&2 || true
        line=${line%\}}',"server_died":true}'
      fi
      stop_server
      load=$(cut -d' ' -f1 /proc/loadavg)
      printf '%s\n' "${line%\}},\"round\":$round,\"load_avg\":\"$load\"}" >>"$RAW"
      log "  $(tail -1 "$RAW" | cut -c1-200)"
    done
  done
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" \
  >>"$WORK/machine.txt"
node "$ROOT/bench/summarize.mjs" "$RAW" "$WORK/machine.txt" | tee "$TABLE"
log "raw results: $RAW"
log "table: $TABLE"
