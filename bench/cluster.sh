#!/usr/bin/env bash
# Cluster mode on one machine: three Watchpost nodes on one PostgreSQL behind HAProxy (round robin,
# health check on /healthz), and, on the same PostgreSQL, a single node to compare with.
#
#   a. ingest: single heartbeats (bench/heartbeat.lua) and batches of 1,000 (bench/batch.lua) through
#      HAProxy to the three nodes and to the single node, alternating, ROUNDS rounds (the ratio is the
#      figure); then heartbeats sent straight to one node for targets it owns and for targets other
#      nodes own (every report forwarded): the cost of forwarding. CPU per report from /proc.
#   b. PostgreSQL per transition and per report: 10,000 targets change state twice (a burst), then
#      STEADY seconds of paced heartbeats over STEADY_TARGETS flapping targets (one history flush);
#      pg_stat_statements, WAL bytes and CPU per transition and per report.
#   c. failover, KILLS times: under that paced load, kill -9 a node (each in turn); kill -> every
#      partition owned again by a live node (polled on a survivor), kill -> alerts for QUIET targets
#      that stopped reporting at the kill (a webhook channel to a receiver in this script); restart
#      the node, the targets report again (recovery alerts), repeat. Every alert is counted by target,
#      cycle and delivery id: expected exactly one down and one recovery per quiet target per kill.
#      The paced targets must never flip and every target's recorded chain must be consistent; what
#      is not is printed with the partition's owners around it (the table is polled 4 times a second)
#      and with HAProxy's log of every answer that was not 2xx.
#
# Usage: bench/cluster.sh       (defaults: DURATION=8s ROUNDS=2 KILLS=10 QUIET=30 QUIET_LEASE=3s
#                                STEADY=60 STEADY_TARGETS=1000 STEADY_RATE=500; about 10 minutes)
#        LOGS=dir bench/cluster.sh   keeps the nodes', PostgreSQL's and HAProxy's logs and config in dir
#        PARTS=c bench/cluster.sh    only some of the parts (a, b, c; default abc)
# Needs: wrk, haproxy (apt-get install wrk haproxy), PostgreSQL server binaries (PGBIN=... to
# choose), python3. Everything binds 127.0.0.1; everything started here is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK

export DURATION=${DURATION:-8s} ROUNDS=${ROUNDS:-2} KILLS=${KILLS:-10} QUIET=${QUIET:-30} QUIET_LEASE=${QUIET_LEASE:-3s}
export STEADY=${STEADY:-60} STEADY_TARGETS=${STEADY_TARGETS:-1000} STEADY_RATE=${STEADY_RATE:-500} PARTS=${PARTS:-abc}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
for tool in wrk haproxy python3 curl; do
  command -v "$tool" >/dev/null || { echo "cluster bench: $tool is needed (apt-get install $tool)" >&2; exit 1; }
done
[ -x "${PGBIN:-}/pg_ctl" ] || { echo "cluster bench: PostgreSQL server binaries not found (apt-get install postgresql, or PGBIN=...)" >&2; exit 1; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

./watchpost --help >/dev/null # builds the server (and its start-up archive) when its sources changed

work=$(mktemp -d)
chmod 755 "$work"
export WORK=$work ROOT=$PWD JDK
as_pg() { # initdb refuses to run as root: PostgreSQL's own user runs the server then
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$work/pg" "$work/sock"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$work/pg" "$work/sock"; fi

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  # the orchestrator stops the nodes it started; whatever it left (it was killed) goes here
  if [ -n "${py_pid:-}" ]; then kill -TERM "$py_pid" 2>/dev/null; wait "$py_pid" 2>/dev/null; fi
  if [ -f "$work/pids" ]; then
    while read -r pid; do # only our nodes: their command line carries this run's directory
      if grep -qaF -- "$work" "/proc/$pid/cmdline" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    done < "$work/pids"
  fi
  if [ -n "${hp_pid:-}" ]; then kill "$hp_pid" 2>/dev/null; wait "$hp_pid" 2>/dev/null; fi
  as_pg "$PGBIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  if [ -n "${LOGS:-}" ]; then
    mkdir -p "$LOGS" && cp "$work"/*.log "$work"/haproxy.cfg "$work"/watchpost.yml "$LOGS"/ 2>/dev/null || true
    cp "$work/sock/pg.log" "$LOGS/postgresql.log" 2>/dev/null || true
    echo "logs kept in $LOGS" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export PG_PORT=$(free_port) HP_CLUSTER=$(free_port) HP_SINGLE=$(free_port) SINGLE_PORT=$(free_port) HOOK_PORT=$(free_port)
export NODE_PORTS="$(free_port) $(free_port) $(free_port)"
read -r P0 P1 P2 <<< "$NODE_PORTS"

# PostgreSQL with pg_stat_statements (writes per statement) on its own port and socket directory
as_pg "$PGBIN/initdb" -D "$work/pg" -U postgres -A trust --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$work/pg" -l "$work/sock/pg.log" -w \
  -o "-p $PG_PORT -k $work/sock -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_preload_libraries=pg_stat_statements -c log_line_prefix='%m [%p] %d %a '" \
  start >/dev/null
export PSQL="$PGBIN/psql -h $work/sock -p $PG_PORT -U postgres -At"
if [ "$(id -u)" -eq 0 ]; then export AS_PG="runuser -u postgres --"; else export AS_PG=""; fi
as_pg $PSQL -d postgres -qc "CREATE DATABASE watchpost" -c "CREATE DATABASE watchpost_single" >/dev/null
as_pg $PSQL -d watchpost -qc "CREATE EXTENSION pg_stat_statements" >/dev/null

# One configuration for every node (and the single node): a sharded group for the ingest scripts,
# paced flapping targets for the steady load, quiet targets that alert through a webhook.
cat > "$work/watchpost.yml" <<YML
groups:
  - { id: bench, shards: 10000, lease: 1h }
  - { id: soak, shards: $STEADY_TARGETS, lease: 15s }
  - { id: quiet, shards: $QUIET, lease: $QUIET_LEASE }
targets:
  - id: one
    push: { every: 1h }
channels:
  - id: hook
    webhook: { url: "\${HOOK_URL}" }
rules:
  - { id: quiet, targets: ["quiet/**"], notify: [hook] }
YML

# HAProxy: the three nodes round robin, and the single node, each behind its own front end.
cat > "$work/haproxy.cfg" <<CFG
global
    maxconn 4096
    stats socket $work/haproxy.sock mode 600 level admin
    log stdout format raw local0 info   # one line per request: the bench counts the answers that were not 2xx

defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 60s
    timeout server 30s       # a report for a dead node's target may wait for the takeover (about 6 s)
    timeout tunnel 1h        # live feeds (WebSocket)
    retries 2
    option redispatch 1      # a refused connection is tried on another node
    default-server inter 1s fall 2 rise 2

frontend watchpost
    bind 127.0.0.1:$HP_CLUSTER
    http-request deny if { path_beg /internal/ }   # node-to-node route: never from outside
    default_backend nodes

backend nodes
    balance roundrobin
    option httpchk GET /healthz
    server node-0 127.0.0.1:$P0 check
    server node-1 127.0.0.1:$P1 check
    server node-2 127.0.0.1:$P2 check

frontend single
    bind 127.0.0.1:$HP_SINGLE
    default_backend single

backend single
    option httpchk GET /healthz
    server single 127.0.0.1:$SINGLE_PORT check
CFG
haproxy -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 & hp_pid=$!
export HP_PID=$hp_pid

python3 bench/cluster.py & py_pid=$!
status=0
wait "$py_pid" || status=$?
py_pid=
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JDK/bin/java" -version 2>&1 | head -1), PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), $(haproxy -v | head -1 | awk '{print "HAProxy " $3}'), $(date -u '+%F %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
