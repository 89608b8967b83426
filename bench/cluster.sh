#!/usr/bin/env bash
# Issue 15's cluster benchmark in one command (docs/performance.md, "The
# cluster"): three sockd nodes on this machine sharing one throwaway
# PostgreSQL against one sockd node, and three nats-servers in a cluster
# (WebSocket on each) against one nats-server, interleaved per round
# (sockd x1, sockd x3, nats x1, nats x3, ...), every group started afresh.
# Clients are spread round-robin over the nodes (client i on node i mod 3,
# as a load balancer without sticky sessions would place them).
#
#   bench/cluster.sh                            # everything
#   ROUNDS=1 FAILOVER_RUNS=5 SCENARIOS="fanout failover" bench/cluster.sh
#
# Scenarios:
#   fanout    one topic, FANOUT_SUBSCRIBERS subscribers, the publisher on
#             node 1 (publishers on one node): deliveries/s, CPU/delivery
#   rooms     1,000 topics x 4 at ROOMS_RATE publishes/s, each topic's
#             publisher on its own node (publishers on all nodes)
#   storm     STORM_CLIENTS clients drop and reconnect at once: how the
#             storm spreads (per-node CPU, tickets redeemed per node)
#   failover  FAILOVER_SUBSCRIBERS on one topic, a publisher at FAILOVER_RATE
#             on a surviving node; kill -9 of the topic's owner (nats: of
#             node 3); time until every surviving subscriber receives
#             again. FAILOVER_RUNS runs per clustered setup (default 5).
# For sockd, every run reads each node's admin /metrics before and after:
# cross-node messages (sockd_cluster_messages_total) per broadcast
# (sockd_frames_received_total{result="relayed"}), which must be <= nodes.
#
# Knobs: ROUNDS, SCENARIOS, SETUPS ("sockd:1 sockd:3 nats:1 nats:3"), NODES
# (3), FAILOVER_RUNS, DURATION, the sizes above, BUILD_DIR, RESULTS_DIR,
# JOBS, SKIP_BUILD=1, SOCKD_ARGS (extra options for every sockd node),
# PERF_STAT=1 (perf stat of the nodes over the measured phase: context
# switches and write system calls, in the raw results as "perf").
# All traffic stays on 127.0.0.1; every wait is bounded; every process is
# stopped by its PID.
set -euo pipefail
# Others share these cores: wait at most 30 s for a quiet machine (lib.sh);
# the table says how much CPU other processes took meanwhile.
QUIET_WAIT=${QUIET_WAIT:-30}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
OUT=${RESULTS_DIR:-$BUILD/results}
ROUNDS=${ROUNDS:-3}
NODES=${NODES:-3}
SCENARIOS=${SCENARIOS:-"fanout rooms storm failover"}
SETUPS=${SETUPS:-"sockd:1 sockd:$NODES nats:1 nats:$NODES"}
FAILOVER_RUNS=${FAILOVER_RUNS:-5}
JOBS=${JOBS:-2}
DURATION=${DURATION:-5}
FANOUT_SUBSCRIBERS=${FANOUT_SUBSCRIBERS:-1000}
ROOMS_RATE=${ROOMS_RATE:-10000}
STORM_CLIENTS=${STORM_CLIENTS:-5000}
FAILOVER_SUBSCRIBERS=${FAILOVER_SUBSCRIBERS:-300}
FAILOVER_RATE=${FAILOVER_RATE:-1000}

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "[cluster] building Release into $BUILD (-j$JOBS)" >&2
  mkdir -p "$BUILD"
  if ! { cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
           -DSOCKD_BENCH=ON -DCMAKE_CXX_FLAGS="-g" \
         && cmake --build "$BUILD" -j"$JOBS" --target sockd sockd_loadgen \
              bare_beast_server; } >"$BUILD/bench-build.log" 2>&1; then
    tail -30 "$BUILD/bench-build.log" >&2
    echo "[cluster] build failed; full log: $BUILD/bench-build.log" >&2
    exit 1
  fi
fi
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
# shellcheck source=bench/cluster_nodes.sh
source "$ROOT/bench/cluster_nodes.sh"
trap 'nodes_kill_all; cleanup' EXIT

# lib.sh's single sockd makes the tables and grants every bench user every
# topic once; the nodes below share them.
start_server sockd
stop_server

scenario_args() {
  case $1 in
    fanout) echo "--subscribers=$FANOUT_SUBSCRIBERS --window=32 --warmup=1" \
                 "--duration=$DURATION --deadline=90" ;;
    rooms)  echo "--topics=1000 --per_topic=4 --rate=$ROOMS_RATE --warmup=1" \
                 "--duration=$DURATION --deadline=90" ;;
    storm)  echo "--clients=$STORM_CLIENTS --concurrency=500 --deadline=90" ;;
    failover) echo "--subscribers=$FAILOVER_SUBSCRIBERS" \
                   "--rate=$FAILOVER_RATE --warmup=2 --deadline=90" ;;
    *) die "unknown scenario $1" ;;
  esac
}

# owner_index TOPIC: the index of the node owning TOPIC among NODE_NAMES, by
# the rendezvous placement the tests use (tests/integration/placement.mjs).
owner_index() {
  local names owner i
  names=$(printf '"%s",' "${NODE_NAMES[@]}")
  owner=$(node -e "import('$ROOT/tests/integration/placement.mjs')
    .then((m) => console.log(m.ownerOf('$1', [${names%,}])))")
  for i in "${!NODE_NAMES[@]}"; do
    [[ ${NODE_NAMES[i]} == "$owner" ]] && { echo "$i"; return 0; }
  done
  die "no owner for $1"
}

# perf_stat_measured FILE (PERF_STAT=1): counts the nodes' context switches
# and write system calls over the load generator's measured phase (its
# "measuring"/"measured" lines), as bench/profile.sh does for one server.
perf_stat_measured() {
  local marks i
  marks=$(grep -c 'sockd_loadgen: measuring' "$WORK/loadgen.log" || true)
  for (( i = 0; i < 1200; i++ )); do # the scenario's connect phase: <= 120 s
    (( $(grep -c 'sockd_loadgen: measuring' "$WORK/loadgen.log" || true) \
       > marks )) && break
    sleep 0.1
  done
  (( i < 1200 )) || return 0
  marks=$(grep -c 'sockd_loadgen: measured ' "$WORK/loadgen.log" || true)
  perf stat -e task-clock,context-switches,syscalls:sys_enter_sendmsg,syscalls:sys_enter_writev,syscalls:sys_enter_write \
    -p "$PIDS_CSV" -o "$1" &
  local perf_pid=$!
  for (( i = 0; i < 1200; i++ )); do # the measured phase: DURATION s
    (( $(grep -c 'sockd_loadgen: measured ' "$WORK/loadgen.log" || true) \
       > marks )) && break
    sleep 0.1
  done
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" 2>/dev/null || true
}

# perf_stat_json FILE: ',"perf":{event:count,...}' from perf stat's output.
perf_stat_json() {
  [[ -s $1 ]] || return 0
  awk 'BEGIN { printf ",\"perf\":{" }
       $2 ~ /^(context-switches|syscalls:sys_enter_[a-z]+)$/ {
         gsub(",", "", $1); printf "%s\"%s\":%s", sep, $2, $1; sep="," }
       END { printf "}" }' "$1"
}

mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$OUT/cluster-$STAMP.jsonl
TABLE=$OUT/cluster-$STAMP.md
: >"$RAW"
describe_run >"$WORK/machine.txt"
cat "$WORK/machine.txt" >&2

# run_one SCENARIO KIND COUNT ROUND: one group started afresh, one run.
run_one() {
  local scenario=$1 kind=$2 count=$3 round=$4 label="$2 x$3"
  wait_quiet
  nodes_up "$kind" "$count"
  local where=(--port="${NODE_PORTS[0]}" --server_pid="${NODE_PIDS[0]}")
  (( count > 1 )) && where=(--ports="$PORTS_CSV" --server_pids="$PIDS_CSV")
  local extra=() topic="" owner=-1
  [[ $kind == sockd ]] && extra+=(--db_pid="$PG_PID")
  case $scenario in
    fanout) topic=bench/fan:0 ;;
    failover)
      topic="bench/fail:$round-$RANDOM"
      if [[ $kind == sockd ]]; then owner=$(owner_index "$topic")
      else owner=$((count - 1)); fi # nats has no owner: the last node
      extra+=(--topic="$topic" --kill_pid="${NODE_PIDS[owner]}"
              --kill_node="$owner") ;;
  esac
  [[ $kind == sockd && $owner == -1 && -n $topic && $count -gt 1 ]] \
    && owner=$(owner_index "$topic")
  local cross0=0 relayed0=0 redeemed0="[]"
  if [[ $kind == sockd ]]; then
    cross0=$(metric_sum sockd_cluster_messages_total)
    relayed0=$(metric_sum sockd_frames_received_total 'result="relayed"')
    redeemed0=$(metric_each sockd_tickets_total 'event="redeemed"')
  fi
  log "round $round: $scenario against $label (pids $PIDS_CSV${topic:+, \
topic $topic}$( (( owner >= 0 )) && echo ", owner node$((owner + 1))"))"
  local line stat_pid=""
  if [[ ${PERF_STAT:-0} == 1 && $scenario != failover ]]; then
    perf_stat_measured "$WORK/perf-$scenario-$kind$count-$round.txt" &
    stat_pid=$!
  fi
  # shellcheck disable=SC2046
  line=$(timeout 300 "$LOADGEN" --scenario="$scenario" --target="$TARGET" \
           --label="$label" --jwt_secret="$SECRET" --users="$USERS" \
           "${where[@]}" "${extra[@]}" $(scenario_args "$scenario") \
           2>>"$WORK/loadgen.log") \
    || line='{"server":"'$label'","scenario":"'$scenario'",'\
'"errors":{"loadgen_failed":1}}'
  local add="{\"nodes\":$count,\"round\":$round"
  if [[ -n $stat_pid ]]; then
    wait "$stat_pid" 2>/dev/null || true
    add+=$(perf_stat_json "$WORK/perf-$scenario-$kind$count-$round.txt")
  fi
  add+=",\"owner\":$owner"
  if [[ $kind == sockd && $scenario != failover ]]; then
    local cross relayed redeemed
    cross=$(( $(metric_sum sockd_cluster_messages_total) - cross0 ))
    relayed=$(( $(metric_sum sockd_frames_received_total 'result="relayed"') \
                - relayed0 ))
    redeemed=$(metric_each sockd_tickets_total 'event="redeemed"')
    add+=",\"cross_node_messages\":$cross,\"broadcasts\":$relayed"
    add+=",\"redeemed_before\":$redeemed0,\"redeemed_after\":$redeemed"
  fi
  local i
  for i in "${!NODE_PIDS[@]}"; do
    [[ $scenario == failover && $i == "$owner" ]] && continue # killed
    if ! kill -0 "${NODE_PIDS[i]}" 2>/dev/null; then
      log "${NODE_NAMES[i]} died during $scenario; its log ends with:"
      tail -5 "${NODE_LOGS[i]}" >&2 || true
      add+=",\"node_died\":\"${NODE_NAMES[i]}\""
    fi
  done
  add+=",\"load_avg\":\"$(cut -d' ' -f1 /proc/loadavg)\"}"
  nodes_down
  jq -c --argjson add "$add" '. + $add' <<<"$line" >>"$RAW" \
    || printf '%s\n' "$line" >>"$RAW"
  log "  $(tail -1 "$RAW" | cut -c1-240)"
}

for (( round = 1; round <= ROUNDS; round++ )); do
  for scenario in $SCENARIOS; do
    [[ $scenario == failover ]] && continue
    for setup in $SETUPS; do
      run_one "$scenario" "${setup%%:*}" "${setup##*:}" "$round"
    done
  done
done
if [[ " $SCENARIOS " == *" failover "* ]]; then
  for (( run = 1; run <= FAILOVER_RUNS; run++ )); do
    for setup in $SETUPS; do
      (( ${setup##*:} > 1 )) || continue # a single node has nothing to fail over to
      run_one failover "${setup%%:*}" "${setup##*:}" "$run"
    done
  done
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" \
  >>"$WORK/machine.txt"
node "$ROOT/bench/cluster_summary.mjs" "$RAW" "$WORK/machine.txt" | tee "$TABLE"
log "raw results: $RAW"
log "table: $TABLE"
