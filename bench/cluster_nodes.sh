# shellcheck shell=bash
# (The variables below are read by bench/cluster.sh, which sources this.)
# shellcheck disable=SC2034
# Starts and stops a group of servers for bench/cluster.sh (sourced after
# bench/lib.sh, not run): COUNT sockd nodes sharing lib.sh's PostgreSQL, or
# COUNT nats-servers in one cluster with WebSocket on each. COUNT=1 is a
# single server started the same way (sockd without any cluster option,
# nats-server without a cluster block). Every wait is bounded; every
# process is stopped by its PID.
#
# Sets NODE_PIDS, NODE_PORTS (WebSocket/HTTP ports, comma-separated too in
# PORTS_CSV and PIDS_CSV), NODE_ADMIN (sockd: admin ports for /metrics),
# NODE_NAMES and NODE_LOGS, and TARGET (the load generator's dialect).

NODE_PIDS=() NODE_PORTS=() NODE_ADMIN=() NODE_NAMES=() NODE_LOGS=()
PORTS_CSV="" PIDS_CSV="" TARGET=""

# nodes_up KIND COUNT: KIND is sockd or nats.
nodes_up() {
  local kind=$1 count=$2 i
  NODE_PIDS=() NODE_PORTS=() NODE_ADMIN=() NODE_NAMES=() NODE_LOGS=()
  local seeds=() cports=()
  for (( i = 0; i < count; i++ )); do
    NODE_PORTS+=("$(free_port)")
    NODE_ADMIN+=("$(free_port)")
    cports+=("$(free_port)")
    NODE_NAMES+=("node$((i + 1))")
  done
  for (( i = 0; i < count; i++ )); do
    local log=$WORK/$kind$count-${NODE_NAMES[i]}-${NODE_PORTS[i]}.log
    NODE_LOGS+=("$log")
    case $kind in
      sockd)
        TARGET=sockd
        local cluster_args=()
        if (( count > 1 )); then
          # Each node seeds with the ones started before it, as
          # docs/cluster.md shows; the node table finds the rest.
          cluster_args=(--node_name="${NODE_NAMES[i]}"
                        --cluster_listen="127.0.0.1:${cports[i]}")
          (( i > 0 )) && cluster_args+=(--cluster_seeds="$(IFS=,; \
            echo "${seeds[*]}")")
          seeds+=("127.0.0.1:${cports[i]}")
        fi
        # The options of lib.sh's start_server: the load generator is a few
        # users on a few loopback addresses, so the caps are lifted.
        # shellcheck disable=SC2086
        "$SOCKD" --listen="127.0.0.1:${NODE_PORTS[i]}" \
          --admin_listen="127.0.0.1:${NODE_ADMIN[i]}" \
          --jwt_secret="$SECRET" --database_url="$PG_URL" --schema="$SCHEMA" \
          --messages_per_second=1e6 --messages_burst=100000 \
          --max_connections=100000 --max_connections_per_user=100000 \
          --max_pending_connections=100000 --max_pending_per_address=100000 \
          --max_tickets_per_user=100000 "${cluster_args[@]}" \
          ${SOCKD_ARGS:-} >"$log" 2>&1 &
        ;;
      nats)
        TARGET=nats
        local conf=$WORK/nats-$count-$i.conf cluster_block=""
        if (( count > 1 )); then
          local j r=""
          for (( j = 0; j < count; j++ )); do
            (( j == i )) || r+="${r:+, }\"nats-route://127.0.0.1:${cports[j]}\""
          done
          cluster_block="cluster {
  name: bench
  listen: \"127.0.0.1:${cports[i]}\"
  routes: [ $r ]
}"
        fi
        cat >"$conf" <<EOF
server_name: ${NODE_NAMES[i]}
host: 127.0.0.1
port: $(free_port)
http: "127.0.0.1:${NODE_ADMIN[i]}"
max_connections: 100000
$cluster_block
websocket {
  listen: "127.0.0.1:${NODE_PORTS[i]}"
  no_tls: true
}
EOF
        "$NATS" -c "$conf" >"$log" 2>&1 &
        ;;
      *) die "unknown kind $kind" ;;
    esac
    NODE_PIDS+=("$!")
    wait_port "${NODE_PORTS[i]}" "${START_WAIT:-30}" \
      || { tail -20 "$log" >&2; die "$kind ${NODE_NAMES[i]} did not listen"; }
  done
  PORTS_CSV=$(IFS=,; echo "${NODE_PORTS[*]}")
  PIDS_CSV=$(IFS=,; echo "${NODE_PIDS[*]}")
  (( count > 1 )) || return 0
  # Measure a formed cluster only: every node sees all the others.
  local tries
  for (( tries = 0; tries < 300; tries++ )); do
    local formed=1
    for (( i = 0; i < count; i++ )); do
      local seen
      if [[ $kind == sockd ]]; then
        seen=$(node_metric "$i" sockd_cluster_nodes)
        [[ ${seen%.*} == "$count" ]] || formed=0
      else
        seen=$(curl -s -m 2 "http://127.0.0.1:${NODE_ADMIN[i]}/routez" \
                 | jq -r .num_routes 2>/dev/null)
        [[ $seen == "$((count - 1))" ]] || formed=0
      fi
    done
    (( formed )) && return 0
    sleep 0.1
  done
  die "$kind cluster of $count did not form in 30 s (logs: ${NODE_LOGS[*]})"
}

# nodes_down: SIGTERM each node, SIGKILL what is left after STOP_WAIT.
nodes_down() {
  local pid i
  for pid in "${NODE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${NODE_PIDS[@]}"; do
    for (( i = 0; i < ${STOP_WAIT:-15} * 10; i++ )); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "node $pid ignored SIGTERM: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  NODE_PIDS=()
}

nodes_kill_all() {
  local pid
  for pid in "${NODE_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

# node_metric INDEX NAME [LABELS]: a sockd node's /metrics sample, summed
# over the series whose labels contain LABELS ("" when unreachable).
node_metric() {
  curl -s -m 2 "http://127.0.0.1:${NODE_ADMIN[$1]}/metrics" \
    | awk -v name="$2" -v want="${3:-}" '
        $1 == name || index($1, name "{") == 1 {
          if (want == "" || index($1, want)) { sum += $2; hit = 1 }
        }
        END { if (hit) printf "%.0f\n", sum }'
}

# metric_sum NAME [LABELS]: node_metric summed over the nodes.
metric_sum() {
  local i total=0 v
  for (( i = 0; i < ${#NODE_PIDS[@]}; i++ )); do
    v=$(node_metric "$i" "$1" "${2:-}")
    total=$(( total + ${v:-0} ))
  done
  echo "$total"
}

# metric_each NAME [LABELS]: node_metric of each node as a JSON array.
metric_each() {
  local i out="" v
  for (( i = 0; i < ${#NODE_PIDS[@]}; i++ )); do
    v=$(node_metric "$i" "$1" "${2:-}" || true)
    out+="${out:+,}${v:-null}"
  done
  echo "[${out}]"
}
