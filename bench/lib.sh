# Shared by bench/run.sh and bench/profile.sh (sourced, not run): finds
# the binaries, installs nats-server if missing, starts a throwaway
# PostgreSQL as the postgres user on a free loopback port, and starts and
# stops one server at a time. Every wait is bounded.
#
# Expects ROOT and BUILD to be set; sets WORK, PG_URL, PG_PID and, per
# server, SERVER_PID, PORT, TARGET and SERVER_LOG. SERVER_WRAPPER (say, a
# valgrind command line) is put in front of sockd and the bare server.
#
# A server named with -wss (sockd-wss, nats-wss, sockd-alt-wss) listens with
# https/wss only (sockd's tls_cert and tls_key, nats-server's websocket
# { tls { … } }) on a throwaway CA's certificate made here with the openssl
# CLI, and SERVER_TLS holds the load generator's arguments for it (--tls=1
# --ca=…: it verifies the chain and the name 127.0.0.1; empty when plain).
# The bare server has no TLS.

SECRET=bench-secret-0123456789abcdef0123456789
USERS=64
SCHEMA=bench

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

SOCKD=$BUILD/sockd
LOADGEN=$BUILD/bench/sockd_loadgen
BARE=$BUILD/bench/bare_beast_server
for bin in "$SOCKD" "$LOADGEN" "$BARE"; do
  [[ -x $bin ]] || die "missing $bin (build first)"
done

# --- nats-server -------------------------------------------------------------
if ! command -v nats-server >/dev/null; then
  log "installing nats-server (Debian package)"
  apt-get install -y nats-server >/dev/null 2>&1 \
    || { apt-get update >/dev/null \
         && apt-get install -y nats-server >/dev/null; }
fi
NATS=$(command -v nats-server) || die "nats-server not installed"

# --- scratch space and cleanup ---------------------------------------------
WORK=$(mktemp -d /tmp/sockd-bench.XXXXXX)
chmod 711 "$WORK" # the postgres user must reach its cluster below
SERVER_PID=""
PG_DATA=$WORK/pg/data
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -f $PG_DATA/postmaster.pid ]]; then
    runuser -u postgres -- "${PG_BIN:-/usr/lib/postgresql/15/bin}/pg_ctl" \
      -D "$PG_DATA" \
      -m immediate -t 20 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- TLS: a throwaway CA and a server certificate for 127.0.0.1 -------------
# ECDSA P-256 (what certbot issues by default), valid one day, in the
# scratch directory that cleanup removes; nothing is trusted system-wide.
# Made once, when the first -wss server starts.
TLS_CERT="" TLS_KEY="" TLS_CA=""
make_certs() {
  [[ -z $TLS_CERT ]] || return 0
  local dir=$WORK/tls
  mkdir -p "$dir"
  {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 1 \
      -subj "/CN=sockd bench CA" \
      -addext basicConstraints=critical,CA:TRUE \
      -addext keyUsage=critical,keyCertSign,cRLSign
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout "$dir/server.key" -out "$dir/server.csr" -subj "/CN=127.0.0.1"
    printf '%s\n' "subjectAltName=IP:127.0.0.1" "basicConstraints=CA:FALSE" \
      "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
      >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" \
      -CAkey "$dir/ca.key" -CAcreateserial -days 1 \
      -extfile "$dir/server.ext" -out "$dir/server.pem"
  } >"$dir/openssl.log" 2>&1 \
    || die "openssl could not make the bench certificates:" \
           "$(tail -3 "$dir/openssl.log")"
  TLS_CERT=$dir/server.pem
  TLS_KEY=$dir/server.key
  TLS_CA=$dir/ca.pem
}

# The machine's busy CPU share in percent of all cores over one second.
cpu_busy_pct() {
  local _ u n s i w q sq st b1 t1
  read -r _ u n s i w q sq st _ </proc/stat
  b1=$((u + n + s + q + sq + st)); t1=$((b1 + i + w))
  sleep 1
  read -r _ u n s i w q sq st _ </proc/stat
  local b2=$((u + n + s + q + sq + st)); local t2=$((b2 + i + w))
  echo $(( (t2 > t1) ? 100 * (b2 - b1) / (t2 - t1) : 0 ))
}

# Other engineers share these cores: wait (at most QUIET_WAIT seconds,
# default 300) until the machine is below QUIET_BUSY percent busy (default
# 15) before a measurement. Measurements taken anyway say how much CPU other
# processes took (others CPU % in the table).
wait_quiet() {
  local limit=${QUIET_WAIT:-300} waited=0 busy
  while (( waited < limit )); do
    busy=$(cpu_busy_pct)
    (( busy < ${QUIET_BUSY:-15} )) && return 0
    (( waited % 30 == 0 )) \
      && log "machine is ${busy}% busy; waiting for it to calm down"
    waited=$((waited + 1))
  done
  log "machine still ${busy}% busy after ${limit} s; measuring anyway"
}

free_port() {
  node -e "const s=require('net').createServer();
    s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Waits (at most $2 seconds) until something accepts on 127.0.0.1:$1.
wait_port() {
  local port=$1 limit=$(( $2 * 10 )) i
  for (( i = 0; i < limit; i++ )); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# --- PostgreSQL --------------------------------------------------------------
PG_BIN=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
[[ -x $PG_BIN/initdb ]] || PG_BIN=/usr/lib/postgresql/15/bin
mkdir -p "$WORK/pg"
chown postgres:postgres "$WORK/pg"
chmod 700 "$WORK/pg"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres \
  -E UTF8 --locale=C >/dev/null
PG_PORT=""
for attempt in 1 2 3; do
  PG_PORT=$(free_port)
  pg_opts="-p $PG_PORT -c listen_addresses=127.0.0.1 -k $WORK/pg"
  pg_opts+=" -c max_connections=200"
  if runuser -u postgres -- "$PG_BIN/pg_ctl" -w -t 30 -D "$PG_DATA" \
      -l "$WORK/pg/postgres.log" -o "$pg_opts" start >/dev/null; then
    break
  fi
  [[ $attempt == 3 ]] \
    && die "PostgreSQL did not start: $(tail -5 "$WORK/pg/postgres.log")"
done
PG_PID=$(head -1 "$PG_DATA/postmaster.pid")
PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
log "PostgreSQL on port $PG_PORT (pid $PG_PID)"

psql_run() { psql -X -q -At -v ON_ERROR_STOP=1 "$PG_URL" -c "$1"; }

# --- servers -----------------------------------------------------------------
# Each server may hold up to the hard limit of open files (20,000 here).
ulimit -n "$(ulimit -Hn)"
ALLOWANCES_DONE=0
SERVER_LOG=""

# start_server NAME: starts it on a fresh port; sets SERVER_PID, PORT,
# TARGET (the loadgen dialect), SERVER_TLS and SERVER_LOG. NAME-wss: the
# same server over https/wss only.
start_server() {
  local name=${1%-wss} cert="" key=""
  SERVER_TLS=""
  if [[ $1 == *-wss ]]; then
    make_certs
    cert=$TLS_CERT key=$TLS_KEY
    SERVER_TLS="--tls=1 --ca=$TLS_CA"
  fi
  PORT=$(free_port)
  SERVER_LOG=$WORK/$1-$PORT.log
  case $name in
    sockd|sockd-alt)
      # sockd-alt: another build (SOCKD_ALT) or other options (SOCKD_ALT_ARGS)
      # for before/after comparisons.
      TARGET=sockd
      local binary=$SOCKD
      # The load generator is a few users on a few loopback addresses
      # reconnecting in bursts: lift the per-user and per-address caps of
      # docs/security.md, as for the connection caps below. (An older
      # sockd-alt that lacks these options takes SOCKD_ALT_ARGS instead.)
      local extra=${SOCKD_ARGS:---max_pending_connections=100000 --max_pending_per_address=100000 --max_tickets_per_user=100000}
      if [[ $name == sockd-alt ]]; then
        binary=${SOCKD_ALT:-$SOCKD}
        extra=${SOCKD_ALT_ARGS:-$extra}
      fi
      # The admin address on a free port: the default 127.0.0.1:8081 may be
      # taken on a shared machine (an older sockd-alt ignores the variable).
      # shellcheck disable=SC2086
      SOCKD_ADMIN_LISTEN=${SOCKD_ADMIN_LISTEN:-127.0.0.1:0} \
        ${SERVER_WRAPPER:-} "$binary" --listen="127.0.0.1:$PORT" \
        --jwt_secret="$SECRET" \
        --database_url="$PG_URL" --schema="$SCHEMA" \
        --messages_per_second=1e6 --messages_burst=100000 \
        --max_connections=100000 --max_connections_per_user=100000 \
        ${cert:+--tls_cert="$cert" --tls_key="$key"} \
        $extra >"$SERVER_LOG" 2>&1 &
      ;;
    nats)
      TARGET=nats
      local client_port
      client_port=$(free_port)
      local ws_tls="no_tls: true"
      [[ -n $cert ]] && ws_tls="tls {
    cert_file: \"$cert\"
    key_file: \"$key\"
  }"
      cat >"$WORK/nats.conf" <<EOF
host: 127.0.0.1
port: $client_port
max_connections: 100000
websocket {
  listen: "127.0.0.1:$PORT"
  $ws_tls
}
EOF
      "$NATS" -c "$WORK/nats.conf" >"$SERVER_LOG" 2>&1 &
      ;;
    bare|bare-naive)
      [[ -z $cert ]] || die "the bare server has no TLS: there is no $1"
      ;;&
    bare)
      TARGET=sockd
      # shellcheck disable=SC2086
      ${SERVER_WRAPPER:-} "$BARE" --listen="127.0.0.1:$PORT" --threads=2 \
        --mode=coalesce \
        >"$SERVER_LOG" 2>&1 &
      ;;
    bare-naive)
      TARGET=sockd
      # shellcheck disable=SC2086
      ${SERVER_WRAPPER:-} "$BARE" --listen="127.0.0.1:$PORT" --threads=2 \
        --mode=naive \
        >"$SERVER_LOG" 2>&1 &
      ;;
    *) die "unknown server $1" ;;
  esac
  SERVER_PID=$!
  if ! wait_port "$PORT" "${START_WAIT:-30}"; then
    tail -20 "$SERVER_LOG" >&2 || true
    die "$name did not start listening on $PORT"
  fi
  if [[ $name == sockd* && $ALLOWANCES_DONE == 0 ]]; then
    # sockd created its tables at start; let every bench user subscribe to
    # every topic ('*').
    local sql="INSERT INTO $SCHEMA.topic_allowances(user_sub, topic_pattern)
      SELECT 'bench-' || n, '*' FROM generate_series(0, $((USERS - 1))) n
      WHERE NOT EXISTS (SELECT 1 FROM $SCHEMA.topic_allowances
                        WHERE user_sub = 'bench-' || n AND topic_pattern = '*')"
    local i
    for (( i = 0; i < 40; i++ )); do
      psql_run "$sql" 2>/dev/null && { ALLOWANCES_DONE=1; break; }
      if (( i == 0 )); then
        # sockd migrates when its database workers first connect: one
        # (refused) subscription makes them.
        # shellcheck disable=SC2086
        timeout 60 "$LOADGEN" --scenario=conns --conns=1 --concurrency=1 \
          --target=sockd --port="$PORT" --jwt_secret="$SECRET" \
          --deadline=30 $SERVER_TLS >/dev/null 2>&1 || true
      fi
      sleep 0.5
    done
    [[ $ALLOWANCES_DONE == 1 ]] || die "cannot insert topic_allowances rows"

  fi
}

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  local i limit=$(( ${STOP_WAIT:-15} * 10 ))
  for (( i = 0; i < limit; i++ )); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    log "server $SERVER_PID ignored SIGTERM for ${STOP_WAIT:-15} s: killing it"
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}


# The machine, the peer and the exact sources measured, one line each, for
# the head of a results table (run.sh, cluster.sh); `extra` lines follow.
describe_run() {
  echo "machine: $(nproc) cores," \
       "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
       "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
       "kernel $(uname -r)"
  echo "nats-server: $("$NATS" --version 2>&1 | head -1)"
  echo "compiler: $(c++ --version | head -1)"
  # The tree moves fast: name the exact sources that were measured.
  echo "sources: $(cd "$ROOT" && find actors app auth cluster config db \
    interfaces net protocol support -name '*.[ch]pp' -print0 | sort -z \
    | xargs -0 cat | sha256sum | cut -c1-16) (sha256 of the server's" \
    "sources), $(date -u +%FT%TZ)"
  local line
  for line in "$@"; do echo "$line"; done
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
